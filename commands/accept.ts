import { z } from 'zod';
import { defineCommand } from './command';
import { recordedFields } from '../src/app/conversation';
import { openAcceptRiskModal } from '../src/app/exceptions/request-modal';

export default defineCommand({
  name: 'accept',
  usage: '/cloudsec accept <finding-id>',
  description:
    'Ask to accept the risk of a failing finding until a date (someone else approves it); the same as Accept risk… on the finding.',
  permission: 'exception:request',
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
    await openAcceptRiskModal(ctx.deps, ctx.responder, {
      actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
      channel: ctx.invocation.channel,
      findingId: args.findingId,
    });
  },
});
