/**
 * The LookupEvents poller under test, with its checkpoint port in memory and a clock that sleeps
 * move forward; AWS answers come from nock (wire.ts). Shared by the lookup-events-poller suites.
 */
import { makeLookupEventsPoller, type LookupEventsPollerDeps } from '../../../src/aws/events/lookup-events-poller';
import type { RateLimiter } from '../../../src/aws/events/rate-limit';
import type { LookupCheckpoint } from '../../../src/core/detections/alert';
import type { CloudTrailRecord } from '../../../src/core/detections/record';
import type { AlertStore } from '../../../src/store/alert-store';
import { ACCOUNT, REGION, aRecord, clientsOnce, epochSeconds, lookupEvent, recordingLog } from './wire';

export const NOW = '2026-03-01T10:15:00.400Z';
export const NOW_SECOND = '2026-03-01T10:15:00.000Z';

/** The checkpoint port, in memory. */
export const memoryCheckpoints = (clock: () => Date, initial?: Omit<LookupCheckpoint, 'updatedAt'>) => {
  const rows = new Map<string, LookupCheckpoint>();
  const saves: LookupCheckpoint[] = [];
  const store: Pick<AlertStore, 'getLookupCheckpoint' | 'saveLookupCheckpoint'> = {
    getLookupCheckpoint: async (accountId, region) => rows.get(`${accountId}/${region}`) ?? null,
    saveLookupCheckpoint: async (checkpoint) => {
      const saved = { ...checkpoint, lastEventIds: [...checkpoint.lastEventIds], updatedAt: clock().toISOString() };
      rows.set(`${checkpoint.accountId}/${checkpoint.region}`, saved);
      saves.push(saved);
      return saved;
    },
  };
  if (initial)
    rows.set(`${initial.accountId}/${initial.region}`, { ...initial, updatedAt: '2026-03-01T00:00:00.000Z' });
  return { store, saves, current: () => rows.get(`${ACCOUNT}/${REGION}`) ?? null };
};

export const at = (time: string, overrides: Partial<CloudTrailRecord> = {}) =>
  aRecord({ eventTime: time, ...overrides });

/** A checkpoint of ACCOUNT/REGION at `time`, no ids handled there yet. */
export const checkpointAt = (time: string, lastEventIds: string[] = []) => ({
  accountId: ACCOUNT,
  region: REGION,
  lastEventTime: time,
  lastEventIds,
});

/**
 * A poller at NOW. `settleMinutes` is 0 unless given, so the windows of the suites that are not about
 * settling end at NOW; the settle suite gives it.
 */
export const setUp = (
  options: {
    checkpoint?: Omit<LookupCheckpoint, 'updatedAt'>;
    fail?: (r: CloudTrailRecord) => boolean;
    limiter?: RateLimiter;
  } & Partial<LookupEventsPollerDeps> = {},
) => {
  let now = Date.parse(NOW);
  const clock = () => new Date(now);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    now += ms;
  };
  const checkpoints = memoryCheckpoints(clock, options.checkpoint);
  const { lines, log } = recordingLog();
  const handled: string[] = [];
  const client = clientsOnce().cloudtrail(REGION);
  const poller = makeLookupEventsPoller({
    clientFor: (accountId, region) => {
      expect([accountId, region]).toEqual([ACCOUNT, REGION]);
      return client;
    },
    store: checkpoints.store,
    handle: async (record, meta) => {
      expect(meta).toEqual({ source: 'lookup-events', accountId: ACCOUNT, region: REGION });
      if (options.fail?.(record)) throw new Error('store unavailable');
      handled.push(record.eventID);
      return 'stored';
    },
    clock,
    sleep,
    initialLookbackMinutes: 15,
    settleMinutes: 0,
    log,
    ...options,
  });
  return {
    poller,
    handled,
    sleeps,
    lines,
    checkpoints,
    client,
    clock,
    sleep,
    advance: (ms: number) => void (now += ms),
  };
};

/** A LookupEvents request for this window (epoch seconds), optionally at a page token. */
export const windowOf = (start: string, end: string, nextToken?: string) => (b: Record<string, unknown>) =>
  b.StartTime === epochSeconds(start) &&
  b.EndTime === epochSeconds(end) &&
  b.MaxResults === 50 &&
  b.NextToken === nextToken &&
  b.LookupAttributes === undefined &&
  b.EventCategory === undefined;

/** As LookupEvents lists them: newest first; of records in one second, the one given later is the newer. */
export const newestFirst = (oldestFirst: CloudTrailRecord[]) =>
  oldestFirst
    .map((record, index) => ({ record, index }))
    .sort((a, b) => Date.parse(b.record.eventTime) - Date.parse(a.record.eventTime) || b.index - a.index)
    .map(({ record }) => lookupEvent(record));
