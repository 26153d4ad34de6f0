import type { Finding } from '../../src/core/model';
import { CloudsecError } from '../../src/errors';
import { summarizeFindings } from '../../src/store/scan-summary';
import type { ScanJobRef, Store } from '../../src/store/store';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';
import { manualClock } from '../fixtures/store';

/**
 * A streamed scan finished with lost accounts, against SQLite and PostgreSQL: the accounts whose
 * job failed, or whose stored result the application could not read, are stored as the unknowns it
 * judged them by, in the finish's transaction, so the stored scan, its summary and its jobs read
 * them unknown and failed; a lost account that is not the scan's, a finding filed under the wrong
 * account, or lost accounts for a failed scan are refused with nothing written.
 */

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const STRANGER = '999999999999';
const T0 = '2026-11-01T12:00:00.000Z';
const SCOPE = 'all:*:*';
const LEASE = 1_000;

const stored = (accountId: string): Finding[] => [
  aFinding({ id: `${accountId}-fail`, accountId, status: 'fail', severity: 'critical' }),
  aFinding({ id: `${accountId}-pass`, accountId, status: 'pass', severity: 'low' }),
];
const unknowns = (accountId: string): Finding[] => [
  aFinding({ id: `${accountId}-u1`, accountId, status: 'unknown', severity: 'high', message: 'lost' }),
  aFinding({ id: `${accountId}-u2`, accountId, status: 'unknown', severity: 'medium', message: 'lost' }),
];
const headerOf = (accountId: string) => ({ accountId });

const begin = (store: Store, accounts: string[]) =>
  store.beginScan({
    scopeKey: SCOPE,
    generatedAt: T0,
    jobs: accounts.map((accountId) => ({ accountId, spec: { account: accountId } })),
  });
const claim = async (store: Store, maxAttempts = 3): Promise<ScanJobRef> =>
  (await store.claimScanJob({ worker: 'w1', leaseMs: LEASE, maxAttempts }))!;
const complete = (store: Store, job: ScanJobRef) =>
  store.completeScanJob(job, { header: headerOf(job.accountId), findings: stored(job.accountId) });

/** Everything finishScan may change, to show a refused finish changed none of it. */
const everything = async (store: Store, id: string) => ({
  scan: await store.getScan(id),
  jobs: await store.scanJobs(id),
  findings: await store.findingsOfScan(id),
});

describe.each(STORE_KINDS)('streamed scans: finishing with lost accounts (%s)', (kind) => {
  const stores = useContractStores(kind);

  /** A done, B's job failed as `how`, C done. */
  const withFailedB = async (how: 'exhausted' | 'failScanJob') => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    const id = await begin(store, [A, B, C]);
    const a = await claim(store, 1);
    const b = await claim(store, 1);
    const c = await claim(store, 1);
    expect([a.accountId, b.accountId, c.accountId]).toEqual([A, B, C]);
    await complete(store, a);
    await complete(store, c);
    if (how === 'failScanJob') {
      expect(await store.failScanJob(b, 'the collection broke: AccessDenied')).toBe(true);
    } else {
      // B's worker died holding its only allowed claim: the next claim fails the job.
      clock.advance(LEASE);
      expect(await store.claimScanJob({ worker: 'w2', leaseMs: LEASE, maxAttempts: 1 })).toBeNull();
    }
    return { store, id, clock };
  };

  it.each([
    ['exhausted', 'its worker stopped answering 1 times'],
    ['failScanJob', 'the collection broke: AccessDenied'],
  ] as const)(
    "when a scan completes with a failed (%s) account listed as lost, then its unknowns are stored after the scan's last, counted, and its job stays failed with its error",
    async (how, error) => {
      const { store, id, clock } = await withFailedB(how);
      expect((await store.scanJobs(id))[1]).toMatchObject({ accountId: B, state: 'failed', error });

      clock.advance(5_000);
      await store.finishScan(id, 'complete', { lost: [{ accountId: B, findings: unknowns(B) }] });

      const all = [...stored(A), ...stored(C), ...unknowns(B)];
      expect(await store.findingsOfScan(id)).toEqual(all);
      expect(await store.findingsOfScan(id, { accountIds: [B] })).toEqual(unknowns(B));
      const scan = await store.getScan(id);
      expect(scan).toMatchObject({ state: 'complete', findingCount: 6, summary: summarizeFindings(all) });
      expect(scan?.summary.unknown).toBe(2);
      expect(await store.latestScan(SCOPE)).toEqual(scan);
      expect(await store.scanJobs(id)).toEqual([
        { accountId: A, state: 'done', attempt: 1, result: headerOf(A), error: null, passCount: 1 },
        { accountId: B, state: 'failed', attempt: 1, result: null, error, passCount: 0 },
        { accountId: C, state: 'done', attempt: 1, result: headerOf(C), error: null, passCount: 1 },
      ]);

      // Asked again (a retried call): nothing is written twice.
      await store.finishScan(id, 'complete', { lost: [{ accountId: B, findings: unknowns(B) }] });
      expect(await store.findingsOfScan(id)).toEqual(all);
      expect(await store.getScan(id)).toEqual(scan);
    },
  );

  it('when a done account is listed as lost, then what it stored is replaced by its unknowns and its job reads failed with no passes', async () => {
    const store = await stores.open({ clock: manualClock(T0) });
    const id = await begin(store, [A, B, C]);
    for (let i = 0; i < 3; i += 1) await complete(store, await claim(store));

    await store.finishScan(id, 'complete', {
      lost: [
        { accountId: A, findings: unknowns(A) },
        // Lost with nothing to say of it: what it stored goes all the same.
        { accountId: C, findings: [] },
      ],
    });

    const all = [...stored(B), ...unknowns(A)];
    expect(await store.findingsOfScan(id)).toEqual(all);
    expect(await store.getScan(id)).toMatchObject({
      state: 'complete',
      findingCount: 4,
      summary: summarizeFindings(all),
    });
    const unreadable = 'its stored result could not be read';
    expect(await store.scanJobs(id)).toEqual([
      // The header it stored is kept (for whoever looks into why it could not be read).
      { accountId: A, state: 'failed', attempt: 1, result: headerOf(A), error: unreadable, passCount: 0 },
      { accountId: B, state: 'done', attempt: 1, result: headerOf(B), error: null, passCount: 1 },
      { accountId: C, state: 'failed', attempt: 1, result: headerOf(C), error: unreadable, passCount: 0 },
    ]);
  });

  it('when a lost account is not an account of the scan, then the finish is refused and nothing changes, its unfinished jobs included', async () => {
    const store = await stores.open({ clock: manualClock(T0) });
    const id = await begin(store, [A, B, C]);
    await complete(store, await claim(store));
    const b = await claim(store);
    expect(await store.failScanJob(b, 'gave up')).toBe(true);
    const c = await claim(store);
    const before = await everything(store, id);

    const finishing = store.finishScan(id, 'complete', {
      lost: [
        { accountId: B, findings: unknowns(B) },
        { accountId: STRANGER, findings: unknowns(STRANGER) },
      ],
    });
    await expect(finishing).rejects.toThrow(CloudsecError);
    await expect(finishing).rejects.toMatchObject({ code: 'internal' });
    await expect(finishing).rejects.toThrow(/999999999999 is not an account of scan/);
    expect(await everything(store, id)).toEqual(before);
    expect(before.scan?.state).toBe('running');
    expect(before.jobs.map((j) => j.state)).toEqual(['done', 'failed', 'running']);
    // The scan goes on: C's worker still completes it, and a right finish then stores B.
    expect(await complete(store, c)).toBe(true);
    await store.finishScan(id, 'complete', { lost: [{ accountId: B, findings: unknowns(B) }] });
    expect(await store.findingsOfScan(id)).toEqual([...stored(A), ...stored(C), ...unknowns(B)]);
  });

  it('when the finish fails after storing the lost accounts, then none of it stays: they are written in its transaction', async () => {
    const { store, id } = await withFailedB('failScanJob');
    // A stored row changed outside cloudsec: counting the summary, the last step of the finish, fails.
    await stores.exec(store, "UPDATE scan_findings SET severity = 'dire' WHERE finding_id = ?", [`${C}-pass`]);
    const before = await everything(store, id);

    await expect(store.finishScan(id, 'complete', { lost: [{ accountId: B, findings: unknowns(B) }] })).rejects.toThrow(
      /severity "dire"/,
    );
    expect(await everything(store, id)).toEqual(before);
    expect(await store.findingsOfScan(id, { accountIds: [B] })).toEqual([]);
  });

  it("when a lost account carries another account's finding, then the finish is refused and nothing changes", async () => {
    const { store, id } = await withFailedB('failScanJob');
    const before = await everything(store, id);

    const finishing = store.finishScan(id, 'complete', {
      lost: [{ accountId: B, findings: [...unknowns(B), ...unknowns(A)] }],
    });
    await expect(finishing).rejects.toMatchObject({ code: 'internal' });
    await expect(finishing).rejects.toThrow(/finding of account 111111111111 .* under lost account 222222222222/);
    expect(await everything(store, id)).toEqual(before);
  });

  it('when an account is listed as lost twice, or a lost finding is malformed, then the finish is refused and nothing changes', async () => {
    const { store, id } = await withFailedB('failScanJob');
    const before = await everything(store, id);

    await expect(
      store.finishScan(id, 'complete', {
        lost: [
          { accountId: B, findings: unknowns(B) },
          { accountId: B, findings: [] },
        ],
      }),
    ).rejects.toThrow(/222222222222 is listed as lost twice/);
    await expect(
      store.finishScan(id, 'complete', {
        lost: [{ accountId: B, findings: [{ id: 'half a finding', accountId: B } as unknown as Finding] }],
      }),
    ).rejects.toThrow();
    expect(await everything(store, id)).toEqual(before);
  });

  it('when a scan is finished as failed with lost accounts, then it is refused (a failed scan answers nobody); without any it fails as before', async () => {
    const { store, id } = await withFailedB('failScanJob');
    const before = await everything(store, id);

    const failing = store.finishScan(id, 'failed', { lost: [{ accountId: B, findings: unknowns(B) }] });
    await expect(failing).rejects.toMatchObject({ code: 'internal' });
    await expect(failing).rejects.toThrow(/lost accounts are stored only when a scan completes/);
    expect(await everything(store, id)).toEqual(before);

    await store.finishScan(id, 'failed', { lost: [] });
    expect(await store.getScan(id)).toMatchObject({ state: 'failed', findingCount: 4 });
    expect(await store.findingsOfScan(id)).toEqual([...stored(A), ...stored(C)]);
  });
});
