import type { Alert } from '../../core/detections/alert';
import type { Severity } from '../../core/model';
import { renderBurstSummary, renderGroupedAlerts, type BurstCount } from '../../core/render/blocks/alerts/burst';
import type { MessagePayload } from '../../core/render/blocks/kit';
import type { MessageRef, Messenger } from '../conversation';
import type { AppLogger } from '../deps';

/**
 * Burst control for alert cards, per channel. Slack posts about one message a second per channel,
 * and nobody reads 5,000 cards: a channel takes at most `limit` cards in any rolling minute. Beyond
 * that, new alerts are grouped: ONE summary message per channel and minute, and the grouped alerts
 * listed in its thread, as many per reply as fit (a reply is posted once `batchTrigger` alerts wait,
 * or when the minute ends), so 5,000 matching events in a minute make a few dozen posts.
 *
 * Severity decides who may be grouped: a high or critical alert always gets its own card, even when
 * the channel's budget for the minute is spent. Only medium, low and informational alerts are grouped
 * into the summary: a card is what gets read, acted on (Undo, Ack, Ask) and updated in place, and the
 * alerts that most need that must not sit in a thread list. So `limit` is a budget for the groupable
 * alerts, not a hard cap on posts: urgent cards go out over it (they still take a slot, so they push
 * later medium alerts into the summary sooner). Slack allows that in practice: chat.postMessage
 * takes about one message a second per channel and tolerates short bursts over it. A sustained
 * excess is answered with HTTP 429, which the Web API client rejects rather than waits out
 * (rejectRateLimitedCalls, src/slack/web-client.ts): the card is then not posted, the alert stays
 * stored (and in `/cloudsec alerts`), and the live lane tries the card again on later flushes, a
 * bounded number of times. A storm of urgent alerts is
 * narrowed before it gets here: repeats of one dedup key within the rule's window are a count on the
 * first alert's thread, not new cards.
 *
 * Nothing is lost: every alert is stored before it gets here, and each grouped one is listed by id.
 * State is in memory and per process: after a restart a burst starts a new summary, which is fine.
 * Nothing here throws: a failed post is logged (the alerts are in the store and `/cloudsec alerts`).
 */

const MINUTE = 60_000;
/** Severities that always get their own card: never grouped into a summary, whatever the budget. */
const NEVER_GROUPED: ReadonlySet<Severity> = new Set<Severity>(['critical', 'high']);

/** The summary's count is brought up to date at most this often (and when its minute ends). */
const SUMMARY_UPDATE_MS = 10_000;

interface Group {
  channel: string;
  startedMs: number;
  /** The summary's post, shared by every caller (null when it failed). */
  summary: Promise<MessageRef | null>;
  total: number;
  counts: Map<string, BurstCount>;
  /** Grouped but not listed yet. */
  pending: Alert[];
  lastSummaryUpdateMs: number;
}

export interface BurstStats {
  cards: number;
  /** Of `cards`: high or critical cards posted while the channel's budget was spent. */
  urgentOverBudget: number;
  summaries: number;
  replies: number;
  summaryUpdates: number;
}

export interface BurstControl {
  /**
   * Takes one of the channel's card slots for this minute; false when the channel is at its limit
   * and the alert may be grouped. A high or critical alert is always given its card (true), over the
   * limit if need be. Callers pass the alert's severity: without it, the alert is held to the limit.
   */
  takeCardSlot(channel: string, nowMs: number, severity?: Severity): boolean;
  /** Groups an alert under the channel's summary of this minute (starting one if needed). */
  group(channel: string, alert: Alert, nowMs: number): Promise<void>;
  /** Lists pending alerts of bursts whose minute is over and closes them; `all`: also lists every other burst's now. */
  flush(nowMs: number, all?: boolean): Promise<void>;
  stats(): BurstStats;
}

export const makeBurstControl = (deps: {
  messenger: Messenger;
  limit: number;
  log: AppLogger;
  /** Grouped alerts waiting before a reply is posted (the reply holds as many as fit). */
  batchTrigger?: number;
}): BurstControl => {
  const batchTrigger = deps.batchTrigger ?? 120;
  const slots = new Map<string, number[]>();
  const groups = new Map<string, Group>();
  const stats: BurstStats = { cards: 0, urgentOverBudget: 0, summaries: 0, replies: 0, summaryUpdates: 0 };

  const post = async (channel: string, message: MessagePayload, threadTs?: string): Promise<MessageRef | null> => {
    try {
      const ref = await deps.messenger.post(channel, message, threadTs ? { threadTs } : undefined);
      if (!ref) deps.log.warn({ channel }, 'an alert burst message was not posted; the alerts are stored');
      return ref;
    } catch (err) {
      deps.log.warn({ err, channel }, 'could not post an alert burst message; the alerts are stored');
      return null;
    }
  };

  const summaryOf = (g: Group): MessagePayload =>
    renderBurstSummary({
      total: g.total,
      byDetection: [...g.counts.values()],
      since: new Date(g.startedMs).toISOString(),
      limit: deps.limit,
    });

  const updateSummary = async (g: Group, nowMs: number, force: boolean) => {
    if (!force && nowMs - g.lastSummaryUpdateMs < SUMMARY_UPDATE_MS) return;
    const ref = await g.summary;
    if (!ref) return;
    g.lastSummaryUpdateMs = nowMs;
    stats.summaryUpdates += 1;
    try {
      await deps.messenger.update(ref, summaryOf(g));
    } catch (err) {
      deps.log.warn({ err, channel: g.channel }, 'could not update an alert burst summary');
    }
  };

  /** Posts pending alerts, a full reply at a time (`all`: down to the last one). */
  const listPending = async (g: Group, all: boolean) => {
    if (g.pending.length === 0) return;
    const ref = await g.summary;
    while (g.pending.length >= (all ? 1 : batchTrigger)) {
      const { payload, shown } = renderGroupedAlerts(g.pending);
      // Taken out before the await, so concurrent callers never list an alert twice.
      const batch = g.pending.splice(0, Math.max(1, shown));
      stats.replies += 1;
      const posted = await post(g.channel, payload, ref?.ts);
      if (!posted)
        deps.log.warn({ channel: g.channel, alertIds: batch.map((a) => a.id) }, 'grouped alerts not listed in Slack');
    }
  };

  const close = async (g: Group, nowMs: number) => {
    await listPending(g, true);
    await updateSummary(g, nowMs, true);
  };

  return {
    takeCardSlot: (channel, nowMs, severity) => {
      const recent = (slots.get(channel) ?? []).filter((t) => nowMs - t < MINUTE);
      const overBudget = recent.length >= deps.limit;
      if (overBudget && !(severity !== undefined && NEVER_GROUPED.has(severity))) {
        slots.set(channel, recent);
        return false;
      }
      if (overBudget) stats.urgentOverBudget += 1;
      recent.push(nowMs);
      slots.set(channel, recent);
      stats.cards += 1;
      return true;
    },
    group: async (channel, alert, nowMs) => {
      let g = groups.get(channel);
      if (g && nowMs - g.startedMs >= MINUTE) {
        // Deleted before any await: a concurrent caller starts the next minute's group, never reuses this one.
        groups.delete(channel);
        await close(g, nowMs);
        g = groups.get(channel);
      }
      if (!g) {
        const fresh: Group = {
          channel,
          startedMs: nowMs,
          summary: Promise.resolve(null),
          total: 1,
          counts: new Map([[alert.detectionId, { detectionId: alert.detectionId, title: alert.title, count: 1 }]]),
          pending: [alert],
          lastSummaryUpdateMs: nowMs,
        };
        groups.set(channel, fresh);
        stats.summaries += 1;
        fresh.summary = post(channel, summaryOf(fresh));
        await fresh.summary;
        return;
      }
      g.total += 1;
      const count = g.counts.get(alert.detectionId);
      if (count) count.count += 1;
      else g.counts.set(alert.detectionId, { detectionId: alert.detectionId, title: alert.title, count: 1 });
      g.pending.push(alert);
      if (g.pending.length >= batchTrigger) {
        await listPending(g, false);
        await updateSummary(g, nowMs, false);
      }
    },
    flush: async (nowMs, all = false) => {
      for (const [channel, g] of [...groups]) {
        if (nowMs - g.startedMs >= MINUTE) {
          groups.delete(channel);
          await close(g, nowMs);
        } else if (all) {
          // Listed now, but the group stays this minute's: later alerts still go under the same summary.
          await listPending(g, true);
          await updateSummary(g, nowMs, true);
        } else {
          // Still this minute's: what waits is listed once the minute ends (fuller replies); the count stays fresh.
          await updateSummary(g, nowMs, false);
        }
      }
      for (const [channel, times] of [...slots]) {
        const recent = times.filter((t) => nowMs - t < MINUTE);
        if (recent.length === 0) slots.delete(channel);
        else slots.set(channel, recent);
      }
    },
    stats: () => ({ ...stats }),
  };
};
