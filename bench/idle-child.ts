/**
 * One run of bench/idle.ts: start an app (the bare Bolt app or cloudsec) as a child process, wait
 * until it answers Slack, let it idle, and read its memory — the same way for both.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CALLER_ACCOUNT, readBody, type FakeServer } from './idle-fakes';

export type Kind = 'bare' | 'cloudsec';

export const BOT_TOKEN = 'xoxb-0000000000-benchidle';
export const SIGNING_SECRET = 'benchidlesigningsecret0123456789';
const AUDIT_KEY = 'bench-idle-audit-key-0123456789abcdef';
const READY_TIMEOUT_MS = 60_000;
const MARKER = '@@idle-bench ';

/**
 * Loaded into both children with -r. Each SIGUSR2: two full GCs, then one line on stderr with the
 * module count, process.memoryUsage() and V8's heap spaces. With IDLE_BENCH_MODULES set (--modules),
 * the first load of each package from the app's own files is timed (RSS before and after, no GC: a
 * rough share), and each SIGUSR2 first writes the loaded files there; that hook costs time and
 * memory, so those runs' figures are not comparable with plain ones.
 */
export const PRELOAD = `
const Module = require('module');
const { performance } = require('perf_hooks');
const out = process.env.IDLE_BENCH_MODULES;
const timing = new Map();
if (out) {
  const load = Module._load;
  const builtin = new Set(Module.builtinModules);
  Module._load = function (request, parent) {
    const fromApp = parent && parent.filename && !parent.filename.includes('/node_modules/');
    const isPackage = !/^[./]|^node:/.test(request) && !builtin.has(request);
    if (!fromApp || !isPackage) return load.apply(this, arguments);
    const t = performance.now();
    const rss = process.memoryUsage.rss();
    try { return load.apply(this, arguments); }
    finally {
      const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
      const seen = timing.get(name);
      const ms = performance.now() - t;
      const kb = (process.memoryUsage.rss() - rss) / 1024;
      if (seen) { seen.ms += ms; seen.kb += kb; } else timing.set(name, { ms, kb, by: parent.filename });
    }
  };
}
process.on('SIGUSR2', () => {
  if (out) require('fs').writeFileSync(out, JSON.stringify({ files: Object.keys(require.cache), timing: Object.fromEntries(timing) }));
  if (global.gc) { global.gc(); global.gc(); }
  const spaces = Object.fromEntries(require('v8').getHeapSpaceStatistics().map((s) => [s.space_name, [s.space_size, s.space_used_size]]));
  const stats = { gc: Boolean(global.gc), modules: Object.keys(require.cache).length, ...process.memoryUsage(), spaces };
  process.stderr.write('\\n${MARKER}' + JSON.stringify(stats) + '\\n');
});
`;

/** A small deployment: two accounts, remediation and two digests on; no live lane (it would poll AWS). */
export const CONFIG = `accounts:
  - id: '${CALLER_ACCOUNT}'
    name: bench-prod
  - id: '222222222222'
    name: bench-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
    writeRoleArn: arn:aws:iam::222222222222:role/cloudsec-write
regions: [us-east-1, eu-west-1]
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: approver
    users: [U0LEAD]
channels:
  findings: []
  dms: true
  elsewhere: private
remediation:
  enabled: true
  approvalsChannel: C0SECLEADS
digests:
  - name: security-daily
    channel: C0SECURITY
    schedule: '0 9 * * 1-5'
    timezone: Europe/Berlin
  - name: prod-high
    channel: C0PRODOPS
    schedule: '30 8 * * *'
    timezone: UTC
    style: compact
    scope:
      accounts: [bench-prod]
      minSeverity: high
`;

export interface RunSettings {
  root: string;
  tmp: string;
  preload: string;
  scripts: Record<Kind, string>;
  slack: FakeServer;
  aws: FakeServer;
  /** Readings at these times after ready (ms, ascending). */
  readingsAt: number[];
  nodeArgs: string[];
  /** cloudsec's own node flags, as its start command gives them (bench/idle-start.ts); the bare app gets none. */
  botFlags: string[];
  modules: boolean;
  logs?: string;
}

export interface Stats {
  gc: boolean;
  modules: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** V8 heap spaces: [committed, used] bytes. */
  spaces: Record<string, [number, number]>;
}

export interface Reading {
  afterMs: number;
  rssKb: number;
  /** Anonymous (heaps, malloc) and file-backed (code, native libraries) parts of VmRSS; NaN without /proc. */
  anonKb: number;
  fileKb: number;
  from: 'VmRSS' | 'memoryUsage';
  stats: Stats;
}

export interface Sample {
  readyMs: number;
  /** CPU (user + system, all threads) the child used until ready: steadier than `readyMs` on a busy machine. */
  cpuToReadyMs: number;
  readings: Reading[];
  slackCalls: string[];
  awsBeforeReady: string[];
  awsAfterReady: string[];
  modules?: { files: string[]; timing: Record<string, { ms: number; kb: number; by: string }> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const freePort = async (): Promise<number> => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

/** A signed url_verification, as Slack sends when the request URL is set; each one unique (cloudsec refuses replays). */
const probe = (port: number, n: number): Promise<{ ok: boolean; status: number | null }> =>
  new Promise((resolve) => {
    const challenge = `idle-${n}-${crypto.randomBytes(6).toString('hex')}`;
    const body = JSON.stringify({ token: 'bench', challenge, type: 'url_verification' });
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const signature = `v0=${crypto.createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/slack/events',
        agent: false,
        timeout: 5_000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signature,
        },
      },
      (res) => {
        readBody(res).then(
          (text) => resolve({ ok: res.statusCode === 200 && text.includes(challenge), status: res.statusCode ?? null }),
          () => resolve({ ok: false, status: res.statusCode ?? null }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ok: false, status: null }));
    req.end(body);
  });

/** The child's output, kept short, for the error when it dies or never gets ready. */
const tail = (chunks: string[]) => chunks.join('').slice(-3000);

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const waitForMarker = (child: ChildProcess, stderr: string[], from: number, timeoutMs: number) =>
  new Promise<Stats>((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const line = stderr
        .join('')
        .slice(from)
        .split('\n')
        .find((l) => l.startsWith(MARKER));
      if (line) return resolve(JSON.parse(line.slice(MARKER.length)) as Stats);
      if (exited(child)) return reject(new Error(`exited before answering SIGUSR2:\n${tail(stderr)}`));
      if (Date.now() - started > timeoutMs) return reject(new Error('no answer to SIGUSR2 (preload not loaded?)'));
      setTimeout(check, 10);
    };
    check();
  });

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) the process has used so far; NaN without /proc. */
const readCpuMs = (pid: number): number => {
  try {
    // The fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
};

/** VmRSS and its anonymous and file-backed parts; null without /proc. */
const readRss = (pid: number): { rss: number; anon: number; file: number } | null => {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rss = kb('VmRSS');
    return Number.isFinite(rss) ? { rss, anon: kb('RssAnon'), file: kb('RssFile') } : null;
  } catch {
    return null;
  }
};

const stopChild = async (child: ChildProcess) => {
  if (exited(child)) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const stopped = await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await gone;
  }
};

export const runOnce = async (kind: Kind, settings: RunSettings, run: number): Promise<Sample> => {
  const port = await freePort();
  const modulesFile = settings.modules ? path.join(settings.tmp, `modules-${kind}-${run}.json`) : undefined;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // Nothing of the developer's own AWS or Slack settings leaks in: HOME is the temporary directory.
    HOME: settings.tmp,
    // The bare app's transpiled file lives in the temporary directory; cloudsec resolves from its dist.
    NODE_PATH: path.join(settings.root, 'node_modules'),
    PORT: String(port),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${settings.slack.url}/api/`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHIDLE',
    AWS_SECRET_ACCESS_KEY: 'bench-idle-secret',
    AWS_ENDPOINT_URL: settings.aws.url,
    AWS_CONFIG_FILE: path.join(settings.tmp, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(settings.tmp, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CLOUDSEC_CONFIG: path.join(settings.tmp, 'cloudsec.yml'),
    // A fresh database each run: every start migrates it, so the runs are alike.
    CLOUDSEC_DB: path.join(settings.tmp, `cloudsec-${run}.db`),
    CLOUDSEC_AUDIT_KEY: AUDIT_KEY,
    ...(modulesFile ? { IDLE_BENCH_MODULES: modulesFile } : {}),
  };
  settings.slack.calls.length = 0;
  settings.aws.calls.length = 0;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const own = kind === 'cloudsec' ? settings.botFlags : [];
  const args = ['--expose-gc', ...own, ...settings.nodeArgs, '-r', settings.preload, settings.scripts[kind]];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: settings.tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => stdout.push(c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  try {
    let readyAt: number | null = null;
    let cpuToReadyMs = NaN;
    let last: number | null = null;
    for (let n = 0; readyAt === null; n += 1) {
      if (exited(child))
        throw new Error(
          `${kind} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(stderr)}${tail(stdout)}`,
        );
      if (performance.now() - t0 > READY_TIMEOUT_MS)
        throw new Error(
          `${kind} not ready after ${READY_TIMEOUT_MS} ms (last answer: ${last ?? 'none'}):\n${tail(stdout)}`,
        );
      const answer = await probe(port, n);
      if (answer.ok) {
        readyAt = performance.now();
        cpuToReadyMs = readCpuMs(child.pid!);
      } else {
        last = answer.status;
        await sleep(10);
      }
    }
    const readings: Reading[] = [];
    for (const afterMs of settings.readingsAt) {
      await sleep(Math.max(0, readyAt + afterMs - performance.now()));
      const from = stderr.join('').length;
      child.kill('SIGUSR2');
      const stats = await waitForMarker(child, stderr, from, 30_000);
      const rss = readRss(child.pid!);
      if (typeof stats.rss !== 'number')
        throw new Error(`${kind}: unexpected answer to SIGUSR2: ${JSON.stringify(stats)}`);
      readings.push({
        afterMs,
        rssKb: rss?.rss ?? Math.round(stats.rss / 1024),
        anonKb: rss?.anon ?? NaN,
        fileKb: rss?.file ?? NaN,
        from: rss === null ? 'memoryUsage' : 'VmRSS',
        stats,
      });
    }
    const modules = modulesFile ? (JSON.parse(fs.readFileSync(modulesFile, 'utf8')) as Sample['modules']) : undefined;
    return {
      readyMs: readyAt - t0,
      cpuToReadyMs,
      readings,
      slackCalls: settings.slack.calls.map((c) => c.what),
      awsBeforeReady: settings.aws.calls.filter((c) => c.at <= readyAt).map((c) => c.what),
      awsAfterReady: settings.aws.calls.filter((c) => c.at > readyAt).map((c) => c.what),
      ...(modules ? { modules } : {}),
    };
  } finally {
    await stopChild(child);
    if (settings.logs) {
      fs.mkdirSync(settings.logs, { recursive: true });
      fs.writeFileSync(path.join(settings.logs, `${kind}-${run}.stdout`), stdout.join(''));
      fs.writeFileSync(path.join(settings.logs, `${kind}-${run}.stderr`), stderr.join(''));
    }
  }
};
