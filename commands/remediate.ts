import { z } from 'zod';
import { defineCommand } from './command';
import { openRequestModal } from '../src/app/remediation/request-modal';
import { remediationDisabled } from '../src/core/render/blocks/remediation-replies';
import { recordedFields } from '../src/app/conversation';

export default defineCommand({
  name: 'remediate',
  usage: '/cloudsec remediate <finding-id>',
  description: 'Ask for a fix of a failing finding (the finding ids are in the CSV export and the JSON output).',
  permission: 'remediation:request',
  flags: {},
  args: z.object({ positionals: z.array(z.string()), flags: z.object({}) }).transform((raw, ctx) => {
    const [id, ...rest] = raw.positionals;
    if (!id || rest.length > 0 || !/^f_[0-9a-f]{16}$/.test(id)) {
      ctx.addIssue({ code: 'custom', message: 'give one finding id, such as f_3c9e0d1a2b4f5e6d' });
      return z.NEVER;
    }
    return { findingId: id };
  }),
  run: async (ctx, args) => {
    if (!ctx.deps.remediation) {
      await ctx.responder.send(remediationDisabled(), { visibility: 'ephemeral' });
      return;
    }
    await openRequestModal(ctx.responder, ctx.deps.remediation, {
      actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
      channel: ctx.invocation.channel,
      findingId: args.findingId,
    });
  },
});
