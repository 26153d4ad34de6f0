/**
 * A scan of the whole estate as queued jobs: the accounts in scope are listed once, each becomes a
 * job in the store, the workers of every replica collect and evaluate them and stream their
 * findings into the store, and this side waits, reports progress and assembles the answer. Only
 * failing and unknown findings come back into memory; passes stay in the store and are counted
 * (CheckOutcome.passesOmitted), so the answer's memory does not grow with the estate's passes.
 */
import { byRelevance, summarize } from '../../core/findings';
import { AccountSnapshotSchema, type AccountSnapshot, type Finding } from '../../core/model';
import { CloudsecError } from '../../errors';
import type { LostAccount, Store, ScanJobStatus } from '../../store/store';
import { assertRegionsScanned, servicesFor, slicesFor, type CheckOutcome, type CheckRequest } from '../run-check';
import type { JobCollector } from './collector';
import { evaluateJob, unfinishedAccount, type JobEvaluation } from './evaluate-job';
import { ScanJobSpecSchema, type ScanJobSpec } from './spec';

export interface QueuedScanDeps extends JobEvaluation {
  store: Pick<Store, 'beginScan' | 'scanJobs' | 'finishScan' | 'findingsOfScan'>;
  collector: Pick<JobCollector, 'targets'>;
  clock: () => Date;
  /** How often the scan's jobs are read back for progress. */
  pollMs: number;
  /**
   * Longest wait without any account finishing before the scan is given up: no worker is taking its
   * jobs (every replica stopping). Its accounts are not reported as passing: the request fails.
   */
  stallMs: number;
  /** Wakes this replica's worker: the jobs were just queued. */
  nudge?: () => void;
  /** Waits up to `ms` before the progress is read again (the local worker ends it early: nextFinish). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const finished = (job: ScanJobStatus) => job.state === 'done' || job.state === 'failed';

/** The account a finished job stands for; a result that does not parse is the account not known. */
const accountOfJob = (
  job: ScanJobStatus,
  spec: ScanJobSpec,
  now: Date,
): { account: AccountSnapshot; lost: boolean } => {
  if (job.state === 'done') {
    const parsed = AccountSnapshotSchema.safeParse(job.result);
    if (parsed.success) return { account: parsed.data, lost: false };
    return { account: unfinishedAccount(spec, 'its stored result could not be read', now), lost: true };
  }
  return { account: unfinishedAccount(spec, job.error ?? 'its job failed', now), lost: true };
};

export const runQueuedScan = async (
  deps: QueuedScanDeps,
  scopeKey: string,
  request: CheckRequest,
): Promise<CheckOutcome> => {
  const sleep = deps.sleep ?? realSleep;
  const services = servicesFor(request.service);
  const collected = slicesFor(deps.checks, services);
  const reporting = services.filter((s) => collected.includes(s));
  const targets = await deps.collector.targets({
    services: collected,
    reporting,
    ...(request.accountIds ? { accountIds: request.accountIds } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
    ...(request.admitAccount ? { admitAccount: request.admitAccount } : {}),
  });
  const specs = new Map<string, ScanJobSpec>(
    targets.map((t) => [
      t.accountId,
      {
        v: 1,
        account: { id: t.accountId, name: t.accountName, ou: t.ou, partition: t.partition },
        target: t.target,
        collect: collected,
        report: services,
        ...(request.regions ? { regions: [...request.regions] } : {}),
        ...(t.judgeAt ? { judgeAt: t.judgeAt } : {}),
      },
    ]),
  );
  // A recorded estate answers as of when it was taken (as runCheck judges recorded snapshots).
  const recordedAt = targets.find((t) => t.judgeAt)?.judgeAt;
  const generatedAt = recordedAt ? new Date(recordedAt) : deps.clock();
  const scanId = await deps.store.beginScan({
    scopeKey,
    generatedAt,
    jobs: [...specs].map(([accountId, spec]) => ({ accountId, spec: ScanJobSpecSchema.parse(spec) })),
  });
  deps.nudge?.();

  let jobs: ScanJobStatus[] = [];
  const reported = new Set<string>();
  let lastChange = deps.clock().getTime();
  for (;;) {
    jobs = await deps.store.scanJobs(scanId);
    for (const job of jobs.filter(finished)) {
      if (reported.has(job.accountId)) continue;
      reported.add(job.accountId);
      lastChange = deps.clock().getTime();
      request.onProgress?.({ done: reported.size, total: specs.size, accountId: job.accountId });
    }
    const done = reported.size;
    if (jobs.length === specs.size && done === specs.size) break;
    if (deps.clock().getTime() - lastChange > deps.stallMs) {
      await deps.store.finishScan(scanId, 'failed');
      throw new CloudsecError(
        'internal',
        `The scan stopped making progress: no account finished in ${Math.round(deps.stallMs / 1000)} s (${done} of ${specs.size} done). No worker is taking its accounts; check that the bot's replicas are running.`,
      );
    }
    await sleep(deps.pollMs);
  }

  const now = recordedAt ? generatedAt : deps.clock();
  const accounts: AccountSnapshot[] = [];
  const unstored: Finding[] = [];
  const lost: LostAccount[] = [];
  const passesOmitted: Record<string, number> = {};
  for (const job of jobs) {
    const spec = specs.get(job.accountId);
    if (!spec) throw new CloudsecError('internal', `Scan ${scanId} holds a job for ${job.accountId} it did not queue.`);
    const judged = accountOfJob(job, spec, now);
    accounts.push(judged.account);
    // A lost account's unknowns were never stored: they are judged here so it still answers, and
    // stored when the scan finishes so that whoever reads the scan later sees them too.
    if (judged.lost) {
      const findings = evaluateJob(deps, spec, judged.account, now);
      unstored.push(...findings);
      lost.push({ accountId: job.accountId, findings });
    } else if (job.passCount > 0) passesOmitted[job.accountId] = job.passCount;
  }
  const snapshot = {
    schemaVersion: 1 as const,
    generatedAt: generatedAt.toISOString(),
    demo: false,
    services: collected,
    accounts,
  };
  assertRegionsScanned(snapshot, request, services);
  // An account whose result could not be read answers unknown only: whatever it stored is not
  // evidence of a whole account (its header said whether cloudsec got in at all).
  const lostIds = new Set(lost.map((l) => l.accountId));
  const stored = (await deps.store.findingsOfScan(scanId, { notPassing: true })).filter(
    (f) => !lostIds.has(f.accountId),
  );
  const findings = [...stored, ...unstored].sort(byRelevance);
  // In place of whatever the lost accounts stored, in the finish's transaction: the stored scan,
  // its summary and every later reader (reports, accepted risks, remediation) see them unknown.
  await deps.store.finishScan(scanId, 'complete', { lost });
  const summary = summarize(findings);
  summary.byStatus.pass += Object.values(passesOmitted).reduce((a, b) => a + b, 0);
  return { snapshot, findings, summary, services, collected, evaluatedAt: now, passesOmitted, scanId };
};
