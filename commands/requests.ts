import { z } from 'zod';
import { defineCommand } from './command';
import { renderRequestsList } from '../src/core/render/blocks/remediation';
import { refusalMessage, remediationDisabled } from '../src/core/render/blocks/remediation-replies';

const FILTERS = ['pending', 'mine', 'all'] as const;

export default defineCommand({
  name: 'requests',
  usage: '/cloudsec requests [pending|mine|all]',
  description: 'Remediation requests: waiting for approval (default), yours, or all you may see.',
  permission: 'findings:read',
  flags: {},
  args: z
    .object({ positionals: z.array(z.string()).max(1, 'give at most one of pending, mine, all'), flags: z.object({}) })
    .transform((raw, ctx) => {
      const filter = (raw.positionals[0] ?? 'pending').toLowerCase();
      if (!(FILTERS as readonly string[]).includes(filter)) {
        ctx.addIssue({ code: 'custom', message: `"${raw.positionals[0]}" is not one of pending, mine, all` });
        return z.NEVER;
      }
      return { filter: filter as (typeof FILTERS)[number] };
    }),
  run: async (ctx, args) => {
    if (!ctx.deps.remediation) {
      await ctx.responder.send(remediationDisabled(), { visibility: 'ephemeral' });
      return;
    }
    const result = await ctx.deps.remediation.list({ actor: ctx.actor, filter: args.filter });
    await ctx.responder.send(
      result.ok
        ? renderRequestsList(result.requests, { now: ctx.deps.clock(), filter: args.filter })
        : refusalMessage(result),
      { visibility: 'ephemeral' },
    );
  },
});
