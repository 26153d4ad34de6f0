/**
 * Organization-scale scan benchmark: runCheck through the real live source against a simulated
 * organization (nock; 50 ms per reply; 1 % of calls throttled, which the SDK must retry with the
 * production retry settings). Each measurement runs in its own child process, so peak RSS is that
 * scan's alone. Prints, per estate size: wall time, calls, CPU per call, peak RSS, failed accounts;
 * then cloudsec's CPU per call against bare SDK v3 calls of the same operation mix, in the same run.
 *
 *   npx ts-node --transpile-only bench/scan-org.ts                    # 25 and 50 accounts × 2 regions
 *   BENCH_ORG_ACCOUNTS=500 BENCH_ORG_REGIONS=17 npx ts-node --transpile-only bench/scan-org.ts
 *
 * BENCH_ORG_ACCOUNTS is the large estate (default 50), compared with BENCH_ORG_BASE accounts
 * (default 25, the default account concurrency: below it every account is in flight at once; 50 when
 * the large one is bigger) in the same regions.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nock from 'nock';
import pLimit from 'p-limit';
import { makeClientFactory, type AccountAccess, type AccountClients, type ClientFactory } from '../src/aws/clients';
import { makeLiveSnapshotSource } from '../src/aws/live-source';
import { runCheck } from '../src/app/run-check';
import { CHECKS } from '../src/core/checks';
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

interface Result {
  accounts: number;
  regions: number;
  ms: number;
  calls: number;
  throttled: number;
  cpuMs: number;
  peakRssMb: number;
  /** Accounts cloudsec could not enter, or with a fact that came back unknown. */
  failedAccounts: number;
  findings: number;
  /** compare mode: the same operation mix sent by bare SDK clients. */
  bare?: { ms: number; calls: number; cpuMs: number };
  /** compare mode: cloudsec's CPU per call over the bare calls' in each round. */
  rounds?: number[];
}

/** The estate whose calls are sent again by bare SDK clients. */
const COMPARED_ACCOUNTS = 10;
/** Rounds of scan, bare, bare, scan compared (BENCH_ORG_COMPARE_ROUNDS): one round's ratio varies by ±15 % here. */
const COMPARE_ROUNDS = Number(process.env.BENCH_ORG_COMPARE_ROUNDS ?? 3);

const CONFIG = BENCH_CONFIG;

/** One SDK call as cloudsec sent it: enough to send it again with a bare client. */
interface SentCall {
  accountId: string;
  region: string;
  client: new (config: object) => { send(command: unknown): Promise<unknown>; destroy(): void };
  command: new (input: unknown) => unknown;
  input: unknown;
}

/** The production factory, recording every command its clients send (compare mode only). */
const recordingFactory = (sent: SentCall[]): ClientFactory => {
  const factory = makeClientFactory({ homeRegion: HOME });
  return (access: AccountAccess) => {
    const clients = factory(access);
    const wrapped = {} as Record<string, unknown>;
    for (const [name, make] of Object.entries(clients) as [string, (...args: unknown[]) => unknown][]) {
      // `forget` drops a client rather than making one: passed through as it is.
      if (name === 'forget') {
        wrapped[name] = make;
        continue;
      }
      wrapped[name] = (...args: unknown[]) => {
        const client = make(...args) as {
          send: (c: { input: unknown }, ...rest: unknown[]) => Promise<unknown>;
          config: { region: () => Promise<string> };
        };
        const send = client.send.bind(client);
        if (!(client as { recorded?: boolean }).recorded) {
          (client as { recorded?: boolean }).recorded = true;
          const region = (args[0] as string | undefined) ?? HOME;
          client.send = (command, ...rest) => {
            sent.push({
              accountId: access.accountId,
              region,
              client: client.constructor as SentCall['client'],
              command: (command as object).constructor as SentCall['command'],
              input: command.input,
            });
            return send(command, ...rest);
          };
        }
        return client;
      };
    }
    return wrapped as unknown as AccountClients;
  };
};

/** Sends the recorded calls again with plain SDK clients: one per (account, service, region), as any SDK user must. */
const replayBare = async (sent: readonly SentCall[]) => {
  const clients = new Map<string, { send(command: unknown): Promise<unknown>; destroy(): void }>();
  const clientOf = (call: SentCall) => {
    const key = `${call.accountId}|${call.client.name}|${call.region}`;
    let client = clients.get(key);
    if (!client) {
      // The fake tells accounts apart by the signing key, as AWS does: ASIA<id> is a role session.
      const accessKeyId = call.accountId === 'caller' ? 'AKIDBENCHEXAMPLE' : `ASIA${call.accountId}`;
      client = new call.client({
        region: call.region,
        credentials: { accessKeyId, secretAccessKey: 'bench-secret', sessionToken: 'bench' },
        retryMode: 'adaptive',
        maxAttempts: 5,
      });
      clients.set(key, client);
    }
    return client;
  };
  // The live source's default concurrency: 25 accounts, 16 calls each.
  const limit = pLimit(25 * 16);
  await Promise.all(
    sent.map((call) =>
      limit(() =>
        clientOf(call)
          .send(new call.command(call.input))
          .catch(() => null),
      ),
    ),
  );
  for (const client of clients.values()) client.destroy();
};

/** One scan through the production live source; in compare mode its commands are recorded. */
const scanOnce = async (accounts: number, regions: number, sent?: SentCall[]) => {
  const fake = installFakeAws(estateOf(accounts, regions));
  try {
    const source = makeLiveSnapshotSource({
      config: CONFIG,
      homeRegion: HOME,
      ...(sent ? { clientFactory: recordingFactory(sent) } : {}),
    });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const outcome = await runCheck({ source, checks: CHECKS, clock: () => new Date() }, { service: 'all' });
    const cpu = process.cpuUsage(cpuBefore);
    const ms = performance.now() - started;
    if (fake.unhandled.length > 0)
      throw new Error(`the fake could not answer: ${fake.unhandled.slice(0, 3).join('; ')}`);
    const failed = new Set([
      ...outcome.snapshot.accounts.filter((a) => !a.access.ok).map((a) => a.accountId),
      ...outcome.findings.filter((f) => f.status === 'unknown').map((f) => f.accountId),
    ]);
    return {
      ms,
      calls: fake.total,
      throttled: fake.throttled,
      cpuMs: (cpu.user + cpu.system) / 1000,
      failedAccounts: failed.size,
      findings: outcome.findings.length,
    };
  } finally {
    fake.restore();
  }
};

/** The recorded commands sent again by bare clients against a fresh simulated estate. */
const bareOnce = async (accounts: number, regions: number, sent: readonly SentCall[]) => {
  const fake = installFakeAws(estateOf(accounts, regions));
  try {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await replayBare(sent);
    const used = process.cpuUsage(cpuBefore);
    return { ms: performance.now() - started, calls: fake.total, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    fake.restore();
  }
};

/**
 * Runs in the child: one scan (and, in compare mode, the bare replay), printed as JSON.
 *
 * Compare mode is fair to both sides: first both run once unmeasured at the compared size with no
 * latency (module loading and the JIT's optimisation of the SDK's and the fake's code would
 * otherwise be charged to whichever side runs first: with a 2-account warm-up the scan measured
 * ~1.35× the bare calls, with a full one ~1.1×), then they are measured in rounds of scan, bare,
 * bare, scan, so a drift of the machine during the run weighs on both alike.
 */
const child = async (accounts: number, regions: number, compare: boolean) => {
  const warmAccounts = compare ? accounts : 2;
  const warm = installFakeAws({ ...estateOf(warmAccounts, regions), latencyMs: 0, throttleRate: 0 });
  const warmSent: SentCall[] = [];
  await runCheck(
    {
      source: makeLiveSnapshotSource({ config: CONFIG, homeRegion: HOME, clientFactory: recordingFactory(warmSent) }),
      checks: CHECKS,
      clock: () => new Date(),
    },
    { service: 'all' },
  );
  await replayBare(warmSent);
  warm.restore();
  warmSent.length = 0;

  const sent: SentCall[] = [];
  const first = await scanOnce(accounts, regions, compare ? sent : undefined);
  const result: Result = { accounts, regions, ...first, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  if (compare) {
    // Rounds of scan, bare, bare, scan (the first scan above opens the first round).
    const rounds: { scan: number; bare: number }[] = [];
    let scanCalls = first.calls;
    let scanCpu = first.cpuMs;
    result.bare = { ms: 0, calls: 0, cpuMs: 0 };
    for (let round = 0; round < COMPARE_ROUNDS; round += 1) {
      const opening = round === 0 ? first : await scanOnce(accounts, regions, []);
      const bareA = await bareOnce(accounts, regions, sent);
      const bareB = await bareOnce(accounts, regions, sent);
      const closing = await scanOnce(accounts, regions, []);
      if (round > 0) {
        scanCalls += opening.calls;
        scanCpu += opening.cpuMs;
      }
      scanCalls += closing.calls;
      scanCpu += closing.cpuMs;
      result.failedAccounts = Math.max(result.failedAccounts, opening.failedAccounts, closing.failedAccounts);
      for (const b of [bareA, bareB]) {
        result.bare.ms += b.ms;
        result.bare.calls += b.calls;
        result.bare.cpuMs += b.cpuMs;
      }
      rounds.push({
        scan: (opening.cpuMs + closing.cpuMs) / (opening.calls + closing.calls),
        bare: (bareA.cpuMs + bareB.cpuMs) / (bareA.calls + bareB.calls),
      });
    }
    result.calls = scanCalls;
    result.cpuMs = scanCpu;
    result.rounds = rounds.map((r) => r.scan / r.bare);
  }

  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
};

let BUILD = '';
const compile = () => {
  BUILD = compileBench('cloudsec-bench-scan-org');
};

const measure = (accounts: number, regions: number, compare = false): Result => {
  const run = spawnSync(
    process.execPath,
    [
      path.join(BUILD, 'bench', 'scan-org.js'),
      '--child',
      String(accounts),
      String(regions),
      compare ? 'compare' : 'scan',
    ],
    { encoding: 'utf8', maxBuffer: 16 * 2 ** 20, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the measurement failed:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as Result;
};

const perCall = (cpuMs: number, calls: number) => `${(cpuMs / calls).toFixed(2)} ms`;
const line = (r: Result) =>
  `${r.accounts} accounts × ${r.regions} regions: ${(r.ms / 1000).toFixed(1)} s, ${r.calls} calls (${r.throttled} throttled, retried), ` +
  `CPU ${perCall(r.cpuMs, r.calls)} per call, peak RSS ${Math.round(r.peakRssMb)} MB, ` +
  `${r.findings} findings, ${r.failedAccounts} failed accounts`;

const main = async () => {
  const large = Number(process.env.BENCH_ORG_ACCOUNTS ?? 50);
  const base = Number(process.env.BENCH_ORG_BASE ?? (large > 50 ? 50 : 25));
  const regions = Number(process.env.BENCH_ORG_REGIONS ?? 2);
  console.log(
    `organization scan benchmark: simulated AWS, ${LATENCY_MS} ms per reply, ${THROTTLE_RATE * 100}% of calls throttled, ` +
      `production retry settings, default concurrency; each figure from its own process`,
  );
  compile();
  const small = measure(base, regions);
  console.log(line(small));
  const big = measure(large, regions);
  console.log(line(big));
  // Its own process: recording every command (and the factory that keeps each account's clients for
  // the replay) would weigh on the peak RSS of the scans above.
  const compared = measure(COMPARED_ACCOUNTS, regions, true);
  const bare = compared.bare!;
  const ratio = compared.cpuMs / compared.calls / (bare.cpuMs / bare.calls);
  console.log(
    `CPU per call, ${COMPARED_ACCOUNTS} accounts × ${regions} regions: cloudsec ${perCall(compared.cpuMs, compared.calls)} ` +
      `(${compared.calls} calls, collect + evaluate) vs bare SDK v3 ${perCall(bare.cpuMs, bare.calls)} (${bare.calls} calls ` +
      `of the same operations, one client per account, service and region) = ${ratio.toFixed(2)}× ` +
      `(${COMPARE_ROUNDS} rounds of scan, bare, bare, scan after one unmeasured run of both; by round ${compared.rounds!.map((r) => `${r.toFixed(2)}×`).join(', ')}; both include the simulated AWS's own CPU)`,
  );
  const growth = big.peakRssMb / small.peakRssMb;
  const verdicts: [boolean, string][] = [
    [
      small.failedAccounts + big.failedAccounts + compared.failedAccounts === 0,
      `0 failed accounts under throttling (${small.failedAccounts}, ${big.failedAccounts}, ${compared.failedAccounts})`,
    ],
    [big.peakRssMb <= 300, `peak RSS at ${large} accounts ≤ 300 MB (${Math.round(big.peakRssMb)} MB)`],
    [growth <= 1.2, `peak RSS at ${large} accounts within 20% of ${base} accounts (${growth.toFixed(2)}×)`],
    [ratio <= 1.2, `CPU per call ≤ 1.2× a bare SDK call (${ratio.toFixed(2)}×)`],
  ];
  for (const [ok, what] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (verdicts.some(([ok]) => !ok)) process.exitCode = 1;
};

const args = process.argv.slice(2);
(args[0] === '--child' ? child(Number(args[1]), Number(args[2]), args[3] === 'compare') : main()).catch(
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
