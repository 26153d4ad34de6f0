import { z } from 'zod';
import { defineCommand, type CommandContext } from './command';
import { SERVICE_SELECTORS, checkRegionName, isRegionWord, type ServiceSelector } from '../src/app/run-check';
import { suggest } from '../src/core/suggest';
import { visibleReport } from '../src/app/visible-report';
import { renderCheckMessage, renderScanningMessage } from '../src/core/render/blocks';
import { commandScanOptions, refuseFreshScan, renderNotAllowed, renderNothingVisible } from './scan-feedback';

export const CheckArgs = z
  .object({
    positionals: z.array(z.string()),
    flags: z.object({
      fresh: z.boolean().optional(),
      share: z.boolean().optional(),
      region: z.string().optional(),
    }),
  })
  .transform((raw, ctx) => {
    const [service, ...rest] = raw.positionals;
    if (!service) {
      ctx.addIssue({ code: 'custom', message: `say what to check: ${SERVICE_SELECTORS.join(', ')}` });
      return z.NEVER;
    }
    const selector = service.toLowerCase();
    if (!(SERVICE_SELECTORS as readonly string[]).includes(selector)) {
      const near = suggest(selector, SERVICE_SELECTORS);
      ctx.addIssue({
        code: 'custom',
        message: `cloudsec cannot check "${service}"${near ? ` — did you mean \`${near}\`?` : ''} (one of ${SERVICE_SELECTORS.join(', ')})`,
      });
      return z.NEVER;
    }
    let account: string | undefined;
    let region = raw.flags.region;
    for (const word of rest) {
      if (isRegionWord(word) && !region) region = word;
      else if (!isRegionWord(word) && !account) account = word;
      else {
        ctx.addIssue({ code: 'custom', message: `unexpected "${word}": give at most one account and one region` });
        return z.NEVER;
      }
    }
    let checkedRegion: string | undefined;
    if (region !== undefined) {
      const checked = checkRegionName(region, (name) => `\`${name}\``);
      if (!checked.ok) {
        ctx.addIssue({ code: 'custom', message: checked.reason });
        return z.NEVER;
      }
      checkedRegion = checked.region;
    }
    return {
      service: selector as ServiceSelector,
      account,
      region: checkedRegion,
      fresh: raw.flags.fresh === true,
      share: raw.flags.share === true,
    };
  });
export type CheckArgs = z.infer<typeof CheckArgs>;

export const runCheckCommand = async (ctx: CommandContext, args: CheckArgs): Promise<void> => {
  const { deps, responder, visibility } = ctx;
  const services = args.service === 'all' ? SERVICE_SELECTORS.filter((s) => s !== 'all') : [args.service];
  if (await refuseFreshScan(ctx, args.fresh)) return;
  await responder.send(renderScanningMessage({ services }), { visibility });
  const { settled, onProgress, ...updates } = commandScanOptions(ctx, services);
  const answer = await visibleReport(deps, {
    actor: ctx.actor,
    permission: 'check:run',
    channel: ctx.invocation.channel,
    request: {
      service: args.service,
      ...(ctx.account ? { accountIds: [ctx.account.id] } : {}),
      ...(args.region ? { regions: [args.region] } : {}),
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
    await responder.send(renderNothingVisible(ctx, 'check:run', report.empty), { visibility, replace: true });
    return;
  }
  await responder.send(
    renderCheckMessage(report.checkReport, {
      now: deps.clock(),
      remediationEnabled: deps.features.remediation,
      acceptRiskEnabled: deps.features.acceptRisk,
      whoDidThisEnabled: deps.features.whoDidThis,
      scopeKey: report.scopeKey,
      requestedBy: ctx.actor.userId,
    }),
    { visibility, replace: true },
  );
};

export default defineCommand<CheckArgs>({
  name: 'check',
  usage: '/cloudsec check <s3|iam|cloudtrail|ec2|securityhub|all> [account] [region | --region R] [--fresh] [--share]',
  description: 'Check the posture of a service (or all) across the accounts and regions you may see.',
  permission: 'check:run',
  flags: { fresh: { type: 'boolean' }, share: { type: 'boolean' }, region: { type: 'string' } },
  args: CheckArgs,
  accountOf: (a) => a.account,
  shareOf: (a) => a.share,
  run: runCheckCommand,
});
