/**
 * The simulated organization the scan benchmarks share (bench/scan-org.ts, bench/scan-queue.ts):
 * 50 ms per reply, 1 % of calls throttled, members with 100 users and 20 buckets each; and the
 * compiled build the measured processes run (compiled JavaScript, as production runs: under ts-node
 * the TypeScript compiler alone would sit in the heap and be counted in peak RSS).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../src/config';
import type { FakeAccount } from '../test/fixtures/aws/fake-aws';

export const LATENCY_MS = 50;
export const THROTTLE_RATE = 0.01;
export const HOME = 'us-east-1';
export const MANAGEMENT = '100000000000';
export const ALL_REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-2',
  'us-east-2',
  'us-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-southeast-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ca-central-1',
  'sa-east-1',
];

export const BENCH_CONFIG = parseConfig('organization:\n  roleName: cloudsec-read\nregions: all\n', 'bench.yml');

/** Fake credentials and region, set before any SDK client exists; nothing may reach the network. */
export const benchAwsEnvironment = (): void => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDBENCHEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
  process.env.AWS_REGION = HOME;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL']) delete process.env[name];
};

export const estateOf = (accounts: number, regions: number) => {
  const regionList = ALL_REGIONS.slice(0, regions);
  const member = (n: number): FakeAccount => ({
    id: n === 0 ? MANAGEMENT : String(200_000_000_000 + n),
    name: n === 0 ? 'management' : `member-${n}`,
    users: 100,
    buckets: 20,
    regions: regionList,
  });
  return {
    callerAccountId: MANAGEMENT,
    organization: true,
    accounts: Array.from({ length: accounts }, (_, i) => member(i)),
    latencyMs: LATENCY_MS,
    throttleRate: THROTTLE_RATE,
    countOnly: true,
  };
};

/** Compiles the project without type checking (tsc --noCheck) under node_modules, so that packages resolve. */
export const compileBench = (name: string): string => {
  const build = path.join(__dirname, '..', 'node_modules', '.cache', name);
  fs.rmSync(build, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  const args = ['-p', path.join(__dirname, '..', 'tsconfig.json'), '--noCheck', '--noEmit', 'false'];
  const run = spawnSync(process.execPath, [tsc, ...args, '--outDir', build, '--sourceMap', 'false'], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`tsc failed:\n${run.stdout}\n${run.stderr}`);
  return build;
};
