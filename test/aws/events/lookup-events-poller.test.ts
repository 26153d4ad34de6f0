import { makeLookupEventsPoller, type LookupEventsPollerDeps } from '../../../src/aws/events/lookup-events-poller';
import { makeLookupEventsLimiter, type RateLimiter } from '../../../src/aws/events/rate-limit';
import { lookupResourceHistory } from '../../../src/aws/events/resource-history';
import type { LookupCheckpoint } from '../../../src/core/detections/alert';
import type { CloudTrailRecord } from '../../../src/core/detections/record';
import type { AlertStore } from '../../../src/store/alert-store';
import {
  ACCOUNT,
  REGION,
  aRecord,
  clientsOnce,
  ctAccessDenied,
  ctThrottled,
  epochSeconds,
  lookupAnswer,
  lookupEvent,
  lookupEventsCall,
  recordingLog,
} from './wire';

const NOW = '2026-03-01T10:15:00.400Z';
const NOW_SECOND = '2026-03-01T10:15:00.000Z';

/** The checkpoint port, in memory. */
const memoryCheckpoints = (clock: () => Date, initial?: Omit<LookupCheckpoint, 'updatedAt'>) => {
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

const at = (time: string, overrides: Partial<CloudTrailRecord> = {}) => aRecord({ eventTime: time, ...overrides });

const setUp = (
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
const windowOf = (start: string, end: string, nextToken?: string) => (b: Record<string, unknown>) =>
  b.StartTime === epochSeconds(start) &&
  b.EndTime === epochSeconds(end) &&
  b.MaxResults === 50 &&
  b.NextToken === nextToken &&
  b.LookupAttributes === undefined &&
  b.EventCategory === undefined;

/** As LookupEvents lists them: newest first; of records in one second, the one given later is the newer. */
const newestFirst = (oldestFirst: CloudTrailRecord[]) =>
  oldestFirst
    .map((record, index) => ({ record, index }))
    .sort((a, b) => Date.parse(b.record.eventTime) - Date.parse(a.record.eventTime) || b.index - a.index)
    .map(({ record }) => lookupEvent(record));

describe('makeLookupEventsPoller', () => {
  it('when an account and region is polled the first time, then it looks back initialLookbackMinutes and hands records oldest first', async () => {
    const [older, newer] = [at('2026-03-01T10:05:00Z'), at('2026-03-01T10:10:00Z')];
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(...lookupAnswer(newestFirst([older, newer])));
    const { poller, handled, checkpoints } = setUp();

    const result = await poller.pollAccountRegion(ACCOUNT, REGION);

    expect(result).toMatchObject({ ok: true, outcomes: { stored: 2 }, pages: 1, unreadable: 0 });
    expect(handled).toEqual([older.eventID, newer.eventID]);
    // Everything up to the window's end was read: the next poll starts there.
    expect(checkpoints.current()).toMatchObject({ lastEventTime: NOW_SECOND, lastEventIds: [] });
  });

  it('when the window spans pages, then every page is read (following NextToken) before the oldest record is handled', async () => {
    const records = ['10:01', '10:02', '10:03', '10:04'].map((t) => at(`2026-03-01T${t}:00Z`));
    const events = newestFirst(records);
    const order: string[] = [];
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(() => {
      order.push('page 1');
      return lookupAnswer(events.slice(0, 2), 'token-2');
    });
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND, 'token-2')).reply(() => {
      order.push('page 2');
      return lookupAnswer(events.slice(2));
    });
    const { poller, handled } = setUp({
      handle: async (r) => {
        order.push(r.eventID);
        handled.push(r.eventID);
        return 'stored';
      },
    });

    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 2 });
    expect(order).toEqual(['page 1', 'page 2', ...records.map((r) => r.eventID)]);
  });

  it('when a checkpoint exists, then the poll starts at its second and skips the ids already handled there', async () => {
    const [handledBefore, sameSecond, later] = [
      at('2026-03-01T10:10:00Z'),
      at('2026-03-01T10:10:00Z'),
      at('2026-03-01T10:12:00Z'),
    ];
    const checkpoint = {
      accountId: ACCOUNT,
      region: REGION,
      lastEventTime: '2026-03-01T10:10:00.000Z',
      lastEventIds: [handledBefore.eventID],
    };
    lookupEventsCall(windowOf('2026-03-01T10:10:00Z', NOW_SECOND)).reply(
      ...lookupAnswer([lookupEvent(later), lookupEvent(sameSecond), lookupEvent(handledBefore)]),
    );
    const { poller, handled } = setUp({ checkpoint });

    await poller.pollAccountRegion(ACCOUNT, REGION);

    expect(handled).toEqual([sameSecond.eventID, later.eventID]);
  });

  it("when a record is at the window's last second, then the checkpoint keeps its id so the next poll skips it", async () => {
    const last = at(NOW_SECOND);
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(...lookupAnswer([lookupEvent(last)]));
    const { poller, checkpoints } = setUp();
    await poller.pollAccountRegion(ACCOUNT, REGION);
    expect(checkpoints.current()).toMatchObject({ lastEventTime: NOW_SECOND, lastEventIds: [last.eventID] });
  });

  it('when handling fails mid-way, then the checkpoint is saved at the last handled record and the next poll resumes with no gap and no repeat', async () => {
    const e1 = at('2026-03-01T10:05:00Z');
    const e2 = at('2026-03-01T10:05:00Z');
    const e3 = at('2026-03-01T10:07:00Z');
    const e4 = at('2026-03-01T10:16:00Z');
    let storeDown = true;
    const { poller, handled, checkpoints, advance } = setUp({ fail: (r) => storeDown && r.eventID === e2.eventID });
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(...lookupAnswer(newestFirst([e1, e2, e3])));

    const first = await poller.pollAccountRegion(ACCOUNT, REGION);

    expect(first).toMatchObject({ ok: false, error: { stage: 'handle', eventId: e2.eventID } });
    expect(handled).toEqual([e1.eventID]);
    expect(checkpoints.current()).toMatchObject({
      lastEventTime: '2026-03-01T10:05:00.000Z',
      lastEventIds: [e1.eventID],
    });

    storeDown = false;
    advance(5 * 60_000);
    lookupEventsCall(windowOf('2026-03-01T10:05:00Z', '2026-03-01T10:20:00Z')).reply(
      ...lookupAnswer(newestFirst([e1, e2, e3, e4])),
    );
    const second = await poller.pollAccountRegion(ACCOUNT, REGION);

    expect(second).toMatchObject({ ok: true, outcomes: { stored: 3 } });
    expect(handled).toEqual([e1, e2, e3, e4].map((e) => e.eventID));
  });

  it('when a later page fails, then no record of the window is handled and the checkpoint stays where it was', async () => {
    const checkpoint = {
      accountId: ACCOUNT,
      region: REGION,
      lastEventTime: '2026-03-01T10:00:00.000Z',
      lastEventIds: [],
    };
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(
      ...lookupAnswer(newestFirst([at('2026-03-01T10:14:00Z')]), 'token-2'),
    );
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND, 'token-2')).reply(...ctAccessDenied());
    const { poller, handled, checkpoints, lines } = setUp({ checkpoint });

    const result = await poller.pollAccountRegion(ACCOUNT, REGION);

    expect(result).toMatchObject({
      ok: false,
      error: { stage: 'lookup', kind: 'access-denied', permission: 'cloudtrail:LookupEvents' },
    });
    expect(handled).toEqual([]);
    expect(checkpoints.saves).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ level: 'error', obj: { permission: 'cloudtrail:LookupEvents' } });
  });

  it('when LookupEvents throttles, then the poller backs off and retries the same page', async () => {
    const record = at('2026-03-01T10:14:00Z');
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND, 'token-2')).reply(...ctThrottled());
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(...lookupAnswer([], 'token-2'));
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND, 'token-2')).reply(
      ...lookupAnswer([lookupEvent(record)]),
    );
    const { poller, handled, sleeps, lines } = setUp({ throttleBackoff: { baseMs: 1_000, maxMs: 8_000 } });

    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 2 });
    expect(handled).toEqual([record.eventID]);
    expect(sleeps).toContain(1_000);
    expect(lines.filter((l) => /throttled/.test(l.msg))).toHaveLength(1);
  });

  it('when throttling goes on past the retries, then the poll fails without handling anything', async () => {
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND))
      .times(3)
      .reply(...ctThrottled());
    const { poller, handled, checkpoints } = setUp({
      throttleRetries: 2,
      throttleBackoff: { baseMs: 1_000, maxMs: 8_000 },
    });
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: false, error: { kind: 'throttled' } });
    expect(handled).toEqual([]);
    expect(checkpoints.saves).toEqual([]);
  });

  it('when pages and polls and `who` look-ups follow one another, then no second ever holds more than 2 LookupEvents calls', async () => {
    const sentAt: number[] = [];
    const base = setUp();
    const limiter = makeLookupEventsLimiter({ clock: base.clock, sleep: base.sleep });
    const { clock, advance } = base;
    const { poller } = setUp({ limiter, clock, sleep: base.sleep });
    const page = (token: string | undefined, next: string | undefined) =>
      lookupEventsCall((b) => b.NextToken === token).reply(() => {
        sentAt.push(clock().getTime());
        return lookupAnswer([lookupEvent(at('2026-03-01T10:14:00Z'))], next);
      });
    for (let i = 0; i < 6; i++) page(i === 0 ? undefined : `t${i}`, i === 5 ? undefined : `t${i + 1}`);
    await poller.pollAccountRegion(ACCOUNT, REGION);
    advance(100);
    for (let i = 0; i < 3; i++) page(i === 0 ? undefined : `t${i}`, i === 2 ? undefined : `t${i + 1}`);
    await poller.pollAccountRegion(ACCOUNT, REGION);
    lookupEventsCall((b) => Array.isArray(b.LookupAttributes)).reply(() => {
      sentAt.push(clock().getTime());
      return lookupAnswer([]);
    });
    await lookupResourceHistory({
      client: clientsOnce().cloudtrail(REGION),
      accountId: ACCOUNT,
      region: REGION,
      resourceName: 'x',
      days: 1,
      clock,
      limiter,
    });

    expect(sentAt).toHaveLength(10);
    const busiest = Math.max(...sentAt.map((t) => sentAt.filter((u) => u >= t && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(2);
  });

  it('when a listed record cannot be read, then it is skipped, counted and logged, and the checkpoint moves past it', async () => {
    const good = at('2026-03-01T10:11:00Z');
    const broken = {
      ...lookupEvent(at('2026-03-01T10:12:00Z')),
      CloudTrailEvent: '{"eventVersion": "1.09", truncated',
    };
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(...lookupAnswer([broken, lookupEvent(good)]));
    const { poller, handled, lines, checkpoints } = setUp();

    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({
      ok: true,
      unreadable: 1,
      outcomes: { stored: 1 },
    });
    expect(handled).toEqual([good.eventID]);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', obj: expect.objectContaining({ eventId: broken.EventId }) }),
    ]);
    expect(checkpoints.current()).toMatchObject({ lastEventTime: NOW_SECOND });
  });

  it('when LookupEvents answers without its Events list, then the poll fails rather than reading it as no events', async () => {
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(200, '{}', {
      'Content-Type': 'application/x-amz-json-1.1',
    });
    const { poller, checkpoints } = setUp();
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(checkpoints.saves).toEqual([]);
  });

  it('when the checkpoint is hours old, then the poller catches up in windows, saving the checkpoint after each', async () => {
    const checkpoint = {
      accountId: ACCOUNT,
      region: REGION,
      lastEventTime: '2026-03-01T08:00:00.000Z',
      lastEventIds: [],
    };
    lookupEventsCall(windowOf('2026-03-01T08:00:00Z', '2026-03-01T09:00:00Z')).reply(
      ...lookupAnswer([lookupEvent(at('2026-03-01T08:30:00Z'))]),
    );
    lookupEventsCall(windowOf('2026-03-01T09:00:00Z', '2026-03-01T10:00:00Z')).reply(...lookupAnswer([]));
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(
      ...lookupAnswer([lookupEvent(at('2026-03-01T10:01:00Z'))]),
    );
    const { poller, checkpoints, handled } = setUp({ checkpoint, maxWindowMinutes: 60 });

    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 3 });
    expect(handled).toHaveLength(2);
    expect(checkpoints.saves.map((s) => s.lastEventTime)).toEqual([
      '2026-03-01T09:00:00.000Z',
      '2026-03-01T10:00:00.000Z',
      NOW_SECOND,
    ]);
  });

  it('when a window has more pages than it may hold, then it is halved and read again, so nothing is skipped', async () => {
    const checkpoint = {
      accountId: ACCOUNT,
      region: REGION,
      lastEventTime: '2026-03-01T10:00:00.000Z',
      lastEventIds: [],
    };
    const early = at('2026-03-01T10:03:00Z');
    const late = at('2026-03-01T10:12:00Z');
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(...lookupAnswer([lookupEvent(late)], 'more'));
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', '2026-03-01T10:07:30Z')).reply(
      ...lookupAnswer([lookupEvent(early)]),
    );
    lookupEventsCall(windowOf('2026-03-01T10:07:30Z', NOW_SECOND)).reply(...lookupAnswer([lookupEvent(late)]));
    const { poller, handled } = setUp({ checkpoint, maxPagesPerWindow: 1 });

    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 3 });
    expect(handled).toEqual([early.eventID, late.eventID]);
  });
});

describe('makeLookupEventsPoller · the checkpoint store', () => {
  it('when the checkpoint cannot be saved, then the poll reports it instead of throwing', async () => {
    lookupEventsCall(windowOf('2026-03-01T10:00:00Z', NOW_SECOND)).reply(...lookupAnswer([]));
    const { log } = recordingLog();
    const poller = makeLookupEventsPoller({
      clientFor: () => clientsOnce().cloudtrail(REGION),
      store: {
        getLookupCheckpoint: async () => null,
        saveLookupCheckpoint: async () => {
          throw Object.assign(new Error('disk I/O error'), { name: 'SqliteError' });
        },
      },
      handle: async () => 'stored',
      clock: () => new Date(NOW),
      sleep: async () => {},
      initialLookbackMinutes: 15,
      log,
    });
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({
      ok: false,
      error: { stage: 'checkpoint', code: 'SqliteError' },
    });
  });

  it('when the checkpoint is ahead of the clock, then nothing is asked of AWS', async () => {
    const checkpoint = {
      accountId: ACCOUNT,
      region: REGION,
      lastEventTime: '2026-03-01T11:00:00.000Z',
      lastEventIds: [],
    };
    const { poller, lines } = setUp({ checkpoint });
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 0 });
    expect(lines[0]!.msg).toMatch(/ahead of the clock/);
  });
});
