import { z } from 'zod';
import { defineCommand } from './command';
import { permissionsOf } from '../src/core/policy';
import { renderHelpMessage } from '../src/core/render/blocks';
import { COMMAND_LIST } from './registry';

export default defineCommand({
  name: 'help',
  usage: '/cloudsec help',
  description: 'What you can do here, given your role.',
  permission: null,
  flags: {},
  args: z.object({ positionals: z.array(z.string()), flags: z.object({}) }).transform(() => ({})),
  run: async (ctx) => {
    const mine = new Set(permissionsOf(ctx.actor, ctx.deps.config));
    await ctx.responder.send(
      renderHelpMessage({
        commands: COMMAND_LIST().map((c) => ({
          usage: c.usage,
          description: c.description,
          allowed: c.permission === null || mine.has(c.permission),
        })),
      }),
      { visibility: 'ephemeral' },
    );
  },
});
