/**
 * The scan service sends estate-wide scans through the job queue when it has one (their findings
 * are in the store already, so nothing is saved twice), and keeps scans of named accounts (a
 * re-check: remediation plans from the account's full data) in-process. A narrowed reader's scan is
 * queued with their scope, under their own key.
 */
import { makeScanService } from '../../src/app/scan-service';
import type { CheckOutcome, CheckRequest } from '../../src/app/run-check';
import { CHECKS } from '../../src/core/checks';
import { summarize } from '../../src/core/findings';
import { NOW } from '../fixtures/snapshot-builders';
import { ACCOUNTS, countingSource, estateOf } from '../fixtures/counting-source';

const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging]);

const setup = () => {
  const source = countingSource(ESTATE, { gated: false });
  const saved: string[] = [];
  const queuedCalls: { scopeKey: string; request: CheckRequest }[] = [];
  const queuedOutcome: CheckOutcome = {
    snapshot: { ...ESTATE, accounts: [] },
    findings: [],
    summary: summarize([]),
    services: ['s3'],
    collected: ['s3'],
    evaluatedAt: NOW,
    passesOmitted: { [ACCOUNTS.prod.id]: 7 },
    scanId: 'streamed-1',
  };
  const scans = makeScanService({
    source,
    checks: CHECKS,
    store: {
      saveScan: async (scan) => {
        saved.push(scan.scopeKey);
        return `scan-${saved.length}`;
      },
    },
    clock: () => NOW,
    ttlMs: 60_000,
    queued: async (scopeKey, request) => {
      queuedCalls.push({ scopeKey, request });
      return queuedOutcome;
    },
  });
  return { scans, source, saved, queuedCalls };
};

describe('the scan service with a job queue', () => {
  it('when the whole estate is asked for, then the scan is queued and not saved again', async () => {
    const { scans, source, saved, queuedCalls } = setup();
    const result = await scans.run({ service: 's3' });
    expect(queuedCalls.map((c) => c.scopeKey)).toEqual(['s3:*:*']);
    expect(source.requests).toHaveLength(0);
    expect(saved).toEqual([]);
    expect(result.scanId).toBe('streamed-1');
    // Cached like any answer.
    await scans.run({ service: 's3' });
    expect(queuedCalls).toHaveLength(1);
  });

  it('when accounts are named (a re-check), then the scan runs in-process and is saved', async () => {
    const { scans, source, saved, queuedCalls } = setup();
    await scans.run({ service: 's3', accountIds: [ACCOUNTS.prod.id] });
    expect(queuedCalls).toEqual([]);
    expect(source.requests).toHaveLength(1);
    expect(saved).toEqual([`s3:${ACCOUNTS.prod.id}:*`]);
  });

  it('when a narrowed reader asks, then the queued request carries their scope under their own key', async () => {
    const { scans, queuedCalls } = setup();
    await scans.run({ service: 's3' }, { narrowTo: { key: 'ou:prod', admits: (a) => a.id === ACCOUNTS.prod.id } });
    expect(queuedCalls.map((c) => c.scopeKey)).toEqual(['s3:*:*|ou:prod']);
    const admit = queuedCalls[0]!.request.admitAccount!;
    expect(admit({ id: ACCOUNTS.prod.id, name: 'prod' })).toBe(true);
    expect(admit({ id: ACCOUNTS.staging.id, name: 'staging' })).toBe(false);
  });
});
