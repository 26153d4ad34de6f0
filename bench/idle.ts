/**
 * Idle footprint: the bot in HTTP mode, connected and idle, against a bare Bolt app in the same run.
 *
 *   npm run bench:idle                  (builds dist/ first; both apps run as compiled JavaScript)
 *   npm run bench:idle -- --modules     (also: which packages are loaded at start-up, and from where)
 *   options: --runs N (3)  --idle-ms N (5000)  --settle-ms N (15000, 0: off)  --dist DIR (dist)
 *            --node-arg FLAG (to both, repeatable)  --logs DIR (keep each child's output)
 *
 * Both apps are child processes started the same way: `node --expose-gc` with a small preload
 * (bench/idle-child.ts), cloudsec from <dist>/src/main.js with the node flags it is deployed with
 * (the Dockerfile's CMD, which `npm start` must match: bench/idle-start.ts), the bare app from
 * bench/idle-bare.ts transpiled to a temporary file, with no flags, as the Bolt docs start one.
 * Both get the same token, signing secret and a local fake Slack Web API (auth.test answers), so
 * both "connect". cloudsec also gets a temporary database and cloudsec.yml (two accounts,
 * remediation on, two digests, no live lane) and an AWS_ENDPOINT_URL pointing at a local server
 * that counts every AWS call (bench/idle-fakes.ts).
 *
 * Measured per run, the same way for both:
 *   ready — from spawn until a signed url_verification POST to /slack/events is answered 200 with its
 *           challenge; also the CPU the process used until then (steadier on a busy machine);
 *   RSS   — VmRSS of /proc/<pid>/status, `idle-ms` after ready and two full GCs in the child; again
 *           `settle-ms` after ready (V8 gives back the young generation a start-up grew only after
 *           several seconds of low allocation, so the first reading still holds it).
 * Medians over the runs (bare and cloudsec alternate, one at a time). Goals: cloudsec's RSS at
 * `idle-ms` ≤ 1.5× the bare app's, cloudsec ready ≤ 1.5 s, no AWS call after ready, and `npm start`
 * starting the bot with the same flags as the image. A failed measurement fails the bench (exit 1),
 * as does a goal not met.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { PRELOAD, CONFIG, runOnce, type Kind, type Sample, type RunSettings } from './idle-child';
import { fakeAws, fakeSlack, type FakeServer } from './idle-fakes';
import { imageStart, npmStart, sameFlags, ENTRY, type StartCommand } from './idle-start';

const ROOT = path.resolve(__dirname, '..');
const GOAL_RATIO = 1.5;
const GOAL_READY_MS = 1500;

interface Options {
  runs: number;
  idleMs: number;
  settleMs: number;
  dist: string;
  modules: boolean;
  /** Extra node flags, given to both children alike (e.g. --trace-gc). */
  nodeArgs: string[];
  logs?: string;
}

const parseOptions = (): Options => {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      'idle-ms': { type: 'string', default: '5000' },
      'settle-ms': { type: 'string', default: '15000' },
      dist: { type: 'string', default: 'dist' },
      modules: { type: 'boolean', default: false },
      'node-arg': { type: 'string', multiple: true, default: [] },
      logs: { type: 'string' },
    },
  });
  const count = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${value}`);
    return n;
  };
  const idleMs = count('idle-ms', values['idle-ms'], 0);
  const settleMs = count('settle-ms', values['settle-ms'], 0);
  if (settleMs !== 0 && settleMs <= idleMs) throw new Error('--settle-ms must be 0 (off) or more than --idle-ms');
  return {
    runs: count('runs', values.runs, 1),
    idleMs,
    settleMs,
    dist: path.resolve(ROOT, values.dist),
    modules: values.modules,
    nodeArgs: values['node-arg'],
    ...(values.logs ? { logs: path.resolve(values.logs) } : {}),
  };
};

// ── report ────────────────────────────────────────────────────────────────────────────────────

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const counted = (names: string[]) => {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return counts.size === 0 ? 'none' : [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n)).join(', ');
};

/**
 * Packages loaded at idle: files and bytes, and for those the app's own files required, the RSS
 * the first require added (with what it loaded, before any GC: a rough share), its time, and the
 * file that asked. Largest RSS share first, then by bytes.
 */
const packageTable = (modules: NonNullable<Sample['modules']>, dist: string, top = 25): string[] => {
  const shortPath = (file: string) => path.relative(file.startsWith(dist) ? dist : ROOT, file) || file;
  const byPackage = new Map<string, { files: number; bytes: number }>();
  for (const file of modules.files) {
    const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? '(app)';
    const entry = byPackage.get(name) ?? { files: 0, bytes: 0 };
    entry.files += 1;
    try {
      entry.bytes += fs.statSync(file).size;
    } catch {
      // A native addon's name or a file removed since: counted, without bytes.
    }
    byPackage.set(name, entry);
  }
  const share = (name: string) => Math.max(0, modules.timing[name]?.kb ?? 0);
  const rows = [...byPackage].sort((a, b) => share(b[0]) - share(a[0]) || b[1].bytes - a[1].bytes).slice(0, top);
  return rows.map(([name, e]) => {
    const t = modules.timing[name];
    const from = t ? `  +${mb(t.kb)} RSS, ${t.ms.toFixed(0)} ms, first from ${shortPath(t.by)}` : '';
    return `  ${name.padEnd(32)} ${String(e.files).padStart(4)} files ${(e.bytes / 1024).toFixed(0).padStart(6)} KB${from}`;
  });
};

const NAMES: Record<Kind, string> = { bare: 'bare Bolt', cloudsec: 'cloudsec' };

interface Start {
  image: StartCommand;
  npm: StartCommand;
}

const report = (options: Options, start: Start, samples: Record<Kind, Sample[]>) => {
  const all = [...samples.bare, ...samples.cloudsec];
  const med = (k: Kind, f: (s: Sample) => number) => median(samples[k].map(f));
  const at = (i: number) => (s: Sample) => s.readings[i]!;
  const gcOk = all.every((s) => s.readings.every((r) => r.stats.gc));
  const from = [...new Set(all.flatMap((s) => s.readings.map((r) => r.from)))].join('/');
  console.log(
    `idle footprint: node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}, ` +
      `compiled JS (${path.relative(ROOT, options.dist) || '.'}), ${options.runs} run(s) each, medians; ` +
      `RSS (${from}) ${gcOk ? 'after two full GCs' : 'WITHOUT a GC (no --expose-gc)'}` +
      (options.modules ? '; --modules hooks require: times and RSS are not comparable with plain runs' : ''),
  );
  const started = (c: StartCommand) => ['node', ...c.flags, ENTRY].join(' ');
  const alike = sameFlags(start.image, start.npm);
  console.log(
    `  cloudsec started as the image starts it: \`${started(start.image)}\` (${start.image.from}); ` +
      (alike ? 'npm start: the same' : `npm start DIFFERS: \`${started(start.npm)}\``) +
      (options.nodeArgs.length > 0 ? `; both also got ${options.nodeArgs.join(' ')}` : ''),
  );
  const readings = options.settleMs > 0 ? [options.idleMs, options.settleMs] : [options.idleMs];
  for (const k of ['bare', 'cloudsec'] as const) {
    const parts = readings.map((ms, i) => {
      const r = (f: (s: Sample) => number) => med(k, f);
      return (
        `${ms / 1000} s idle: RSS ${mb(r((s) => at(i)(s).rssKb))} ` +
        `(anon ${mb(r((s) => at(i)(s).anonKb))}, files ${mb(r((s) => at(i)(s).fileKb))}; ` +
        `heap ${mb(r((s) => at(i)(s).stats.heapUsed / 1024))} used of ${mb(r((s) => at(i)(s).stats.heapTotal / 1024))})`
      );
    });
    console.log(
      `  ${NAMES[k].padEnd(10)} ready ${secs(med(k, (s) => s.readyMs))} (CPU ${secs(med(k, (s) => s.cpuToReadyMs))}), ` +
        `${med(k, (s) => s.readings[0]!.stats.modules)} modules; ${parts.join('; ')}`,
    );
    console.log(
      `  ${''.padEnd(10)} runs (ready / RSS at ${options.idleMs / 1000} s): ` +
        samples[k].map((s) => `${secs(s.readyMs)} / ${mb(s.readings[0]!.rssKb)}`).join(', '),
    );
  }
  const ratios = readings.map((_, i) => med('cloudsec', (s) => at(i)(s).rssKb) / med('bare', (s) => at(i)(s).rssKb));
  if (ratios.length > 1)
    console.log(`  after ${options.settleMs / 1000} s idle: cloudsec RSS ${ratios[1]!.toFixed(2)}× the bare app's`);
  const last = samples.cloudsec[samples.cloudsec.length - 1]!;
  console.log(
    `  Slack calls at start-up: bare ${counted(samples.bare[0]!.slackCalls)}; cloudsec ${counted(last.slackCalls)}`,
  );
  console.log(
    `  AWS calls by cloudsec before ready: ${counted(last.awsBeforeReady)}; after: ${counted(last.awsAfterReady)}`,
  );
  if (options.modules)
    for (const k of ['cloudsec', 'bare'] as const) {
      const sample = samples[k][0]!;
      const spaces = Object.entries(sample.readings[0]!.stats.spaces)
        .filter(([, [size]]) => size > 0)
        .map(([name, [size, used]]) => `${name.replace(/_space$/, '')} ${mb(used / 1024)}/${mb(size / 1024)}`)
        .join(', ');
      console.log(`V8 heap of ${k} at ${options.idleMs / 1000} s (used/committed): ${spaces}`);
      if (sample.modules)
        console.log(
          [`packages loaded by ${k} (largest first):`, ...packageTable(sample.modules, options.dist)].join('\n'),
        );
    }
  const idleAws = Math.max(...samples.cloudsec.map((s) => s.awsAfterReady.length));
  const ready = med('cloudsec', (s) => s.readyMs);
  const checks = [
    {
      ok: ratios[0]! <= GOAL_RATIO,
      text: `cloudsec RSS after ${options.idleMs / 1000} s idle ${ratios[0]!.toFixed(2)}× the bare Bolt app's (goal ≤ ${GOAL_RATIO}×)`,
    },
    { ok: ready <= GOAL_READY_MS, text: `cloudsec ready in ${secs(ready)} (goal ≤ ${secs(GOAL_READY_MS)})` },
    { ok: idleAws === 0, text: `no AWS call after ready (${idleAws} in the worst run)` },
    { ok: gcOk, text: 'RSS read after full GCs in both' },
    { ok: alike, text: 'npm start and the image start the bot with the same node flags' },
  ];
  for (const c of checks) console.log(`${c.ok ? 'PASS' : 'FAIL'} ${c.text}`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
};

// ── main ──────────────────────────────────────────────────────────────────────────────────────

const main = async () => {
  const options = parseOptions();
  const mainJs = path.join(options.dist, 'src', 'main.js');
  // Read before anything starts: a start command the bench cannot follow is an error, not a guess.
  const start: Start = { image: imageStart(ROOT), npm: npmStart(ROOT) };
  if (!fs.existsSync(mainJs))
    throw new Error(`${mainJs} not found: run \`npm run build\` first (npm run bench:idle does).`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-idle-'));
  const servers: FakeServer[] = [];
  const cleanUp = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  try {
    const preload = path.join(tmp, 'preload.js');
    fs.writeFileSync(preload, PRELOAD);
    fs.writeFileSync(path.join(tmp, 'cloudsec.yml'), CONFIG);
    const bareTs = path.join(__dirname, 'idle-bare.ts');
    const bareJs = path.join(tmp, 'idle-bare.js');
    const transpiled = ts.transpileModule(fs.readFileSync(bareTs, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: bareTs,
    });
    fs.writeFileSync(bareJs, transpiled.outputText);
    const slack = await fakeSlack();
    servers.push(slack);
    const aws = await fakeAws();
    servers.push(aws);
    const settings: RunSettings = {
      root: ROOT,
      tmp,
      preload,
      scripts: { bare: bareJs, cloudsec: mainJs },
      slack,
      aws,
      readingsAt: options.settleMs > 0 ? [options.idleMs, options.settleMs] : [options.idleMs],
      nodeArgs: options.nodeArgs,
      botFlags: start.image.flags,
      modules: options.modules,
      ...(options.logs ? { logs: options.logs } : {}),
    };
    const samples: Record<Kind, Sample[]> = { bare: [], cloudsec: [] };
    // One at a time, alternating: the two never share the CPU, and drift affects both alike.
    for (let run = 0; run < options.runs; run += 1)
      for (const kind of ['bare', 'cloudsec'] as const) samples[kind].push(await runOnce(kind, settings, run));
    report(options, start, samples);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    cleanUp();
  }
};

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
