import { z } from 'zod';
import { defineCommand } from './command';
import { listBindings, renderBindingsText } from '../src/app/access';
import { textMessage } from './whoami';

export default defineCommand({
  name: 'access',
  usage: '/cloudsec access',
  description: 'List the roles and role bindings (admins).',
  permission: 'admin',
  flags: {},
  args: z.object({ positionals: z.array(z.string()), flags: z.object({}) }).transform(() => ({})),
  run: async (ctx) => {
    await ctx.responder.send(textMessage('cloudsec access', renderBindingsText(listBindings(ctx.deps.config))), {
      visibility: 'ephemeral',
    });
  },
});
