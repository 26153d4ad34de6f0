import type { ActorRef } from '../../../remediations/request';
import { ELLIPSIS, clip, code, escapeMrkdwn, inline, lineStart, truncate } from '../../mrkdwn';
import { BLOCK_KIT, MESSAGE_BUDGET } from '../../limits';
import { ageOf, utcStamp } from '../age';

/** `48,213`: sizes shown to people, without depending on the runtime's locale data. */
export const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export const plural = (n: number, noun: string, nouns = `${noun}s`): string =>
  `${thousands(n)} ${n === 1 ? noun : nouns}`;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * Who did something. A mention only for a Slack user whose id has the shape Slack gives ids (so a
 * stored value can never become `<!channel>`); CLI users and cloudsec itself are named in code spans.
 */
export const actorRef = (actor: ActorRef): string => {
  if (actor.kind === 'slack-user')
    return SLACK_USER_ID.test(actor.id) ? `<@${actor.id}>` : `Slack user ${code(actor.id, 40)}`;
  if (actor.kind === 'cli') return `${code(actor.id, 40)} (CLI)`;
  return `cloudsec (${code(actor.id, 40)})`;
};

/** The first few, then how many more: approvals are one or two, but a stored list is not trusted to be short. */
export const actorList = (actors: readonly ActorRef[], max = 4): string =>
  [...actors.slice(0, max).map(actorRef), ...(actors.length > max ? [`${actors.length - max} more`] : [])].join(', ');

/** "in 23 h", the mirror of `ageOf`; a time already past reads as `ageOf` does. */
export const untilOf = (iso: string, now: Date): string => {
  const then = Date.parse(iso);
  if (Number.isNaN(then) || Number.isNaN(now.getTime())) return 'at an unknown time';
  const minutes = Math.floor((then - now.getTime()) / 60_000);
  if (then <= now.getTime()) return ageOf(iso, now);
  if (minutes < 1) return 'in under a minute';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.floor(hours / 24)} days`;
};

/** `in 23 h (2026-11-02 12:00 UTC)`, escaped; the relative part is for people, the absolute for the record. */
export const whenLabel = (iso: string, now: Date): string => `${untilOf(iso, now)} (${clip(utcStamp(iso), 40)})`;

/** A value as one short line: strings as they are, anything else as compact JSON. */
export const compactValue = (value: unknown, max: number): string => {
  if (typeof value === 'string') return clip(value, max);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return clip(json ?? String(value), max);
};

/**
 * Up to `maxKeys` top-level entries as `key: value`, then how many were left out. Used for evidence and
 * for what a call was sent (the full input is on the approval card).
 */
export const entriesSummary = (record: Readonly<Record<string, unknown>>, maxKeys: number, maxValue = 80): string => {
  const keys = Object.keys(record);
  const shown = keys.slice(0, maxKeys).map((k) => `${code(k, 42)}: ${compactValue(record[k], maxValue)}`);
  const more = keys.length > maxKeys ? [`${plural(keys.length - maxKeys, 'more field')}`] : [];
  return [...shown, ...more].join(' · ');
};

/** The notification and screen-reader text: one escaped line within Slack's "best results" size. */
export const fallbackText = (s: string): string =>
  truncate(escapeMrkdwn(inline(s)), Math.min(MESSAGE_BUDGET.maxFallbackText, BLOCK_KIT.textObject));

/** A one-line, unescaped label for fallback text (escaped as a whole by `fallbackText`). */
export const rawLine = (s: string, max: number): string => {
  const line = inline(s.length > 4 * max ? s.slice(0, 4 * max) : s);
  return line.length > max ? `${line.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}…` : line;
};

/**
 * Free text from a person (a justification, a reason) with its line breaks kept: each line escaped and
 * collapsed, a leading `>` kept from starting a quote, at most `maxLines` lines (the rest joined onto the
 * last), cut to `max` with an ellipsis.
 */
export const multiline = (raw: string, max: number, maxLines = 15): string => {
  const head = raw.length > 2 * max + 16 ? raw.slice(0, 2 * max + 16) : raw;
  const lines = head
    .split(/\r\n|\r|\n/)
    .map((l) => inline(l))
    .filter((l) => l !== '');
  const kept = lines.length > maxLines ? [...lines.slice(0, maxLines - 1), lines.slice(maxLines - 1).join(' ')] : lines;
  const text = truncate(kept.map((l) => lineStart(escapeMrkdwn(l))).join('\n'), max);
  // A value cut before escaping always says so, even when collapsed whitespace left room to spare.
  return head !== raw && !text.endsWith(ELLIPSIS) ? truncate(`${text} ${ELLIPSIS}`, max) : text;
};

/**
 * Ends a sentence with one full stop: text that already ends in `.`, `!`, `?` or `…` keeps its own,
 * so a finding message or a reason never reads "off..". Empty text stays empty.
 */
export const sentence = (text: string): string => {
  const t = text.trimEnd();
  return t === '' || /[.!?…]$/.test(t) ? t : `${t}.`;
};
