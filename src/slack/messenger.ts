import type { WebClient } from '@slack/web-api';
import type { MessageRef, Messenger } from '../app/conversation';

/** Approval cards, their threads and DMs through the Web API (chat:write). */
export const makeSlackMessenger = (client: WebClient): Messenger => ({
  post: async (channel, message, options = {}) => {
    const posted = await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks as never,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    });
    return posted.channel && posted.ts ? ({ channel: posted.channel, ts: posted.ts } satisfies MessageRef) : null;
  },
  update: async (ref, message) => {
    await client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks as never });
  },
  // A user id as the channel posts into the app's DM with that user.
  dm: async (userId, message) => {
    const posted = await client.chat.postMessage({
      channel: userId,
      text: message.text,
      blocks: message.blocks as never,
    });
    // Slack answers with the DM channel (D…), which is what chat.update needs.
    return posted.channel && posted.ts ? { channel: posted.channel, ts: posted.ts } : null;
  },
});
