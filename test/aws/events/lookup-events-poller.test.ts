import { makeLookupEventsLimiter } from '../../../src/aws/events/rate-limit';
import { lookupResourceHistory } from '../../../src/aws/events/resource-history';
import { NOW_SECOND, at, checkpointAt, newestFirst, setUp, windowOf } from './poller-harness';
import {
  ACCOUNT,
  REGION,
  clientsOnce,
  ctAccessDenied,
  ctThrottled,
  lookupAnswer,
  lookupEvent,
  lookupEventsCall,
} from './wire';

/** The LookupEvents poller: reading a window's pages, ordering, checkpoints, failures (settleMinutes 0 here). */
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
    const checkpoint = checkpointAt('2026-03-01T10:10:00.000Z', [handledBefore.eventID]);
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
    const checkpoint = checkpointAt('2026-03-01T10:00:00.000Z');
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
});
