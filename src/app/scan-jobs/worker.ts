/**
 * A replica's scan worker: claims queued accounts of any replica's scan from the store, collects
 * and evaluates each, and writes its findings back in one fenced step. Every replica runs one, so an
 * organization's accounts spread over all of them; a worker that dies mid-account stops renewing
 * its lease and another claims the account again after it expires (the store's attempt number
 * fences the late one's write off).
 */
import type { Store, ScanJob } from '../../store/store';
import type { AppLogger } from '../deps';
import { accountHeaderOf } from '../run-check';
import type { JobCollector } from './collector';
import { evaluateJob, unfinishedAccount, type JobEvaluation } from './evaluate-job';
import { ScanJobSpecSchema } from './spec';

export interface ScanWorkerDeps extends JobEvaluation {
  store: Pick<Store, 'claimScanJob' | 'renewScanJob' | 'completeScanJob' | 'failScanJob'>;
  collector: Pick<JobCollector, 'collect'>;
  clock: () => Date;
  /** Names this worker in the job rows (host and process): who held an account. */
  workerId: string;
  /** Accounts collected at once by this replica (cloudsec.yml concurrency.accounts). */
  concurrency: number;
  /** How long a claim holds without renewal; renewed every third of it. */
  leaseMs: number;
  /** Claims of one account before it is given up as `unknown` (a worker dying on it each time). */
  maxAttempts: number;
  /** How often an idle worker looks for queued accounts (a local scan wakes it at once: nudge). */
  idlePollMs: number;
  log: AppLogger;
}

export interface ScanWorker {
  start(): void;
  /** Stops claiming; resolves when the accounts in hand are written (or given up to their leases). */
  stop(): Promise<void>;
  /** A scan was queued here: idle slots look at once instead of at their next poll. */
  nudge(): void;
  /** Resolves when this worker next finishes an account, or after `ms`: a local requester need not poll blind. */
  nextFinish(ms: number): Promise<void>;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const makeScanWorker = (deps: ScanWorkerDeps): ScanWorker => {
  let running = false;
  const sleepers = new Set<() => void>();

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const wakeAll = () => [...sleepers].forEach((wake) => wake());
  const finishWaiters = new Set<() => void>();
  const nextFinish = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        finishWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      finishWaiters.add(done);
    });

  const runJob = async (job: ScanJob): Promise<void> => {
    const ref = { scanId: job.scanId, accountId: job.accountId, attempt: job.attempt };
    const spec = ScanJobSpecSchema.safeParse(job.spec);
    if (!spec.success) {
      // Written by a replica with other code, or damaged: nothing here can collect it.
      await deps.store.failScanJob(ref, `its job could not be read (${spec.error.issues[0]?.message ?? 'invalid'})`);
      return;
    }
    let lost = false;
    const renew = setInterval(
      () => {
        deps.store.renewScanJob(ref, deps.leaseMs).then(
          (held) => {
            if (!held) lost = true;
          },
          (err: unknown) => deps.log.warn({ err, ...ref }, 'scan job lease not renewed; it is retried next beat'),
        );
      },
      Math.max(1, Math.floor(deps.leaseMs / 3)),
    );
    renew.unref?.();
    try {
      let account;
      try {
        account = await deps.collector.collect(spec.data.target, {
          services: spec.data.collect,
          ...(spec.data.regions ? { regions: spec.data.regions } : {}),
        });
      } catch (err) {
        // Not an account cloudsec could not enter (that comes back as one): the collection broke.
        deps.log.warn({ err, ...ref }, 'scan job collection failed; its account answers unknown');
        account = unfinishedAccount(spec.data, describe(err), deps.clock());
      }
      const at = spec.data.judgeAt ? new Date(spec.data.judgeAt) : deps.clock();
      const findings = evaluateJob(deps, spec.data, account, at);
      const written = await deps.store.completeScanJob(ref, { header: accountHeaderOf(account), findings });
      if (!written || lost) {
        deps.log.info(
          { ...ref, written },
          'scan job was claimed again after its lease ran out; this result is not the one kept',
        );
      }
    } catch (err) {
      // The store refused the write: the lease runs out and another worker (or this one) claims it again.
      deps.log.error({ err, ...ref }, 'scan job result not stored; the account is collected again after its lease');
    } finally {
      clearInterval(renew);
    }
  };

  // One loop claims for every slot: an idle replica asks the store once per poll, not once per slot.
  const inHand = new Set<Promise<void>>();
  let loop: Promise<void> = Promise.resolve();
  const dispatch = async () => {
    while (running) {
      if (inHand.size >= Math.max(1, deps.concurrency)) {
        await idle(deps.idlePollMs);
        continue;
      }
      let job: ScanJob | null = null;
      try {
        job = await deps.store.claimScanJob({
          worker: deps.workerId,
          leaseMs: deps.leaseMs,
          maxAttempts: deps.maxAttempts,
        });
      } catch (err) {
        deps.log.warn({ err }, 'scan jobs could not be claimed; trying again');
      }
      if (!job) {
        if (running) await idle(deps.idlePollMs);
        continue;
      }
      const work: Promise<void> = runJob(job).finally(() => {
        inHand.delete(work);
        // A slot is free: claim the next account now rather than at the next poll.
        wakeAll();
        [...finishWaiters].forEach((done) => done());
      });
      inHand.add(work);
    }
    await Promise.all(inHand);
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = dispatch();
    },
    async stop() {
      running = false;
      wakeAll();
      await loop;
    },
    nudge: wakeAll,
    nextFinish,
  };
};
