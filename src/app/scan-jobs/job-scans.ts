/**
 * Queued scans wired together for one process: its worker (which takes any replica's accounts), the
 * function the scan service runs estate-wide scans through, and the leader's sweep of scans whose
 * requester went away.
 */
import type { Store } from '../../store/store';
import type { CheckOutcome, CheckRequest } from '../run-check';
import type { AppLogger } from '../deps';
import type { JobCollector } from './collector';
import type { JobEvaluation } from './evaluate-job';
import { runQueuedScan } from './queued-scan';
import { makeScanWorker, type ScanWorker } from './worker';

export interface JobScansSetup extends JobEvaluation {
  store: Store;
  collector: JobCollector;
  clock: () => Date;
  log: AppLogger;
  workerId: string;
  /** Accounts this process collects at once (cloudsec.yml concurrency.accounts). */
  concurrency: number;
  /** The timings below, changed (benchmarks and tests kill a worker and wait out its lease). */
  timing?: Partial<JobTiming>;
}

export interface JobTiming {
  leaseMs: number;
  maxAttempts: number;
  idlePollMs: number;
  progressPollMs: number;
  stallMs: number;
}

/** A claim holds 60 s and is renewed every 20 s: a dead replica's account is taken again within a minute. */
export const JOB_LEASE_MS = 60_000;
/** An account whose worker died three times is answered `unknown` rather than tried forever. */
export const JOB_MAX_ATTEMPTS = 3;
/** An idle worker looks for other replicas' accounts this often (its own scans wake it at once). */
export const JOB_IDLE_POLL_MS = 2_000;
/**
 * The requester reads its scan's progress when its own worker finishes an account, and at least this
 * often (accounts other replicas finish).
 */
export const JOB_PROGRESS_POLL_MS = 1_000;
/** No account finishing for this long: no replica is taking the scan's accounts. */
export const JOB_STALL_MS = 10 * 60_000;
/** A scan still running after this long lost its requester (a restart): the leader gives it up. */
export const JOB_ABANDON_AFTER_MS = 60 * 60_000;

export interface JobScans {
  worker: ScanWorker;
  run(scopeKey: string, request: CheckRequest): Promise<CheckOutcome>;
  /** Gives up scans nobody is waiting for any more (a leader duty); returns how many. */
  sweep(): Promise<number>;
}

export const makeJobScans = (setup: JobScansSetup): JobScans => {
  const timing: JobTiming = {
    leaseMs: JOB_LEASE_MS,
    maxAttempts: JOB_MAX_ATTEMPTS,
    idlePollMs: JOB_IDLE_POLL_MS,
    progressPollMs: JOB_PROGRESS_POLL_MS,
    stallMs: JOB_STALL_MS,
    ...setup.timing,
  };
  const worker = makeScanWorker({
    // Not spread: `setup.checks` may be a getter that loads the catalog, read when a job is evaluated.
    get checks() {
      return setup.checks;
    },
    ...(setup.settings ? { settings: setup.settings } : {}),
    store: setup.store,
    collector: setup.collector,
    clock: setup.clock,
    workerId: setup.workerId,
    concurrency: setup.concurrency,
    leaseMs: timing.leaseMs,
    maxAttempts: timing.maxAttempts,
    idlePollMs: timing.idlePollMs,
    log: setup.log,
  });
  return {
    worker,
    run: (scopeKey, request) =>
      runQueuedScan(
        {
          checks: setup.checks,
          ...(setup.settings ? { settings: setup.settings } : {}),
          store: setup.store,
          collector: setup.collector,
          clock: setup.clock,
          pollMs: timing.progressPollMs,
          stallMs: timing.stallMs,
          nudge: worker.nudge,
          sleep: worker.nextFinish,
        },
        scopeKey,
        request,
      ),
    sweep: () => setup.store.abandonScans(new Date(setup.clock().getTime() - JOB_ABANDON_AFTER_MS)),
  };
};
