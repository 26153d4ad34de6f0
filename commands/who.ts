import { z } from 'zod';
import { defineCommand } from './command';
import { recordedFields, type Responder } from '../src/app/conversation';
import { WHO_MAX_DAYS, WHO_PERMISSION, whoChanged, type WhoDeps, type WhoTarget } from '../src/app/detections/who';
import type { WorkflowActor } from '../src/app/remediation/ports';
import type { ChannelRef } from '../src/core/access/permissions';
import { renderWhoAnswer } from '../src/core/render/blocks/alerts/who';
import { accountLabel, accountNamesOf } from '../src/core/render/blocks/finding';
import { headingOf } from '../src/core/render/headline';
import { refusalMessage } from '../src/core/render/blocks/remediation-replies';

/**
 * `/cloudsec who <finding-id|resource> [--account A] [--region R] [--days N]`: who created the
 * resource and changed it lately (CloudTrail event history). The "Who did this?" control of a
 * failing finding answers the same way. Always private. Needs alert:read (the answer names the
 * people who made changes, as an alert card does); by finding id, seeing the finding as well.
 */

export const sendWhoAnswer = async (
  deps: WhoDeps & { clock: () => Date },
  responder: Responder,
  input: { actor: WorkflowActor; channel?: ChannelRef | undefined; target: WhoTarget; days?: number },
): Promise<void> => {
  const answer = await whoChanged(deps, input);
  if (!answer.ok) {
    await responder.send(refusalMessage(answer), { visibility: 'ephemeral' });
    return;
  }
  const q = answer.question;
  const names = accountNamesOf(await deps.knownAccounts());
  await responder.send(
    renderWhoAnswer({
      resourceName: q.resourceName,
      accountLabel: accountLabel(q.account.id, names.size > 0 ? names : accountNamesOf([q.account])),
      region: q.region,
      days: q.days,
      findingTitle: q.finding ? headingOf(q.finding) : undefined,
      changes: answer.history ? answer.history.changes : null,
      complete: answer.history?.complete ?? false,
      incompleteReason: answer.history?.reason,
      unavailable: answer.history ? undefined : answer.reason,
      now: deps.clock(),
    }),
    { visibility: 'ephemeral' },
  );
};

const FINDING_ID = /^f_[0-9a-f]{16}$/;

const WhoArgs = z
  .object({
    positionals: z.array(z.string()),
    flags: z.object({ days: z.string().optional(), account: z.string().optional(), region: z.string().optional() }),
  })
  .transform((raw, ctx) => {
    const [what, ...rest] = raw.positionals;
    if (!what || rest.length > 0) {
      ctx.addIssue({ code: 'custom', message: 'give one finding id (f_…) or one resource name or id' });
      return z.NEVER;
    }
    let days = WHO_MAX_DAYS;
    if (raw.flags.days !== undefined) {
      days = Number(raw.flags.days);
      if (!/^\d+$/.test(raw.flags.days) || days < 1 || days > WHO_MAX_DAYS) {
        ctx.addIssue({ code: 'custom', message: `--days is a whole number from 1 to ${WHO_MAX_DAYS}` });
        return z.NEVER;
      }
    }
    if (what.length > 1600) {
      ctx.addIssue({ code: 'custom', message: 'that resource name is too long' });
      return z.NEVER;
    }
    const byFinding = FINDING_ID.test(what);
    if (byFinding && (raw.flags.account || raw.flags.region)) {
      ctx.addIssue({
        code: 'custom',
        message: 'a finding id names its account and region: leave out --account and --region',
      });
      return z.NEVER;
    }
    if (raw.flags.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(raw.flags.region)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${raw.flags.region.slice(0, 40)}" is not an AWS region such as eu-west-1`,
      });
      return z.NEVER;
    }
    return { what, byFinding, days, account: raw.flags.account, region: raw.flags.region };
  });

export default defineCommand({
  name: 'who',
  usage: '/cloudsec who <finding-id|resource> [--account <id|name>] [--region <region>] [--days N]',
  description: `Who created a resource and changed it lately, from CloudTrail's event history (up to ${WHO_MAX_DAYS} days).`,
  permission: WHO_PERMISSION,
  flags: { days: { type: 'string' }, account: { type: 'string' }, region: { type: 'string' } },
  args: WhoArgs,
  accountOf: (a) => a.account,
  run: async (ctx, args) => {
    // The router resolves --account (or refuses it) before run; an unresolved one is never guessed.
    if (args.account !== undefined && !ctx.account) {
      await ctx.responder.send(
        refusalMessage({ code: 'invalid', reason: 'Say which account with --account <id or name>.' }),
        {
          visibility: 'ephemeral',
        },
      );
      return;
    }
    await sendWhoAnswer(ctx.deps, ctx.responder, {
      actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
      channel: ctx.invocation.channel,
      days: args.days,
      target: args.byFinding
        ? { findingId: args.what }
        : { resource: args.what, account: ctx.account, region: args.region },
    });
  },
});
