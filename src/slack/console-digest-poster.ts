import fs from 'node:fs';
import path from 'node:path';
import type { DigestPoster } from '../app/digest/ports';
import type { Messenger } from '../app/conversation';

/**
 * Digests in the console: the message is shown like any channel post, and files that Slack would
 * get in the thread (the trend chart, the full list) are saved under `dir` with their path printed,
 * so a newcomer can open the PNG the bot would have posted.
 */
export const makeConsoleDigestPoster = (
  messenger: Messenger,
  dir: string,
  write: (text: string) => void,
): DigestPoster => ({
  post: async (channel, message) => (await messenger.post(channel, message)) ?? { channel, ts: String(Date.now()) },
  attach: async (ref, file) => {
    fs.mkdirSync(dir, { recursive: true });
    const target = path.join(dir, file.filename);
    if ('content' in file) fs.writeFileSync(target, file.content);
    else fs.copyFileSync(file.path, target);
    write(`[thread in ${ref.channel}] ${file.title}: saved to ${target}\n`);
  },
});
