/**
 * How the bot is really started, for bench/idle.ts: the node flags of the image's CMD (Dockerfile)
 * and of `npm start` (package.json). The bench starts cloudsec with exactly the image's flags, so a
 * flag that lowers the footprint counts only if the bot is deployed with it; and it fails when
 * `npm start` starts the bot differently, so the two cannot drift apart unnoticed.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Where the bot's compiled entry point is, as both start commands name it. */
export const ENTRY = 'dist/src/main.js';

export interface StartCommand {
  /** Node flags between `node` and the entry point (may be empty). */
  flags: string[];
  /** Where they were read, for the report. */
  from: string;
}

/** `["node", ...flags, "dist/src/main.js"]` (or the same words split on spaces): the flags, or a reason. */
const flagsOf = (words: readonly string[], from: string): StartCommand => {
  if (words[0] !== 'node' || words[words.length - 1] !== ENTRY || words.length < 2)
    throw new Error(`${from}: expected \`node [flags] ${ENTRY}\`, got \`${words.join(' ')}\``);
  const flags = words.slice(1, -1);
  // Anything but a flag (a second script, a shell operator) would mean the bench starts something else.
  const odd = flags.find((f) => !/^--[a-z0-9-]+(=[^\s]+)?$/.test(f));
  if (odd !== undefined) throw new Error(`${from}: \`${odd}\` is not a node flag`);
  return { flags, from };
};

/** The runtime stage's CMD (the last CMD of the Dockerfile), in exec form. */
export const imageStart = (root: string): StartCommand => {
  const file = path.join(root, 'Dockerfile');
  const cmds = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^CMD\s/.test(line));
  const last = cmds[cmds.length - 1];
  if (last === undefined) throw new Error(`${file}: no CMD`);
  let words: unknown;
  try {
    words = JSON.parse(last.replace(/^CMD\s+/, ''));
  } catch {
    throw new Error(`${file}: the CMD is not in exec form (a JSON array): ${last}`);
  }
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string'))
    throw new Error(`${file}: the CMD is not a list of strings: ${last}`);
  return flagsOf(words, 'Dockerfile CMD');
};

/** package.json's `start` script. */
export const npmStart = (root: string): StartCommand => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const start = pkg.scripts?.start;
  if (start === undefined) throw new Error('package.json has no start script');
  return flagsOf(start.trim().split(/\s+/), 'npm start');
};

export const sameFlags = (a: StartCommand, b: StartCommand): boolean =>
  a.flags.length === b.flags.length && a.flags.every((f, i) => f === b.flags[i]);
