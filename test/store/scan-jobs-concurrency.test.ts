import type { Finding } from '../../src/core/model';
import { summarizeFindings } from '../../src/store/scan-summary';
import type { ScanJob, Store } from '../../src/store/store';
import { useContractStores } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';
import { manualClock } from '../fixtures/store';

/**
 * Two replicas (two stores, each with its own connection pool, on one PostgreSQL schema) working one
 * streamed scan at once: what SQLite's single writer gives by queueing, PostgreSQL must give by
 * FOR UPDATE SKIP LOCKED claims and the scan-row lock completions take. The single-store contract is
 * in scan-jobs.test.ts and scan-jobs-leases.test.ts.
 */
describe('a streamed scan shared by replicas in PostgreSQL', () => {
  const stores = useContractStores('postgres');
  jest.setTimeout(60_000);

  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));
  const begin = (store: Store, ids: string[]) =>
    store.beginScan({
      scopeKey: 'all:*:*',
      generatedAt: '2026-11-01T12:00:00Z',
      jobs: ids.map((accountId) => ({ accountId, spec: { account: accountId } })),
    });
  const findingsOf = (accountId: string, n: number): Finding[] =>
    Array.from({ length: n }, (_, i) =>
      aFinding({
        id: `${accountId}-f${i}`,
        accountId,
        status: (['fail', 'pass', 'unknown'] as const)[i % 3],
        severity: (['critical', 'high', 'medium', 'low', 'informational'] as const)[i % 5],
      }),
    );

  const twoReplicas = async (clock: () => Date = () => new Date()) => {
    const a = await stores.open({ clock });
    return [a, await stores.reopen(a, { clock })] as const;
  };

  /** `n` claimers on each replica, each claiming until the queue is empty. */
  const drain = async (replicas: readonly Store[], n: number, worker = 'w'): Promise<ScanJob[]> => {
    const claimer = async (store: Store, name: string) => {
      const mine: ScanJob[] = [];
      for (;;) {
        const job = await store.claimScanJob({ worker: name, leaseMs: 600_000, maxAttempts: 3 });
        if (!job) return mine;
        mine.push(job);
      }
    };
    const all = await Promise.all(
      replicas.flatMap((store, r) => Array.from({ length: n }, (_, i) => claimer(store, `${worker}${r}-${i}`))),
    );
    return all.flat();
  };

  it('when 2 replicas × 10 claimers take 30 jobs at once, then each job is claimed exactly once', async () => {
    const replicas = await twoReplicas();
    const ids = accounts(30);
    const scanId = await begin(replicas[0], ids);

    const claimed = await drain(replicas, 10);

    expect(claimed.map((j) => j.accountId).sort()).toEqual(ids);
    expect(new Set(claimed.map((j) => j.attempt))).toEqual(new Set([1]));
    const jobs = await replicas[1].scanJobs(scanId);
    expect(jobs.map((j) => [j.state, j.attempt])).toEqual(ids.map(() => ['running', 1]));
    // Every claim went through the database, not a cache of either replica.
    const { rows } = await stores.exec(replicas[0], 'SELECT COUNT(DISTINCT owner) AS n FROM scan_jobs');
    expect(Number(rows[0]?.n)).toBeGreaterThan(1);
  });

  it('when the replicas complete different accounts of one scan at once, then every finding lands with its own ordinal', async () => {
    const replicas = await twoReplicas();
    const ids = accounts(30);
    const scanId = await begin(replicas[0], ids);
    const claimed = await drain(replicas, 5);

    const results = await Promise.all(
      claimed.map((job, i) =>
        replicas[i % 2]!.completeScanJob(job, {
          header: { accountId: job.accountId },
          findings: findingsOf(job.accountId, 20),
        }),
      ),
    );
    expect(results.every(Boolean)).toBe(true);

    const { rows } = await stores.exec(
      replicas[0],
      'SELECT COUNT(*) AS n, COUNT(DISTINCT ordinal) AS d, MIN(ordinal) AS lo, MAX(ordinal) AS hi FROM scan_findings WHERE scan_id = ?',
      [scanId],
    );
    expect(rows[0]).toEqual({ n: '600', d: '600', lo: 0, hi: 599 });
    const expected = ids.flatMap((id) => findingsOf(id, 20));
    const stored = await replicas[1].findingsOfScan(scanId);
    expect(stored.map((f) => f.id).sort()).toEqual(expected.map((f) => f.id).sort());
    // Each account's findings stay together and in its order: one completion, one block of ordinals.
    for (const id of ids.slice(0, 3)) {
      expect(stored.filter((f) => f.accountId === id)).toEqual(findingsOf(id, 20));
    }
    expect((await replicas[0].scanJobs(scanId)).map((j) => j.passCount)).toEqual(ids.map(() => 7));

    await replicas[1].finishScan(scanId, 'complete');
    expect(await replicas[0].getScan(scanId)).toMatchObject({
      state: 'complete',
      findingCount: 600,
      summary: summarizeFindings(expected),
    });
  });

  it('when late workers complete while another replica re-claims their expired jobs, then each job has exactly one outcome', async () => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    const [late, fresh] = await twoReplicas(clock);
    const ids = accounts(12);
    const scanId = await begin(late, ids);
    const first: ScanJob[] = [];
    for (let job = await late.claimScanJob({ worker: 'late', leaseMs: 1_000, maxAttempts: 3 }); job;) {
      first.push(job);
      job = await late.claimScanJob({ worker: 'late', leaseMs: 1_000, maxAttempts: 3 });
    }
    clock.advance(1_000); // every lease has just run out

    const [completed, reclaimed] = await Promise.all([
      Promise.all(
        first.map((job) =>
          late.completeScanJob(job, { header: { by: 'late' }, findings: findingsOf(job.accountId, 3) }),
        ),
      ),
      drain([fresh], 4, 'fresh'),
    ]);

    const jobs = await fresh.scanJobs(scanId);
    const stored = await fresh.findingsOfScan(scanId);
    ids.forEach((id, i) => {
      const job = jobs.find((j) => j.accountId === id)!;
      const won = completed[i]!;
      const retaken = reclaimed.some((j) => j.accountId === id);
      // Either the late completion landed first (done at attempt 1, not claimable any more), or the
      // re-claim did (attempt 2, running) and not one of the late findings was written.
      expect({ id, won, retaken }).toEqual({ id, won: !retaken, retaken: !won });
      expect([job.state, job.attempt]).toEqual(won ? ['done', 1] : ['running', 2]);
      expect(stored.filter((f) => f.accountId === id)).toHaveLength(won ? 3 : 0);
    });
    expect(completed.filter(Boolean).length + reclaimed.length).toBe(ids.length);
  });
});
