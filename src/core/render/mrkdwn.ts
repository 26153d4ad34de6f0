import { stripHidden } from '../invisible-text';

/**
 * Slack mrkdwn helpers. Every string that came from AWS or from a user goes through `escapeMrkdwn`
 * (or one of the helpers built on it) before it is placed in a mrkdwn text object.
 *
 * Bidirectional controls, zero-width and other invisible characters, and control characters other
 * than tab and newline are removed first (src/core/invisible-text.ts): a bucket named with U+202E
 * would otherwise read backwards, and one with a zero-width space would look like another bucket.
 *
 * Slack treats `&`, `<` and `>` as control characters: `<!channel>`, `<@U123>` and `<https://x|y>`
 * are mentions and links. Escaping exactly those three to entities (and nothing else: Slack only
 * decodes these three) makes a resource name inert, whatever it contains.
 *
 * Formatting characters are a layout concern, not a security one. The choices:
 * - identifiers go in code spans (`code`), where `*`, `_` and `~` do not format; a backtick inside
 *   would close the span early, so it becomes U+02CB (ˋ), which looks the same;
 * - bold titles (`bold`) turn an inner `*` into U+2217 (∗) so the bold run cannot end early;
 * - one-line values (`inline`) collapse newlines and runs of whitespace, so data cannot start a new
 *   line and with it a block quote or a fake list item;
 * - free sentences (finding messages) keep `*`, `_`, `~` as they are: at worst a word renders in
 *   italics, and rewriting them would change what AWS said.
 * Text objects carrying data are also sent with `verbatim: true` (see blocks/kit.ts) so Slack does not
 * auto-link URLs or channel names inside them.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export const escapeMrkdwn = (s: string): string => stripHidden(s).replace(/[&<>]/g, (c) => ESCAPES[c]!);

/** Inverse of escapeMrkdwn (for the console renderer and tests). `&amp;` last so `&amp;lt;` stays `&lt;`. */
export const unescapeMrkdwn = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export const ELLIPSIS = '…';

/**
 * Units that must never be split: an entity, a `<…>` control sequence we wrote on purpose
 * (a mention of a known user id), or one code point (so a surrogate pair is never halved).
 */
const TOKEN = /&(?:amp|lt|gt);|<[^<>\n]*>|[\s\S]/gu;

/** The longest run of whole tokens from the start of `s` that is at most `room` long. */
const prefixWithin = (s: string, room: number): string => {
  const token = new RegExp(TOKEN.source, TOKEN.flags);
  let end = 0;
  for (let m = token.exec(s); m !== null && m.index + m[0].length <= room; m = token.exec(s))
    end = m.index + m[0].length;
  return s.slice(0, end);
};

/**
 * Shorten already-escaped mrkdwn to at most `max` UTF-16 code units (JS `length`, which is never less
 * than Slack's character count), ending with `…` when something was cut.
 */
export const truncate = (s: string, max: number): string => {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  return prefixWithin(s, max - ELLIPSIS.length) + ELLIPSIS;
};

/** Collapse newlines and runs of whitespace so a value stays on one line. */
export const inline = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Escape and shorten a one-line value from outside (AWS, the user, the store). Only a bounded head of a
 * long value is looked at, so a megabyte-long description costs no more than a bucket name; a value cut
 * that way always ends with the ellipsis, even when collapsed whitespace left room to spare.
 */
export const clip = (raw: string, max: number): string => {
  const bound = 2 * max + 16;
  if (raw.length <= bound) return truncate(escapeMrkdwn(inline(raw)), max);
  const escaped = escapeMrkdwn(inline(prefixWithin(raw.slice(0, bound + 1), bound)));
  return prefixWithin(escaped, Math.max(0, max - ELLIPSIS.length)) + (max > 0 ? ELLIPSIS : '');
};

/** An identifier as an inline code span; empty values read as `(none)` rather than a stray pair of backticks. */
export const code = (raw: string, max = 120): string => {
  const value = clip(raw.replace(/`/g, '\u02CB'), max - 2);
  return value === '' ? '(none)' : '`' + value + '`';
};

/** Our own bold label around outside text. */
export const bold = (raw: string, max = 150): string => {
  const value = clip(raw.replace(/\*/g, '\u2217'), max - 2);
  return value === '' ? '' : '*' + value + '*';
};

/**
 * A line that starts with outside text: Slack reads a leading `&gt;` as a block quote, so a zero-width
 * space goes in front of it.
 */
export const lineStart = (escaped: string): string => (escaped.startsWith('&gt;') ? '\u200B' + escaped : escaped);
