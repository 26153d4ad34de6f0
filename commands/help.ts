import { z } from 'zod';
import { defineCommand, type CommandSpec } from './command';
import { permissionsOf } from '../src/core/access/policy';
import { renderHelpMessage } from '../src/core/render/blocks';

/** What help lists of a command. */
export type ListedCommand = Pick<CommandSpec<never>, 'usage' | 'description' | 'permission'>;

/**
 * `/cloudsec help`, given the commands to list (the registry passes its own list, itself included):
 * help does not import the registry, which imports every command.
 */
export const helpCommand = (commands: () => readonly ListedCommand[]) =>
  defineCommand({
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
          commands: commands().map((c) => ({
            usage: c.usage,
            description: c.description,
            allowed: c.permission === null || mine.has(c.permission),
          })),
        }),
        { visibility: 'ephemeral' },
      );
    },
  });
