import { z } from 'zod';
import { defineCommand } from './command';
import { SEVERITIES, severityRank, type Severity } from '../src/core/model';
import { visiblePart } from '../src/app/visible-findings';
import { renderFindingsMessage, renderScanningMessage } from '../src/core/render/blocks';
import { suggest } from '../src/core/suggest';
import { commandScanOptions, refuseFreshScan, renderNothingVisible } from './scan-feedback';

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
    const { settled, onProgress, ...options } = commandScanOptions(ctx, 'findings:read', ['securityhub']);
    const result = await deps.scans
      .run(
        {
          service: 'securityhub',
          ...(ctx.account ? { accountIds: [ctx.account.id] } : {}),
          fresh: args.fresh,
          onProgress,
        },
        options,
      )
      .finally(settled);
    const shown = visiblePart(ctx.actor, 'findings:read', deps.config, result.snapshot, result.findings);
    if (shown.accountIds.size === 0) {
      await responder.send(renderNothingVisible(ctx, 'findings:read', result.snapshot.accounts.length), {
        visibility,
        replace: true,
      });
      return;
    }
    const floor = args.severity ? severityRank(args.severity) : SEVERITIES.length;
    const hub = shown.findings
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
          generatedAt: result.snapshot.generatedAt,
          demo: result.snapshot.demo,
          accounts: result.snapshot.accounts
            .filter((a) => shown.accountIds.has(a.accountId))
            .map((a) => ({ id: a.accountId, name: a.accountName })),
        },
        {
          now: deps.clock(),
          remediationEnabled: deps.features.remediation,
          scopeKey: result.scopeKey,
          requestedBy: ctx.actor.userId,
        },
      ),
      { visibility, replace: true },
    );
  },
});
