import { CHECKS } from '../../src/core/checks';
import { makeScanService, type ScanServiceDeps } from '../../src/app/scan-service';
import { narrowingFor } from '../../src/app/visible-findings';
import { parseConfig } from '../../src/config';
import { NOW } from '../fixtures/snapshot-builders';
import { ACCOUNTS, countingSource, estateOf, settle, type CountingSource } from '../fixtures/counting-source';

const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]);

const ACCESS = parseConfig(
  `
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
  - role: viewer
    users: [U0VIEW2]
    accounts: ["222222222222"]
  - role: viewer
    users: [U0TWIN]
    accounts: [acme-staging]
`,
  'cloudsec.yml',
);
const viewer = (userId: string) => narrowingFor({ userId, groups: [] }, 'check:run', ACCESS);

const service = (source: CountingSource, over: Partial<ScanServiceDeps> = {}) => {
  const saved: string[] = [];
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
    ...over,
  });
  return { scans, saved };
};

describe('a scan narrowed to what the asker may see', () => {
  it('when a viewer of one account scans everything, then only that account is collected', async () => {
    const source = countingSource(ESTATE);
    const { scans } = service(source);

    const result = await scans.run({ service: 'all', fresh: true }, { narrowTo: viewer('U0VIEW') });

    expect([...source.collected]).toEqual([[ACCOUNTS.staging.id, 1]]);
    expect(result.snapshot.accounts.map((a) => a.accountId)).toEqual([ACCOUNTS.staging.id]);
    expect(new Set(result.findings.map((f) => f.accountId))).toEqual(new Set([ACCOUNTS.staging.id]));
  });

  it('when an admin scans, then nothing is narrowed', async () => {
    const source = countingSource(ESTATE);
    const { scans } = service(source);

    expect(viewer('U0ADMIN')).toBeNull();
    await scans.run({ service: 's3' }, { narrowTo: viewer('U0ADMIN') });

    expect([...source.collected.keys()].sort()).toEqual([ACCOUNTS.prod.id, ACCOUNTS.staging.id, ACCOUNTS.sandbox.id]);
  });

  it('when a full scan is cached, then a narrowed request is answered from it without collecting again', async () => {
    const source = countingSource(ESTATE);
    const { scans } = service(source);
    await scans.run({ service: 's3' });

    const result = await scans.run({ service: 's3' }, { narrowTo: viewer('U0VIEW') });

    expect(result.fromCache).toBe(true);
    expect(source.requests).toHaveLength(1);
  });

  it('when only a narrowed scan is cached, then a full request does not get it (it would miss accounts), and it is stored apart', async () => {
    const source = countingSource(ESTATE);
    const { scans, saved } = service(source);
    await scans.run({ service: 's3' }, { narrowTo: viewer('U0VIEW') });

    const full = await scans.run({ service: 's3' });

    expect(full.fromCache).toBe(false);
    expect(full.snapshot.accounts).toHaveLength(3);
    expect(saved).toEqual(['s3:*:*|accounts=acme-staging;ous=', 's3:*:*']);
    expect(full.scopeKey).toBe('s3:*:*');
  });

  it('when two viewers have the same scope, then they share one narrowed scan; a scope written differently scans its own', async () => {
    const source = countingSource(ESTATE);
    const { scans } = service(source);
    await scans.run({ service: 's3' }, { narrowTo: viewer('U0VIEW') });

    const twin = await scans.run({ service: 's3' }, { narrowTo: viewer('U0TWIN') });
    const byId = await scans.run({ service: 's3' }, { narrowTo: viewer('U0VIEW2') });

    expect(twin.fromCache).toBe(true);
    expect(byId.fromCache).toBe(false);
    expect(source.collected.get(ACCOUNTS.staging.id)).toBe(2);
    expect(source.collected.get(ACCOUNTS.prod.id)).toBeUndefined();
  });

  it('when the asker holds the permission nowhere, then no account is collected at all', async () => {
    const source = countingSource(ESTATE);
    const { scans } = service(source);

    const result = await scans.run({ service: 'all' }, { narrowTo: viewer('U0NOBODY') });

    expect(source.collected.size).toBe(0);
    expect(result.findings).toEqual([]);
  });
});

describe('fresh scans per user', () => {
  it('when a user has used the hour, then the next fresh scan is refused until the oldest one is an hour old', () => {
    let now = NOW.getTime();
    const { scans } = service(countingSource(ESTATE), {
      clock: () => new Date(now),
      limits: { freshScansPerUserPerHour: 3, concurrentScans: 4 },
    });
    const first = now;
    expect(scans.claimFresh('U0VIEW')).toEqual({ ok: true, remaining: 2 });
    now += 10 * 60_000;
    expect(scans.claimFresh('U0VIEW')).toEqual({ ok: true, remaining: 1 });
    expect(scans.claimFresh('U0VIEW')).toEqual({ ok: true, remaining: 0 });

    const refused = scans.claimFresh('U0VIEW');
    expect(refused).toEqual({ ok: false, retryAt: new Date(first + 3_600_000), limit: 3 });
    // A refusal is not counted: it does not push the next allowed time further out.
    expect(scans.claimFresh('U0VIEW')).toEqual(refused);
    // Someone else has their own hour.
    expect(scans.claimFresh('U0ADMIN')).toMatchObject({ ok: true });

    now = first + 3_600_000 + 1;
    expect(scans.claimFresh('U0VIEW')).toEqual({ ok: true, remaining: 0 });
  });

  it('when no limits are given, then the defaults apply (never unlimited)', () => {
    const { scans } = service(countingSource(ESTATE));
    const claims = Array.from({ length: 11 }, () => scans.claimFresh('U0VIEW').ok);
    expect(claims.filter(Boolean)).toHaveLength(10);
    expect(claims[10]).toBe(false);
  });
});

describe('scans at once', () => {
  it('when more scans are asked than may run, then the rest wait in line, are told their place, and all finish in order', async () => {
    const source = countingSource(ESTATE, { gated: true });
    const { scans } = service(source, { limits: { freshScansPerUserPerHour: 10, concurrentScans: 1 } });
    const told: [string, number][] = [];
    const started: string[] = [];
    const finished: string[] = [];
    const ask = (svc: 's3' | 'iam' | 'ec2') =>
      scans
        .run(
          { service: svc },
          { onQueued: (position) => told.push([svc, position]), onStarted: () => started.push(svc) },
        )
        .then((r) => {
          finished.push(svc);
          return r;
        });

    const all = [ask('s3'), ask('iam'), ask('ec2')];
    await settle();
    expect(told).toEqual([
      ['iam', 1],
      ['ec2', 2],
    ]);
    expect(source.requests).toHaveLength(1);
    expect(scans.load()).toEqual({ running: 1, waiting: 2 });

    for (let i = 0; i < 3; i++) {
      source.release();
      await settle();
    }
    const results = await Promise.all(all);

    expect(finished).toEqual(['s3', 'iam', 'ec2']);
    expect(started).toEqual(['iam', 'ec2']);
    expect(source.maxActive).toBe(1);
    expect(results.map((r) => r.services)).toEqual([['s3'], ['iam'], ['ec2']]);
    expect(scans.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('when a scan fails, then its slot is given back and the next one in line runs', async () => {
    let calls = 0;
    const source = countingSource(ESTATE);
    const failingOnce: CountingSource = {
      ...source,
      load: async (request) => {
        calls += 1;
        if (calls === 1) throw new Error('AWS is down');
        return source.load(request);
      },
    };
    const { scans } = service(failingOnce, { limits: { freshScansPerUserPerHour: 10, concurrentScans: 1 } });

    const first = scans.run({ service: 's3' });
    const second = scans.run({ service: 'iam' });

    await expect(first).rejects.toThrow('AWS is down');
    await expect(second).resolves.toMatchObject({ services: ['iam'] });
    expect(scans.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('when someone asks for a scope whose scan is waiting in line, then they share it and are told its place', async () => {
    const source = countingSource(ESTATE, { gated: true });
    const { scans } = service(source, { limits: { freshScansPerUserPerHour: 10, concurrentScans: 1 } });
    const told: number[] = [];

    const running = scans.run({ service: 's3' });
    const queued = scans.run({ service: 'iam' });
    const joined = scans.run({ service: 'iam' }, { onQueued: (p) => told.push(p) });
    await settle();
    expect(told).toEqual([1]);

    source.release();
    await settle();
    source.release();
    await Promise.all([running, queued, joined]);

    expect(source.requests).toHaveLength(2);
  });
});
