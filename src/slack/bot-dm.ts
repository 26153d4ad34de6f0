import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from './logger';

/**
 * Each user's DM with cloudsec. A slash command typed in any 1:1 conversation says `directmessage`
 * and has a D… id, whether it is the user's DM with the bot, a DM between two people, or a Slack
 * Connect DM with someone at another company; only the first counts as "a DM" for the channel
 * policy. conversations.open with the user's id (im:write, already granted for file exports) answers
 * the bot's own DM with them without creating anything new when it exists.
 *
 * The id of that DM never changes, so answers are cached per user, in a bounded least-recently-used
 * map. Failures are not cached and answer null: the caller then treats the conversation as not the
 * bot's DM, the stricter reading.
 */

export interface BotDmDirectory {
  /** The id of `userId`'s DM with the bot, or null when Slack did not say. */
  botDmOf(userId: string): Promise<string | null>;
}

const OpenAnswerSchema = z.object({ channel: z.object({ id: z.string().regex(/^D[A-Z0-9]+$/) }) });

export const makeBotDmDirectory = (deps: { client: WebClient; logger: Logger; maxUsers?: number }): BotDmDirectory => {
  const maxUsers = deps.maxUsers ?? 10_000;
  const cache = new Map<string, string>();
  return {
    botDmOf: async (userId) => {
      const cached = cache.get(userId);
      if (cached !== undefined) {
        // Re-inserted so the map's insertion order is least recently used first.
        cache.delete(userId);
        cache.set(userId, cached);
        return cached;
      }
      let answer: unknown;
      try {
        answer = await deps.client.conversations.open({ users: userId });
      } catch (err) {
        deps.logger.warn({ err, userId }, 'conversations.open failed: treating the DM as not the bot’s');
        return null;
      }
      const parsed = OpenAnswerSchema.safeParse(answer);
      if (!parsed.success) {
        deps.logger.warn({ userId }, 'conversations.open named no DM: treating the DM as not the bot’s');
        return null;
      }
      const id = parsed.data.channel.id;
      cache.set(userId, id);
      if (cache.size > maxUsers) cache.delete(cache.keys().next().value!);
      return id;
    },
  };
};
