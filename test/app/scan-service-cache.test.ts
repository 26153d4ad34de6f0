import { CHECKS } from '../../src/core/checks';
import { makeScanService, type ScanServiceDeps } from '../../src/app/scan-service';
import type { SnapshotSource } from '../../src/app/snapshot-source';
import { NOW } from '../fixtures/snapshot-builders';
import {
  ACCOUNTS,
  countingSource,
  estateOf,
  removeScanAppDirs,
  scanApp,
  settle,
  type CountingSource,
} from '../fixtures/counting-source';

/**
 * The scan cache: a scope's answer is reused for `ttlMs`, concurrent asks for one scope share one
 * collection, and `--fresh` collects again. Collections are counted at the source; time is a clock
 * the test moves, never the wall clock. (Narrowed scans, the fresh-scan limit and the queue are in
 * scan-limits.test.ts; the limit as users meet it, in test/commands/check-limits.test.ts.)
 */

afterAll(removeScanAppDirs);

const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]);
const TTL_MS = 5 * 60_000;

/** A clock the test moves by hand. */
const manualClock = () => {
  let now = NOW.getTime();
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
};

/**
 * The counting source, with each snapshot stamped with the time it was collected (as a live
 * collection is), so which collection an answer came from can be told apart.
 */
const stamped = (source: CountingSource, clock: () => Date): SnapshotSource => ({
  kind: source.kind,
  load: async (request) => ({ ...(await source.load(request)), generatedAt: clock().toISOString() }),
});

const service = (options: { gated?: boolean; ttlMs?: number; over?: Partial<ScanServiceDeps> } = {}) => {
  const time = manualClock();
  const source = countingSource(ESTATE, { gated: options.gated ?? false });
  const saved: string[] = [];
  const scans = makeScanService({
    source: stamped(source, time.clock),
    checks: CHECKS,
    store: {
      saveScan: async (scan) => {
        saved.push(scan.scopeKey);
        return `scan-${saved.length}`;
      },
    },
    clock: time.clock,
    ttlMs: options.ttlMs ?? TTL_MS,
    ...options.over,
  });
  return { scans, source, saved, ...time };
};

describe('the cache TTL', () => {
  it('when the same scope is asked again within the TTL, then it is answered from the first scan without collecting', async () => {
    const { scans, source, saved, advance } = service();
    const first = await scans.run({ service: 's3' });

    advance(TTL_MS - 1);
    const second = await scans.run({ service: 's3' });

    expect(source.requests).toHaveLength(1);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(second.snapshot.generatedAt).toBe(first.snapshot.generatedAt);
    expect(second.findings).toEqual(first.findings);
    // Only a new scan is recorded in the store's history.
    expect(saved).toEqual(['s3:*:*']);
  });

  it('when the TTL has passed, then the scope is collected again, and the new answer is reused from then on', async () => {
    const { scans, source, advance } = service();
    const first = await scans.run({ service: 's3' });

    advance(TTL_MS);
    const expired = await scans.run({ service: 's3' });
    advance(TTL_MS - 1);
    const reused = await scans.run({ service: 's3' });

    expect(source.requests).toHaveLength(2);
    expect(expired.fromCache).toBe(false);
    expect(Date.parse(expired.snapshot.generatedAt) - Date.parse(first.snapshot.generatedAt)).toBe(TTL_MS);
    expect(reused.fromCache).toBe(true);
    expect(reused.snapshot.generatedAt).toBe(expired.snapshot.generatedAt);
  });

  it('when the TTL is 0 (cache.scanTtlSeconds: 0), then every ask collects', async () => {
    const { scans, source } = service({ ttlMs: 0 });
    const results = [await scans.run({ service: 's3' }), await scans.run({ service: 's3' })];
    expect(results.map((r) => r.fromCache)).toEqual([false, false]);
    expect(source.requests).toHaveLength(2);
  });

  it('when a different scope is asked within the TTL, then it is collected, not answered from another scope', async () => {
    const { scans, source } = service();
    await scans.run({ service: 's3' });

    const oneAccount = await scans.run({ service: 's3', accountIds: [ACCOUNTS.prod.id] });
    const otherService = await scans.run({ service: 'iam' });
    const otherRegion = await scans.run({ service: 's3', regions: ['eu-west-1'] });

    expect([oneAccount, otherService, otherRegion].map((r) => [r.scopeKey, r.fromCache])).toEqual([
      [`s3:${ACCOUNTS.prod.id}:*`, false],
      ['iam:*:*', false],
      ['s3:*:eu-west-1', false],
    ]);
    expect(source.requests).toHaveLength(4);
  });

  it('when the same scope is written differently (accounts in another order, repeated), then it is the same cache entry', async () => {
    const { scans, source } = service();
    await scans.run({ service: 's3', accountIds: [ACCOUNTS.staging.id, ACCOUNTS.prod.id] });

    const again = await scans.run({
      service: 's3',
      accountIds: [ACCOUNTS.prod.id, ACCOUNTS.staging.id, ACCOUNTS.prod.id],
    });

    expect(again.fromCache).toBe(true);
    expect(source.requests).toHaveLength(1);
  });

  it('when cloudsec.yml sets cache.scanTtlSeconds, then the composed app reuses a scan for exactly that long', async () => {
    const time = manualClock();
    const source = countingSource(ESTATE);
    const { deps, store } = scanApp(
      `
bindings:
  - role: admin
    users: [U0ADMIN]
cache:
  scanTtlSeconds: 120
`,
      stamped(source, time.clock),
      { clock: time.clock },
    );
    try {
      await deps.scans.run({ service: 's3' });
      time.advance(119_999);
      const within = await deps.scans.run({ service: 's3' });
      time.advance(1);
      const after = await deps.scans.run({ service: 's3' });

      expect([within.fromCache, after.fromCache]).toEqual([true, false]);
      expect(source.requests).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});

describe('scans in flight', () => {
  it('when two asks for the same scope arrive while its scan is running, then they share one collection', async () => {
    const { scans, source } = service({ gated: true });

    const first = scans.run({ service: 's3' });
    const second = scans.run({ service: 's3' });
    await settle();
    expect(source.held).toBe(1);
    source.release();
    const [a, b] = await Promise.all([first, second]);

    expect(source.requests).toHaveLength(1);
    expect([...source.collected.values()]).toEqual([1, 1, 1]);
    expect([a.fromCache, b.fromCache]).toEqual([false, false]);
    expect(b.snapshot).toBe(a.snapshot);
    expect(b.findings).toEqual(a.findings);
  });

  it('when two asks for different scopes arrive together, then each scope is collected once', async () => {
    const { scans, source } = service({ gated: true });

    const asks = [
      scans.run({ service: 's3' }),
      scans.run({ service: 'iam' }),
      scans.run({ service: 's3' }),
      scans.run({ service: 'iam' }),
    ];
    await settle();
    expect(source.held).toBe(2);
    source.release();
    source.release();
    const results = await Promise.all(asks);

    expect(source.requests).toHaveLength(2);
    expect(results.map((r) => r.scopeKey)).toEqual(['s3:*:*', 'iam:*:*', 's3:*:*', 'iam:*:*']);
    expect(results[2]!.snapshot).toBe(results[0]!.snapshot);
    expect(results[3]!.snapshot).toBe(results[1]!.snapshot);
  });

  it('when a shared scan fails, then everyone sharing it gets the error, nothing is cached, and the next ask collects again', async () => {
    const time = manualClock();
    const base = countingSource(ESTATE, { gated: true });
    let failures = 1;
    const flaky: SnapshotSource = {
      kind: 'live',
      load: async (request) => {
        const snapshot = await base.load(request);
        if (failures-- > 0) throw new Error('ThrottlingException: Rate exceeded');
        return snapshot;
      },
    };
    const scans = makeScanService({
      source: flaky,
      checks: CHECKS,
      store: { saveScan: async () => 'scan-1' },
      clock: time.clock,
      ttlMs: TTL_MS,
    });

    const sharing = Promise.allSettled([scans.run({ service: 's3' }), scans.run({ service: 's3' })]);
    await settle();
    base.release();
    const outcomes = await sharing;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(base.requests).toHaveLength(1);

    const retry = scans.run({ service: 's3' });
    await settle();
    base.release();
    expect((await retry).fromCache).toBe(false);
    expect(base.requests).toHaveLength(2);
  });
});

describe('--fresh', () => {
  it('when --fresh is asked within the TTL, then the scope is collected again, and later asks get the fresh answer', async () => {
    const { scans, source, saved, advance } = service();
    const cached = await scans.run({ service: 's3' });

    advance(60_000);
    const fresh = await scans.run({ service: 's3', fresh: true });
    advance(60_000);
    const after = await scans.run({ service: 's3' });

    expect(source.requests).toHaveLength(2);
    expect(fresh.fromCache).toBe(false);
    expect(fresh.snapshot.generatedAt).not.toBe(cached.snapshot.generatedAt);
    expect(after.fromCache).toBe(true);
    expect(after.snapshot.generatedAt).toBe(fresh.snapshot.generatedAt);
    expect(saved).toEqual(['s3:*:*', 's3:*:*']);
  });

  it('when a fresh scan renews the cache, then the TTL counts from the fresh scan', async () => {
    const { scans, source, advance } = service();
    await scans.run({ service: 's3' });
    advance(TTL_MS - 60_000);
    await scans.run({ service: 's3', fresh: true });

    advance(TTL_MS - 1); // past the first scan's TTL, within the fresh one's
    const reused = await scans.run({ service: 's3' });

    expect(reused.fromCache).toBe(true);
    expect(source.requests).toHaveLength(2);
  });

  it('when a user has used their fresh scans for the hour, then the service refuses the next claim and a plain ask is still answered from the cache', async () => {
    const { scans, source, advance } = service({
      over: { limits: { freshScansPerUserPerHour: 1, concurrentScans: 4 } },
    });
    expect(scans.claimFresh('U0VIEW').ok).toBe(true);
    await scans.run({ service: 's3', fresh: true });

    advance(60_000);
    expect(scans.claimFresh('U0VIEW')).toEqual({ ok: false, limit: 1, retryAt: new Date(NOW.getTime() + 3_600_000) });
    const plain = await scans.run({ service: 's3' });

    expect(plain.fromCache).toBe(true);
    expect(source.requests).toHaveLength(1);
  });
});
