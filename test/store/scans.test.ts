import { aFinding } from '../fixtures/remediation-builders';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

describe.each(STORE_KINDS)('scan history (%s)', (kind) => {
  const stores = useContractStores(kind);

  const findings = [
    aFinding({ id: 'f1', status: 'fail', severity: 'critical' }),
    aFinding({ id: 'f2', status: 'fail', severity: 'high', evidence: { grants: [{ uri: 'AllUsers' }] } }),
    aFinding({ id: 'f3', status: 'pass' }),
    aFinding({ id: 'f4', status: 'unknown' }),
  ];

  it('when a scan is saved, then its findings come back in order and equal to what was saved', async () => {
    const store = await stores.open();
    const id = await store.saveScan({ scopeKey: 'all', generatedAt: '2026-11-01T12:00:00Z', findings });
    expect(await store.findingsOfScan(id)).toEqual(findings);
  });

  it('when no summary is given, then the counts are computed from the findings', async () => {
    const clock = manualClock('2026-11-01T12:05:00.000Z');
    const store = await stores.open({ clock });
    const id = await store.saveScan({ scopeKey: 'all', generatedAt: new Date('2026-11-01T12:00:00Z'), findings });
    expect(await store.getScan(id)).toEqual({
      id,
      scopeKey: 'all',
      generatedAt: '2026-11-01T12:00:00.000Z',
      savedAt: '2026-11-01T12:05:00.000Z',
      findingCount: 4,
      summary: {
        total: 4,
        pass: 1,
        fail: 2,
        unknown: 1,
        failBySeverity: { critical: 1, high: 1, medium: 0, low: 0, informational: 0 },
        score: null,
      },
      state: 'complete',
    });
  });

  it('when a summary is given, then it is stored as given', async () => {
    const store = await stores.open();
    const summary = {
      total: 4,
      pass: 1,
      fail: 2,
      unknown: 1,
      failBySeverity: { critical: 1, high: 1, medium: 0, low: 0, informational: 0 },
      score: 62.5,
    };
    const id = await store.saveScan({ scopeKey: 'all', generatedAt: '2026-11-01T12:00:00Z', findings, summary });
    expect((await store.getScan(id))?.summary).toEqual(summary);
  });

  it('when several scopes have scans, then latest and history are per scope, newest first, limited', async () => {
    const store = await stores.open();
    const save = (scopeKey: string, day: number) =>
      store.saveScan({ scopeKey, generatedAt: `2026-11-0${day}T00:00:00Z`, findings: findings.slice(0, day) });
    // Saved out of order: history follows generatedAt, not insertion.
    const day2 = await save('account:111111111111', 2);
    const day3 = await save('account:111111111111', 3);
    const day1 = await save('account:111111111111', 1);
    await save('account:222222222222', 4);

    expect((await store.latestScan('account:111111111111'))?.id).toBe(day3);
    expect((await store.scanHistory('account:111111111111', 10)).map((s) => s.id)).toEqual([day3, day2, day1]);
    expect((await store.scanHistory('account:111111111111', 2)).map((s) => s.findingCount)).toEqual([3, 2]);
    expect(await store.scanHistory('account:111111111111', 0)).toEqual([]);
  });

  it('when two scans of one scope have the same generation and save times, then the one saved last is the latest', async () => {
    const store = await stores.open({ clock: manualClock('2026-11-01T12:05:00.000Z') });
    const save = () => store.saveScan({ scopeKey: 'all', generatedAt: '2026-11-01T12:00:00Z', findings });
    const ids = [await save(), await save(), await save()];

    expect((await store.latestScan('all'))?.id).toBe(ids[2]);
    expect((await store.scanHistory('all', 3)).map((s) => s.id)).toEqual([...ids].reverse());
  });

  it('when a scan has no findings or many, then what comes back is exactly what was saved', async () => {
    const store = await stores.open();
    const many = Array.from({ length: 1500 }, (_, i) => aFinding({ id: `f${i}`, status: i % 3 ? 'pass' : 'fail' }));
    const empty = await store.saveScan({ scopeKey: 'none', generatedAt: '2026-11-01T12:00:00Z', findings: [] });
    const big = await store.saveScan({ scopeKey: 'all', generatedAt: '2026-11-01T12:00:00Z', findings: many });

    expect(await store.findingsOfScan(empty)).toEqual([]);
    expect(await store.getScan(empty)).toMatchObject({ findingCount: 0, summary: { total: 0 } });
    expect(await store.findingsOfScan(big)).toEqual(many);
    expect(await store.getScan(big)).toMatchObject({ findingCount: 1500, summary: { fail: 500, pass: 1000 } });
  });

  it('when nothing was saved for a scope or id, then reads are empty rather than errors', async () => {
    const store = await stores.open();
    expect(await store.latestScan('nowhere')).toBeNull();
    expect(await store.scanHistory('nowhere', 5)).toEqual([]);
    expect(await store.getScan('no-such-scan')).toBeNull();
    expect(await store.findingsOfScan('no-such-scan')).toEqual([]);
  });

  it('when saving fails part-way through the findings, then nothing of the scan is kept', async () => {
    const store = await stores.open();
    // A bigint passes the schema (evidence is free-form) but cannot be written as JSON.
    const unwritable = aFinding({ id: 'f9', evidence: { size: BigInt(1) } });
    await expect(
      store.saveScan({ scopeKey: 'all', generatedAt: '2026-11-01T12:00:00Z', findings: [...findings, unwritable] }),
    ).rejects.toThrow();
    expect(await store.latestScan('all')).toBeNull();
  });
});
