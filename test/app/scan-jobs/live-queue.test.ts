/**
 * A queued scan of a live estate (real SDK clients, the fake organization answering in AWS's wire
 * formats) answers what the in-process scan answers: the same failing and unknown findings, the same
 * counts, the refused account unknown with the refusal. Two workers on two stores of one PostgreSQL
 * schema (two replicas) share the accounts, each collected once.
 */
import { makeClientFactory } from '../../../src/aws/clients';
import { makeLiveSnapshotSource } from '../../../src/aws/live-source';
import { runCheck } from '../../../src/app/run-check';
import { runQueuedScan } from '../../../src/app/scan-jobs/queued-scan';
import { makeScanWorker, type ScanWorker } from '../../../src/app/scan-jobs/worker';
import { parseConfig } from '../../../src/config';
import { CHECKS } from '../../../src/core/checks';
import { liveJobCollector } from '../../../src/job-collectors';
import type { Store } from '../../../src/store/store';
import { installFakeAws, type FakeAccount, type FakeAws } from '../../fixtures/aws/fake-aws';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { useContractStores } from '../../fixtures/contract-stores';
import { NOW } from '../../fixtures/snapshot-builders';

const MANAGEMENT = '111111111111';
const REFUSED = '444444444444';
const REGIONS = ['us-east-1', 'eu-west-1'];
const member = (id: string, name: string, over: Partial<FakeAccount> = {}): FakeAccount => ({
  id,
  name,
  users: 4,
  buckets: 2,
  regions: REGIONS,
  ...over,
});
const ESTATE = [
  member(MANAGEMENT, 'management'),
  member('222222222222', 'clean'),
  member('333333333333', 'misconfigured', { misconfigured: true }),
  member(REFUSED, 'refused', { refuseAssumeRole: true }),
  member('555555555555', 'misconfigured-too', { misconfigured: true }),
];
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const liveSource = () =>
  makeLiveSnapshotSource({
    config: parseConfig('organization:\n  roleName: cloudsec-read\nregions: [us-east-1, eu-west-1]\n', 'cloudsec.yml'),
    homeRegion: 'us-east-1',
    clientFactory: makeClientFactory({
      homeRegion: 'us-east-1',
      maxAttempts: 2,
      retryStrategy: retryWithoutWaiting,
      requestTimeoutMs: 2_000,
    }),
    sleep: async () => {},
    clock: () => NOW,
  });

let fake: FakeAws | undefined;
const workers: ScanWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  fake?.restore();
});

const workerOn = (store: Store, id: string, collector = liveJobCollector(liveSource())) => {
  const worker = makeScanWorker({
    store,
    collector,
    checks: CHECKS,
    clock: () => NOW,
    workerId: id,
    concurrency: 2,
    leaseMs: 60_000,
    maxAttempts: 3,
    idlePollMs: 10,
    log: silent,
  });
  worker.start();
  workers.push(worker);
  return worker;
};

describe.each(['sqlite', 'postgres'] as const)('queued scans of a live estate (%s)', (kind) => {
  const stores = useContractStores(kind);

  it('when the estate is scanned through the queue, then it answers as the in-process scan does', async () => {
    fake = installFakeAws({ callerAccountId: MANAGEMENT, organization: true, latencyMs: 0, accounts: ESTATE });
    const store = await stores.open();
    const collector = liveJobCollector(liveSource());
    const worker = workerOn(store, 'w1', collector);
    const queued = await runQueuedScan(
      { store, collector, checks: CHECKS, clock: () => NOW, pollMs: 10, stallMs: 60_000, nudge: worker.nudge },
      'all:*:*',
      { service: 'all' },
    );
    const direct = await runCheck({ source: liveSource(), checks: CHECKS, clock: () => NOW }, { service: 'all' });

    expect(queued.findings).toEqual(direct.findings.filter((f) => f.status !== 'pass'));
    expect(queued.summary).toEqual(direct.summary);
    expect(queued.summary.byStatus.fail).toBeGreaterThan(0);
    const refused = queued.findings.filter((f) => f.accountId === REFUSED);
    expect(refused).toHaveLength(CHECKS.length);
    expect(refused.every((f) => f.status === 'unknown' && f.message.includes('Could not enter account'))).toBe(true);
    expect(fake.unhandled).toEqual([]);
  }, 60_000);
});

describe('queued scans shared by two replicas (postgres)', () => {
  const stores = useContractStores('postgres');

  it('when two workers on two connections take the accounts, then each account is collected once and the answer is whole', async () => {
    fake = installFakeAws({ callerAccountId: MANAGEMENT, organization: true, latencyMs: 20, accounts: ESTATE });
    const first = await stores.open();
    const second = await stores.reopen(first);
    const collected: string[] = [];
    const counting = (name: string) => {
      const inner = liveJobCollector(liveSource());
      return {
        ...inner,
        collect: async (target: unknown, request: Parameters<typeof inner.collect>[1]) => {
          collected.push(`${name}:${(target as { accountId: string }).accountId}`);
          return inner.collect(target, request);
        },
      };
    };
    workerOn(first, 'replica-1', counting('replica-1'));
    workerOn(second, 'replica-2', counting('replica-2'));
    const queued = await runQueuedScan(
      {
        store: first,
        collector: liveJobCollector(liveSource()),
        checks: CHECKS,
        clock: () => NOW,
        pollMs: 10,
        stallMs: 60_000,
      },
      'all:*:*',
      { service: 'all' },
    );
    const accounts = collected.map((c) => c.split(':')[1]);
    expect(accounts.sort()).toEqual(ESTATE.map((a) => a.id).sort());
    expect(new Set(collected.map((c) => c.split(':')[0])).size).toBe(2);
    expect(queued.snapshot.accounts).toHaveLength(ESTATE.length);
    expect(Object.values(queued.passesOmitted ?? {}).reduce((a, b) => a + b, 0)).toBe(queued.summary.byStatus.pass);
  }, 60_000);
});
