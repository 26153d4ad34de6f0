import { z } from 'zod';
import { defineCommand, type CommandContext } from './command';
import { SERVICE_SELECTORS, type ServiceSelector } from '../src/app/run-check';
import { suggest } from '../src/core/suggest';
import { checkRegionNames, describeUnknownRegion, isKnownRegion, suggestRegion } from '../src/aws/region-names';
import { visiblePart } from '../src/app/visible-findings';
import { buildCheckReport } from '../src/core/render/report';
import { renderCheckMessage, renderScanningMessage } from '../src/core/render/blocks';
import { commandScanOptions, refuseFreshScan, renderNothingVisible } from './scan-feedback';

/**
 * A region, or a near miss of one (`us-eats-1`), so a typo is reported as a region rather than
 * looked up as an account; an account name that merely has a region's shape (`acme-prod-2`) is
 * too far from every region to be taken for one.
 */
const isRegionWord = (word: string) =>
  /^[a-z]{2,4}(-[a-z]+)+-\d+$/i.test(word) && (isKnownRegion(word.toLowerCase()) || suggestRegion(word) !== undefined);

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
    let regions: string[] | undefined;
    if (region !== undefined) {
      // Checked before any scan: a misspelt region would be scanned, fail, and answer only "unknown".
      const checked = checkRegionNames([region]);
      if (!checked.ok) {
        ctx.addIssue({ code: 'custom', message: describeUnknownRegion(checked, (name) => `\`${name}\``) });
        return z.NEVER;
      }
      regions = checked.regions;
    }
    return {
      service: selector as ServiceSelector,
      account,
      region: regions?.[0],
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
  const { settled, onProgress, ...options } = commandScanOptions(ctx, 'check:run', services);
  const result = await deps.scans
    .run(
      {
        service: args.service,
        ...(ctx.account ? { accountIds: [ctx.account.id] } : {}),
        ...(args.region ? { regions: [args.region] } : {}),
        fresh: args.fresh,
        onProgress,
      },
      options,
    )
    .finally(settled);
  const shown = visiblePart(ctx.actor, 'check:run', deps.config, result.snapshot, result.findings);
  if (shown.accountIds.size === 0) {
    await responder.send(renderNothingVisible(ctx, 'check:run', result.snapshot.accounts.length), {
      visibility,
      replace: true,
    });
    return;
  }
  const report = buildCheckReport(
    { ...result.snapshot, accounts: result.snapshot.accounts.filter((a) => shown.accountIds.has(a.accountId)) },
    shown.findings,
    shown.summary,
    result.evaluatedAt,
    result.services,
  );
  await responder.send(
    renderCheckMessage(report, {
      now: deps.clock(),
      remediationEnabled: deps.features.remediation,
      scopeKey: result.scopeKey,
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
