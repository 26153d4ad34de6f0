/**
 * This process's part of queued scans (src/app/scan-jobs): its worker, which takes accounts of any
 * replica's scan, and the leader's sweep of scans their requester stopped waiting for. The worker
 * starts with the bot and stops before the store closes, finishing (or giving up to its lease) the
 * accounts in hand.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { JobCollector } from '../app/scan-jobs/collector';
import { makeJobScans, type JobScans, type JobTiming } from '../app/scan-jobs/job-scans';
import type { AppLogger } from '../app/deps';
import type { Config } from '../config';
import { checkCatalog } from '../core/checks/catalog';
import type { Store } from '../store/store';
import type { PeriodicDuty } from './periodic-duties';

const STOP_WAIT_MS = 10_000;

export interface ProcessJobScans extends Pick<JobScans, 'run'> {
  /** Leader duty: scans left running an hour after they began are failed (their requester is gone). */
  sweepDuty: PeriodicDuty;
  start(): void;
  stop(): Promise<void>;
}

export const processJobScans = (setup: {
  store: Store;
  collector: JobCollector;
  config: Pick<Config, 'checks' | 'concurrency'>;
  clock: () => Date;
  log: AppLogger;
  timing?: Partial<JobTiming>;
}): ProcessJobScans => {
  const jobs = makeJobScans({
    store: setup.store,
    collector: setup.collector,
    // Read when a job is evaluated: the catalog loads then (core/checks/catalog.ts).
    get checks() {
      return checkCatalog();
    },
    settings: setup.config.checks,
    clock: setup.clock,
    log: setup.log,
    // Names the holder in the job rows: which replica had an account when it stopped.
    workerId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    concurrency: setup.config.concurrency.accounts,
    ...(setup.timing ? { timing: setup.timing } : {}),
  });
  return {
    run: jobs.run,
    start: () => jobs.worker.start(),
    // A deploy's grace period is short: accounts still in hand after 10 s are left to their lease
    // (another replica takes them again) rather than holding the shutdown.
    stop: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        jobs.worker.stop(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, STOP_WAIT_MS);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    },
    sweepDuty: {
      name: 'scan-sweep',
      everyMs: 10 * 60_000,
      run: async () => {
        const abandoned = await jobs.sweep();
        if (abandoned > 0) setup.log.info({ abandoned }, 'scans nobody was waiting for were failed');
      },
    },
  };
};
