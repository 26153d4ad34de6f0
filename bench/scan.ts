/**
 * Scan benchmark: the real live source against a simulated estate (nock, every reply delayed like a
 * round trip to AWS). Prints plain lines: IAM cost against user count, the slowest single account,
 * a 50-account × 4-region organization, and PASS/FAIL for the two goals.
 *
 *   npx ts-node --transpile-only bench/scan.ts
 */
import { performance } from 'node:perf_hooks';
import nock from 'nock';
import { makeLiveSnapshotSource } from '../src/aws/live-source';
import { parseConfig } from '../src/config';
import { SERVICES, type Service, type Snapshot } from '../src/core/model';
import { installFakeAws, type FakeAccount, type FakeEstate } from '../test/fixtures/aws/fake-aws';

// Fake credentials and region, set before any SDK client exists; nothing may reach the network.
process.env.AWS_ACCESS_KEY_ID = 'AKIDBENCHEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL']) delete process.env[name];
nock.disableNetConnect();

const LATENCY_MS = 20;
const HOME = 'us-east-1';
const FOUR_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const MANAGEMENT = '100000000000';
const ORG_YAML = 'organization:\n  roleName: cloudsec-read\nregions: all\n';

const accountId = (n: number) => String(200_000_000_000 + n);
const member = (n: number, over: Partial<FakeAccount> = {}): FakeAccount => ({
  id: accountId(n),
  name: `member-${n}`,
  users: 100,
  buckets: 20,
  regions: FOUR_REGIONS,
  ...over,
});

interface Measurement {
  ms: number;
  calls: number;
  iamCalls: number;
  /** CPU time of the whole process (the fake's share included) while the scan ran. */
  cpuMs: number;
  peakRssMb: number;
  /** Facts that came back `ok: false`, plus unreachable accounts: a bench of a broken scan means nothing. */
  incomplete: number;
}

const countMissing = (value: unknown): number => {
  if (!value || typeof value !== 'object') return 0;
  const record = value as Record<string, unknown>;
  if (record.ok === false) return 1;
  return Object.values(record).reduce<number>((sum, v) => sum + countMissing(v), 0);
};

const measure = async (estate: Omit<FakeEstate, 'latencyMs'>, yaml: string, services: readonly Service[]) => {
  const fake = installFakeAws({ ...estate, latencyMs: LATENCY_MS });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  try {
    const source = makeLiveSnapshotSource({ config: parseConfig(yaml, 'bench.yml'), homeRegion: HOME });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const snapshot: Snapshot = await source.load({ services });
    const cpu = process.cpuUsage(cpuBefore);
    const ms = performance.now() - started;
    if (fake.unhandled.length > 0)
      throw new Error(`the fake estate could not answer: ${fake.unhandled.slice(0, 3).join('; ')}`);
    const measurement: Measurement = {
      ms,
      calls: fake.total,
      iamCalls: fake.count({ service: 'iam' }),
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20,
      incomplete: countMissing(snapshot.accounts),
    };
    return measurement;
  } finally {
    clearInterval(sampler);
    fake.restore();
  }
};

const median = async (runs: number, fn: () => Promise<Measurement>): Promise<Measurement> => {
  const results: Measurement[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  results.sort((a, b) => a.ms - b.ms);
  return results[Math.floor(results.length / 2)]!;
};

const ms = (m: Measurement) => `${Math.round(m.ms)} ms`;
/** CPU busy near 100% of wall time means the scan waits on the CPU, not on AWS round trips. */
const cpu = (m: Measurement) =>
  `CPU ${Math.round(m.cpuMs)} ms (${Math.round((100 * m.cpuMs) / m.ms)}% of wall, ${(m.cpuMs / m.calls).toFixed(2)} ms per call)`;

const iamOnly = (users: number) =>
  measure(
    { callerAccountId: MANAGEMENT, organization: false, accounts: [{ ...member(0, { users }), id: MANAGEMENT }] },
    'regions: [us-east-1]\n',
    ['iam'],
  );

/** One member reached through its role, as each account of the organization is. */
const singleAccount = () =>
  measure({ callerAccountId: MANAGEMENT, organization: true, accounts: [member(1)] }, ORG_YAML, SERVICES);

const organization = (size: number) =>
  measure(
    {
      callerAccountId: MANAGEMENT,
      organization: true,
      accounts: [
        member(0, { id: MANAGEMENT, name: 'management' }),
        ...Array.from({ length: size - 1 }, (_, i) => member(i + 1)),
      ],
    },
    ORG_YAML,
    SERVICES,
  );

const main = async () => {
  console.log(`scan benchmark: simulated AWS, ${LATENCY_MS} ms per reply, default concurrency (config defaults)`);
  await singleAccount(); // warm-up: module loading and JIT would otherwise be charged to the first figure

  const large = await median(3, () => iamOnly(1000));
  const small = await median(3, () => iamOnly(10));
  console.log(`IAM, 1 account, 1000 users: ${large.iamCalls} IAM calls, ${ms(large)}`);
  console.log(`IAM, 1 account,   10 users: ${small.iamCalls} IAM calls, ${ms(small)}`);

  const single = await median(3, singleAccount);
  console.log(
    `slowest single account (4 regions, 20 buckets, 100 users, all services): ${ms(single)}, ${single.calls} calls, ${cpu(single)}` +
      (single.incomplete > 0 ? `, ${single.incomplete} facts missing` : ''),
  );

  const estate = await organization(50);
  const ratio = estate.ms / single.ms;
  console.log(
    `organization, 50 accounts × 4 regions: ${ms(estate)}, ${estate.calls} calls, ` +
      `${ratio.toFixed(2)}× the single account, peak RSS ${Math.round(estate.peakRssMb)} MB, ${cpu(estate)}` +
      (estate.incomplete > 0 ? `, ${estate.incomplete} facts missing` : ''),
  );

  const constant = large.iamCalls === small.iamCalls;
  console.log(
    `${constant ? 'PASS' : 'FAIL'} IAM calls constant in the number of users (${large.iamCalls} vs ${small.iamCalls})`,
  );
  console.log(
    `${ratio <= 3 ? 'PASS' : 'FAIL'} 50 accounts × 4 regions within 3× the slowest single account (${ratio.toFixed(2)}×)`,
  );
  if (!constant || ratio > 3 || single.incomplete + estate.incomplete > 0) process.exitCode = 1;
};

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
