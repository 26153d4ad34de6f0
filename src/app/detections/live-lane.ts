import type { AccountRef } from '../../core/access/permissions';
import type { ChangeActor } from '../../core/detections/actor';
import { isOpenAlert, type Alert, type AlertDraft, type AlertSource } from '../../core/detections/alert';
import { isAlertDraft, type DetectionEngine, type EngineOutcome } from '../../core/detections/engine';
import { parseCloudTrailRecord, type CloudTrailRecord } from '../../core/detections/record';
import { renderAlertCard } from '../../core/render/blocks/alerts/card';
import { renderRepeatReply } from '../../core/render/blocks/alerts/repeat';
import type { DetectionsConfig } from '../../core/detections/settings';
import type { AlertStore } from '../../store/alert-store';
import type { MessageRef, Messenger } from '../conversation';
import type { AppLogger } from '../deps';
import { makeBurstControl, type BurstStats } from './burst';
import type { IngestOutcome, LiveLane } from './ports';
import { ouPathOf, routeAlert, slackUserOfActor } from './routing';
import { replayRecords, type SampleEvents } from './samples';

/**
 * The live lane's middle: one CloudTrail record in, alerts stored, cards posted.
 *
 *   parse → evaluate (pure, every enabled detection) → claim the eventID → store each alert draft
 *   (or count it on the open alert with the same dedup key) → post: a card to the routed channel,
 *   or, for a repeat, a short thread reply and the card's count updated in place.
 *
 * Exactly once: the record is evaluated before it is claimed, so a failing evaluation leaves it
 * unclaimed for the redelivery; the claim and every alert it makes are stored in one transaction
 * (recordEventAlerts), so a crash or store failure leaves either nothing (the redelivery is handled
 * afresh) or everything (the redelivery is a duplicate).
 *
 * Nothing is dropped silently: exclusions and below-threshold counts are logged at info, a rule
 * that failed on a record at warn — and a record on which a rule failed and none alerted throws, so
 * SQS redelivers it and, failing again, moves it to the dead-letter queue for someone to look at.
 *
 * Posting never loses an alert: it is stored first, and a failed post is logged with `posted:false`
 * (`/cloudsec alerts open` lists it). Slack is spared floods: per channel, at most
 * `burstPerChannelPerMinute` cards a minute (the rest grouped: see burst.ts), at most one repeat
 * reply and one in-place card update per alert and minute (the count is always in the store).
 */

/** A window start no stored alert is seen after. */
const NEVER_COUNTED = '9999-12-31T23:59:59.999Z';

/** What the lane needs of the detection engine (src/core/detections/engine.ts). */
export type DetectionEnginePort = Pick<DetectionEngine, 'evaluate' | 'dedupWindowFor'>;

type EngineNote = Exclude<EngineOutcome, AlertDraft>;

export interface LiveLaneDeps {
  store: Pick<AlertStore, 'recordEventAlerts' | 'setAlertMessage' | 'getAlert'>;
  engine: DetectionEnginePort;
  config: DetectionsConfig;
  clock: () => Date;
  messenger: Messenger;
  /** The account directory (OU paths for routing by OU); read at most every few minutes. */
  knownAccounts: () => Promise<readonly AccountRef[]>;
  log: AppLogger;
  /** The bundled samples `/cloudsec demo-event` replays; null outside the demo. */
  samples?: SampleEvents | null;
  /** Whether the card offers Undo for this alert (remediation on, the remediation known). */
  canUndo?: (alert: Alert) => boolean;
  /** Grouped alerts waiting before a burst reply is posted (burst.ts). */
  burstBatch?: number;
}

export interface LiveLaneService extends LiveLane {
  /**
   * Brings Slack up to date with the store: cards whose count moved while their update was held
   * back, bursts whose minute is over (the rest of their alerts listed). `all` lists every burst's
   * waiting alerts now (shutdown, tests). Never throws. Run it every few seconds (a periodic duty).
   */
  flush(options?: { all?: boolean }): Promise<void>;
  /** Posts made so far, for the benchmark and logs. */
  stats(): BurstStats & { repeatReplies: number; cardUpdates: number };
}

const MINUTE = 60_000;
/** A card Slack refused is tried again once a minute for this many minutes. */
const MAX_POST_RETRIES = 30;
/** How long the account directory is trusted for routing by OU. */
const DIRECTORY_TTL_MS = 5 * MINUTE;

/** Why a detection made no alert of the record, in a few words (`/cloudsec demo-event` shows them). */
const noteOf = (o: EngineNote): string =>
  o.kind === 'counted'
    ? `${o.detectionId}: counted (${o.count} of ${o.threshold})`
    : `${o.detectionId}: ${o.kind} (${o.reason})`;

export const makeLiveLane = (deps: LiveLaneDeps): LiveLaneService => {
  const burst = makeBurstControl({
    messenger: deps.messenger,
    limit: deps.config.burstPerChannelPerMinute,
    log: deps.log,
    ...(deps.burstBatch ? { batchTrigger: deps.burstBatch } : {}),
  });
  const counters = { repeatReplies: 0, cardUpdates: 0 };
  /** Per alert: when the last repeat reply / in-place update went out (ms). */
  const lastReply = new Map<string, number>();
  const lastUpdate = new Map<string, number>();
  /** Cards whose count moved while their update was held back: updated by flush() once allowed. */
  const heldUpdates = new Map<string, { ref: MessageRef; dueMs: number }>();
  let directory: { at: number; accounts: readonly AccountRef[] } | null = null;
  let toldNoChannel = false;
  let replays = 0;
  /** Alerts whose card Slack did not take: posted again by flush() (in this process; the store lists them all). */
  const retryPosts = new Map<string, { attempts: number; dueMs: number }>();

  const accounts = async (nowMs: number): Promise<readonly AccountRef[]> => {
    if (directory && nowMs - directory.at < DIRECTORY_TTL_MS) return directory.accounts;
    try {
      directory = { at: nowMs, accounts: await deps.knownAccounts() };
    } catch (err) {
      deps.log.warn({ err }, 'could not read the account directory; alerts are routed without OUs');
      directory = { at: nowMs, accounts: directory?.accounts ?? [] };
    }
    return directory.accounts;
  };

  const channelOf = async (alert: Alert, nowMs: number): Promise<string | null> => {
    const routing = deps.config.routing;
    const needsOus = !alert.staged && !routing.accounts[alert.accountId] && Object.keys(routing.ous).length > 0;
    const path = needsOus ? ouPathOf(await accounts(nowMs), alert.accountId) : null;
    return routeAlert(routing, alert, path);
  };

  const cardOf = (alert: Alert) =>
    renderAlertCard(alert, {
      canUndo: deps.canUndo?.(alert) ?? false,
      now: deps.clock(),
      actorSlackUserId: slackUserOfActor(deps.config.actors, alert.actor),
    });

  /** A new alert: its card (or a line in this minute's burst); true when the card was posted. */
  const announce = async (alert: Alert, nowMs: number): Promise<boolean> => {
    const channel = await channelOf(alert, nowMs);
    if (!channel) {
      if (!toldNoChannel)
        deps.log.warn(
          { alertId: alert.id, accountId: alert.accountId },
          'no alert channel is configured (detections.routing): alerts are stored but not posted',
        );
      toldNoChannel = true;
      return false;
    }
    if (!burst.takeCardSlot(channel, nowMs, alert.severity)) {
      await burst.group(channel, alert, nowMs);
      return false;
    }
    let ref: MessageRef | null = null;
    try {
      ref = await deps.messenger.post(channel, cardOf(alert));
    } catch (err) {
      deps.log.error({ err, alertId: alert.id, channel }, 'could not post an alert card; the alert is stored');
    }
    if (!ref) {
      if (!retryPosts.has(alert.id))
        deps.log.error({ alertId: alert.id, channel }, 'the alert card was not posted; tried again');
      const attempts = (retryPosts.get(alert.id)?.attempts ?? 0) + 1;
      if (attempts <= MAX_POST_RETRIES) retryPosts.set(alert.id, { attempts, dueMs: nowMs + MINUTE });
      else {
        retryPosts.delete(alert.id);
        deps.log.error(
          { alertId: alert.id, channel },
          'gave up posting an alert card; `/cloudsec alerts open` lists it',
        );
      }
      return false;
    }
    retryPosts.delete(alert.id);
    lastUpdate.set(alert.id, nowMs);
    try {
      await deps.store.setAlertMessage(alert.id, ref.channel, ref.ts);
    } catch (err) {
      deps.log.error({ err, alertId: alert.id, ...ref }, 'the card was posted but where could not be stored');
    }
    return true;
  };

  const updateCard = async (alert: Alert, ref: MessageRef, nowMs: number) => {
    lastUpdate.set(alert.id, nowMs);
    heldUpdates.delete(alert.id);
    counters.cardUpdates += 1;
    try {
      await deps.messenger.update(ref, cardOf(alert));
    } catch (err) {
      deps.log.warn({ err, alertId: alert.id }, 'could not update the alert card with its count');
    }
  };

  /** A repeat within the window: a reply on the card's thread and its count, each at most once a minute. */
  const repeat = async (alert: Alert, lastActor: ChangeActor, nowMs: number): Promise<boolean> => {
    if (!alert.channel || !alert.messageTs) return false;
    const ref = { channel: alert.channel, ts: alert.messageTs };
    if (nowMs - (lastReply.get(alert.id) ?? -Infinity) >= MINUTE) {
      lastReply.set(alert.id, nowMs);
      counters.repeatReplies += 1;
      try {
        await deps.messenger.post(ref.channel, renderRepeatReply(alert, lastActor), { threadTs: ref.ts });
      } catch (err) {
        deps.log.warn({ err, alertId: alert.id }, 'could not reply on the alert card; the count is stored');
      }
    }
    const since = lastUpdate.get(alert.id) ?? -Infinity;
    if (nowMs - since >= MINUTE) await updateCard(alert, ref, nowMs);
    else heldUpdates.set(alert.id, { ref, dueMs: since + MINUTE });
    return true;
  };

  const flush = async (options: { all?: boolean } = {}) => {
    const nowMs = deps.clock().getTime();
    // Cards Slack did not take (down, rate-limited): posted again once a minute while the alert is open.
    for (const [alertId, retry] of [...retryPosts]) {
      if (retry.dueMs > nowMs) continue;
      try {
        const alert = await deps.store.getAlert(alertId);
        if (!alert || !isOpenAlert(alert.status) || alert.channel !== null) retryPosts.delete(alertId);
        else await announce(alert, nowMs);
      } catch (err) {
        deps.log.warn({ err, alertId }, 'could not read an unposted alert; tried again next time');
      }
    }
    for (const [alertId, held] of [...heldUpdates]) {
      if (held.dueMs > nowMs && !options.all) continue;
      try {
        const alert = await deps.store.getAlert(alertId);
        if (alert) await updateCard(alert, held.ref, nowMs);
        else heldUpdates.delete(alertId);
      } catch (err) {
        deps.log.warn({ err, alertId }, 'could not bring an alert card up to date; tried again next time');
      }
    }
    await burst.flush(nowMs, options.all === true);
    // The rate limits only need the last minute.
    for (const map of [lastReply, lastUpdate])
      for (const [id, t] of [...map]) if (nowMs - t >= MINUTE && !heldUpdates.has(id)) map.delete(id);
  };

  const logNotes = (record: CloudTrailRecord, notes: readonly EngineNote[]): void => {
    for (const note of notes) {
      const fields = { eventId: record.eventID, eventName: record.eventName, detectionId: note.detectionId };
      if (note.kind === 'error') deps.log.warn({ ...fields, reason: note.reason }, 'a detection failed on a record');
      else if (note.kind === 'excluded')
        deps.log.info({ ...fields, reason: note.reason }, 'record excluded from a detection');
      else deps.log.info({ ...fields, count: note.count, threshold: note.threshold }, 'record counted');
    }
  };

  const ingest = async (raw: unknown, source: AlertSource): Promise<IngestOutcome> => {
    const parsed = parseCloudTrailRecord(raw);
    if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
    const record = parsed.record;
    const received = deps.clock();
    const outcomes = deps.engine.evaluate(record, received, source);
    const drafts = outcomes.filter(isAlertDraft);
    const notes = outcomes.filter((o): o is EngineNote => !isAlertDraft(o));
    logNotes(record, notes);
    if (drafts.length === 0) {
      const errors = notes.filter((n) => n.kind === 'error');
      if (errors.length > 0) {
        // A rule could not judge the record: never "no alert". Thrown, so the source keeps it
        // (SQS redelivers, then dead-letters it; the poller stays at its checkpoint).
        throw new DetectionFailedError(record.eventID, errors.map(noteOf));
      }
      return { kind: 'no-alert', notes: notes.map(noteOf) };
    }

    const items = drafts.map((draft) => {
      const windowMs = Math.max(0, deps.engine.dedupWindowFor(draft.detectionId)) * MINUTE;
      // Window 0: every record its own alert. A start after any time the store can hold counts on nothing
      // (the store's clock may be a few ms past `received`, which a start of `received` would still catch).
      const windowStart = windowMs === 0 ? NEVER_COUNTED : new Date(received.getTime() - windowMs).toISOString();
      return { draft, windowStart };
    });
    const recorded = await deps.store.recordEventAlerts({ eventId: record.eventID, source }, items);
    if (!recorded.claimed) return { kind: 'duplicate' };
    const stored = recorded.results.map((r, i) => ({ ...r, actor: drafts[i]!.actor }));

    // Stored: from here on nothing throws, so the SQS message is deleted / the checkpoint moves.
    const nowMs = deps.clock().getTime();
    const alerts: Array<{ alertId: string; created: boolean; posted: boolean }> = [];
    for (const s of stored) {
      let posted = false;
      try {
        posted = s.created ? await announce(s.alert, nowMs) : await repeat(s.alert, s.actor, nowMs);
      } catch (err) {
        deps.log.error({ err, alertId: s.alert.id }, 'could not post the alert; it is stored');
      }
      alerts.push({ alertId: s.alert.id, created: s.created, posted });
    }
    return { kind: 'alerted', alerts };
  };

  return {
    ingest,
    flush,
    sampleNames: () => deps.samples?.names() ?? [],
    sample: (name) => {
      const records = deps.samples?.records(name);
      if (!records) return null;
      replays += 1;
      return replayRecords(records, deps.clock(), replays);
    },
    stats: () => ({ ...burst.stats(), ...counters }),
  };
};

/**
 * What the SQS consumer and the LookupEvents poller call for each record (src/aws/events'
 * RecordHandler): the lane's ingest. A record is done with once it resolves (stored, a duplicate,
 * or nothing to alert); a store failure throws, so the message stays on the queue / the checkpoint
 * stays where it was.
 */
/** Every rule that could have alerted on a record failed on it: the record must not count as handled. */
export class DetectionFailedError extends Error {
  constructor(
    readonly eventId: string,
    readonly reasons: readonly string[],
  ) {
    super(`Detections failed on CloudTrail record ${eventId}: ${reasons.join('; ')}`);
    this.name = 'DetectionFailedError';
  }
}

export const recordHandlerOf =
  (lane: LiveLane, log?: AppLogger) =>
  async (
    record: CloudTrailRecord,
    meta: { source: 'sqs' | 'lookup-events' },
  ): Promise<'stored' | 'duplicate' | 'ignored'> => {
    let outcome: IngestOutcome;
    try {
      outcome = await lane.ingest(record, meta.source);
    } catch (err) {
      // SQS: thrown, so the message is redelivered and, failing again, dead-lettered for a person.
      // LookupEvents has no dead-letter queue: staying at the checkpoint would stall every later
      // record behind one a rule cannot judge, so it is logged as an error (with the record's id,
      // to find it in CloudTrail) and the poller moves on.
      if (meta.source === 'lookup-events' && err instanceof DetectionFailedError) {
        log?.error(
          { eventId: err.eventId, reasons: err.reasons },
          'no detection could judge a CloudTrail record; skipped',
        );
        return 'ignored';
      }
      throw err;
    }
    return outcome.kind === 'duplicate' ? 'duplicate' : outcome.kind === 'alerted' ? 'stored' : 'ignored';
  };
