import type { Finding } from '../../src/core/model';
import { summarizeFindings } from '../../src/store/scan-summary';
import type { Store } from '../../src/store/store';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';
import { manualClock } from '../fixtures/store';

/**
 * A streamed scan's life in the store, against SQLite and PostgreSQL: begun with one job per
 * account, each job claimed once and completed with its findings, the scan finished with a summary
 * counted from what was stored, and only complete scans ever read as the latest.
 */

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const T0 = '2026-11-01T12:00:00.000Z';
const SCOPE = 'all:*:*';
const CLAIM = { worker: 'host-a:1', leaseMs: 60_000, maxAttempts: 3 };

type Outcome = [Finding['status'], Finding['severity']];
const findingsOf = (accountId: string, outcomes: Outcome[]): Finding[] =>
  outcomes.map(([status, severity], i) => aFinding({ id: `${accountId}-f${i}`, accountId, status, severity }));
const specOf = (accountId: string) => ({ v: 1, account: { id: accountId }, regions: ['eu-west-1'] });
const headerOf = (accountId: string) => ({ accountId, accountName: `acct ${accountId}`, regions: ['eu-west-1'] });

const RESULTS: Record<string, Finding[]> = {
  [A]: findingsOf(A, [
    ['fail', 'critical'],
    ['pass', 'high'],
    ['pass', 'low'],
  ]),
  [B]: findingsOf(B, [
    ['unknown', 'medium'],
    ['fail', 'high'],
  ]),
  [C]: findingsOf(C, [['pass', 'informational']]),
};

const begin = (store: Store, accounts: string[], generatedAt = T0) =>
  store.beginScan({ scopeKey: SCOPE, generatedAt, jobs: accounts.map((id) => ({ accountId: id, spec: specOf(id) })) });

/** Claims until nothing is left. */
const claimAll = async (store: Store) => {
  const claimed = [];
  for (let job = await store.claimScanJob(CLAIM); job; job = await store.claimScanJob(CLAIM)) claimed.push(job);
  return claimed;
};

describe.each(STORE_KINDS)('streamed scans: begin, claim, complete, finish (%s)', (kind) => {
  const stores = useContractStores(kind);

  it('when a scan is begun, then it is running with nothing counted and one queued job per account, in account order', async () => {
    const store = await stores.open({ clock: manualClock(T0) });
    const id = await begin(store, [C, A, B], '2026-11-01T11:59:00Z');

    expect(await store.getScan(id)).toEqual({
      id,
      scopeKey: SCOPE,
      generatedAt: '2026-11-01T11:59:00.000Z',
      savedAt: T0,
      findingCount: 0,
      summary: summarizeFindings([]),
      state: 'running',
    });
    expect(await store.scanJobs(id)).toEqual(
      [A, B, C].map((accountId) => ({
        accountId,
        state: 'queued',
        attempt: 0,
        result: null,
        error: null,
        passCount: 0,
      })),
    );
    expect(await store.latestScan(SCOPE)).toBeNull();
    expect(await store.scanHistory(SCOPE, 5)).toEqual([]);
    expect(await store.scanJobs('no-such-scan')).toEqual([]);
  });

  it("when workers claim every job and complete it, then each is claimed once and the finished summary is the findings'", async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    const id = await begin(store, [A, B, C]);

    const claimed = await claimAll(store);
    expect(claimed).toEqual(
      [A, B, C].map((accountId) => ({ scanId: id, accountId, attempt: 1, spec: specOf(accountId) })),
    );
    expect((await store.scanJobs(id)).map((j) => [j.state, j.attempt])).toEqual([
      ['running', 1],
      ['running', 1],
      ['running', 1],
    ]);

    // Completed out of account order: the findings keep the order they arrived in.
    for (const accountId of [B, A, C]) {
      const job = claimed.find((j) => j.accountId === accountId)!;
      expect(await store.completeScanJob(job, { header: headerOf(accountId), findings: RESULTS[accountId]! })).toBe(
        true,
      );
    }
    expect(await store.scanJobs(id)).toEqual([
      { accountId: A, state: 'done', attempt: 1, result: headerOf(A), error: null, passCount: 2 },
      { accountId: B, state: 'done', attempt: 1, result: headerOf(B), error: null, passCount: 0 },
      { accountId: C, state: 'done', attempt: 1, result: headerOf(C), error: null, passCount: 1 },
    ]);
    const all = [...RESULTS[B]!, ...RESULTS[A]!, ...RESULTS[C]!];
    expect(await store.findingsOfScan(id)).toEqual(all);
    // Still running until finished: not yet anyone's latest.
    expect(await store.latestScan(SCOPE)).toBeNull();

    clock.advance(90_000);
    await store.finishScan(id, 'complete');
    const finished = await store.getScan(id);
    expect(finished).toEqual({
      id,
      scopeKey: SCOPE,
      generatedAt: T0,
      savedAt: '2026-11-01T12:01:30.000Z',
      findingCount: 6,
      summary: summarizeFindings(all),
      state: 'complete',
    });
    expect(await store.latestScan(SCOPE)).toEqual(finished);
    expect(await store.claimScanJob(CLAIM)).toBeNull();
  });

  it("when several scans are queued, then the older scan's jobs are claimed first, each scan's in account order", async () => {
    const store = await stores.open();
    const first = await begin(store, [C, B]);
    const second = await begin(store, [A]);
    expect((await claimAll(store)).map((j) => [j.scanId, j.accountId])).toEqual([
      [first, B],
      [first, C],
      [second, A],
    ]);
  });

  it('when an account is queued twice, then the scan is refused and nothing is stored', async () => {
    const store = await stores.open();
    await expect(begin(store, [A, B, A])).rejects.toThrow(/111111111111 is queued twice/);
    expect(Number((await stores.exec(store, 'SELECT COUNT(*) AS n FROM scans')).rows[0]?.n)).toBe(0);
    expect(await store.claimScanJob(CLAIM)).toBeNull();
  });

  it('when a scan of no account is begun and finished, then it is a complete scan of nothing', async () => {
    const store = await stores.open();
    const id = await begin(store, []);
    expect(await store.scanJobs(id)).toEqual([]);
    await store.finishScan(id, 'complete');
    expect(await store.getScan(id)).toMatchObject({ state: 'complete', findingCount: 0, summary: { total: 0 } });
  });

  it('when streamed scans are running or failed, then latestScan and scanHistory pass them by; getScan reads any', async () => {
    const store = await stores.open();
    const saved = await store.saveScan({ scopeKey: SCOPE, generatedAt: '2026-11-01T08:00:00Z', findings: RESULTS[A]! });
    const running = await begin(store, [A], '2026-11-01T10:00:00Z');
    const failed = await begin(store, [B], '2026-11-01T11:00:00Z');
    await store.finishScan(failed, 'failed');

    expect((await store.latestScan(SCOPE))?.id).toBe(saved);
    expect((await store.scanHistory(SCOPE, 10)).map((s) => s.id)).toEqual([saved]);
    expect((await store.getScan(saved))?.state).toBe('complete');
    expect((await store.getScan(running))?.state).toBe('running');
    expect((await store.getScan(failed))?.state).toBe('failed');

    const job = (await store.claimScanJob(CLAIM))!;
    expect(job.scanId).toBe(running);
    await store.completeScanJob(job, { header: headerOf(A), findings: RESULTS[A]! });
    await store.finishScan(running, 'complete');
    expect((await store.latestScan(SCOPE))?.id).toBe(running);
    expect((await store.scanHistory(SCOPE, 10)).map((s) => s.id)).toEqual([running, saved]);
  });

  it('when findings are asked for not passing and/or of some accounts, then only those come back, in stored order', async () => {
    const store = await stores.open();
    const id = await begin(store, [A, B, C]);
    for (const job of await claimAll(store)) {
      await store.completeScanJob(job, { header: headerOf(job.accountId), findings: RESULTS[job.accountId]! });
    }
    const all = [...RESULTS[A]!, ...RESULTS[B]!, ...RESULTS[C]!];
    const ids = (findings: Finding[]) => findings.map((f) => f.id);

    expect(ids(await store.findingsOfScan(id, {}))).toEqual(ids(all));
    expect(ids(await store.findingsOfScan(id, { notPassing: true }))).toEqual(
      ids(all.filter((f) => f.status !== 'pass')),
    );
    expect(ids(await store.findingsOfScan(id, { accountIds: [C, A] }))).toEqual(
      ids(all.filter((f) => f.accountId !== B)),
    );
    expect(await store.findingsOfScan(id, { accountIds: [A], notPassing: true })).toEqual([RESULTS[A]![0]]);
    expect(await store.findingsOfScan(id, { accountIds: [] })).toEqual([]);
    expect(await store.findingsOfScan(id, { accountIds: ['999999999999'] })).toEqual([]);
    // Many accounts in one filter: no parameter limit.
    const many = [...Array.from({ length: 40_000 }, (_, i) => String(i).padStart(12, '9')), B];
    expect(ids(await store.findingsOfScan(id, { accountIds: many }))).toEqual(ids(RESULTS[B]!));
  });

  it('when a scan is finished as failed, then its unfinished jobs fail with the reason and late workers write nothing', async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    const id = await begin(store, [A, B, C]);
    const a = (await store.claimScanJob(CLAIM))!;
    const b = (await store.claimScanJob(CLAIM))!;
    await store.completeScanJob(a, { header: headerOf(A), findings: RESULTS[A]! });

    clock.advance(5_000);
    await store.finishScan(id, 'failed');
    const ended = 'the scan ended before this account finished';
    expect(await store.scanJobs(id)).toEqual([
      { accountId: A, state: 'done', attempt: 1, result: headerOf(A), error: null, passCount: 2 },
      { accountId: B, state: 'failed', attempt: 1, result: null, error: ended, passCount: 0 },
      { accountId: C, state: 'failed', attempt: 0, result: null, error: ended, passCount: 0 },
    ]);
    expect(await store.getScan(id)).toMatchObject({
      state: 'failed',
      findingCount: 3,
      summary: summarizeFindings(RESULTS[A]!),
      savedAt: '2026-11-01T12:00:05.000Z',
    });
    // B's worker comes back too late; nothing of a finished scan is claimed any more.
    expect(await store.completeScanJob(b, { header: headerOf(B), findings: RESULTS[B]! })).toBe(false);
    expect(await store.renewScanJob(b, 60_000)).toBe(false);
    expect(await store.findingsOfScan(id)).toEqual(RESULTS[A]);
    expect(await store.claimScanJob(CLAIM)).toBeNull();

    // Asked again for the state it has: nothing changes. Asked for the other: refused.
    clock.advance(5_000);
    await store.finishScan(id, 'failed');
    expect((await store.getScan(id))?.savedAt).toBe('2026-11-01T12:00:05.000Z');
    await expect(store.finishScan(id, 'complete')).rejects.toThrow(/already failed/);
    await expect(store.finishScan('no-such-scan', 'complete')).rejects.toThrow(/no scan no-such-scan/);
  });

  it('when there is nothing queued, then a claim is null', async () => {
    const store = await stores.open();
    expect(await store.claimScanJob(CLAIM)).toBeNull();
    await store.saveScan({ scopeKey: SCOPE, generatedAt: T0, findings: RESULTS[A]! });
    expect(await store.claimScanJob(CLAIM)).toBeNull();
  });

  it('when a claim, renewal or completion is malformed, then it is refused before anything is written', async () => {
    const store = await stores.open();
    await begin(store, [A]);
    await expect(store.claimScanJob({ ...CLAIM, leaseMs: 0 })).rejects.toThrow();
    await expect(store.claimScanJob({ ...CLAIM, worker: '' })).rejects.toThrow();
    const job = (await store.claimScanJob(CLAIM))!;
    await expect(store.renewScanJob(job, -5)).rejects.toThrow();
    await expect(
      store.completeScanJob(job, { header: null, findings: [{ id: 'half a finding' } as unknown as Finding] }),
    ).rejects.toThrow();
    expect((await store.scanJobs(job.scanId))[0]).toMatchObject({ state: 'running', attempt: 1 });
    expect(await store.findingsOfScan(job.scanId)).toEqual([]);
  });
});
