import type { Alert } from '../../../detections/alert';
import { fits, MESSAGE_BUDGET } from '../../limits';
import { clip, code } from '../../mrkdwn';
import { SEVERITY_EMOJI } from '../finding';
import { context, section, type Block, type MessagePayload } from '../kit';
import { fallbackText, plural, thousands } from '../remediation/format';
import { stamp } from './format';

/**
 * A burst: more alerts for one channel in a minute than it should get cards. The first ones got
 * cards; the rest are grouped under ONE summary message per channel and minute, and listed in its
 * thread, many alerts per reply, so thousands of matching events make a few dozen posts. Nothing is
 * lost: every grouped alert is stored and listed by id (`/cloudsec alerts open` lists them too).
 */

export interface BurstCount {
  detectionId: string;
  title: string;
  count: number;
}

export interface BurstSummaryInput {
  /** Alerts grouped so far in this burst. */
  total: number;
  /** Per detection, most first. */
  byDetection: readonly BurstCount[];
  /** When grouping started (ISO). */
  since: string;
  /** Cards per channel per minute (config.detections.burstPerChannelPerMinute). */
  limit: number;
}

/** Detections named in the summary line before "…". */
const NAMED = 5;

/** "37 more alerts in the last minute — 30 × security_group_changed, …; `/cloudsec alerts open` lists them all". */
export const renderBurstSummary = (input: BurstSummaryInput): MessagePayload => {
  const sorted = [...input.byDetection].sort((a, b) => b.count - a.count || a.detectionId.localeCompare(b.detectionId));
  const named = sorted.slice(0, NAMED).map((d) => `${thousands(d.count)} × ${code(d.detectionId, 80)}`);
  const rest = sorted.length > NAMED ? ', …' : '';
  const head =
    `:warning: *${plural(input.total, 'more alert')} in the last minute* — ${named.join(', ')}${rest}; ` +
    '`/cloudsec alerts open` lists them all.';
  const blocks: Block[] = [
    section(head),
    context(
      `More than ${plural(input.limit, 'card')} a minute for this channel: further alerts since ${stamp(input.since)} ` +
        'are listed in this thread instead of one card each. Each is stored with its own id.',
    ),
  ];
  return {
    text: fallbackText(
      `${plural(input.total, 'more alert')} in the last minute; /cloudsec alerts open lists them all.`,
    ),
    blocks,
  };
};

/** One grouped alert: its id (for `/cloudsec alerts`), the resource and who. */
const alertLine = (a: Alert): string =>
  `• ${code(a.id, 60)} ${code(a.resource.id, 80)} by ${code(a.actor.label, 60)}` +
  (a.count > 1 ? ` · ${plural(a.count, 'time')}` : '');

const MAX_PER_REPLY = 400;

/** Sections stay well under Slack's 3000 characters, so a line is never cut. */
const SECTION_ROOM = 2800;

const packLines = (lines: readonly string[]): string[] => {
  const out: string[] = [];
  let current = '';
  for (const l of lines) {
    if (current && current.length + 1 + l.length > SECTION_ROOM) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${l}` : l;
  }
  if (current) out.push(current);
  return out;
};

/** The alerts, grouped by detection in order of first appearance. */
const groupedBlocks = (alerts: readonly Alert[]): Block[] => {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = groups.get(a.detectionId);
    if (list) list.push(a);
    else groups.set(a.detectionId, [a]);
  }
  const blocks: Block[] = [];
  for (const [, list] of groups) {
    const first = list[0]!;
    const heading = `${SEVERITY_EMOJI[first.severity]} *${clip(first.title, 120)}* (${code(first.detectionId, 80)}) × ${thousands(list.length)}`;
    blocks.push(...packLines([heading, ...list.map(alertLine)]).map((t) => section(t)));
  }
  return blocks;
};

const build = (alerts: readonly Alert[], n: number): MessagePayload => ({
  text: fallbackText(`${plural(n, 'alert')} of the burst.`),
  blocks: groupedBlocks(alerts.slice(0, n)),
});

/**
 * A thread reply listing as many of `alerts` (from the first) as fit in one message, and how many
 * that is (at least one: a single alert's line always fits). The caller posts it and goes on with
 * the rest.
 */
export const renderGroupedAlerts = (alerts: readonly Alert[]): { payload: MessagePayload; shown: number } => {
  if (alerts.length === 0) return { payload: build(alerts, 0), shown: 0 };
  let lo = 1;
  // No reply holds more than this (every line costs at least ~25 characters of the 10,000).
  let hi = Math.min(alerts.length, MAX_PER_REPLY);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(build(alerts, mid), MESSAGE_BUDGET)) lo = mid;
    else hi = mid - 1;
  }
  return { payload: build(alerts, lo), shown: lo };
};
