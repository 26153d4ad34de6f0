import { makeLookupEventsPoller } from '../../../src/aws/events/lookup-events-poller';
import { NOW, NOW_SECOND, at, checkpointAt, setUp, windowOf } from './poller-harness';
import {
  ACCOUNT,
  REGION,
  clientsOnce,
  epochSeconds,
  lookupAnswer,
  lookupEvent,
  lookupEventsCall,
  recordingLog,
} from './wire';

const MINUTE = 60_000;

/** The LookupEvents poller over long and busy stretches, against its checkpoint store, and its settle delay. */
describe('makeLookupEventsPoller · windows', () => {
  it('when the checkpoint is hours old, then the poller catches up in windows, saving the checkpoint after each', async () => {
    const checkpoint = checkpointAt('2026-03-01T08:00:00.000Z');
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
    const checkpoint = checkpointAt('2026-03-01T10:00:00.000Z');
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
      settleMinutes: 0,
      log,
    });
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({
      ok: false,
      error: { stage: 'checkpoint', code: 'SqliteError' },
    });
  });

  it('when the checkpoint is ahead of the clock, then nothing is asked of AWS', async () => {
    const checkpoint = checkpointAt('2026-03-01T11:00:00.000Z');
    const { poller, lines } = setUp({ checkpoint });
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 0 });
    expect(lines[0]!.msg).toMatch(/ahead of the clock/);
  });
});

describe('makeLookupEventsPoller · settling (events CloudTrail lists late)', () => {
  // NOW is 10:15:00.4: with 15 minutes to settle, nothing after 10:00:00 is asked for yet.
  const HORIZON = '2026-03-01T10:00:00.000Z';

  it('when settleMinutes is 15, then the EndTime sent is now − 15 min and the checkpoint stops there', async () => {
    const sent: Array<Record<string, unknown>> = [];
    lookupEventsCall((b) => (sent.push(b), true)).reply(...lookupAnswer([]));
    const { poller, checkpoints } = setUp({ settleMinutes: 15 });

    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 1 });

    expect(sent).toHaveLength(1);
    expect(sent[0]!.EndTime).toBe(epochSeconds(HORIZON));
    expect(sent[0]!.EndTime).toBe((Date.parse(NOW_SECOND) - 15 * MINUTE) / 1000);
    // The first look-back (15 minutes) counts from the horizon, not from now.
    expect(sent[0]!.StartTime).toBe(epochSeconds('2026-03-01T09:45:00Z'));
    expect(checkpoints.current()).toMatchObject({ lastEventTime: HORIZON, lastEventIds: [] });
  });

  it('when an event within the settle window is listed only after a poll, then the next poll reads it', async () => {
    // At 10:04 someone opens a security group; CloudTrail lists it in LookupEvents only at 10:16.
    const late = at('2026-03-01T10:04:00Z');
    const { poller, handled, checkpoints, advance } = setUp({
      settleMinutes: 15,
      checkpoint: checkpointAt('2026-03-01T09:55:00.000Z'),
    });
    // At 10:15 the poll reads up to 10:00 only: a read up to 10:15 would have moved the checkpoint past 10:04.
    lookupEventsCall(windowOf('2026-03-01T09:55:00Z', HORIZON)).reply(...lookupAnswer([]));
    await poller.pollAccountRegion(ACCOUNT, REGION);
    expect(checkpoints.current()).toMatchObject({ lastEventTime: HORIZON });

    advance(5 * MINUTE);
    lookupEventsCall(windowOf(HORIZON, '2026-03-01T10:05:00Z')).reply(...lookupAnswer([lookupEvent(late)]));
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, outcomes: { stored: 1 } });

    expect(handled).toEqual([late.eventID]);
    expect(checkpoints.current()).toMatchObject({ lastEventTime: '2026-03-01T10:05:00.000Z' });
  });

  it('when the checkpoint is past the horizon but not the clock (settleMinutes raised), then the poll waits quietly for the horizon', async () => {
    const { poller, lines, checkpoints, advance } = setUp({
      settleMinutes: 15,
      checkpoint: checkpointAt('2026-03-01T10:10:00.000Z'),
    });

    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 0 });
    expect(lines).toEqual([]);
    expect(checkpoints.saves).toEqual([]);

    advance(11 * MINUTE);
    lookupEventsCall(windowOf('2026-03-01T10:10:00Z', '2026-03-01T10:11:00Z')).reply(...lookupAnswer([]));
    expect(await poller.pollAccountRegion(ACCOUNT, REGION)).toMatchObject({ ok: true, pages: 1 });
  });
});
