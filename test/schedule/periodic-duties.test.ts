import { acceptedRiskSweep, startPeriodicDuties, type DutyTimers } from '../../src/schedule/periodic-duties';
import type { SweepReport } from '../../src/app/exceptions';

/** Timers the test fires by hand. */
const manualTimers = () => {
  const ticks = new Map<number, () => void>();
  let next = 0;
  const timers: DutyTimers = {
    every: (_ms, tick) => {
      ticks.set(++next, tick);
      return next;
    },
    cancel: (handle) => void ticks.delete(handle as number),
  };
  return { timers, fireAll: () => [...ticks.values()].forEach((t) => t()), count: () => ticks.size };
};

const recordingLog = () => {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  return {
    lines,
    log: {
      info: (obj: object, msg?: string) => void lines.push({ level: 'info', obj, ...(msg ? { msg } : {}) }),
      warn: (obj: object, msg?: string) => void lines.push({ level: 'warn', obj, ...(msg ? { msg } : {}) }),
    },
  };
};

const flush = () => new Promise((r) => setImmediate(r));

const emptyReport = (): SweepReport => ({
  expired: [],
  expiredPending: [],
  reminded: [],
  configExpired: [],
  configReminded: [],
  errors: [],
});

describe('periodic duties', () => {
  it('when a tick comes while the last run is still going, then it is skipped, never run twice at once', async () => {
    const t = manualTimers();
    const { log, lines } = recordingLog();
    let release!: () => void;
    let runs = 0;
    const duties = startPeriodicDuties({
      duties: [{ name: 'slow', everyMs: 1000, run: () => new Promise<void>((r) => ((release = r), runs++)) }],
      log,
      timers: t.timers,
    });

    t.fireAll();
    t.fireAll();
    t.fireAll();
    expect(runs).toBe(1);
    expect(lines.filter((l) => l.msg?.includes('skipped'))).toHaveLength(2);
    release();
    await flush();
    t.fireAll();
    expect(runs).toBe(2);
    release();
    await duties.stop();
  });

  it('when a run fails, then it is logged and the next tick runs it again', async () => {
    const t = manualTimers();
    const { log, lines } = recordingLog();
    let calls = 0;
    const duties = startPeriodicDuties({
      duties: [
        {
          name: 'flaky',
          everyMs: 1000,
          run: async () => {
            calls += 1;
            if (calls === 1) throw new Error('store unavailable');
          },
        },
      ],
      log,
      timers: t.timers,
    });

    await duties.runNow('flaky');
    await duties.runNow('flaky');

    expect(calls).toBe(2);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({
        obj: expect.objectContaining({ duty: 'flaky' }),
        msg: expect.stringMatching(/failed/),
      }),
    ]);
    await duties.stop();
  });

  it('when stopped, then the ticks are cancelled and a run in progress is waited for', async () => {
    const t = manualTimers();
    let finished = false;
    const duties = startPeriodicDuties({
      duties: [
        {
          name: 'long',
          everyMs: 1000,
          run: async () => {
            await flush();
            finished = true;
          },
        },
      ],
      log: recordingLog().log,
      timers: t.timers,
    });
    t.fireAll();

    await duties.stop();

    expect(finished).toBe(true);
    expect(t.count()).toBe(0);
  });

  it('when a duty runs at start, then it runs once without waiting for the first tick', async () => {
    const t = manualTimers();
    let runs = 0;
    const duties = startPeriodicDuties({
      duties: [{ name: 'boot', everyMs: 60_000, atStart: true, run: async () => void runs++ }],
      log: recordingLog().log,
      timers: t.timers,
    });
    expect(runs).toBe(0);
    await flush();
    expect(runs).toBe(1);
    await duties.stop();
  });
});

describe('the accepted-risk sweep duty', () => {
  it('when the sweep moves something, then it is logged; when a step fails, then that is warned about', async () => {
    const { log, lines } = recordingLog();
    const reports = [
      emptyReport(),
      { ...emptyReport(), reminded: ['ex_1'] },
      { ...emptyReport(), errors: ['reminding ex_2: boom'] },
    ];
    const duty = acceptedRiskSweep({ sweep: async () => reports.shift()! }, log);

    await duty.run();
    expect(lines).toEqual([]);
    await duty.run();
    expect(lines).toEqual([
      { level: 'info', obj: { report: expect.objectContaining({ reminded: ['ex_1'] }) }, msg: 'accepted risks swept' },
    ]);
    await duty.run();
    expect(lines.at(-1)).toMatchObject({ level: 'warn', obj: { errors: ['reminding ex_2: boom'] } });
    expect(duty).toMatchObject({ name: 'accepted-risk-sweep', everyMs: 60_000, atStart: true });
  });
});
