/**
 * A scan queued as per-account jobs in the store, collected by workers, answers what an in-process
 * scan of the same estate answers: the same failing and unknown findings in the same order, the
 * same counts (passes counted, kept in the store), and an account whose collection broke or whose
 * result cannot be read answers `unknown`, never a pass. Both stores.
 */
import { runCheck, type CheckOutcome } from '../../../src/app/run-check';
import { runQueuedScan, type QueuedScanDeps } from '../../../src/app/scan-jobs/queued-scan';
import { makeScanWorker, type ScanWorker } from '../../../src/app/scan-jobs/worker';
import { CHECKS } from '../../../src/core/checks';
import type { Finding } from '../../../src/core/model';
import type { Store } from '../../../src/store/store';
import { STORE_KINDS, useContractStores } from '../../fixtures/contract-stores';
import { demoEstate, liveSourceOf, recordedCollector, type FakeCollector } from '../../fixtures/scan-jobs';
import { manualClock } from '../../fixtures/store';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const NOW = '2026-11-20T10:00:00.000Z';

describe.each(STORE_KINDS)('queued scans (%s)', (kind) => {
  const stores = useContractStores(kind);
  const workers: ScanWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  const startWorker = (store: Store, collector: FakeCollector, over: { workerId?: string } = {}) => {
    const worker = makeScanWorker({
      store,
      collector,
      checks: CHECKS,
      clock: () => new Date(NOW),
      workerId: over.workerId ?? 'w1',
      concurrency: 3,
      leaseMs: 60_000,
      maxAttempts: 3,
      idlePollMs: 5,
      log: silent,
    });
    worker.start();
    workers.push(worker);
    return worker;
  };

  /**
   * What the stored scan says of a lost account once the queued scan answered: exactly the unknowns
   * the answer gave it (its job failed, no passes), counted in the stored summary as in the answer.
   */
  const expectLostStored = async (store: Store, queued: CheckOutcome, accountId: string) => {
    const scanId = queued.scanId!;
    const ids = (fs: Finding[]) => fs.map((f) => f.id).sort();
    const answered = queued.findings.filter((f) => f.accountId === accountId);
    const kept = await store.findingsOfScan(scanId, { accountIds: [accountId] });
    expect(kept.length).toBeGreaterThan(0);
    expect(ids(kept)).toEqual(ids(answered));
    expect(kept.every((f) => f.status === 'unknown')).toBe(true);
    expect((await store.scanJobs(scanId)).find((j) => j.accountId === accountId)).toMatchObject({
      state: 'failed',
      passCount: 0,
    });
    const scan = (await store.getScan(scanId))!;
    expect(scan.state).toBe('complete');
    // The stored summary counts what the answer counted: the lost account's unknowns, no pass of it.
    expect(scan.summary.unknown).toBe(queued.summary.byStatus.unknown);
    expect(scan.summary.fail).toBe(queued.summary.byStatus.fail);
    expect(scan.summary.pass).toBe(queued.summary.byStatus.pass);
    expect((await store.latestScan('all:*:*'))?.id).toBe(scanId);
  };

  const deps = (store: QueuedScanDeps['store'], collector: FakeCollector, over: Partial<QueuedScanDeps> = {}) => ({
    store,
    collector,
    checks: CHECKS,
    clock: () => new Date(NOW),
    pollMs: 5,
    stallMs: 60_000,
    ...over,
  });

  it('when every account is collected by a worker, then the answer equals the in-process scan of the same estate', async () => {
    const estate = demoEstate();
    const store = await stores.open();
    const collector = recordedCollector(estate);
    startWorker(store, collector);
    const progress: number[] = [];
    const queued = await runQueuedScan(deps(store, collector), 'all:*:*', {
      service: 'all',
      onProgress: (p) => progress.push(p.done),
    });
    const direct = await runCheck(
      { source: liveSourceOf(estate), checks: CHECKS, clock: () => new Date(NOW) },
      { service: 'all' },
    );

    expect(queued.findings).toEqual(direct.findings.filter((f) => f.status !== 'pass'));
    expect(queued.summary).toEqual(direct.summary);
    const passes = direct.findings.filter((f) => f.status === 'pass');
    expect(Object.values(queued.passesOmitted ?? {}).reduce((a, b) => a + b, 0)).toBe(passes.length);
    expect(queued.snapshot.accounts.map((a) => a.accountId).sort()).toEqual(
      estate.accounts.map((a) => a.accountId).sort(),
    );
    // Each account collected once; progress counted each once, up to all of them.
    expect([...collector.collected.values()]).toEqual(estate.accounts.map(() => 1));
    expect(progress).toEqual(estate.accounts.map((_, i) => i + 1));
    // Every finding, passes too, is in the store as one complete scan.
    const latest = await store.latestScan('all:*:*');
    expect(latest?.id).toBe(queued.scanId);
    expect(latest?.findingCount).toBe(direct.findings.length);
    const stored = await store.findingsOfScan(queued.scanId!);
    expect(stored.map((f) => f.id).sort()).toEqual(direct.findings.map((f) => f.id).sort());
  });

  it('when a reader may see only some accounts, then only those are queued and answered', async () => {
    const estate = demoEstate();
    const [first] = estate.accounts;
    const store = await stores.open();
    const collector = recordedCollector(estate);
    startWorker(store, collector);
    const queued = await runQueuedScan(deps(store, collector), 'all:*:*|narrow', {
      service: 'all',
      admitAccount: (a) => a.id === first!.accountId,
    });
    expect([...collector.collected.keys()]).toEqual([first!.accountId]);
    expect(new Set(queued.findings.map((f) => f.accountId))).toEqual(new Set([first!.accountId]));
    expect(Object.keys(queued.passesOmitted ?? {})).toEqual([first!.accountId]);
  });

  it('when one account cannot be collected, then each of its checks is unknown with the reason and the others are unchanged', async () => {
    const estate = demoEstate();
    const broken = estate.accounts[0]!.accountId;
    const store = await stores.open();
    const collector = recordedCollector(estate, {
      fail: (id) => (id === broken ? new Error('socket hang up') : null),
    });
    startWorker(store, collector);
    const queued = await runQueuedScan(deps(store, collector), 'all:*:*', { service: 'all' });
    const ofBroken = queued.findings.filter((f) => f.accountId === broken);
    expect(ofBroken.length).toBeGreaterThan(0);
    expect(ofBroken.every((f) => f.status === 'unknown' && f.message.includes('socket hang up'))).toBe(true);
    expect(queued.passesOmitted?.[broken]).toBeUndefined();
    const account = queued.snapshot.accounts.find((a) => a.accountId === broken)!;
    expect(account.access.ok).toBe(false);
  });

  it('when a finished account result read back is not an account, then that account answers unknown, never pass, and the stored scan holds those unknowns', async () => {
    const estate = demoEstate();
    const damaged = estate.accounts[1]!.accountId;
    const store = await stores.open();
    const collector = recordedCollector(estate);
    startWorker(store, collector);
    const tampered: QueuedScanDeps['store'] = {
      beginScan: (i) => store.beginScan(i),
      finishScan: (id, s, o) => store.finishScan(id, s, o),
      findingsOfScan: (id, o) => store.findingsOfScan(id, o),
      scanJobs: async (id) =>
        (await store.scanJobs(id)).map((j) => (j.accountId === damaged ? { ...j, result: { accountId: 'x' } } : j)),
    };
    const queued = await runQueuedScan(deps(tampered, collector), 'all:*:*', { service: 'all' });
    const ofDamaged = queued.findings.filter((f) => f.accountId === damaged);
    expect(ofDamaged.length).toBeGreaterThan(0);
    expect(ofDamaged.every((f) => f.status === 'unknown' && /could not be read/.test(f.message))).toBe(true);
    expect(queued.passesOmitted?.[damaged]).toBeUndefined();
    // The stored scan holds the same unknowns in place of what the account's worker had stored.
    await expectLostStored(store, queued, damaged);
    expect((await store.scanJobs(queued.scanId!)).find((j) => j.accountId === damaged)?.error).toBe(
      'its stored result could not be read',
    );
  });

  it('when a job spec cannot be read by the worker, then its account is unknown with that reason, in the answer and in the stored scan', async () => {
    const estate = demoEstate();
    const odd = estate.accounts[0]!.accountId;
    const store = await stores.open();
    const collector = recordedCollector(estate);
    startWorker(store, collector);
    const newer: QueuedScanDeps['store'] = {
      beginScan: (input) =>
        store.beginScan({
          ...input,
          jobs: input.jobs.map((j) => (j.accountId === odd ? { ...j, spec: { ...(j.spec as object), v: 2 } } : j)),
        }),
      finishScan: (id, s, o) => store.finishScan(id, s, o),
      findingsOfScan: (id, o) => store.findingsOfScan(id, o),
      scanJobs: (id) => store.scanJobs(id),
    };
    const queued = await runQueuedScan(deps(newer, collector), 'all:*:*', { service: 'all' });
    expect(collector.collected.has(odd)).toBe(false);
    const ofOdd = queued.findings.filter((f) => f.accountId === odd);
    expect(ofOdd.length).toBeGreaterThan(0);
    expect(ofOdd.every((f) => f.status === 'unknown' && /could not be read/.test(f.message))).toBe(true);
    // Its job failed and stored nothing: the stored scan holds the unknowns the answer gave it.
    await expectLostStored(store, queued, odd);
    expect((await store.scanJobs(queued.scanId!)).find((j) => j.accountId === odd)?.error).toMatch(
      /^its job could not be read/,
    );
  });

  it('when no worker takes the jobs, then the scan fails with why after the stall limit and is never the latest scan', async () => {
    const estate = demoEstate();
    const store = await stores.open();
    const clock = manualClock(NOW);
    const collector = recordedCollector(estate);
    const run = runQueuedScan(
      deps(store, collector, { clock, stallMs: 30_000, sleep: async () => clock.advance(10_000) }),
      'all:*:*',
      { service: 'all' },
    );
    await expect(run).rejects.toThrow(/stopped making progress.*0 of \d+ done/);
    expect(await store.latestScan('all:*:*')).toBeNull();
  });

  it('when a worker dies holding an account, then another claims it after the lease and the answer is whole', async () => {
    const estate = demoEstate();
    const store = await stores.open({ clock: () => new Date(Date.now()) });
    const collector = recordedCollector(estate);
    const begun: string[] = [];
    const spying: QueuedScanDeps['store'] = {
      beginScan: async (i) => {
        const id = await store.beginScan(i);
        begun.push(id);
        // A worker that claims one account and dies (never renews, never writes).
        await store.claimScanJob({ worker: 'dead', leaseMs: 50, maxAttempts: 3 });
        return id;
      },
      finishScan: (id, s, o) => store.finishScan(id, s, o),
      findingsOfScan: (id, o) => store.findingsOfScan(id, o),
      scanJobs: (id) => store.scanJobs(id),
    };
    const worker = makeScanWorker({
      store,
      collector,
      checks: CHECKS,
      clock: () => new Date(NOW),
      workerId: 'alive',
      concurrency: 2,
      leaseMs: 50,
      maxAttempts: 3,
      idlePollMs: 10,
      log: silent,
    });
    worker.start();
    workers.push(worker);
    const queued = await runQueuedScan(deps(spying, collector), 'all:*:*', { service: 'all' });
    expect(queued.snapshot.accounts.every((a) => a.access.ok)).toBe(true);
    const jobs = await store.scanJobs(begun[0]!);
    expect(jobs.every((j) => j.state === 'done')).toBe(true);
    expect(jobs.some((j) => j.attempt === 2)).toBe(true);
  });
});
