import cron, { type ScheduledTask, type TaskContext } from 'node-cron';
import type { AppLogger } from '../app/deps';
import type { DigestConfig } from '../digest-config';
import { CloudsecError } from '../errors';
import {
  DEFAULT_CATCH_UP_MAX_AGE_MS,
  dueCatchUp,
  nextOccurrence,
  normaliseScheduledTime,
  occurrenceSupport,
  previousOccurrence,
} from './occurrences';

/**
 * Turns digest schedules into calls of `runDue(name, scheduledFor, reason)`: one node-cron task per
 * digest, plus at most one catch-up per digest at start-up. It does not decide whether a run
 * happens: the run use case claims (digest, scheduledFor) in the store, which keeps a post unique
 * across restarts and replicas. Within this process it still never asks twice for the same time,
 * and never goes back to a time older than one it already asked for.
 */

export type DigestRunReason = 'schedule' | 'catch-up';

export interface DigestSchedulerDeps {
  digests: readonly DigestConfig[];
  /** Must handle its own failures; a rejection is logged and the schedule carries on. */
  runDue: (digestName: string, scheduledFor: Date, reason: DigestRunReason) => Promise<void>;
  /** The `scheduledFor` of the digest's latest run in the store (any status), or null. */
  lastScheduledFor: (digestName: string) => Promise<Date | null>;
  clock: () => Date;
  log: AppLogger;
  /** A missed time older than this is not caught up (default 24 h). */
  catchUpMaxAgeMs?: number;
}

export interface DigestScheduler {
  /** Stops every tick, then waits for runs already started. */
  stop(): Promise<void>;
  /** When each digest runs next; null once stopped (or when the schedule cannot be computed). */
  nextRuns(): { name: string; next: Date | null }[];
  /** Settles when the start-up catch-up has finished, its runs included. Never rejects. */
  catchUp: Promise<void>;
}

/**
 * A tick that fires late (a busy event loop, a paused VM) still runs as scheduled within this;
 * later than that node-cron reports it missed and it is handled like a catch-up.
 */
const LATE_TICK_TOLERANCE_MS = 60_000;

const DAY_MS = 24 * 60 * 60 * 1000;

const errorFields = (err: unknown): { err: string } => ({
  err: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
});

export const startDigestScheduler = (deps: DigestSchedulerDeps): DigestScheduler => {
  const { digests, log, clock } = deps;
  const maxAgeMs = deps.catchUpMaxAgeMs ?? DEFAULT_CATCH_UP_MAX_AGE_MS;
  const latestDispatched = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const tasks: ScheduledTask[] = [];
  const bridges: NodeJS.Timeout[] = [];
  let stopped = false;

  const dispatch = (digest: DigestConfig, scheduledFor: Date, reason: DigestRunReason): Promise<void> => {
    const at = scheduledFor.getTime();
    const fields = { digest: digest.name, scheduledFor: scheduledFor.toISOString(), reason };
    if (stopped) return Promise.resolve();
    const latest = latestDispatched.get(digest.name);
    if (latest !== undefined && at <= latest) {
      log.info(
        { ...fields, latest: new Date(latest).toISOString() },
        at === latest ? 'digest run already started for this time' : 'digest run skipped: a later time already ran',
      );
      return Promise.resolve();
    }
    latestDispatched.set(digest.name, at);
    log.info(fields, 'digest run due');
    const run = (async () => {
      try {
        await deps.runDue(digest.name, scheduledFor, reason);
      } catch (err) {
        log.error({ ...fields, ...errorFields(err) }, 'digest run failed');
      }
    })();
    inFlight.add(run);
    // `run` catches its own failure; either way the only thing left is the bookkeeping.
    const forget = () => void inFlight.delete(run);
    run.then(forget, forget);
    return run;
  };

  /**
   * A dispatch nobody awaits (a timer, node-cron's missed-time event): whatever it throws or
   * rejects with is logged here, never left as an unhandled rejection.
   */
  const dispatchDetached = (digest: DigestConfig, scheduledFor: Date, reason: DigestRunReason): void => {
    const report = (err: unknown) =>
      log.error(
        { digest: digest.name, scheduledFor: scheduledFor.toISOString(), reason, ...errorFields(err) },
        'digest dispatch failed',
      );
    try {
      dispatch(digest, scheduledFor, reason).catch(report);
    } catch (err) {
      report(err);
    }
  };

  /**
   * node-cron reports every time it missed (late by more than the tolerance); only the latest
   * still matters, exactly as at start-up.
   */
  const onMissed = (digest: DigestConfig, missed: Date): void => {
    const now = clock();
    let latest: Date | null;
    try {
      latest = previousOccurrence(digest.schedule, digest.timezone, now);
    } catch (err) {
      log.warn(
        { digest: digest.name, missed: missed.toISOString(), ...errorFields(err) },
        'missed digest not caught up',
      );
      return;
    }
    if (latest?.getTime() !== missed.getTime()) return;
    if (now.getTime() - missed.getTime() > maxAgeMs) {
      log.warn({ digest: digest.name, missed: missed.toISOString() }, 'missed digest too old to catch up');
      return;
    }
    dispatchDetached(digest, missed, 'catch-up');
  };

  const nodeCronLogger = (digest: string) => ({
    info: (message: string) => log.info({ digest, source: 'node-cron' }, message),
    warn: (message: string) => log.warn({ digest, source: 'node-cron' }, message),
    error: (message: string | Error, err?: Error) =>
      log.error({ digest, source: 'node-cron', ...errorFields(err ?? message) }, String(message)),
    debug: () => undefined,
  });

  /**
   * node-cron started inside a repeated hour (clocks going back, zones ahead of UTC) looks for
   * its first time only after the current wall-clock time, so a time later in that hour (the
   * second 02:30 in Berlin on 2026-10-25) would pass without a run and without a catch-up. A
   * one-off timer covers that first time; node-cron's own chain is right from then on.
   */
  const bridgeFirstTime = (digest: DigestConfig, task: ScheduledTask): void => {
    const now = clock();
    let ours: Date | null;
    try {
      ours = nextOccurrence(digest.schedule, digest.timezone, now);
    } catch {
      return;
    }
    const theirs = task.getNextRun();
    if (!ours || (theirs && theirs.getTime() <= ours.getTime())) return;
    const delay = ours.getTime() - now.getTime();
    if (delay > DAY_MS) return;
    const scheduledFor = ours;
    log.warn(
      { digest: digest.name, scheduledFor: scheduledFor.toISOString(), nodeCronNext: theirs?.toISOString() ?? null },
      'node-cron would skip this time; running it from a timer',
    );
    bridges.push(setTimeout(() => dispatchDetached(digest, scheduledFor, 'schedule'), delay));
  };

  try {
    for (const digest of digests) {
      const unsupported = occurrenceSupport(digest.schedule);
      if (unsupported) log.error({ digest: digest.name }, `digest has no catch-up or next-run time: ${unsupported}`);
      const task = cron.schedule(
        digest.schedule,
        // Returning the run makes node-cron's noOverlap skip a tick while the previous run is going.
        (context: TaskContext) => dispatch(digest, normaliseScheduledTime(digest.schedule, context.date), 'schedule'),
        {
          timezone: digest.timezone,
          name: `digest:${digest.name}`,
          noOverlap: true,
          missedExecutionTolerance: LATE_TICK_TOLERANCE_MS,
          logger: nodeCronLogger(digest.name),
        },
      );
      task.on('execution:missed', (context) => onMissed(digest, normaliseScheduledTime(digest.schedule, context.date)));
      tasks.push(task);
      bridgeFirstTime(digest, task);
    }
  } catch (err) {
    // The start fails with the config error below; a task that will not go away is only logged.
    const undone = (failure: unknown) => log.warn(errorFields(failure), 'digest task not removed after a failed start');
    for (const task of tasks) {
      try {
        Promise.resolve(task.destroy()).catch(undone);
      } catch (failure) {
        undone(failure);
      }
    }
    for (const timer of bridges) clearTimeout(timer);
    const name = digests[tasks.length]?.name ?? '?';
    throw new CloudsecError('config', `digest "${name}": cannot schedule it (${errorFields(err).err})`);
  }

  // After the tasks are armed, so no time falls between "caught up" and "first tick"; a time both
  // cover is asked for once (dispatch).
  const catchUpOne = async (digest: DigestConfig): Promise<void> => {
    try {
      if (occurrenceSupport(digest.schedule)) return;
      const last = await deps.lastScheduledFor(digest.name);
      if (stopped) return;
      const due = dueCatchUp(digest, last, clock(), { maxAgeMs });
      if (due) await dispatch(digest, due, 'catch-up');
    } catch (err) {
      log.error({ digest: digest.name, ...errorFields(err) }, 'digest catch-up failed');
    }
  };
  const catchUp = Promise.all(digests.map(catchUpOne)).then(() => undefined);

  return {
    catchUp,
    nextRuns: () =>
      digests.map((digest) => {
        if (stopped || occurrenceSupport(digest.schedule)) return { name: digest.name, next: null };
        return { name: digest.name, next: nextOccurrence(digest.schedule, digest.timezone, clock()) };
      }),
    stop: async () => {
      stopped = true;
      for (const timer of bridges) clearTimeout(timer);
      // destroy, not stop: node-cron keeps every task in a process-wide registry until destroyed.
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.allSettled([...inFlight]);
    },
  };
};
