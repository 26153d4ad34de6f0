/**
 * Characters that make a screen show something other than what a string holds, shared by every
 * renderer (Slack mrkdwn and plain_text, terminal lines, error text):
 * - bidirectional controls: embeddings and overrides (U+202A–U+202E, where U+202E shows
 *   "gpj.exe" as "exe.jpg"), isolates (U+2066–U+2069) and the marks U+200E, U+200F, U+061C;
 * - invisible characters that split or pad a name so two different names look alike: zero-width
 *   space, non-joiner and joiner (U+200B–U+200D), word joiner and invisible operators
 *   (U+2060–U+2064), the byte-order mark U+FEFF, soft hyphen U+00AD, Mongolian vowel separator
 *   U+180E, combining grapheme joiner U+034F, Hangul fillers and tag characters (U+E0000–U+E007F);
 * - control characters (an ANSI escape can rewrite a terminal).
 */

const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const INVISIBLE =
  '\\u00ad\\u115f\\u1160\\u180e\\u200b-\\u200d\\u2060-\\u2064\\u3164\\ufeff\\uffa0\\u{e0000}-\\u{e007f}';

/** Control characters and bidirectional controls: for one-line text, where each becomes a space. */
export const CONTROL = new RegExp(`[\\p{Cc}${BIDI}]`, 'gu');

/**
 * Bidirectional controls, invisible characters and control characters other than tab and newline.
 * The combining grapheme joiner (U+034F) is an alternative of its own: in a class it would attach
 * to the character before it.
 */
const HIDDEN = new RegExp(`[${BIDI}${INVISIBLE}\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]|\\u034f`, 'gu');

/**
 * `s` without anything that could hide or reorder what it shows; tabs and newlines stay (callers
 * that want one line collapse whitespace themselves).
 */
export const stripHidden = (s: string): string => s.replace(HIDDEN, '');
