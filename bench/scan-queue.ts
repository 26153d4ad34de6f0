/**
 * Queued organization scans (src/app/scan-jobs): the estate's accounts as jobs in the store, taken
 * by workers, findings streamed into the store, only failing and unknown ones held for the answer.
 * Simulated AWS as bench/scan-org.ts (50 ms per reply, 1 % throttled, production retries), each
 * process its own fake AWS. Prints, per run: wall time, calls, CPU per call, peak RSS per process,
 * failed accounts; for 1 process on SQLite (the single-node default) at two estate sizes, 1 process
 * on PostgreSQL, 2 processes sharing the work through PostgreSQL, and 2 processes with the helper
 * killed (SIGKILL) a third of the way through (its accounts are taken again after their lease).
 *
 * AWS answers from a process of its own (bench/fake-aws-server.ts) over real TLS, as AWS does: the
 * measured processes use real sockets, keep-alive and Node's HTTP client, and their memory holds
 * what a production scan's holds. BENCH_FAKE_AWS=in-process puts nock in each measured process
 * instead (as before; its mock sockets cost ~1 MB of native memory per account, which is nock's).
 * The measured processes run with the image's Node flags (Dockerfile CMD) and BENCH_QUEUE_NODE_FLAGS.
 *
 *   npm run bench:scan:queue                                      # 25 and 50 accounts × 2 regions
 *   BENCH_QUEUE_ACCOUNTS=500 BENCH_QUEUE_REGIONS=17 BENCH_QUEUE_RUNS=pg,two npm run bench:scan:queue
 *
 * BENCH_QUEUE_RUNS picks runs (default all): small (SQLite, BENCH_QUEUE_BASE accounts), large (SQLite),
 * pg (1 process, PostgreSQL), two (2 processes, PostgreSQL), killed (2, the helper killed at 1/3).
 * BENCH_QUEUE_CONCURRENCY and BENCH_QUEUE_IN_FLIGHT replace concurrency.accounts and
 * concurrency.inFlight (default the config's defaults).
 *
 * PostgreSQL: CLOUDSEC_BENCH_DATABASE_URL (default the local server's `test` database); each run
 * uses its own schema and drops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { Pool } from 'pg';
import { makeLiveSnapshotSource } from '../src/aws/live-source';
import { sharedAgents } from '../src/aws/shared-agents';
import { makeJobScans } from '../src/app/scan-jobs/job-scans';
import { CHECKS } from '../src/core/checks';
import { liveJobCollector } from '../src/job-collectors';
import { openPostgresStore } from '../src/store/pg';
import { openSqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/store';
import type { FakeAws } from '../test/fixtures/aws/fake-aws';
import { makeBenchTls, type BenchTls } from './bench-tls';
import { imageStart } from './idle-start';
import {
  ALL_REGIONS,
  BENCH_CONFIG,
  HOME,
  LATENCY_MS,
  THROTTLE_RATE,
  benchAwsEnvironment,
  compileBench,
  estateOf,
} from './org-estate';

benchAwsEnvironment();

/** Where the measured processes' AWS answers from: a server process of its own (default) or nock in each. */
/** A whole number from the environment, else the config's default; anything else stops the bench. */
const wholeFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return Number(raw);
};
/** What the measured processes run with (and the header prints). */
const CONCURRENCY = {
  accounts: wholeFromEnv('BENCH_QUEUE_CONCURRENCY', BENCH_CONFIG.concurrency.accounts),
  inFlight: wholeFromEnv('BENCH_QUEUE_IN_FLIGHT', BENCH_CONFIG.concurrency.inFlight),
};

const FAKE_AWS_MODE = process.env.BENCH_FAKE_AWS === 'in-process' ? 'in-process' : 'server';

type CallCounts = Pick<FakeAws, 'total' | 'throttled' | 'unhandled'>;
const NOT_COUNTED_HERE: CallCounts = { total: NaN, throttled: NaN, unhandled: [] };

/** nock in this process: loaded only in this mode, since importing nock switches its interceptors on. */
const inProcessAws = (accounts: number, regions: number): CallCounts => {
  /* eslint-disable @typescript-eslint/no-require-imports -- see above */
  const nock = require('nock') as typeof import('nock');
  const { installFakeAws } = require('../test/fixtures/aws/fake-aws') as typeof import('../test/fixtures/aws/fake-aws');
  /* eslint-enable @typescript-eslint/no-require-imports */
  nock.disableNetConnect();
  return installFakeAws(estateOf(accounts, regions));
};

const PG_URL = process.env.CLOUDSEC_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface ProcessResult {
  calls: number;
  throttled: number;
  cpuMs: number;
  peakRssMb: number;
  /**
   * The most the heap held right after a full (mark-compact) collection: what the scan keeps alive.
   * Peak RSS above it is garbage V8 lets accumulate between collections and memory outside the heap.
   */
  liveHeapMb: number;
  /** At the highest RSS sampled (every 250 ms): V8's heap (reserved) and what lies outside it. */
  atPeak: { heapTotalMb: number; outsideHeapMb: number; sockets: number };
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
  const fake = FAKE_AWS_MODE === 'server' ? NOT_COUNTED_HERE : inProcessAws(accounts, regions);
  const store = await openStore(where);
  const config = { ...BENCH_CONFIG, concurrency: { ...BENCH_CONFIG.concurrency, ...CONCURRENCY } };
  const source = makeLiveSnapshotSource({ config, homeRegion: HOME });
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
    concurrency: CONCURRENCY.accounts,
    timing: { leaseMs, idlePollMs: 200 },
  });
  let liveHeap = 0;
  const fullCollections = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR)
        liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
    }
  });
  fullCollections.observe({ entryTypes: ['gc'] });
  let sampled = { rss: 0, heapTotal: 0, sockets: 0 };
  const count = (pool: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(pool).reduce((n, l) => n + (l?.length ?? 0), 0);
  const sampler = setInterval(() => {
    const { rss, heapTotal } = process.memoryUsage();
    const { httpsAgent } = sharedAgents();
    if (rss > sampled.rss)
      sampled = { rss, heapTotal, sockets: count(httpsAgent.sockets) + count(httpsAgent.freeSockets) };
  }, 250);
  sampler.unref();
  const cpuBefore = process.cpuUsage();
  const measured = (): ProcessResult => {
    const cpu = process.cpuUsage(cpuBefore);
    return {
      calls: fake.total,
      throttled: fake.throttled,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      liveHeapMb: liveHeap / 2 ** 20,
      atPeak: {
        heapTotalMb: sampled.heapTotal / 2 ** 20,
        outsideHeapMb: (sampled.rss - sampled.heapTotal) / 2 ** 20,
        sockets: sampled.sockets,
      },
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

/** How the measured processes start: the image's Node flags, more from BENCH_QUEUE_NODE_FLAGS, the fake's TLS. */
interface Launch {
  build: string;
  nodeFlags: string[];
  tls: BenchTls | null;
}

const run = (launch: Launch, args: string[]): Running => {
  const { build, tls } = launch;
  const preload = tls ? ['-r', path.join(build, 'bench', 'aws-on-loopback.js')] : [];
  const script = path.join(build, 'bench', 'scan-queue.js');
  const proc = spawn(process.execPath, [...launch.nodeFlags, ...preload, script, '--child', ...args], {
    env: {
      ...process.env,
      NODE_NO_WARNINGS: '1',
      BENCH_FAKE_AWS: FAKE_AWS_MODE,
      ...(tls ? { NODE_EXTRA_CA_CERTS: tls.caBundle } : {}),
    },
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
        resolve({
          calls: NaN,
          throttled: NaN,
          cpuMs: NaN,
          peakRssMb: NaN,
          liveHeapMb: NaN,
          atPeak: { heapTotalMb: NaN, outsideHeapMb: NaN, sockets: NaN },
          collected: NaN,
        });
      else reject(new Error(`a measured process failed (${code ?? signal}):\n${stdout}\n${stderr.slice(-4000)}`));
    }),
  );
  return { result, ready, kill: (signal) => proc.kill(signal), onProgress: (l) => listeners.push(l) };
};

interface ServerCounts {
  calls: number;
  connections: number;
  /** The fake's own CPU: on this machine it shares the cores with the measured processes. */
  cpuMs: number;
  throttled: number;
  unhandled: string[];
}

/** The fake AWS for one measured run (fresh counts), or null in the in-process mode. */
const startFakeAws = async (launch: Launch, accounts: number, regions: number) => {
  if (!launch.tls) return null;
  const proc: ChildProcess = spawn(
    process.execPath,
    [path.join(launch.build, 'bench', 'fake-aws-server.js'), String(accounts), String(regions), launch.tls.dir],
    { env: { ...process.env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  await Promise.race([
    new Promise<void>((resolve) => {
      const check = () => (out.includes('READY\n') ? resolve() : setTimeout(check, 20));
      check();
    }),
    exited.then((code) => {
      throw new Error(`the fake AWS server did not start (${code}): ${err}`);
    }),
  ]);
  return {
    /** Stops it and returns what it answered. */
    stop: async (): Promise<ServerCounts> => {
      proc.kill('SIGTERM');
      await exited;
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`the fake AWS server gave no counts: ${err}`);
      return JSON.parse(line.slice('RESULT '.length)) as ServerCounts;
    },
  };
};

/** Runs `measure` against a fake AWS of its own; the server's counts replace the processes' own (they count none). */
const withFakeAws = async <T extends { r: RequesterResult; h?: ProcessResult }>(
  launch: Launch,
  accounts: number,
  regions: number,
  measure: () => Promise<T>,
): Promise<T & { connections: number | null; fakeCpuMs: number | null }> => {
  const server = await startFakeAws(launch, accounts, regions);
  let result: T;
  try {
    result = await measure();
  } catch (err) {
    await server?.stop().catch(() => undefined);
    throw err;
  }
  if (!server) return { ...result, connections: null, fakeCpuMs: null };
  const counts = await server.stop();
  if (counts.unhandled.length > 0) throw new Error(`the fake could not answer: ${counts.unhandled.join('; ')}`);
  // All calls are the requester's in the line's sum (the helper adds none of its own).
  const r = { ...result.r, calls: counts.calls, throttled: counts.throttled };
  const h = result.h ? { ...result.h, calls: 0, throttled: 0 } : undefined;
  return { ...result, r, ...(h ? { h } : {}), connections: counts.connections, fakeCpuMs: counts.cpuMs };
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

interface FakeFigures {
  connections: number | null;
  fakeCpuMs: number | null;
}

const line = (label: string, r: RequesterResult, helper?: ProcessResult, fake?: FakeFigures) => {
  const calls = r.calls + (helper && Number.isFinite(helper.calls) ? helper.calls : 0);
  const cpu = r.cpuMs + (helper && Number.isFinite(helper.cpuMs) ? helper.cpuMs : 0);
  const rss = helper
    ? `peak RSS ${Math.round(r.peakRssMb)} MB (requester) / ${Number.isFinite(helper.peakRssMb) ? `${Math.round(helper.peakRssMb)} MB` : 'killed'} (helper)`
    : `peak RSS ${Math.round(r.peakRssMb)} MB (live heap at most ${Math.round(r.liveHeapMb)} MB; ` +
      `at the highest sample the heap took ${Math.round(r.atPeak.heapTotalMb)} MB and ${Math.round(r.atPeak.outsideHeapMb)} MB lay outside it, ${r.atPeak.sockets} pooled connections)`;
  const split = helper
    ? `, accounts collected ${r.collected} + ${Number.isFinite(helper.collected) ? helper.collected : '?'}`
    : '';
  const opened =
    fake?.connections == null
      ? ''
      : `, ${fake.connections} TLS connections opened, the fake AWS used ${((fake.fakeCpuMs ?? 0) / 1000).toFixed(1)} s of CPU`;
  return (
    `${label}: ${r.accounts} accounts, ${(r.ms / 1000).toFixed(1)} s, ${calls} calls (${r.throttled} throttled, retried)${opened}, ` +
    `CPU ${(cpu / calls).toFixed(2)} ms per call, ${rss}${split}, ${r.findings} failing/unknown findings held + ${r.passes} passes counted, ` +
    `${r.failedAccounts} failed accounts`
  );
};

const main = async () => {
  const large = Number(process.env.BENCH_QUEUE_ACCOUNTS ?? 50);
  const base = Number(process.env.BENCH_QUEUE_BASE ?? (large > 50 ? 50 : 25));
  const regions = Number(process.env.BENCH_QUEUE_REGIONS ?? 2);
  const root = path.join(__dirname, '..');
  const extra = (process.env.BENCH_QUEUE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const nodeFlags = [...imageStart(root).flags, ...extra];
  const RUNS = ['small', 'large', 'pg', 'two', 'killed'];
  const wanted = new Set((process.env.BENCH_QUEUE_RUNS ?? RUNS.join(',')).split(',').map((r) => r.trim()));
  const odd = [...wanted].filter((r) => !RUNS.includes(r));
  if (odd.length > 0)
    throw new Error(`BENCH_QUEUE_RUNS: unknown run(s) ${odd.join(', ')}; choose from ${RUNS.join(', ')}`);
  console.log(
    `queued scan benchmark: simulated AWS, ${LATENCY_MS} ms per reply, ${THROTTLE_RATE * 100}% of calls throttled, ` +
      `production retries, ${CONCURRENCY.accounts} accounts at once per process, ` +
      `${CONCURRENCY.inFlight} AWS calls in flight; ` +
      (FAKE_AWS_MODE === 'server'
        ? 'AWS served over TLS by a process of its own'
        : 'each process its own in-process fake AWS (nock)') +
      `; node ${nodeFlags.join(' ') || '(no flags)'}`,
  );
  const build = compileBench('cloudsec-bench-scan-queue');
  const tls = FAKE_AWS_MODE === 'server' ? makeBenchTls(ALL_REGIONS) : null;
  const launch: Launch = { build, nodeFlags, tls };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-bench-queue-'));
  const lease = '60000';
  try {
    const alone = (n: number, where: string) =>
      withFakeAws(launch, n, regions, async () => ({
        r: (await run(launch, ['requester', String(n), String(regions), where, lease]).result) as RequesterResult,
      }));
    const small = wanted.has('small') ? await alone(base, `sqlite:${path.join(dir, 'small.db')}`) : null;
    if (small) console.log(line(`1 process, SQLite, ${base} accounts × ${regions} regions`, small.r, undefined, small));
    const big = wanted.has('large') ? await alone(large, `sqlite:${path.join(dir, 'large.db')}`) : null;
    if (big) console.log(line(`1 process, SQLite, ${large} accounts × ${regions} regions`, big.r, undefined, big));
    const onePg = wanted.has('pg') ? await withSchema((where) => alone(large, where)) : null;
    if (onePg) console.log(line(`1 process, PostgreSQL, ${large} × ${regions}`, onePg.r, undefined, onePg));

    const shared = (killAt: number | null, leaseMs: string) =>
      withSchema((where) =>
        withFakeAws(launch, large, regions, async () => {
          const helper = run(launch, ['worker', String(large), String(regions), where, leaseMs]);
          await helper.ready;
          const requester = run(launch, ['requester', String(large), String(regions), where, leaseMs]);
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
        }),
      );
    const two = wanted.has('two') ? await shared(null, lease) : null;
    if (two) console.log(line(`2 processes, PostgreSQL, ${large} × ${regions}`, two.r, two.h, two));
    const dead = wanted.has('killed') ? await shared(1 / 3, '5000') : null;
    if (dead)
      console.log(line(`2 processes, helper killed at 1/3 (5 s lease), ${large} × ${regions}`, dead.r, dead.h, dead));

    // Each goal is judged when the runs it needs were asked for (BENCH_QUEUE_RUNS).
    const runs = [small?.r, big?.r, onePg?.r, two?.r, dead?.r].filter((r) => r !== undefined);
    const atLarge = [big?.r, onePg?.r, two?.r, two?.h].filter((r) => r !== undefined);
    const verdicts: [boolean, string][] = [
      [
        runs.every((r) => r.failedAccounts === 0),
        `0 failed accounts under throttling (${runs.map((r) => r.failedAccounts).join(', ')})`,
      ],
    ];
    if (atLarge.length > 0)
      verdicts.push([
        Math.max(...atLarge.map((r) => r.peakRssMb)) <= 300,
        `peak RSS per process at ${large} accounts ≤ 300 MB (${atLarge.map((r) => Math.round(r.peakRssMb)).join(', ')} MB)`,
      ]);
    if (small && big) {
      const growth = big.r.peakRssMb / small.r.peakRssMb;
      verdicts.push([
        growth <= 1.2,
        `peak RSS at ${large} accounts within 20% of ${base} accounts (${growth.toFixed(2)}×)`,
      ]);
    }
    if (onePg && two) {
      const speedup = onePg.r.ms / two.r.ms;
      verdicts.push([speedup >= 1.7, `2 processes ≥ 1.7× faster than 1 (${speedup.toFixed(2)}×)`]);
    }
    if (dead)
      verdicts.push([
        dead.r.accounts === large && dead.r.failedAccounts === 0,
        `a helper killed mid-scan loses no account (${dead.r.accounts} of ${large} answered, ${dead.r.failedAccounts} failed)`,
      ]);
    for (const [ok, what] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
    if (verdicts.some(([ok]) => !ok)) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    tls?.remove();
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
