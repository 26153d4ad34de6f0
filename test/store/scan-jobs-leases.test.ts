import type { Finding } from '../../src/core/model';
import { summarizeFindings } from '../../src/store/scan-summary';
import type { Store } from '../../src/store/store';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';
import { manualClock } from '../fixtures/store';

/**
 * The streamed scan's leases and fences, against SQLite and PostgreSQL: a job whose worker stops
 * renewing is claimed again with the next attempt, the old attempt writes nothing, a job that kept
 * losing its worker fails, the leader's sweep gives up old scans, and rows changed outside cloudsec
 * are errors naming the row.
 */

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const T0 = '2026-11-01T12:00:00.000Z';
const SCOPE = 'all:*:*';

const findingsOf = (accountId: string, tag: string): Finding[] => [
  aFinding({ id: `${accountId}-${tag}-1`, accountId, status: 'fail', severity: 'high' }),
  aFinding({ id: `${accountId}-${tag}-2`, accountId, status: 'pass', severity: 'low' }),
];
const claimAs = (store: Store, worker: string, leaseMs = 1_000, maxAttempts = 3) =>
  store.claimScanJob({ worker, leaseMs, maxAttempts });
const begin = (store: Store, accounts: string[]) =>
  store.beginScan({
    scopeKey: SCOPE,
    generatedAt: T0,
    jobs: accounts.map((accountId) => ({ accountId, spec: { account: accountId } })),
  });

describe.each(STORE_KINDS)('streamed scans: leases and fences (%s)', (kind) => {
  const stores = useContractStores(kind);

  const leaseOf = async (store: Store, accountId: string) =>
    (await stores.exec(store, 'SELECT owner, lease_expires_at FROM scan_jobs WHERE account_id = ?', [accountId]))
      .rows[0];

  it('when a lease runs out, then the job is claimed again with the next attempt and the old attempt writes nothing', async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    const id = await begin(store, [A]);
    const first = (await claimAs(store, 'host-a:1'))!;
    expect(await leaseOf(store, A)).toEqual({ owner: 'host-a:1', lease_expires_at: '2026-11-01T12:00:01.000Z' });

    clock.advance(999);
    expect(await claimAs(store, 'host-b:2')).toBeNull();
    clock.advance(1);
    const second = (await claimAs(store, 'host-b:2'))!;
    expect(second).toEqual({ scanId: id, accountId: A, attempt: 2, spec: { account: A } });
    expect(await leaseOf(store, A)).toEqual({ owner: 'host-b:2', lease_expires_at: '2026-11-01T12:00:02.000Z' });

    // The first worker comes back: every write of its attempt is refused, and nothing of it lands.
    expect(await store.renewScanJob(first, 60_000)).toBe(false);
    expect(await store.completeScanJob(first, { header: { by: 'a' }, findings: findingsOf(A, 'a') })).toBe(false);
    expect(await store.failScanJob(first, 'gave up')).toBe(false);
    expect(await store.findingsOfScan(id)).toEqual([]);
    expect(await store.scanJobs(id)).toEqual([
      { accountId: A, state: 'running', attempt: 2, result: null, error: null, passCount: 0 },
    ]);

    expect(await store.completeScanJob(second, { header: { by: 'b' }, findings: findingsOf(A, 'b') })).toBe(true);
    expect(await store.findingsOfScan(id)).toEqual(findingsOf(A, 'b'));
    expect(await store.scanJobs(id)).toEqual([
      { accountId: A, state: 'done', attempt: 2, result: { by: 'b' }, error: null, passCount: 1 },
    ]);
    // Done is done: the same attempt cannot write twice, and the finished job is not claimed again.
    expect(await store.completeScanJob(second, { header: { by: 'b' }, findings: findingsOf(A, 'b') })).toBe(false);
    expect(await store.failScanJob(second, 'late')).toBe(false);
    clock.advance(60_000);
    expect(await claimAs(store, 'host-c:3')).toBeNull();
    expect(await store.findingsOfScan(id)).toHaveLength(2);
  });

  it('when a lease is renewed, then it runs from the renewal and nobody else claims the job meanwhile', async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    await begin(store, [A]);
    const job = (await claimAs(store, 'host-a:1', 1_000))!;

    clock.advance(800);
    expect(await store.renewScanJob(job, 1_000)).toBe(true);
    expect((await leaseOf(store, A))?.lease_expires_at).toBe('2026-11-01T12:00:01.800Z');
    clock.advance(999);
    expect(await claimAs(store, 'host-b:2')).toBeNull();
    // A lease that ran out but was not yet claimed by anyone is still this attempt's to renew.
    clock.advance(500);
    expect(await store.renewScanJob(job, 1_000)).toBe(true);
    expect(await claimAs(store, 'host-b:2')).toBeNull();
    clock.advance(1_000);
    expect(await claimAs(store, 'host-b:2')).toMatchObject({ accountId: A, attempt: 2 });
  });

  it('when every claim of a job loses its worker, then after the last allowed one it fails with the reason, never claimed again', async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    const id = await begin(store, [A]);
    expect(await claimAs(store, 'w1', 1_000, 2)).toMatchObject({ attempt: 1 });
    clock.advance(1_000);
    const last = (await claimAs(store, 'w2', 1_000, 2))!;
    expect(last.attempt).toBe(2);
    clock.advance(1_000);

    expect(await claimAs(store, 'w3', 1_000, 2)).toBeNull();
    expect(await store.scanJobs(id)).toEqual([
      {
        accountId: A,
        state: 'failed',
        attempt: 2,
        result: null,
        error: 'its worker stopped answering 2 times',
        passCount: 0,
      },
    ]);
    expect(await store.completeScanJob(last, { header: {}, findings: findingsOf(A, 'late') })).toBe(false);
    // A claimer allowing more attempts does not bring it back either.
    expect(await claimAs(store, 'w4', 1_000, 5)).toBeNull();
  });

  it('when a worker fails its job, then the job is failed with its error, fenced like a completion', async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    const id = await begin(store, [A, B]);
    const a = (await claimAs(store, 'w1'))!;
    expect(await store.failScanJob({ ...a, attempt: 2 }, 'not my attempt')).toBe(false);
    expect(await store.failScanJob(a, 'the collection broke: AccessDenied')).toBe(true);
    expect(await store.failScanJob(a, 'twice')).toBe(false);
    expect(await store.completeScanJob(a, { header: {}, findings: findingsOf(A, 'x') })).toBe(false);
    expect((await store.scanJobs(id))[0]).toEqual({
      accountId: A,
      state: 'failed',
      attempt: 1,
      result: null,
      error: 'the collection broke: AccessDenied',
      passCount: 0,
    });
    clock.advance(60_000);
    expect(await claimAs(store, 'w2')).toMatchObject({ accountId: B });
    expect(await claimAs(store, 'w2')).toBeNull();
  });

  it('when the leader sweeps, then scans running since before the cutoff are failed with their unfinished jobs', async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    const old = await begin(store, [A, B]);
    const saved = await store.saveScan({ scopeKey: SCOPE, generatedAt: T0, findings: findingsOf(C, 'saved') });
    const a = (await claimAs(store, 'w1', 3_600_000))!;
    await store.completeScanJob(a, { header: { ok: true }, findings: findingsOf(A, 'old') });
    const b = (await claimAs(store, 'w1', 3_600_000))!;
    clock.advance(60 * 60_000);
    const fresh = await begin(store, [C]);

    clock.advance(1_000);
    expect(await store.abandonScans(new Date('2026-11-01T12:30:00.000Z'))).toBe(1);
    expect(await store.getScan(old)).toMatchObject({
      state: 'failed',
      findingCount: 2,
      summary: summarizeFindings(findingsOf(A, 'old')),
      savedAt: '2026-11-01T13:00:01.000Z',
    });
    expect((await store.scanJobs(old)).map((j) => [j.accountId, j.state, j.error])).toEqual([
      [A, 'done', null],
      [B, 'failed', 'the scan was abandoned'],
    ]);
    expect(await store.completeScanJob(b, { header: {}, findings: findingsOf(B, 'late') })).toBe(false);
    expect((await store.getScan(fresh))?.state).toBe('running');
    expect((await store.getScan(saved))?.state).toBe('complete');
    expect((await store.latestScan(SCOPE))?.id).toBe(saved);
    expect(await claimAs(store, 'w2')).toMatchObject({ scanId: fresh, accountId: C });

    expect(await store.abandonScans(new Date('2026-11-01T12:30:00.000Z'))).toBe(0);
    expect(await store.abandonScans(new Date('2026-11-02T00:00:00.000Z'))).toBe(1);
    expect((await store.scanJobs(fresh))[0]).toMatchObject({ state: 'failed', error: 'the scan was abandoned' });
  });

  it("when a job's stored result is not JSON, then reading the jobs fails naming the row", async () => {
    const store = await stores.open();
    const id = await begin(store, [A]);
    const a = (await claimAs(store, 'w1'))!;
    await store.completeScanJob(a, { header: { ok: true }, findings: [] });
    await stores.exec(store, 'UPDATE scan_jobs SET result = \'{"accountId":\' WHERE account_id = ?', [A]);
    await expect(store.scanJobs(id)).rejects.toThrow(
      `The stored result of scan job ${id}/${A} is not JSON; the database was changed outside cloudsec.`,
    );
    // Put right, the same row reads again.
    await stores.exec(store, "UPDATE scan_jobs SET result = '{}' WHERE account_id = ?", [A]);
    expect((await store.scanJobs(id))[0]).toMatchObject({ state: 'done', result: {} });
  });

  it("when a job's stored spec is not JSON, then its claim fails naming it, the job is failed and the queue moves on", async () => {
    const store = await stores.open();
    const id = await begin(store, [A, B]);
    await stores.exec(store, "UPDATE scan_jobs SET spec = 'not json {' WHERE account_id = ?", [A]);

    await expect(claimAs(store, 'w1')).rejects.toThrow(`The stored spec of scan job ${id}/${A} is not JSON`);
    expect((await store.scanJobs(id))[0]).toMatchObject({
      accountId: A,
      state: 'failed',
      error: 'its stored spec is not JSON (the database was changed outside cloudsec)',
    });
    expect(await claimAs(store, 'w1')).toMatchObject({ accountId: B, attempt: 1, spec: { account: B } });
  });

  it('when a stored finding has a status cloudsec does not write, then finishing fails loudly and the scan stays running', async () => {
    const store = await stores.open();
    const id = await begin(store, [A]);
    const a = (await claimAs(store, 'w1'))!;
    await store.completeScanJob(a, { header: {}, findings: findingsOf(A, 'x') });
    await stores.exec(store, "UPDATE scan_findings SET status = 'maybe' WHERE ordinal = 0");

    await expect(store.finishScan(id, 'complete')).rejects.toThrow(
      `The stored findings of scan ${id} include status "maybe" / severity "high"`,
    );
    expect(await store.getScan(id)).toMatchObject({ state: 'running', findingCount: 0 });
  });

  it('when a job row is given a state cloudsec does not know, then the database refuses it', async () => {
    const store = await stores.open();
    await begin(store, [A]);
    await expect(stores.exec(store, "UPDATE scan_jobs SET state = 'paused'")).rejects.toThrow();
    await expect(stores.exec(store, "UPDATE scans SET state = 'paused'")).rejects.toThrow();
  });
});
