import { z } from 'zod';
import { defineCommand } from './command';
import { renderWhoamiText, whoami } from '../src/app/access';
import { section, header } from '../src/core/render/blocks';
import { escapeMrkdwn } from '../src/core/render/mrkdwn';

/** Plain text as a code block: names and ids stay literal, and nothing in them can format or ping. */
export const textMessage = (title: string, text: string) => ({
  text: `${title}\n${text}`.slice(0, 3000),
  blocks: [header(title), ...chunk(text).map((part) => section('```' + escapeMrkdwn(part) + '```'))],
});

const chunk = (text: string, size = 2800): string[] => {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (current.length + line.length + 1 > size && current) {
      parts.push(current);
      current = '';
    }
    current += (current ? '\n' : '') + line.slice(0, size);
  }
  if (current) parts.push(current);
  return parts.slice(0, 40);
};

export default defineCommand({
  name: 'whoami',
  usage: '/cloudsec whoami',
  description: 'Your Slack identity, roles and what you may do on each account.',
  permission: null,
  flags: {},
  args: z.object({ positionals: z.array(z.string()), flags: z.object({}) }).transform(() => ({})),
  run: async (ctx) => {
    const accounts = await ctx.deps.knownAccounts();
    const me = whoami(ctx.actor, ctx.deps.config, accounts, { warnings: ctx.groupWarnings });
    const name = ctx.invocation.actor.userName ? ` (${ctx.invocation.actor.userName})` : '';
    await ctx.responder.send(textMessage(`Who am I: ${ctx.actor.userId}${name}`, renderWhoamiText(me)), {
      visibility: 'ephemeral',
    });
  },
});
