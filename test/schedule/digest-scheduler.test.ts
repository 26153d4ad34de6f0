import cron from 'node-cron';
import type { AppLogger } from '../../src/app/deps';
import { DigestConfigSchema, type DigestConfig } from '../../src/digest-config';
import { isCloudsecError } from '../../src/errors';
import {
  startDigestScheduler,
  type DigestRunReason,
  type DigestScheduler,
  type DigestSchedulerDeps,
} from '../../src/schedule/digest-scheduler';
import { nextOccurrence, previousOccurrence } from '../../src/schedule/occurrences';

/**
 * node-cron 4.6 arms one setTimeout per task for the next time (at most 24 h ahead) and reads the
 * time with `new Date()`; jest's modern fake timers replace both, so advancing the fake clock fires
 * ticks at the exact instants, and a jump of the system time without firing timers (setSystemTime)
 * is a stalled event loop.
 */

interface Call {
  digest: string;
  scheduledFor: string;
  reason: DigestRunReason;
  /** The (fake) time runDue was called. */
  calledAt: string;
}

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

const digest = (name: string, schedule: string, timezone = 'UTC'): DigestConfig =>
  DigestConfigSchema.parse({ name, channel: 'C0SECURITY', schedule, timezone });

let running: DigestScheduler | null = null;
/** Released after each test, so a failing test cannot leave stop() waiting on a run forever. */
const gates: (() => void)[] = [];

afterEach(async () => {
  for (const release of gates.splice(0)) release();
  await running?.stop();
  running = null;
  jest.useRealTimers();
});

const start = (options: {
  now: string;
  digests: DigestConfig[];
  lastScheduledFor?: DigestSchedulerDeps['lastScheduledFor'];
  runDue?: DigestSchedulerDeps['runDue'];
  catchUpMaxAgeMs?: number;
  /** Sees each log line before it is kept; a test may throw from it (a broken log destination). */
  onLog?: (line: LogLine) => void;
}) => {
  jest.useFakeTimers({ now: new Date(options.now) });
  const calls: Call[] = [];
  const logs: LogLine[] = [];
  const record =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      const line = { level, obj: obj as Record<string, unknown>, msg };
      options.onLog?.(line);
      logs.push(line);
    };
  const log: AppLogger = { info: record('info'), warn: record('warn'), error: record('error') };
  const scheduler = startDigestScheduler({
    digests: options.digests,
    runDue: (name, scheduledFor, reason) => {
      calls.push({
        digest: name,
        scheduledFor: scheduledFor.toISOString(),
        reason,
        calledAt: new Date().toISOString(),
      });
      return options.runDue ? options.runDue(name, scheduledFor, reason) : Promise.resolve();
    },
    lastScheduledFor: options.lastScheduledFor ?? (() => Promise.resolve(null)),
    clock: () => new Date(),
    log,
    ...(options.catchUpMaxAgeMs === undefined ? {} : { catchUpMaxAgeMs: options.catchUpMaxAgeMs }),
  });
  running = scheduler;
  return { scheduler, calls, logs };
};

const advanceTo = async (iso: string): Promise<void> => {
  await jest.advanceTimersByTimeAsync(new Date(iso).getTime() - Date.now());
};

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  gates.push(() => resolve());
  return { promise, resolve };
};

const ticks = (calls: Call[], name?: string) =>
  calls.filter((c) => name === undefined || c.digest === name).map((c) => c.scheduledFor);

describe('digest ticks', () => {
  it('when a daily 09:00 digest is set in Berlin, New York and Kolkata, then each fires at 09:00 local, at that instant', async () => {
    const { scheduler, calls } = start({
      now: '2026-01-14T12:00:00Z',
      digests: [
        digest('berlin', '0 9 * * *', 'Europe/Berlin'),
        digest('new-york', '0 9 * * *', 'America/New_York'),
        digest('kolkata', '0 9 * * *', 'Asia/Kolkata'),
      ],
    });
    await scheduler.catchUp;
    await advanceTo('2026-01-16T12:00:00Z');

    expect(ticks(calls, 'berlin')).toEqual(['2026-01-15T08:00:00.000Z', '2026-01-16T08:00:00.000Z']);
    expect(ticks(calls, 'new-york')).toEqual(['2026-01-14T14:00:00.000Z', '2026-01-15T14:00:00.000Z']);
    expect(ticks(calls, 'kolkata')).toEqual(['2026-01-15T03:30:00.000Z', '2026-01-16T03:30:00.000Z']);
    for (const call of calls) {
      expect(call.calledAt).toBe(call.scheduledFor);
      expect(call.reason).toBe('schedule');
    }
  });

  it('when clocks go forward in Berlin (2026-03-29, 02:30 does not exist), then 09:00 fires once that day and 02:30 not at all', async () => {
    const { calls } = start({
      now: '2026-03-27T12:00:00Z',
      digests: [digest('morning', '0 9 * * *', 'Europe/Berlin'), digest('night', '30 2 * * *', 'Europe/Berlin')],
    });
    await advanceTo('2026-03-31T12:00:00Z');

    expect(ticks(calls, 'morning')).toEqual([
      '2026-03-28T08:00:00.000Z', // 09:00 CET
      '2026-03-29T07:00:00.000Z', // 09:00 CEST
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
    ]);
    expect(ticks(calls, 'night')).toEqual([
      '2026-03-28T01:30:00.000Z',
      // node-cron skips the 29th rather than running at 03:30.
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('when clocks go back in Berlin (2026-10-25, 02:30 happens twice), then 09:00 fires once and 02:30 once, at the second 02:30', async () => {
    const { calls } = start({
      now: '2026-10-23T12:00:00Z',
      digests: [
        digest('morning', '0 9 * * *', 'Europe/Berlin'),
        digest('night', '30 2 * * *', 'Europe/Berlin'),
        digest('hourly', '30 * * * *', 'Europe/Berlin'),
      ],
    });
    await advanceTo('2026-10-26T12:00:00Z');

    expect(ticks(calls, 'morning')).toEqual([
      '2026-10-24T07:00:00.000Z', // 09:00 CEST
      '2026-10-25T08:00:00.000Z', // 09:00 CET
      '2026-10-26T08:00:00.000Z',
    ]);
    expect(ticks(calls, 'night')).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z', // 02:30 CET; 02:30 CEST (00:30Z) gets no tick
      '2026-10-26T01:30:00.000Z',
    ]);
    const hourlyThroughTheNight = ticks(calls, 'hourly').filter(
      (t) => t >= '2026-10-24T22:00:00.000Z' && t < '2026-10-25T04:00:00.000Z',
    );
    expect(hourlyThroughTheNight).toEqual([
      '2026-10-24T22:30:00.000Z',
      '2026-10-24T23:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-25T02:30:00.000Z',
      '2026-10-25T03:30:00.000Z',
    ]);
  });

  it('when New York changes clocks (2026-03-08, 2026-11-01), then 09:00 fires once on each of those days at 09:00 local', async () => {
    const { calls } = start({
      now: '2026-03-07T00:00:00Z',
      digests: [digest('morning', '0 9 * * *', 'America/New_York'), digest('late', '30 1 * * *', 'America/New_York')],
    });
    await advanceTo('2026-03-09T00:00:00Z');
    expect(ticks(calls, 'morning')).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z']);

    await running?.stop();
    const again = start({
      now: '2026-10-31T00:00:00Z',
      digests: [digest('morning', '0 9 * * *', 'America/New_York'), digest('late', '30 1 * * *', 'America/New_York')],
    });
    await advanceTo('2026-11-02T00:00:00Z');
    expect(ticks(again.calls, 'morning')).toEqual(['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z']);
    // 01:30 happens twice on 11-01: one tick, the first (EDT).
    expect(ticks(again.calls, 'late')).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z']);
  });

  it.each([
    ['30 2 * * *', 'Europe/Berlin', '2026-03-27T00:00:00Z', '2026-04-01T00:00:00Z'],
    ['30 2 * * *', 'Europe/Berlin', '2026-10-23T00:00:00Z', '2026-10-28T00:00:00Z'],
    ['*/15 * * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T03:00:00Z'],
    ['*/15 * * * *', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z'],
    ['*/15 * * * *', 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-08T09:00:00Z'],
    ['30 2 * * *', 'Australia/Sydney', '2026-04-02T00:00:00Z', '2026-04-07T00:00:00Z'],
    ['0 9 * * 1-5', 'Asia/Kolkata', '2026-01-01T00:00:00Z', '2026-01-12T00:00:00Z'],
    ['0 9 1 * 1', 'UTC', '2026-01-01T00:00:00Z', '2027-03-02T00:00:00Z'],
  ])(
    'when "%s" runs in %s from %s, then node-cron ticks exactly at nextOccurrence’s times and previousOccurrence agrees',
    async (schedule, timezone, from, to) => {
      const { calls } = start({ now: from, digests: [digest('d', schedule, timezone)] });
      await advanceTo(to);

      const expected: string[] = [];
      for (let t = nextOccurrence(schedule, timezone, new Date(from)); t && t <= new Date(to);) {
        expected.push(t.toISOString());
        t = nextOccurrence(schedule, timezone, t);
      }
      expect(expected.length).toBeGreaterThan(1);
      expect(ticks(calls)).toEqual(expected);
      for (const call of calls) {
        expect(call.calledAt).toBe(call.scheduledFor);
        expect(previousOccurrence(schedule, timezone, new Date(call.scheduledFor))?.toISOString()).toBe(
          call.scheduledFor,
        );
      }
    },
  );

  it('when a six-field schedule ticks, then scheduledFor keeps its seconds', async () => {
    const { calls } = start({ now: '2026-01-15T09:00:00.250Z', digests: [digest('fast', '*/20 * * * * *')] });
    await advanceTo('2026-01-15T09:01:00.500Z');
    expect(ticks(calls)).toEqual(['2026-01-15T09:00:20.000Z', '2026-01-15T09:00:40.000Z', '2026-01-15T09:01:00.000Z']);
  });
});

describe('stop and nextRuns', () => {
  it('when the scheduler is running, then nextRuns gives each digest’s next time', async () => {
    const { scheduler } = start({
      now: '2026-01-15T10:00:00Z',
      digests: [digest('berlin', '0 9 * * *', 'Europe/Berlin'), digest('weekly', '0 9 * * 1')],
    });
    expect(scheduler.nextRuns()).toEqual([
      { name: 'berlin', next: new Date('2026-01-16T08:00:00Z') },
      { name: 'weekly', next: new Date('2026-01-19T09:00:00Z') },
    ]);
  });

  it('when stopped, then no tick fires afterwards and nextRuns is empty of times', async () => {
    const { scheduler, calls } = start({ now: '2026-01-15T07:00:00Z', digests: [digest('d', '0 8 * * *')] });
    await advanceTo('2026-01-15T09:00:00Z');
    expect(calls).toHaveLength(1);

    await scheduler.stop();
    await advanceTo('2026-01-20T09:00:00Z');
    expect(calls).toHaveLength(1);
    expect(scheduler.nextRuns()).toEqual([{ name: 'd', next: null }]);
  });

  it('when stopped during a run, then stop waits for that run to finish', async () => {
    const gate = deferred();
    const { scheduler, calls } = start({
      now: '2026-01-15T07:59:00Z',
      digests: [digest('d', '0 8 * * *')],
      runDue: () => gate.promise,
    });
    await advanceTo('2026-01-15T08:00:00Z');
    expect(calls).toHaveLength(1);

    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('when stopped before the catch-up knows the last run, then the catch-up does not run', async () => {
    const last = deferred();
    const { scheduler, calls } = start({
      now: '2026-01-15T10:00:00Z',
      digests: [digest('d', '0 9 * * *')],
      lastScheduledFor: () => last.promise.then(() => new Date('2026-01-14T09:00:00Z')),
    });
    await scheduler.stop();
    last.resolve();
    await scheduler.catchUp;
    expect(calls).toEqual([]);
  });

  it('when the scheduler is stopped, then node-cron holds none of its tasks', async () => {
    const before = cron.getTasks().size;
    const { scheduler } = start({
      now: '2026-01-15T10:00:00Z',
      digests: [digest('a', '0 9 * * *'), digest('b', '0 10 * * *')],
    });
    expect(cron.getTasks().size).toBe(before + 2);
    await scheduler.stop();
    expect(cron.getTasks().size).toBe(before);
  });
});

describe('catch-up at start-up', () => {
  const berlinDaily = () => digest('daily', '0 9 * * *', 'Europe/Berlin'); // 08:00Z in January

  it('when the bot was down over one scheduled time, then that time runs once as a catch-up, and the schedule goes on', async () => {
    const { scheduler, calls } = start({
      now: '2026-01-15T10:00:00Z',
      digests: [berlinDaily()],
      lastScheduledFor: () => Promise.resolve(new Date('2026-01-14T08:00:00Z')),
    });
    await scheduler.catchUp;
    expect(calls).toEqual([
      {
        digest: 'daily',
        scheduledFor: '2026-01-15T08:00:00.000Z',
        reason: 'catch-up',
        calledAt: '2026-01-15T10:00:00.000Z',
      },
    ]);

    await advanceTo('2026-01-16T12:00:00Z');
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([
      ['2026-01-15T08:00:00.000Z', 'catch-up'],
      ['2026-01-16T08:00:00.000Z', 'schedule'],
    ]);
  });

  it('when the bot was down for a week, then one catch-up runs, for the latest time', async () => {
    const { scheduler, calls } = start({
      now: '2026-01-15T10:00:00Z',
      digests: [berlinDaily()],
      lastScheduledFor: () => Promise.resolve(new Date('2026-01-08T08:00:00Z')),
    });
    await scheduler.catchUp;
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([['2026-01-15T08:00:00.000Z', 'catch-up']]);
  });

  it('when the digest has never run, then nothing runs until its first scheduled time', async () => {
    const { scheduler, calls } = start({ now: '2026-01-15T10:00:00Z', digests: [berlinDaily()] });
    await scheduler.catchUp;
    expect(calls).toEqual([]);
    await advanceTo('2026-01-16T08:30:00Z');
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([['2026-01-16T08:00:00.000Z', 'schedule']]);
  });

  it('when the missed time is older than 24 h, then nothing is caught up', async () => {
    const { scheduler, calls } = start({
      now: '2026-01-14T10:00:00Z', // Wednesday; the weekly digest was due Monday 12th
      digests: [digest('weekly', '0 9 * * 1', 'Europe/Berlin')],
      lastScheduledFor: () => Promise.resolve(new Date('2026-01-05T08:00:00Z')),
    });
    await scheduler.catchUp;
    expect(calls).toEqual([]);
  });

  it('when the last run is the latest scheduled time, then nothing is caught up', async () => {
    const { scheduler, calls } = start({
      now: '2026-01-15T10:00:00Z',
      digests: [berlinDaily()],
      lastScheduledFor: () => Promise.resolve(new Date('2026-01-15T08:00:00Z')),
    });
    await scheduler.catchUp;
    expect(calls).toEqual([]);
  });

  it('when the store answers only after the tick for the same time fired, then that time runs once', async () => {
    const { scheduler, calls } = start({
      now: '2026-01-15T07:59:59.500Z',
      digests: [berlinDaily()],
      // Slow store: answers 2 s later, after the 08:00Z tick.
      lastScheduledFor: () =>
        new Promise((resolve) => setTimeout(() => resolve(new Date('2026-01-13T08:00:00Z')), 2000)),
    });
    await jest.advanceTimersByTimeAsync(3000);
    await scheduler.catchUp;
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([['2026-01-15T08:00:00.000Z', 'schedule']]);
  });

  it('when the bot starts between the two 02:30s of 2026-10-25 in Berlin, then the digest runs once that day, at the second', async () => {
    const { scheduler, calls } = start({
      now: '2026-10-25T01:00:00Z', // 02:00 CET, an hour after 02:30 CEST
      digests: [digest('night', '30 2 * * *', 'Europe/Berlin')],
      lastScheduledFor: () => Promise.resolve(new Date('2026-10-24T00:30:00Z')),
    });
    await scheduler.catchUp;
    await advanceTo('2026-10-25T12:00:00Z');
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([['2026-10-25T01:30:00.000Z', 'schedule']]);
  });

  it('when the bot starts inside the first of the two 02:30 hours (Berlin, 2026-10-25), then the second 02:30 still runs once', async () => {
    // node-cron alone would wait until the 26th: it looks for times after 02:45 (CEST) on the wall clock.
    const { scheduler, calls } = start({
      now: '2026-10-25T00:45:00Z', // 02:45 CEST
      digests: [digest('night', '30 2 * * *', 'Europe/Berlin')],
      lastScheduledFor: () => Promise.resolve(new Date('2026-10-24T00:30:00Z')),
    });
    await scheduler.catchUp;
    expect(scheduler.nextRuns()).toEqual([{ name: 'night', next: new Date('2026-10-25T01:30:00Z') }]);
    await advanceTo('2026-10-26T12:00:00Z');
    expect(calls.map((c) => [c.scheduledFor, c.reason, c.calledAt])).toEqual([
      ['2026-10-25T01:30:00.000Z', 'schedule', '2026-10-25T01:30:00.000Z'],
      ['2026-10-26T01:30:00.000Z', 'schedule', '2026-10-26T01:30:00.000Z'],
    ]);
  });

  it('when reading the last run fails, then it is logged and the schedule still runs', async () => {
    const { scheduler, calls, logs } = start({
      now: '2026-01-15T10:00:00Z',
      digests: [berlinDaily()],
      lastScheduledFor: () => Promise.reject(new Error('database is locked')),
    });
    await scheduler.catchUp;
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        obj: expect.objectContaining({ digest: 'daily', err: 'Error: database is locked' }),
      }),
    );
    await advanceTo('2026-01-16T09:00:00Z');
    expect(ticks(calls)).toEqual(['2026-01-16T08:00:00.000Z']);
  });
});

describe('failures and late ticks', () => {
  it('when runDue rejects, then the error is logged with the digest and later ticks still run', async () => {
    let n = 0;
    const { calls, logs } = start({
      now: '2026-01-15T00:00:00Z',
      digests: [digest('d', '0 8 * * *')],
      runDue: () => (++n === 1 ? Promise.reject(new Error('Slack is down')) : Promise.resolve()),
    });
    await advanceTo('2026-01-17T09:00:00Z');

    expect(ticks(calls)).toEqual(['2026-01-15T08:00:00.000Z', '2026-01-16T08:00:00.000Z', '2026-01-17T08:00:00.000Z']);
    const errors = logs.filter((l) => l.level === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        obj: expect.objectContaining({
          digest: 'd',
          scheduledFor: '2026-01-15T08:00:00.000Z',
          err: 'Error: Slack is down',
        }),
      }),
    ]);
  });

  it('when runDue throws instead of rejecting, then the next tick still runs', async () => {
    let n = 0;
    const { calls } = start({
      now: '2026-01-15T00:00:00Z',
      digests: [digest('d', '0 8 * * *')],
      runDue: () => {
        if (++n === 1) throw new TypeError('boom');
        return Promise.resolve();
      },
    });
    await advanceTo('2026-01-16T09:00:00Z');
    expect(ticks(calls)).toEqual(['2026-01-15T08:00:00.000Z', '2026-01-16T08:00:00.000Z']);
  });

  it('when a run is still going at the next tick, then that tick is skipped, not run alongside', async () => {
    const gate = deferred();
    let active = 0;
    let most = 0;
    const { calls } = start({
      now: '2026-01-15T08:59:30Z',
      digests: [digest('minutely', '* * * * *')],
      runDue: async () => {
        active++;
        most = Math.max(most, active);
        if (active === 1 && calls.length === 1) await gate.promise;
        active--;
      },
    });
    await advanceTo('2026-01-15T09:02:30Z');
    expect(ticks(calls)).toEqual(['2026-01-15T09:00:00.000Z']);

    gate.resolve();
    await advanceTo('2026-01-15T09:03:30Z');
    expect(ticks(calls)).toEqual(['2026-01-15T09:00:00.000Z', '2026-01-15T09:03:00.000Z']);
    expect(most).toBe(1);
  });

  it('when the event loop stalls for a few seconds over a scheduled time, then the tick still runs for that time', async () => {
    const { calls } = start({ now: '2026-01-15T07:59:59Z', digests: [digest('d', '0 8 * * *')] });
    jest.setSystemTime(new Date('2026-01-15T08:00:05Z')); // time moves on, timers do not fire
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls.map((c) => [c.scheduledFor, c.reason, c.calledAt])).toEqual([
      ['2026-01-15T08:00:00.000Z', 'schedule', '2026-01-15T08:00:06.000Z'],
    ]);
  });

  it('when the process is suspended over several scheduled times, then only the latest runs, once, as a catch-up', async () => {
    const { calls } = start({ now: '2026-01-15T07:59:59Z', digests: [digest('hourly', '0 * * * *')] });
    jest.setSystemTime(new Date('2026-01-15T10:29:59Z'));
    await jest.advanceTimersByTimeAsync(1000); // wakes at 10:30:00: 08:00, 09:00 and 10:00 were missed
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([['2026-01-15T10:00:00.000Z', 'catch-up']]);

    await advanceTo('2026-01-15T11:30:00Z');
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([
      ['2026-01-15T10:00:00.000Z', 'catch-up'],
      ['2026-01-15T11:00:00.000Z', 'schedule'],
    ]);
  });

  it('when the process wakes right at a scheduled time after missing earlier ones, then only that time runs', async () => {
    const { calls } = start({ now: '2026-01-15T07:59:59Z', digests: [digest('hourly', '0 * * * *')] });
    jest.setSystemTime(new Date('2026-01-15T10:59:59Z'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([['2026-01-15T11:00:00.000Z', 'schedule']]);
  });

  it('when the missed time is older than the catch-up limit, then it is logged and not run', async () => {
    const { calls, logs } = start({
      now: '2026-01-15T07:59:59Z',
      digests: [digest('d', '0 8 * * *')],
      catchUpMaxAgeMs: 60 * 60 * 1000,
    });
    jest.setSystemTime(new Date('2026-01-15T09:59:59Z'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ digest: 'd' }) }),
    );
  });
});

describe('failures nobody awaits', () => {
  const failOnce = () => {
    let n = 0;
    return () => (++n === 1 ? Promise.reject(new Error('Slack is down')) : Promise.resolve());
  };
  const failed = (logs: LogLine[], msg: string) =>
    logs.filter((l) => l.level === 'error' && l.msg === msg).map((l) => l.obj);

  /** The process is suspended over 08:00–10:00: node-cron reports the misses, 10:00 runs as a catch-up. */
  const suspendedOverTheHour = async () => {
    jest.setSystemTime(new Date('2026-01-15T10:29:59Z'));
    await jest.advanceTimersByTimeAsync(1000);
  };
  /** The bot starts at 02:45 CEST on 2026-10-25 in Berlin: the second 02:30 is run from a timer. */
  const berlinNight = () => digest('night', '30 2 * * *', 'Europe/Berlin');

  it('when the catch-up of a time node-cron missed fails, then it is logged with the digest and time, and the next tick still runs', async () => {
    const { calls, logs } = start({
      now: '2026-01-15T07:59:59Z',
      digests: [digest('hourly', '0 * * * *')],
      runDue: failOnce(),
    });
    await suspendedOverTheHour();

    expect(failed(logs, 'digest run failed')).toEqual([
      expect.objectContaining({
        digest: 'hourly',
        scheduledFor: '2026-01-15T10:00:00.000Z',
        reason: 'catch-up',
        err: 'Error: Slack is down',
      }),
    ]);
    await advanceTo('2026-01-15T11:30:00Z');
    expect(calls.map((c) => [c.scheduledFor, c.reason])).toEqual([
      ['2026-01-15T10:00:00.000Z', 'catch-up'],
      ['2026-01-15T11:00:00.000Z', 'schedule'],
    ]);
  });

  it('when the time run from a timer (the repeated hour) fails, then it is logged and the next day still runs', async () => {
    const { calls, logs } = start({ now: '2026-10-25T00:45:00Z', digests: [berlinNight()], runDue: failOnce() });
    await advanceTo('2026-10-26T12:00:00Z');

    expect(failed(logs, 'digest run failed')).toEqual([
      expect.objectContaining({
        digest: 'night',
        scheduledFor: '2026-10-25T01:30:00.000Z',
        err: 'Error: Slack is down',
      }),
    ]);
    expect(ticks(calls)).toEqual(['2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it.each([
    ['a missed time’s catch-up', 'hourly'],
    ['a time run from a timer', 'night'],
  ])(
    'when logging a failed run throws too (%s), then the failure is still reported, nothing is left unhandled, and the schedule goes on',
    async (_path, which) => {
      let broken = true;
      const { calls, logs } = start({
        now: which === 'hourly' ? '2026-01-15T07:59:59Z' : '2026-10-25T00:45:00Z',
        digests: [which === 'hourly' ? digest('hourly', '0 * * * *') : berlinNight()],
        runDue: failOnce(),
        onLog: (line) => {
          if (broken && line.msg === 'digest run failed') {
            broken = false;
            throw new Error('log destination closed');
          }
        },
      });
      if (which === 'hourly') await suspendedOverTheHour();
      else await advanceTo('2026-10-25T02:00:00Z');

      expect(failed(logs, 'digest dispatch failed')).toEqual([
        expect.objectContaining({ digest: which, err: 'Error: log destination closed' }),
      ]);
      await advanceTo(which === 'hourly' ? '2026-01-15T11:30:00Z' : '2026-10-26T12:00:00Z');
      expect(calls).toHaveLength(2);
    },
  );

  it('when a dispatch from a timer throws at once (logging "due" fails), then it is logged and the next day still runs', async () => {
    let broken = true;
    const { calls, logs } = start({
      now: '2026-10-25T00:45:00Z',
      digests: [berlinNight()],
      onLog: (line) => {
        if (broken && line.msg === 'digest run due') {
          broken = false;
          throw new Error('log destination closed');
        }
      },
    });
    await advanceTo('2026-10-26T12:00:00Z');

    expect(failed(logs, 'digest dispatch failed')).toEqual([
      expect.objectContaining({
        digest: 'night',
        scheduledFor: '2026-10-25T01:30:00.000Z',
        err: 'Error: log destination closed',
      }),
    ]);
    // The time whose dispatch failed was already marked as asked for; the next day runs.
    expect(ticks(calls)).toEqual(['2026-10-26T01:30:00.000Z']);
  });
});

describe('start-up checks', () => {
  it('when a schedule is not a cron expression, then start fails naming the digest and leaves no task behind', () => {
    jest.useFakeTimers({ now: new Date('2026-01-15T10:00:00Z') });
    const before = cron.getTasks().size;
    const bad = { ...digest('broken', '0 9 * * *'), schedule: '0 25 * * *' };
    const run = () =>
      startDigestScheduler({
        digests: [digest('fine', '0 9 * * *'), bad],
        runDue: () => Promise.resolve(),
        lastScheduledFor: () => Promise.resolve(null),
        clock: () => new Date(),
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      });
    expect(run).toThrow(/digest "broken"/);
    try {
      run();
    } catch (err) {
      expect(isCloudsecError(err) && err.code).toBe('config');
    }
    expect(cron.getTasks().size).toBe(before);
  });

  // cloudsec.yml refuses such a schedule (src/digest-config.ts); the scheduler still copes with one.
  it('when a schedule uses a form only node-cron reads (15W), then it still ticks, with an error logged and no next time', async () => {
    const { scheduler, calls, logs } = start({
      now: '2026-01-14T00:00:00Z',
      digests: [{ ...digest('mid-month', '0 9 15 * *'), schedule: '0 9 15W * *' }],
      lastScheduledFor: () => Promise.resolve(new Date('2025-12-15T09:00:00Z')),
    });
    await scheduler.catchUp;
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', obj: { digest: 'mid-month' }, msg: expect.stringMatching(/15W/) }),
    );
    expect(scheduler.nextRuns()).toEqual([{ name: 'mid-month', next: null }]);
    await advanceTo('2026-01-16T00:00:00Z');
    expect(ticks(calls)).toEqual(['2026-01-15T09:00:00.000Z']);
  });
});
