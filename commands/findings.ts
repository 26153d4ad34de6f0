import { z } from 'zod';
import { defineCommand } from './command';
import { SEVERITIES, severityRank, type Severity } from '../src/core/model';
import { visibleReport } from '../src/app/visible-report';
import { renderFindingsMessage, renderScanningMessage } from '../src/core/render/blocks';
import { suggest } from '../src/core/suggest';
import { narrowAcceptedRisks } from '../src/core/render/report';
import { commandScanOptions, refuseFreshScan, renderNotAllowed, renderNothingVisible } from './scan-feedback';

const FILTERABLE = ['critical', 'high', 'medium', 'low'] as const;

export const FindingsArgs = z
  .object({
    positionals: z.array(z.string()),
    flags: z.object({ limit: z.string().optional(), share: z.boolean().optional(), fresh: z.boolean().optional() }),
  })
  .transform((raw, ctx) => {
    let severity: Severity | undefined;
    let account: string | undefined;
    for (const word of raw.positionals) {
      const lower = word.toLowerCase();
      const typo = /\d/.test(word) ? undefined : suggest(lower, FILTERABLE);
      if ((FILTERABLE as readonly string[]).includes(lower) && !severity) severity = lower as Severity;
      else if (typo && typo !== lower) {
        ctx.addIssue({ code: 'custom', message: `unknown severity "${word}" — did you mean \`${typo}\`?` });
        return z.NEVER;
      } else if (!account) account = word;
      else {
        ctx.addIssue({ code: 'custom', message: `unexpected "${word}": give at most one severity and one account` });
        return z.NEVER;
      }
    }
    let limit = 20;
    if (raw.flags.limit !== undefined) {
      const n = Number(raw.flags.limit);
      if (!Number.isInteger(n) || n < 1 || n > 500) {
        ctx.addIssue({
          code: 'custom',
          message: `--limit must be a whole number from 1 to 500, not "${raw.flags.limit}"`,
        });
        return z.NEVER;
      }
      limit = n;
    }
    return { severity, account, limit, share: raw.flags.share === true, fresh: raw.flags.fresh === true };
  });
export type FindingsArgs = z.infer<typeof FindingsArgs>;

export default defineCommand<FindingsArgs>({
  name: 'findings',
  usage: '/cloudsec findings [critical|high|medium|low] [account] [--limit N] [--fresh] [--share]',
  description: 'Security Hub findings, newest first: at or above a severity, for one account or all you may see.',
  permission: 'findings:read',
  flags: { limit: { type: 'string' }, share: { type: 'boolean' }, fresh: { type: 'boolean' } },
  args: FindingsArgs,
  accountOf: (a) => a.account,
  shareOf: (a) => a.share,
  run: async (ctx, args) => {
    const { deps, responder, visibility } = ctx;
    if (await refuseFreshScan(ctx, args.fresh)) return;
    await responder.send(renderScanningMessage({ services: ['securityhub'] }), { visibility });
    const { settled, onProgress, ...updates } = commandScanOptions(ctx, ['securityhub']);
    const answer = await visibleReport(deps, {
      actor: ctx.actor,
      permission: 'findings:read',
      channel: ctx.invocation.channel,
      request: {
        service: 'securityhub',
        ...(ctx.account ? { accountIds: [ctx.account.id] } : {}),
        fresh: args.fresh,
        onProgress,
      },
      reuse: 'recent',
      ...updates,
    }).finally(settled);
    if (!answer.ok) {
      await responder.send(renderNotAllowed(answer.reason), { visibility: 'ephemeral', replace: true });
      return;
    }
    const { report } = answer;
    if (report.empty) {
      await responder.send(renderNothingVisible(ctx, 'findings:read', report.empty), { visibility, replace: true });
      return;
    }
    const floor = args.severity ? severityRank(args.severity) : SEVERITIES.length;
    const hub = report.findings
      .filter((f) => f.source === 'securityhub' && severityRank(f.severity) <= floor)
      .sort((a, b) => b.observedAt.localeCompare(a.observedAt))
      .slice(0, args.limit);
    await responder.send(
      renderFindingsMessage(
        {
          findings: hub,
          filter: {
            ...(args.severity ? { severity: args.severity } : {}),
            ...(ctx.account ? { accountId: ctx.account.id } : {}),
          },
          generatedAt: report.generatedAt,
          demo: report.demo,
          accounts: report.accounts.map((a) => ({ id: a.id, name: a.name })),
          // Security Hub findings this answer would list but an accepted risk hides: counted, reachable.
          acceptedRisks: narrowAcceptedRisks(
            report.acceptedRisks,
            (f) =>
              f.source === 'securityhub' &&
              severityRank(f.severity) <= floor &&
              (!ctx.account || f.accountId === ctx.account.id),
            hub,
          ),
        },
        {
          now: deps.clock(),
          remediationEnabled: deps.features.remediation,
          acceptRiskEnabled: deps.features.acceptRisk,
          whoDidThisEnabled: deps.features.whoDidThis,
          scopeKey: report.scopeKey,
          requestedBy: ctx.actor.userId,
        },
      ),
      { visibility, replace: true },
    );
  },
});
