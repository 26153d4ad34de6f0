import { z } from 'zod';
import { defineCommand } from './command';
import { textMessage } from './whoami';
import { readAuditLog, renderAuditEntriesText } from '../src/app/audit';

export default defineCommand({
  name: 'audit',
  usage: '/cloudsec audit [N]',
  description: 'The latest N audit log entries (default 10, at most 50) and whether the chain verifies.',
  permission: 'audit:read',
  flags: {},
  args: z
    .object({ positionals: z.array(z.string()).max(1, 'give at most one number'), flags: z.object({}) })
    .transform((raw, ctx) => {
      const n = raw.positionals[0] === undefined ? 10 : Number(raw.positionals[0]);
      if (!Number.isInteger(n) || n < 1 || n > 50) {
        ctx.addIssue({ code: 'custom', message: `N must be a whole number from 1 to 50, not "${raw.positionals[0]}"` });
        return z.NEVER;
      }
      return { count: n };
    }),
  run: async (ctx, args) => {
    const { entries, verification } = await readAuditLog(ctx.deps, args.count);
    await ctx.responder.send(textMessage('cloudsec audit log', renderAuditEntriesText(entries, verification)), {
      visibility: 'ephemeral',
    });
  },
});
