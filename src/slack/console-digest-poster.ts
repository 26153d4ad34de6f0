import { copyPrivateFile, fileIn, makePrivateDir, writePrivateFile } from '../private-files';
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
    // Findings are nobody else's to read: a 0700 folder, 0600 files.
    makePrivateDir(dir, { tighten: true });
    const target = fileIn(dir, file.filename);
    if ('content' in file) writePrivateFile(target, file.content);
    else copyPrivateFile(file.path, target);
    write(`[thread in ${ref.channel}] ${file.title}: saved to ${target}\n`);
  },
});
