/**
 * Queued organization scans (src/app/scan-jobs): the estate's accounts as jobs in the store, taken
 * by workers, findings streamed into the store, only failing and unknown ones held for the answer.
 * Simulated AWS as bench/scan-org.ts (50 ms per reply, 1 % throttled, production retries), each
 * process its own fake AWS. Prints, per run: wall time, calls, CPU per call, peak RSS per process,
 * failed accounts; for 1 process on SQLite (the single-node default) at two estate sizes, 1 process
 * on PostgreSQL, 2 processes sharing the work through PostgreSQL, and 2 processes with the helper
 * killed (SIGKILL) a third of the way through (its accounts are taken again after their lease).
 *
 *   npm run bench:scan:queue                                      # 25 and 50 accounts × 2 regions
 *   BENCH_QUEUE_ACCOUNTS=500 BENCH_QUEUE_REGIONS=17 npm run bench:scan:queue
 *
 * PostgreSQL: CLOUDSEC_BENCH_DATABASE_URL (default the local server's `test` database); each run
 * uses its own schema and drops it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nock from 'nock';
import { Pool } from 'pg';
import { makeLiveSnapshotSource } from '../src/aws/live-source';
import { makeJobScans } from '../src/app/scan-jobs/job-scans';
import { CHECKS } from '../src/core/checks';
import { liveJobCollector } from '../src/job-collectors';
import { openPostgresStore } from '../src/store/pg';
import { openSqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/store';
import { installFakeAws } from '../test/fixtures/aws/fake-aws';
import {
  BENCH_CONFIG,
  HOME,
  LATENCY_MS,
  THROTTLE_RATE,
  benchAwsEnvironment,
  compileBench,
  estateOf,
} from './org-estate';

benchAwsEnvironment();
nock.disableNetConnect();

const PG_URL = process.env.CLOUDSEC_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface ProcessResult {
  calls: number;
  throttled: number;
  cpuMs: number;
  peakRssMb: number;
  /** Accounts this process's worker collected. */
  collected: number;
}
interface RequesterResult extends ProcessResult {
  ms: number;
  accounts: number;
  failedAccounts: number;
  findings: number;
  passes: number;
}

const openStore = async (where: string): Promise<Store> => {
  const clock = () => new Date();
  if (where.startsWith('sqlite:')) return openSqliteStore({ path: where.slice('sqlite:'.length), clock });
  return openPostgresStore({ url: PG_URL, schema: where.slice('postgres:'.length), clock });
};

/** A worker (and, for the requester, the scan) in this process, against its own simulated AWS. */
const child = async (
  role: 'requester' | 'worker',
  accounts: number,
  regions: number,
  where: string,
  leaseMs: number,
) => {
  const fake = installFakeAws(estateOf(accounts, regions));
  const store = await openStore(where);
  const source = makeLiveSnapshotSource({ config: BENCH_CONFIG, homeRegion: HOME });
  const inner = liveJobCollector(source);
  let collected = 0;
  const collector = {
    ...inner,
    collect: (target: unknown, request: Parameters<typeof inner.collect>[1]) => {
      collected += 1;
      return inner.collect(target, request);
    },
  };
  const jobs = makeJobScans({
    store,
    collector,
    checks: CHECKS,
    clock: () => new Date(),
    log: silent,
    workerId: `${role}-${process.pid}`,
    concurrency: Number(process.env.BENCH_QUEUE_CONCURRENCY ?? BENCH_CONFIG.concurrency.accounts),
    timing: { leaseMs, idlePollMs: 200 },
  });
  const cpuBefore = process.cpuUsage();
  const measured = (): ProcessResult => {
    const cpu = process.cpuUsage(cpuBefore);
    return {
      calls: fake.total,
      throttled: fake.throttled,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      collected,
    };
  };
  jobs.worker.start();
  if (role === 'worker') {
    process.on('SIGTERM', () => {
      void jobs.worker.stop().then(async () => {
        process.stdout.write(`RESULT ${JSON.stringify(measured())}\n`);
        await store.close();
        process.exit(0);
      });
    });
    process.stdout.write('READY\n');
    return;
  }
  const started = performance.now();
  const outcome = await jobs.run('all:*:*', {
    service: 'all',
    onProgress: (p) => process.stderr.write(`PROGRESS ${p.done} ${p.total}\n`),
  });
  const ms = performance.now() - started;
  await jobs.worker.stop();
  const failed = new Set([
    ...outcome.snapshot.accounts.filter((a) => !a.access.ok).map((a) => a.accountId),
    ...outcome.findings.filter((f) => f.status === 'unknown').map((f) => f.accountId),
  ]);
  const result: RequesterResult = {
    ...measured(),
    ms,
    accounts: outcome.snapshot.accounts.length,
    failedAccounts: failed.size,
    findings: outcome.findings.length,
    passes: outcome.summary.byStatus.pass,
  };
  if (fake.unhandled.length > 0) throw new Error(`the fake could not answer: ${fake.unhandled.slice(0, 3).join('; ')}`);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  await store.close();
};

interface Running {
  result: Promise<ProcessResult | RequesterResult>;
  ready: Promise<void>;
  kill(signal: NodeJS.Signals): void;
  onProgress(listener: (done: number, total: number) => void): void;
}

const run = (build: string, args: string[]): Running => {
  const proc = spawn(process.execPath, [path.join(build, 'bench', 'scan-queue.js'), '--child', ...args], {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let stdout = '';
  let stderr = '';
  const listeners: ((done: number, total: number) => void)[] = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  proc.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('READY\n')) markReady();
  });
  proc.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const m of chunk.toString().matchAll(/PROGRESS (\d+) (\d+)/g)) listeners.forEach((l) => l(+m[1]!, +m[2]!));
  });
  const result = new Promise<ProcessResult | RequesterResult>((resolve, reject) =>
    proc.on('exit', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice('RESULT '.length)));
      else if (signal === 'SIGKILL')
        resolve({ calls: NaN, throttled: NaN, cpuMs: NaN, peakRssMb: NaN, collected: NaN });
      else reject(new Error(`a measured process failed (${code ?? signal}):\n${stdout}\n${stderr.slice(-4000)}`));
    }),
  );
  return { result, ready, kill: (signal) => proc.kill(signal), onProgress: (l) => listeners.push(l) };
};

const withSchema = async <T>(work: (where: string) => Promise<T>): Promise<T> => {
  const schema = `cs_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new Pool({ connectionString: PG_URL, max: 1 });
  try {
    return await work(`postgres:${schema}`);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
};

const line = (label: string, r: RequesterResult, helper?: ProcessResult) => {
  const calls = r.calls + (helper && Number.isFinite(helper.calls) ? helper.calls : 0);
  const cpu = r.cpuMs + (helper && Number.isFinite(helper.cpuMs) ? helper.cpuMs : 0);
  const rss = helper
    ? `peak RSS ${Math.round(r.peakRssMb)} MB (requester) / ${Number.isFinite(helper.peakRssMb) ? `${Math.round(helper.peakRssMb)} MB` : 'killed'} (helper)`
    : `peak RSS ${Math.round(r.peakRssMb)} MB`;
  const split = helper
    ? `, accounts collected ${r.collected} + ${Number.isFinite(helper.collected) ? helper.collected : '?'}`
    : '';
  return (
    `${label}: ${r.accounts} accounts, ${(r.ms / 1000).toFixed(1)} s, ${calls} calls (${r.throttled} throttled at the requester, retried), ` +
    `CPU ${(cpu / calls).toFixed(2)} ms per call, ${rss}${split}, ${r.findings} failing/unknown findings held + ${r.passes} passes counted, ` +
    `${r.failedAccounts} failed accounts`
  );
};

const main = async () => {
  const large = Number(process.env.BENCH_QUEUE_ACCOUNTS ?? 50);
  const base = Number(process.env.BENCH_QUEUE_BASE ?? (large > 50 ? 50 : 25));
  const regions = Number(process.env.BENCH_QUEUE_REGIONS ?? 2);
  console.log(
    `queued scan benchmark: simulated AWS, ${LATENCY_MS} ms per reply, ${THROTTLE_RATE * 100}% of calls throttled, ` +
      `production retries, ${BENCH_CONFIG.concurrency.accounts} accounts at once per process; each process its own fake AWS`,
  );
  const build = compileBench('cloudsec-bench-scan-queue');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-bench-queue-'));
  const lease = '60000';
  try {
    const alone = async (n: number, where: string) =>
      (await run(build, ['requester', String(n), String(regions), where, lease]).result) as RequesterResult;
    const small = await alone(base, `sqlite:${path.join(dir, 'small.db')}`);
    console.log(line(`1 process, SQLite, ${base} accounts × ${regions} regions`, small));
    const big = await alone(large, `sqlite:${path.join(dir, 'large.db')}`);
    console.log(line(`1 process, SQLite, ${large} accounts × ${regions} regions`, big));
    const onePg = await withSchema((where) => alone(large, where));
    console.log(line(`1 process, PostgreSQL, ${large} × ${regions}`, onePg));

    const shared = (killAt: number | null, leaseMs: string) =>
      withSchema(async (where) => {
        const helper = run(build, ['worker', String(large), String(regions), where, leaseMs]);
        await helper.ready;
        const requester = run(build, ['requester', String(large), String(regions), where, leaseMs]);
        let killed = false;
        if (killAt !== null) {
          requester.onProgress((done, total) => {
            if (!killed && done >= total * killAt) {
              killed = true;
              helper.kill('SIGKILL');
            }
          });
        }
        const r = (await requester.result) as RequesterResult;
        if (!killed) helper.kill('SIGTERM');
        return { r, h: await helper.result };
      });
    const two = await shared(null, lease);
    console.log(line(`2 processes, PostgreSQL, ${large} × ${regions}`, two.r, two.h));
    const dead = await shared(1 / 3, '5000');
    console.log(line(`2 processes, helper killed at 1/3 (5 s lease), ${large} × ${regions}`, dead.r, dead.h));

    const growth = big.peakRssMb / small.peakRssMb;
    const speedup = onePg.ms / two.r.ms;
    const verdicts: [boolean, string][] = [
      [
        [small, big, onePg, two.r, dead.r].every((r) => r.failedAccounts === 0),
        `0 failed accounts under throttling (${[small, big, onePg, two.r, dead.r].map((r) => r.failedAccounts).join(', ')})`,
      ],
      [
        Math.max(big.peakRssMb, onePg.peakRssMb, two.r.peakRssMb, two.h.peakRssMb) <= 300,
        `peak RSS per process at ${large} accounts ≤ 300 MB (${[big, onePg, two.r, two.h].map((r) => Math.round(r.peakRssMb)).join(', ')} MB)`,
      ],
      [growth <= 1.2, `peak RSS at ${large} accounts within 20% of ${base} accounts (${growth.toFixed(2)}×)`],
      [speedup >= 1.7, `2 processes ≥ 1.7× faster than 1 (${speedup.toFixed(2)}×)`],
      [
        dead.r.accounts === large && dead.r.failedAccounts === 0,
        `a helper killed mid-scan loses no account (${dead.r.accounts} of ${large} answered, ${dead.r.failedAccounts} failed)`,
      ],
    ];
    for (const [ok, what] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
    if (verdicts.some(([ok]) => !ok)) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

const args = process.argv.slice(2);
(args[0] === '--child'
  ? child(args[1] as 'requester' | 'worker', Number(args[2]), Number(args[3]), args[4]!, Number(args[5]))
  : main()
).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
