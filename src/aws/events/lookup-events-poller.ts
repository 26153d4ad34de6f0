import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { LookupCheckpoint } from '../../core/detections/alert';
import type { AlertStore } from '../../store/alert-store';
import { classifyError, errorDetail, errorName } from '../errors';
import { backoffDelay, type Backoff } from './backoff';
import { fetchLookupPage, type LookupEvent } from './lookup-events-page';
import { LOOKUP_EVENTS_PERMISSIONS } from './permissions';
import { makeLookupEventsLimiter, type RateLimiter } from './rate-limit';
import type { Clock, EventsLogger, HandleOutcome, RecordHandler, Sleep } from './types';

/**
 * The LookupEvents lane: for one account and region, the management events CloudTrail recorded
 * since the checkpoint, handed to the ingest pipeline oldest first. LookupEvents returns management
 * events only (data events and Insights are not in event history unless asked for with
 * EventCategory, which is never set here), newest first, 50 a page.
 *
 * No gaps, no repeats, across failures and restarts:
 * - A window's pages are all read before any record is handled (the newest come first, so handling
 *   a partial read would skip the older events still unread). A failed page fails the poll, and the
 *   checkpoint stays where it was.
 * - The checkpoint moves only past handled records: after a failure mid-way it is saved at the last
 *   handled one, so the next poll resumes right there.
 * - LookupEvents' StartTime and EndTime are inclusive and events carry whole seconds, so a
 *   checkpoint is a second plus the ids already handled at that second; those are skipped on resume.
 *
 * A window is at most `maxWindowMinutes` long (a bot that was down catches up in steps, each
 * checkpointed), and a window with more than `maxPagesPerWindow` pages is halved until it fits,
 * so memory stays bounded however busy the account.
 *
 * Reading settles: CloudTrail makes an event available to LookupEvents minutes after its eventTime
 * (AWS says typically within about 5 minutes of the call; typically, not always), so a read up to
 * "now" can miss an event of the last minutes that is listed only later, and once the checkpoint has
 * moved past its second it would never be asked for again. Every poll therefore reads only up to
 * now − `settleMinutes` (the horizon), and the checkpoint never moves past the horizon: an event
 * indexed within that delay is read by a later poll. The cost is alerting that much later.
 *
 * Known limit: an event that CloudTrail indexes later than `settleMinutes` after its eventTime is
 * still not seen by this lane; the SQS lane, fed by EventBridge, has no such window.
 */

export interface LookupEventsPollerDeps {
  clientFor(accountId: string, region: string): CloudTrailClient;
  store: Pick<AlertStore, 'getLookupCheckpoint' | 'saveLookupCheckpoint'>;
  handle: RecordHandler;
  clock: Clock;
  sleep: Sleep;
  /** Shared with `/cloudsec who` in production; one of its own otherwise. */
  limiter?: RateLimiter;
  /** How far back from the horizon the first poll of an account and region looks (no checkpoint yet). */
  initialLookbackMinutes: number;
  /** How long events are given to appear in LookupEvents: polls read up to now − this (0 reads up to now). */
  settleMinutes: number;
  log: EventsLogger;
  maxWindowMinutes?: number;
  maxPagesPerWindow?: number;
  /** Retries of a throttled page (after the SDK's own), with `throttleBackoff` between them. */
  throttleRetries?: number;
  throttleBackoff?: Backoff;
}

export interface PollFailure {
  code: string;
  kind: ReturnType<typeof classifyError>;
  message: string;
  /** The IAM action to grant, when AWS refused the call. */
  permission: string | null;
  /**
   * What failed: reading the pages, handling a record (whose id is then named), or saving the
   * checkpoint (the records since the last saved one come again, and are recognised as duplicates).
   */
  stage: 'lookup' | 'handle' | 'checkpoint';
  eventId?: string;
}

export interface PollResult {
  accountId: string;
  region: string;
  ok: boolean;
  outcomes: Record<HandleOutcome, number>;
  /** Records AWS listed that could not be read: logged, skipped, never handled. */
  unreadable: number;
  /** Pages read (each one LookupEvents call that answered). */
  pages: number;
  /** The checkpoint after the poll (the one it started from when nothing moved). */
  checkpoint: LookupCheckpoint | null;
  error?: PollFailure;
}

export interface LookupEventsPoller {
  pollAccountRegion(accountId: string, region: string): Promise<PollResult>;
}

type Position = { second: number; ids: Set<string> };

const SECOND = 1000;
const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;
const iso = (ms: number) => new Date(ms).toISOString();

/** Oldest first; events of one second keep their relative order, oldest listed first. */
const oldestFirst = (newestFirst: LookupEvent[]): LookupEvent[] => {
  const seen = new Set<string>();
  const unique = newestFirst.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
  return unique.reverse().sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
};

export const makeLookupEventsPoller = (deps: LookupEventsPollerDeps): LookupEventsPoller => {
  const limiter = deps.limiter ?? makeLookupEventsLimiter({ clock: deps.clock, sleep: deps.sleep });
  const maxWindowMs = (deps.maxWindowMinutes ?? 60) * 60 * SECOND;
  const maxPages = deps.maxPagesPerWindow ?? 100;
  const throttleRetries = deps.throttleRetries ?? 5;
  const throttleBackoff = deps.throttleBackoff ?? { baseMs: 1_000, maxMs: 30_000 };
  const settleMs = deps.settleMinutes * 60 * SECOND;

  const failureOf = (err: unknown, region: string): PollFailure => {
    const code = errorName(err);
    const kind = classifyError(code, region);
    return {
      code,
      kind,
      message: errorDetail(err),
      permission: kind === 'access-denied' ? LOOKUP_EVENTS_PERMISSIONS.LookupEvents : null,
      stage: 'lookup',
    };
  };

  type Window =
    | { ok: true; events: LookupEvent[]; endMs: number; pages: number; unplaceable: number; overflow: boolean }
    | { ok: false; error: PollFailure; pages: number };

  /** Every page of [startMs, endMs], halving the window while it has too many pages. */
  const readWindow = async (accountId: string, region: string, startMs: number, endMs: number): Promise<Window> => {
    const client = deps.clientFor(accountId, region);
    let pages = 0;
    for (let end = endMs; ;) {
      const events: LookupEvent[] = [];
      let unplaceable = 0;
      let nextToken: string | undefined;
      let read = 0;
      do {
        for (let failures = 0; ;) {
          try {
            const page = await fetchLookupPage({
              client,
              limiter,
              accountId,
              region,
              input: { StartTime: new Date(startMs), EndTime: new Date(end) },
              nextToken,
            });
            pages += 1;
            read += 1;
            events.push(...page.events);
            unplaceable += page.unplaceable;
            nextToken = page.nextToken;
            break;
          } catch (err) {
            const error = failureOf(err, region);
            if (error.kind !== 'throttled' || failures >= throttleRetries) return { ok: false, error, pages };
            failures += 1;
            const delayMs = backoffDelay(failures, throttleBackoff);
            deps.log.warn(
              { accountId, region, attempt: failures, delayMs },
              'LookupEvents throttled: retrying the page',
            );
            await deps.sleep(delayMs);
          }
        }
      } while (nextToken !== undefined && read < maxPages);
      if (nextToken === undefined) return { ok: true, events, endMs: end, pages, unplaceable, overflow: false };
      if (end - startMs <= SECOND) return { ok: true, events, endMs: end, pages, unplaceable, overflow: true };
      end = startMs + floorSecond((end - startMs) / 2);
    }
  };

  return {
    pollAccountRegion: async (accountId, region) => {
      const saved = await deps.store.getLookupCheckpoint(accountId, region);
      const clockMs = floorSecond(deps.clock().getTime());
      // The horizon: nothing newer is asked for, and the checkpoint never passes it (see "Reading settles").
      const horizonMs = clockMs - settleMs;
      const result: PollResult = {
        accountId,
        region,
        ok: true,
        outcomes: { stored: 0, duplicate: 0, ignored: 0 },
        unreadable: 0,
        pages: 0,
        checkpoint: saved,
      };
      let position: Position = saved
        ? { second: floorSecond(Date.parse(saved.lastEventTime)), ids: new Set(saved.lastEventIds) }
        : { second: horizonMs - deps.initialLookbackMinutes * 60 * SECOND, ids: new Set() };
      if (Number.isNaN(position.second)) {
        // A checkpoint whose time cannot be read would restart from nowhere: start over from the look-back instead, loudly.
        deps.log.error(
          { accountId, region },
          'LookupEvents checkpoint has an unreadable time: starting from the look-back',
        );
        position = { second: horizonMs - deps.initialLookbackMinutes * 60 * SECOND, ids: new Set() };
      }
      /** False when the store refused it: the poll then stops, and the next one starts from the last saved. */
      const save = async (p: Position): Promise<boolean> => {
        const checkpoint = { accountId, region, lastEventTime: iso(p.second), lastEventIds: [...p.ids] };
        try {
          result.checkpoint = await deps.store.saveLookupCheckpoint(checkpoint);
          return true;
        } catch (err) {
          result.ok = false;
          result.error = { ...failureOf(err, region), permission: null, stage: 'checkpoint' };
          deps.log.error({ accountId, region, code: result.error.code }, 'saving the LookupEvents checkpoint failed');
          return false;
        }
      };
      if (position.second > horizonMs) {
        // Nothing to ask yet (LookupEvents refuses an end before the start). Ahead of the horizon only is
        // normal after settleMinutes was raised, or with a checkpoint saved before there was one: it
        // waits for the horizon to catch up. Ahead of the clock itself is clock skew, said loudly.
        if (position.second > clockMs)
          deps.log.warn(
            { accountId, region, checkpoint: iso(position.second) },
            'LookupEvents checkpoint is ahead of the clock',
          );
        return result;
      }

      for (;;) {
        const startMs = position.second;
        const window = await readWindow(accountId, region, startMs, Math.min(horizonMs, startMs + maxWindowMs));
        result.pages += window.pages;
        if (!window.ok) {
          result.ok = false;
          result.error = window.error;
          deps.log.error(
            {
              accountId,
              region,
              code: window.error.code,
              kind: window.error.kind,
              permission: window.error.permission,
            },
            `LookupEvents failed: ${window.error.message}`,
          );
          return result;
        }
        if (window.unplaceable > 0)
          deps.log.error(
            { accountId, region, count: window.unplaceable },
            'LookupEvents listed events without an id or a time: skipped',
          );
        if (window.overflow)
          deps.log.error(
            { accountId, region, second: iso(window.endMs) },
            'more LookupEvents pages in one second than a window holds: some events were not read',
          );
        result.unreadable += window.unplaceable;

        let moved = position;
        for (const event of oldestFirst(window.events)) {
          const second = floorSecond(event.eventTime.getTime());
          // Before the window (AWS never should list one): already behind the checkpoint.
          if (second < position.second) continue;
          if (second === position.second && position.ids.has(event.eventId)) continue;
          if (event.record === null) {
            result.unreadable += 1;
            deps.log.error(
              { accountId, region, eventId: event.eventId },
              `LookupEvents record could not be read, skipped: ${event.reason}`,
            );
          } else {
            try {
              result.outcomes[await deps.handle(event.record, { source: 'lookup-events', accountId, region })] += 1;
            } catch (err) {
              result.ok = false;
              result.error = { ...failureOf(err, region), permission: null, stage: 'handle', eventId: event.eventId };
              deps.log.error(
                { accountId, region, eventId: event.eventId, code: result.error.code },
                'handling a LookupEvents record failed: the checkpoint stays before it',
              );
              if (moved !== position) await save(moved);
              return result;
            }
          }
          moved =
            second === moved.second
              ? { second, ids: new Set([...moved.ids, event.eventId]) }
              : { second, ids: new Set([event.eventId]) };
        }
        // Every event up to the window's end was read and handled: the checkpoint moves to that second,
        // keeping the ids already handled there (StartTime is inclusive).
        const endSecond = floorSecond(window.endMs);
        position = moved.second === endSecond ? moved : { second: endSecond, ids: new Set() };
        if (!(await save(position)) || window.endMs >= horizonMs) return result;
      }
    },
  };
};
