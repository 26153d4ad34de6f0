import type { AppLogger } from '../app/deps';
import type { ExceptionWorkflow, SweepReport } from '../app/exceptions';
import type { AlertStore } from '../store/alert-store';
import type { LiveLaneService } from '../app/detections/live-lane';
import type { LookupEventsPoller } from '../aws/events/lookup-events-poller';
import { escalateUnansweredQuestions } from '../app/detections/alert-ask';
import type { AlertDeps } from '../app/detections/alert-support';

/**
 * The bot's housekeeping on a fixed interval: expiring remediation requests, finishing digest runs a
 * stopped process had claimed, sweeping accepted risks (expiries and reminders). Each duty runs
 * every `everyMs`, never overlapping itself (a tick while the last run is still going is skipped and
 * logged), and a failure is logged and tried again next tick, never thrown.
 *
 * With a leader lease (leader-lease.ts: several replicas on one PostgreSQL), only the leader runs
 * them, except duties marked `perReplica` (the live lane's Slack flush holds per-process state).
 * None relies on that for correctness: each is exactly-once by construction in the store
 * (compare-and-set transitions, claimed reminders and digest runs), so a short overlap while the lead
 * changes hands repeats at most a read, and a replica that dies leaves nothing half-owned. The lease
 * spares the AWS APIs (one LookupEvents poller, not one per replica) and the database.
 */

export interface PeriodicDuty {
  /** For log lines. */
  name: string;
  everyMs: number;
  /** Also run once at start (after `start` returns, not inside it). */
  atStart?: boolean;
  /** Runs on every replica, leader or not (it works on this process's own state). */
  perReplica?: boolean;
  run(): Promise<void>;
}

/** setInterval and clearInterval, injectable so tests drive the ticks. */
export interface DutyTimers {
  every(ms: number, tick: () => void): unknown;
  cancel(handle: unknown): void;
}

const realTimers: DutyTimers = {
  every: (ms, tick) => {
    const handle = setInterval(tick, ms);
    // Housekeeping alone does not keep the process alive: the Slack listener does.
    handle.unref();
    return handle;
  },
  cancel: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface PeriodicDuties {
  /** Runs the duty now (unless it is running): what a tick does. Resolves when that run is over. */
  runNow(name: string): Promise<void>;
  /** Stops the ticks, then waits for runs already started. */
  stop(): Promise<void>;
}

export const startPeriodicDuties = (deps: {
  duties: readonly PeriodicDuty[];
  log: Pick<AppLogger, 'info' | 'warn'>;
  timers?: DutyTimers;
  /** With several replicas: only the leader runs duties that are not `perReplica`. */
  leadership?: { isLeader(): boolean };
}): PeriodicDuties => {
  const timers = deps.timers ?? realTimers;
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const runOnce = (duty: PeriodicDuty): Promise<void> => {
    const current = running.get(duty.name);
    if (current) {
      deps.log.info({ duty: duty.name }, 'periodic duty still running; this tick is skipped');
      return current;
    }
    if (stopped) return Promise.resolve();
    if (deps.leadership && !duty.perReplica && !deps.leadership.isLeader()) return Promise.resolve();
    const run = (async () => duty.run())()
      .catch((err: unknown) => deps.log.warn({ err, duty: duty.name }, 'periodic duty failed; it runs again next tick'))
      .finally(() => running.delete(duty.name));
    running.set(duty.name, run);
    return run;
  };

  const handles = deps.duties.map((duty) => timers.every(duty.everyMs, () => void runOnce(duty)));
  for (const duty of deps.duties.filter((d) => d.atStart)) setImmediate(() => void runOnce(duty));

  return {
    runNow: (name) => {
      const duty = deps.duties.find((d) => d.name === name);
      return duty ? runOnce(duty) : Promise.resolve();
    },
    stop: async () => {
      stopped = true;
      for (const handle of handles) timers.cancel(handle);
      await Promise.all([...running.values()]);
    },
  };
};

/** How many things a sweep did (moved, reminded, reported). */
const sweptCount = (r: SweepReport) =>
  r.expired.length + r.expiredPending.length + r.reminded.length + r.configExpired.length + r.configReminded.length;

/**
 * Accepted risks, every minute and once at start: expire what expired (its findings are shown
 * again, Security Hub set back to NEW), remind owners of what expires within 7 days (once per
 * expiry), report cloudsec.yml entries that expired. A step that failed is logged and met again
 * next time; the others went on.
 */
export const acceptedRiskSweep = (
  exceptions: Pick<ExceptionWorkflow, 'sweep'>,
  log: Pick<AppLogger, 'info' | 'warn'>,
  everyMs = 60_000,
): PeriodicDuty => ({
  name: 'accepted-risk-sweep',
  everyMs,
  atStart: true,
  run: async () => {
    const report = await exceptions.sweep();
    if (sweptCount(report) > 0) log.info({ report }, 'accepted risks swept');
    if (report.errors.length > 0) log.warn({ errors: report.errors }, 'some accepted-risk sweep steps failed');
  },
});

/**
 * The live lane's Slack side, every few seconds: card counts held back by the once-a-minute limit,
 * and bursts whose minute is over (their remaining alerts listed, their summary's count final).
 */
export const liveLaneFlush = (lane: Pick<LiveLaneService, 'flush'>, everyMs = 5_000): PeriodicDuty => ({
  name: 'live-lane-flush',
  everyMs,
  perReplica: true,
  run: () => lane.flush(),
});

/**
 * Handled CloudTrail event ids older than `retentionDays` are forgotten, hourly and at start: SQS
 * and LookupEvents never redeliver records that old, so exactly-once does not need them.
 */
export const handledEventsPrune = (
  store: Pick<AlertStore, 'pruneHandledEvents'>,
  retentionDays: number,
  clock: () => Date,
  log: Pick<AppLogger, 'info' | 'warn'>,
  everyMs = 3_600_000,
): PeriodicDuty => ({
  name: 'handled-events-prune',
  everyMs,
  atStart: true,
  run: async () => {
    const before = new Date(clock().getTime() - retentionDays * 86_400_000).toISOString();
    const pruned = await store.pruneHandledEvents(before);
    if (pruned > 0) log.info({ pruned, before }, 'forgot handled CloudTrail event ids');
  },
});

/**
 * LookupEvents, every `intervalSeconds`: each known account in each configured region, one after
 * the other (the API allows 2 calls a second per account and region; the poller's limiter keeps to
 * it). A failed account/region is logged and polled again next time from its checkpoint.
 */
export const lookupEventsPoll = (deps: {
  poller: Pick<LookupEventsPoller, 'pollAccountRegion'>;
  accounts: () => Promise<readonly string[]>;
  regions: readonly string[];
  everyMs: number;
  log: Pick<AppLogger, 'info' | 'warn'>;
}): PeriodicDuty => ({
  name: 'lookup-events-poll',
  everyMs: deps.everyMs,
  atStart: true,
  run: async () => {
    for (const accountId of await deps.accounts())
      for (const region of deps.regions) {
        const result = await deps.poller.pollAccountRegion(accountId, region);
        if (!result.ok) deps.log.warn({ accountId, region, error: result.error }, 'LookupEvents poll failed');
      }
  },
});

/**
 * "Ask the actor" questions nobody answered within detections.ask.escalateAfterMinutes, every
 * minute: said once in the alert's thread (the store's claim makes it once across replicas).
 */
export const alertQuestionEscalation = (
  deps: AlertDeps,
  log: Pick<AppLogger, 'info'>,
  everyMs = 60_000,
): PeriodicDuty => ({
  name: 'alert-question-escalation',
  everyMs,
  run: async () => {
    const r = await escalateUnansweredQuestions(deps);
    if (r.escalated > 0) log.info(r, 'unanswered alert questions escalated');
  },
});
