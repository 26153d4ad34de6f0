/**
 * Digest benchmark: a Security Hub digest (sources: [securityhub]) over an estate of 100,000 open
 * findings, then of 10,000, each time with the same 500 changes between two runs. Prints, per run,
 * the Security Hub and total HTTP calls, wall and CPU time and memory, checks the digest's counts
 * against what Security Hub holds, and prints PASS/FAIL for the issue's goals: calls proportional
 * to the changes plus a constant, and memory that does not grow with the number of findings.
 *
 * The digest is the real use case (makeDigestService) with the real Security Hub feed and SDK
 * clients, a SQLite store in a temporary directory, the real chart renderer and a poster that
 * records. Security Hub and STS are bench/digest-fake-securityhub.ts, a local HTTP server in this
 * process that the SDK reaches through AWS_ENDPOINT_URL. Every run is a fresh child process (the
 * state lives in the store, as in production after a restart), so its memory figures are its own:
 * not the fake's, not the other estate's, and, for the incremental run, not the baseline's.
 *
 *   npx ts-node --transpile-only bench/digest.ts
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { makeDigestService, type DigestDeps, type DigestPoster } from '../src/app/digest';
import { makeSecurityHubFeed } from '../src/aws/securityhub-feed';
import { renderTrendPng } from '../src/charts/trend-chart';
import { parseConfig } from '../src/config';
import type { DigestRunSummary, SeverityCounts } from '../src/core/digest/model';
import { createLogger } from '../src/slack/logger';
import type { DigestItemCounts } from '../src/store/schemas';
import { openSqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/store';
import type { FakeCall, FakeSecurityHub, GroundTruth, Mutation, SeverityLabel } from './digest-fake-securityhub';

const CALLER = '111111111111';
const MEMBER = '222222222222';
const ACCOUNTS = [
  { id: CALLER, name: 'security' },
  { id: MEMBER, name: 'prod', roleArn: `arn:aws:iam::${MEMBER}:role/cloudsec-read` },
];
const REGIONS = ['us-east-1', 'eu-west-1'];
const PAIRS = ACCOUNTS.length * REGIONS.length;
const DIGEST = 'posture';
const CONFIG_YAML = `accounts:
  - id: "${CALLER}"
    name: security
  - id: "${MEMBER}"
    name: prod
    roleArn: ${ACCOUNTS[1]!.roleArn}
regions: [${REGIONS.join(', ')}]
digests:
  - name: ${DIGEST}
    channel: C0SECURITY
    schedule: "0 9 * * *"
    scope:
      sources: [securityhub]
`;

/** Largest first; `--sizes 2000,1000` makes a quick run (the verdicts compare the first two). */
const sizesArg = process.argv.indexOf('--sizes');
const SIZES =
  sizesArg > 0
    ? (process.argv[sizesArg + 1] ?? '').split(',').map((s) => Number(s.replace(/_/g, '')))
    : [100_000, 10_000];
const CHANGES = { resolve: 200, suppress: 50, add: 250 };
const CHANGE_COUNT = CHANGES.resolve + CHANGES.suppress + CHANGES.add;
/** GetFindings pages (MaxResults) as the collector asks for them. */
const PAGE = 100;
/** Each (account, region) is read on its own, so each may end in one partly filled page. */
const CALL_BOUND = Math.ceil(CHANGE_COUNT / PAGE) + PAIRS;

const RUN1 = new Date('2026-11-02T09:00:00.000Z');
const RUN2 = new Date('2026-11-03T09:00:00.000Z');
/** The clock as each run reads it: a few seconds after its scheduled time, as a cron tick would. */
const RUN1_NOW = new Date(RUN1.getTime() + 3_000);
const RUN2_NOW = new Date(RUN2.getTime() + 3_000);
/** The changes happen between the runs: their UpdatedAt falls in run 2's window. */
const CHANGES_AT = new Date('2026-11-02T15:00:00.000Z');

const MB = 2 ** 20;

// ---------------------------------------------------------------- the child: one digest run

interface ChildJob {
  dbPath: string;
  now: string;
  scheduledFor: string;
}

interface ChildReport {
  outcome: string;
  failure: string | null;
  attachmentErrors: string[];
  summary: DigestRunSummary | null;
  /** As the digest counted them (the run's stored details). */
  securityHubCalls: number | null;
  /** SDK calls by service, as the clients' call observer saw them. */
  sdkCalls: Record<string, number>;
  wallMs: number;
  cpuMs: number;
  rssBefore: number;
  peakRss: number;
  /** getrusage's high-water mark of the whole process: a check on the sampled peak. */
  maxRss: number;
  heapBefore: number;
  peakHeap: number;
  heapAfterGc: number;
  posted: { channel: string; text: string; blocks: number }[];
  attachments: { filename: string; title: string; bytes: number }[];
  /** Milliseconds from the start of the run to the post and to each attachment, in order. */
  marks: { what: string; atMs: number }[];
  /** Time spent in each store method, but eachDigestItem: its time is the full list's (see `marks`). */
  storeMs: Record<string, number>;
  stored: DigestItemCounts;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * Peak RSS sampled from a worker thread: the main thread spends long stretches in synchronous
 * SQLite work and microtask chains, during which an interval on it would not fire.
 */
const startRssSampler = () => {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const s = new Int32Array(workerData);
     const tick = () => {
       const kb = Math.round(process.memoryUsage.rss() / 1024);
       if (kb > Atomics.load(s, 0)) Atomics.store(s, 0, kb);
       if (Atomics.load(s, 1) === 0) setTimeout(tick, 2);
     };
     tick();`,
    { eval: true, workerData: shared.buffer },
  );
  return {
    reset: () => Atomics.store(shared, 0, 0),
    peak: () => Atomics.load(shared, 0) * 1024,
    stop: async () => {
      Atomics.store(shared, 1, 1);
      await worker.terminate();
    },
  };
};

/**
 * The heap can only be read on the main thread: on an interval, and at every store call and every
 * thousandth stored item visited, which is where a run that held the estate would show it.
 */
const makeHeapSampler = () => {
  let peak = 0;
  const sample = () => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  };
  return { sample, reset: (to: number) => (peak = to), peak: () => peak };
};

/** Also times each store method (cumulative ms), to show where a run's time goes. */
const observedStore = (store: Store, sample: () => void, spent: Record<string, number>): Store =>
  new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'eachDigestItem') {
        const each: Store['eachDigestItem'] = (name, visit) => {
          let n = 0;
          return target.eachDigestItem(name, (item) => {
            if (++n % 1000 === 0) sample();
            return visit(item);
          });
        };
        return each;
      }
      return (...args: unknown[]) => {
        sample();
        const t = performance.now();
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).finally(() => {
          spent[String(prop)] = (spent[String(prop)] ?? 0) + performance.now() - t;
          sample();
        });
      };
    },
  });

const runChild = async (job: ChildJob): Promise<ChildReport> => {
  const rss = startRssSampler();
  const heap = makeHeapSampler();
  const config = parseConfig(CONFIG_YAML, 'bench.yml');
  const digest = config.digests[0]!;
  const clock = () => new Date(job.now);
  const rawStore = openSqliteStore({ path: job.dbPath, clock });
  const sdkCalls: Record<string, number> = {};
  const storeMs: Record<string, number> = {};
  const posted: ChildReport['posted'] = [];
  const attachments: ChildReport['attachments'] = [];
  const marks: ChildReport['marks'] = [];
  let started = 0;
  const poster: DigestPoster = {
    post: async (channel, message) => {
      heap.sample();
      marks.push({ what: 'post', atMs: performance.now() - started });
      posted.push({ channel, text: message.text, blocks: message.blocks.length });
      return { channel, ts: `1793696400.${String(posted.length).padStart(6, '0')}` };
    },
    attach: async (_ref, file) => {
      heap.sample();
      marks.push({ what: file.filename, atMs: performance.now() - started });
      const bytes = 'content' in file ? file.content.length : fs.statSync(file.path).size;
      attachments.push({ filename: file.filename, title: file.title, bytes });
    },
  };
  const deps: DigestDeps = {
    config,
    store: observedStore(rawStore, heap.sample, storeMs),
    clock,
    log: createLogger({ level: 'warn', destination: { write: (line: string) => process.stderr.write(line) } }),
    source: {
      kind: 'live',
      load: async () => {
        throw new Error('a Security Hub-only digest must not scan cloudsec checks');
      },
    },
    securityHub: makeSecurityHubFeed({
      config,
      onCall: (service, code) => {
        const key = code ? `${service}:${code}` : service;
        sdkCalls[key] = (sdkCalls[key] ?? 0) + 1;
      },
    }),
    poster,
    chart: renderTrendPng,
    knownAccounts: async () => ACCOUNTS.map((a) => ({ id: a.id, name: a.name })),
    remediationEnabled: false,
    owner: `bench:${process.pid}`,
  };
  const service = makeDigestService(deps);

  // The chart renderer's one-time set-up (native canvas, fonts) is a bot's start-up cost, not a run's.
  renderTrendPng(
    [
      { at: RUN1.toISOString(), score: null, open: { critical: 1, high: 2, medium: 3, low: 4, informational: 0 } },
      { at: RUN2.toISOString(), score: null, open: { critical: 1, high: 2, medium: 3, low: 4, informational: 0 } },
    ],
    { title: 'warm-up', timezone: 'UTC' },
  );

  gc();
  gc();
  const before = process.memoryUsage();
  rss.reset();
  heap.reset(before.heapUsed);
  const timer = setInterval(heap.sample, 5);
  const cpuBefore = process.cpuUsage();
  started = performance.now();
  const outcome = await service.run(digest, new Date(job.scheduledFor), 'scheduled');
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(timer);
  heap.sample();
  const peakRss = Math.max(rss.peak(), process.memoryUsage.rss());
  gc();
  // Measured while the outcome is still referenced: what a finished run keeps.
  const heapAfterGc = process.memoryUsage().heapUsed;
  await rss.stop();

  const last = await rawStore.lastDigestRun(DIGEST);
  const details = (last?.details ?? {}) as { securityHubCalls?: unknown };
  const report: ChildReport = {
    outcome: outcome.kind,
    failure: outcome.kind === 'failed' ? outcome.reason : null,
    attachmentErrors: outcome.kind === 'posted' ? outcome.attachmentErrors : [],
    summary: outcome.kind === 'posted' ? outcome.built.summary : null,
    securityHubCalls: typeof details.securityHubCalls === 'number' ? details.securityHubCalls : null,
    sdkCalls,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBefore: before.rss,
    peakRss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    heapBefore: before.heapUsed,
    peakHeap: heap.peak(),
    heapAfterGc,
    posted,
    attachments,
    marks,
    storeMs,
    stored: await rawStore.digestItemCounts(DIGEST),
  };
  await rawStore.close();
  return report;
};

// ---------------------------------------------------------------- the parent: estate, runs, figures

/** One digest run in a fresh process whose AWS is the fake. */
const spawnRun = (job: ChildJob, endpoint: string, scratch: string): Promise<ChildReport> =>
  new Promise((resolve, reject) => {
    // Nothing of this machine's AWS set-up may reach the child: fake keys, one region, every call to the fake.
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
    );
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: 'AKIDBENCHEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: endpoint,
      AWS_CONFIG_FILE: path.join(scratch, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'no-aws-credentials'),
      // Node 20 is what cloudsec supports today; the SDK's notice about 2027 is noise in the figures.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const child = fork(__filename, ['--child', JSON.stringify(job)], {
      cwd: path.resolve(__dirname, '..'),
      env,
      execArgv: ['-r', 'ts-node/register/transpile-only', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: ChildReport | undefined;
    child.on('message', (message) => (report = message as ChildReport));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      report ? resolve(report) : reject(new Error(`the digest run exited (${code ?? signal}) without a report`)),
    );
  });

interface RunFigures {
  report: ChildReport;
  calls: FakeCall[];
}

interface SizeResult {
  total: number;
  run1: RunFigures;
  /** Run 2, repeated from copies of the store as run 1 left it (the estate does not change in between). */
  run2: RunFigures[];
  truth1: GroundTruth;
  truth2: GroundTruth;
  mutation: Mutation;
}

/** Run 2 is short and its memory figures move with GC timing by several MB: the median of a few is reported. */
const REPEATS = 3;

const measureSize = async (fake: FakeSecurityHub, total: number): Promise<SizeResult> => {
  fake.load(total, { observedBefore: RUN1 });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-bench-digest-'));
  const afterRun1 = path.join(scratch, 'after-run-1.db');
  const run = async (job: ChildJob): Promise<RunFigures> => {
    fake.resetCalls();
    const report = await spawnRun(job, fake.url, scratch);
    return { report, calls: [...fake.calls()] };
  };
  try {
    const truth1 = fake.truth();
    const run1 = await run({ dbPath: afterRun1, now: RUN1_NOW.toISOString(), scheduledFor: RUN1.toISOString() });
    // The child closed the store, which checkpoints the WAL: the file alone is the whole state.
    if (fs.existsSync(`${afterRun1}-wal`))
      throw new Error('run 1 left a WAL behind; a copy of the store would be partial');

    const mutation = fake.mutate(CHANGES, CHANGES_AT);
    const truth2 = fake.truth();
    const run2: RunFigures[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const dbPath = path.join(scratch, `run-2-${i}.db`);
      fs.copyFileSync(afterRun1, dbPath);
      run2.push(await run({ dbPath, now: RUN2_NOW.toISOString(), scheduledFor: RUN2.toISOString() }));
    }
    return { total, run1, run2, truth1, truth2, mutation };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
};

// ---------------------------------------------------------------- checks and printing

const SEVERITY_LABELS: SeverityLabel[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const fmt = (n: number) => n.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / MB).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const getFindings = (r: RunFigures) => r.calls.filter((c) => c.operation === 'GetFindings').length;
const openTotal = (c: SeverityCounts) => Object.values(c).reduce((n, v) => n + v, 0);
const truthTotal = (t: GroundTruth['open']) => SEVERITY_LABELS.reduce((n, s) => n + t[s], 0);
const countsText = (c: SeverityCounts) =>
  `${fmt(openTotal(c))} (critical ${fmt(c.critical)}, high ${fmt(c.high)}, medium ${fmt(c.medium)}, low ${fmt(c.low)})`;

type Metric = (r: ChildReport) => number;
const wall: Metric = (r) => r.wallMs;
const cpuTime: Metric = (r) => r.cpuMs;
const heapGrowth: Metric = (r) => r.peakHeap - r.heapBefore;
const heapRetained: Metric = (r) => r.heapAfterGc - r.heapBefore;
const rssGrowth: Metric = (r) => r.peakRss - r.rssBefore;
const peakRss: Metric = (r) => r.peakRss;
const maxRss: Metric = (r) => r.maxRss;

const median = (runs: readonly RunFigures[], metric: Metric): number => {
  const values = runs.map((r) => metric(r.report)).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
};
/** The median, and every value when there are several: the spread is part of the figure. */
const figure = (runs: readonly RunFigures[], metric: Metric, show: (n: number) => string) =>
  runs.length === 1
    ? show(metric(runs[0]!.report))
    : `${show(median(runs, metric))} (${runs.map((r) => show(metric(r.report))).join(', ')})`;

const sameCounts = (counts: SeverityCounts, truth: GroundTruth['open']) =>
  SEVERITY_LABELS.every((s) => counts[s.toLowerCase() as Lowercase<SeverityLabel>] === truth[s]) &&
  counts.informational === 0;

const byOperation = (calls: readonly FakeCall[]) => {
  const counts = new Map<string, number>();
  for (const c of calls)
    counts.set(`${c.service}:${c.operation}`, (counts.get(`${c.service}:${c.operation}`) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${op} ${fmt(n)}`).join(', ');
};

/** Everything that makes a run's figures meaningful: it posted, read everything, and counted right. */
const problemsOf = (label: string, run: RunFigures, truth: GroundTruth): string[] => {
  const r = run.report;
  const problems: string[] = [];
  if (r.outcome !== 'posted' || !r.summary) return [`${label}: the digest was not posted (${r.outcome}: ${r.failure})`];
  const s = r.summary;
  if (s.incomplete.length > 0) problems.push(`${label}: incomplete: ${s.incomplete.join('; ')}`);
  if (r.attachmentErrors.length > 0) problems.push(`${label}: attachments failed: ${r.attachmentErrors.join('; ')}`);
  if (!r.attachments.some((a) => a.filename.endsWith('.png') && a.bytes > 0))
    problems.push(`${label}: no trend chart was attached`);
  const refused = run.calls.filter((c) => c.status !== 200);
  if (refused.length > 0) problems.push(`${label}: the fake refused ${refused.length} calls (${byOperation(refused)})`);
  if (!sameCounts(s.open, truth.open))
    problems.push(`${label}: open ${countsText(s.open)} but Security Hub holds ${JSON.stringify(truth.open)}`);
  if (s.suppressed !== truth.suppressed)
    problems.push(`${label}: suppressed ${s.suppressed} but Security Hub holds ${truth.suppressed}`);
  if (!sameCounts(r.stored.open, truth.open) || r.stored.suppressed !== truth.suppressed)
    problems.push(`${label}: the stored state disagrees with Security Hub`);
  for (const account of ACCOUNTS) {
    const stored = r.stored.byAccount.find((a) => a.accountId === account.id);
    const want = truth.byAccount[account.id]!;
    if (!stored || !sameCounts(stored.open, want.open) || stored.suppressed !== want.suppressed)
      problems.push(`${label}: stored counts of ${account.name} disagree with Security Hub`);
  }
  if ((r.sdkCalls.securityhub ?? 0) !== getFindings(run))
    problems.push(
      `${label}: the SDK made ${r.sdkCalls.securityhub} Security Hub calls, the fake answered ${getFindings(run)}`,
    );
  if (r.securityHubCalls !== getFindings(run))
    problems.push(
      `${label}: the digest counted ${r.securityHubCalls} Security Hub calls, the fake answered ${getFindings(run)}`,
    );
  const list = r.attachments.find((a) => a.filename.endsWith('.csv'));
  const rows = list ? Number(/\((\d+) rows\)/.exec(list.title)?.[1]) : null;
  // Each finding once: the changes, then every other finding open or suppressed after the run.
  const wantRows = s.resolved + openTotal(s.open) + s.suppressed;
  if (rows !== null && rows !== wantRows)
    problems.push(
      `${label}: the full list has ${rows} rows, expected ${wantRows} (resolved, then every open or suppressed finding, each once)`,
    );
  const message = r.posted[0];
  const phrase = `${fmt(openTotal(s.open))} open finding`;
  if (r.posted.length !== 1 || !message?.text.includes(phrase))
    problems.push(`${label}: the posted message does not say "${phrase}"`);
  return problems;
};

/** What run 2 must show on top of matching Security Hub: exactly the 500 changes, read incrementally. */
const changeProblemsOf = (label: string, result: SizeResult, run: RunFigures): string[] => {
  const problems: string[] = [];
  const s = run.report.summary;
  const expectedOpen = result.total - CHANGES.resolve - CHANGES.suppress + CHANGES.add;
  if (s) {
    const delta = [s.opened, s.resolved, s.newlySuppressed].join('/');
    const want = [result.mutation.added, CHANGES.resolve, result.mutation.suppressed].join('/');
    if (delta !== want) problems.push(`${label}: new/resolved/suppressed ${delta}, expected ${want}`);
    if (openTotal(s.open) !== expectedOpen || s.suppressed !== CHANGES.suppress)
      problems.push(
        `${label}: open ${openTotal(s.open)}/suppressed ${s.suppressed}, expected ${expectedOpen}/${CHANGES.suppress}`,
      );
  }
  const window = { start: RUN1_NOW.toISOString(), end: RUN2_NOW.toISOString() };
  const outside = run.calls.filter(
    (c) => c.operation === 'GetFindings' && (c.updatedAt?.start !== window.start || c.updatedAt?.end !== window.end),
  );
  if (outside.length > 0)
    problems.push(`${label}: ${outside.length} GetFindings calls without the UpdatedAt window since run 1`);
  return problems;
};

const printRuns = (label: string, runs: readonly RunFigures[]) => {
  const first = runs[0]!;
  const calls = (r: RunFigures) =>
    `${fmt(getFindings(r))} Security Hub calls (GetFindings), ${fmt(r.calls.length)} HTTP calls in all (${byOperation(r.calls)})`;
  const distinct = new Set(runs.map(calls));
  console.log(`  ${label}${runs.length > 1 ? `, ${runs.length} times from copies of the store` : ''}:`);
  console.log(`    calls: ${[...distinct].join(' | ')}${runs.length > 1 && distinct.size === 1 ? ' each time' : ''}`);
  console.log(`    wall ${figure(runs, wall, seconds)}, CPU ${figure(runs, cpuTime, seconds)}`);
  console.log(
    `    memory: peak RSS ${figure(runs, peakRss, mb)} (lifetime max with start-up, getrusage: ${figure(runs, maxRss, mb)}), its growth during the run ${figure(runs, rssGrowth, signedMb)}; ` +
      `peak heap used growth ${figure(runs, heapGrowth, signedMb)}; heap retained after GC ${figure(runs, heapRetained, signedMb)}`,
  );
  // The poster is called once the message is built, and once per attachment once that file is ready.
  const typical = [...runs].sort((a, b) => a.report.wallMs - b.report.wallMs)[Math.floor(runs.length / 2)]!.report;
  const phases = [...typical.marks, { what: 'stored', atMs: typical.wallMs }].map((m, i, all) => {
    const from = i === 0 ? 0 : all[i - 1]!.atMs;
    const phase = i === 0 ? 'read, diff, render' : `${all[i - 1]!.what} → ${m.what}`;
    return `${phase} ${seconds(m.atMs - from)}`;
  });
  const store = Object.entries(typical.storeMs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([method, ms]) => `${method} ${seconds(ms)}`);
  console.log(`    where the time goes (median run): ${phases.join(', ')}; slowest store calls: ${store.join(', ')}`);
  const r = first.report;
  const attachments = r.attachments.map((a) => `${a.filename} ${mb(a.bytes)} "${a.title}"`).join('; ');
  if (r.summary)
    console.log(
      `    digest: open ${countsText(r.summary.open)}, suppressed ${fmt(r.summary.suppressed)}; ` +
        `new ${fmt(r.summary.opened)}, resolved ${fmt(r.summary.resolved)}, newly suppressed ${fmt(r.summary.newlySuppressed)}` +
        `; attached: ${attachments || 'nothing'}`,
    );
};

const main = async () => {
  const { startFakeSecurityHub } = await import('./digest-fake-securityhub');
  const fake = await startFakeSecurityHub({ callerAccountId: CALLER, accounts: ACCOUNTS, regions: REGIONS });
  console.log(
    'digest benchmark: a Security Hub-only digest through makeDigestService (real feed and SDK clients, SQLite ' +
      'store, chart renderer; poster records). Security Hub and STS: a local HTTP server in this process. ' +
      "Each run is a fresh child process (chart renderer warmed up before measuring); memory is that process's: " +
      'RSS sampled every 2 ms from a worker thread, heap on an interval and at every store and poster call.',
  );
  console.log(
    `estate: ${ACCOUNTS.length} accounts (${ACCOUNTS.map((a) => `${a.name} ${a.id}`).join(', ')}; the second via AssumeRole) × ` +
      `${REGIONS.length} regions (${REGIONS.join(', ')}) = ${PAIRS} (account, region) pairs, findings spread evenly. ` +
      `Between the runs (one day apart): ${CHANGES.resolve} resolved (archived, workflow RESOLVED, compliance PASSED ` +
      `in turn), ${CHANGES.suppress} suppressed, ${CHANGES.add} new, all updated after run 1.`,
  );
  const results: SizeResult[] = [];
  const problems: string[] = [];
  try {
    for (const total of SIZES) {
      const result = await measureSize(fake, total);
      results.push(result);
      console.log(`${fmt(total)} open findings:`);
      printRuns('run 1 (baseline: every open finding)', [result.run1]);
      printRuns('run 2 (the changes since run 1)', result.run2);
      const expectedOpen = total - CHANGES.resolve - CHANGES.suppress + CHANGES.add;
      const said = result.run2.map((r) =>
        r.report.summary ? `${fmt(openTotal(r.report.summary.open))} and ${fmt(r.report.summary.suppressed)}` : '?',
      );
      console.log(
        `    expected after run 2: open ${fmt(total)} − ${CHANGES.resolve} − ${CHANGES.suppress} + ${CHANGES.add} = ` +
          `${fmt(expectedOpen)}, suppressed ${CHANGES.suppress}; Security Hub holds ${fmt(truthTotal(result.truth2.open))} ` +
          `open, ${fmt(result.truth2.suppressed)} suppressed; the digest says ${[...new Set(said)].join(' | ')}`,
      );
      problems.push(...problemsOf(`${fmt(total)} run 1`, result.run1, result.truth1));
      result.run2.forEach((run, i) => {
        const label = `${fmt(total)} run 2 #${i + 1}`;
        problems.push(...problemsOf(label, run, result.truth2), ...changeProblemsOf(label, result, run));
      });
    }
  } finally {
    await fake.close();
  }
  if (results.length < 2) return;

  const [large, small] = results as [SizeResult, SizeResult];
  const verdicts: boolean[] = [];
  const verdict = (pass: boolean, line: string) => {
    verdicts.push(pass);
    console.log(`${pass ? 'PASS' : 'FAIL'} ${line}`);
  };

  verdict(
    problems.length === 0,
    `counts exact: every run at both sizes equals what Security Hub holds (by severity, suppressed, per account; in ` +
      `the summary, the store, the posted text and the full list's rows), run 2 reads ${CHANGES.add} new / ` +
      `${CHANGES.resolve} resolved / ${CHANGES.suppress} suppressed, and every run-2 GetFindings asked only for the ` +
      `window since run 1` +
      (problems.length > 0 ? `:\n  - ${problems.join('\n  - ')}` : ''),
  );
  const callsOf = (r: SizeResult) => new Set(r.run2.map((run) => `${getFindings(run)}/${run.calls.length}`));
  const [calls100, calls10] = [callsOf(large), callsOf(small)];
  const [sh100, http100] = [getFindings(large.run2[0]!), large.run2[0]!.calls.length];
  const [sh10, http10] = [getFindings(small.run2[0]!), small.run2[0]!.calls.length];
  verdict(
    calls100.size === 1 && calls10.size === 1 && sh100 === sh10 && http100 === http10,
    `run-2 calls independent of the estate: ${fmt(large.total)}: ${sh100} GetFindings, ${http100} HTTP; ` +
      `${fmt(small.total)}: ${sh10} GetFindings, ${http10} HTTP`,
  );
  verdict(
    sh100 <= CALL_BOUND,
    `run-2 GetFindings ${sh100} ≤ ${CHANGE_COUNT}/${PAGE} + ${PAIRS} = ${CALL_BOUND} (the constant: one partly filled ` +
      `page per (account, region) pair; plus ${http100 - sh100} STS calls to enter the accounts); the baseline needed ` +
      `${fmt(getFindings(large.run1))}`,
  );
  const [heap100, heap10] = [median(large.run2, heapGrowth), median(small.run2, heapGrowth)];
  verdict(
    heap100 < 2 * heap10,
    `run-2 peak heap growth bounded: median ${signedMb(heap100)} at ${fmt(large.total)} < 2 × ${signedMb(heap10)} at ` +
      `${fmt(small.total)} (${fmt(large.total / small.total)}× the findings; run 1, which holds every finding, grew ${signedMb(heapGrowth(large.run1.report))} ` +
      `and ${signedMb(heapGrowth(small.run1.report))})`,
  );
  // A stored id is "f_" + 16 hex digits: with its Set or Map entry, about this much on the heap.
  const ID_BYTES = 80;
  const [kept100, kept10] = [median(large.run2, heapRetained), median(small.run2, heapRetained)];
  const idBudget = (large.total - small.total) * ID_BYTES;
  verdict(
    kept100 - kept10 <= idBudget,
    `run-2 heap retained after the run grows no more than the stored ids would: median ${signedMb(kept100)} at ` +
      `${fmt(large.total)} vs ${signedMb(kept10)} at ${fmt(small.total)}, ${signedMb(kept100 - kept10)} ≤ ` +
      `${fmt(large.total - small.total)} more ids × ${ID_BYTES} B = ${mb(idBudget)}`,
  );
  // RSS moves by ±10-20 MB with GC timing, more than 90,000 ids weigh, so it is held to a coarser bar:
  // far below what the baseline, which holds every finding, needs.
  const [rss100, rss10] = [median(large.run2, rssGrowth), median(small.run2, rssGrowth)];
  const baselineRss = rssGrowth(large.run1.report);
  verdict(
    rss100 < baselineRss / 4,
    `run-2 RSS growth far below the estate's: median ${signedMb(rss100)} at ${fmt(large.total)} ` +
      `(${signedMb(rss10)} at ${fmt(small.total)}) < ¼ of run 1's ${signedMb(baselineRss)} at ${fmt(large.total)}`,
  );
  if (verdicts.includes(false)) process.exitCode = 1;
};

if (process.argv[2] === '--child') {
  runChild(JSON.parse(process.argv[3] ?? '{}') as ChildJob).then(
    (report) => process.send!(report, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
