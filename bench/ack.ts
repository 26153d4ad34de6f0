/**
 * Ack benchmark: signed slash commands against cloudsec's Bolt app, whose command handler is slow
 * (every command waits 2 s, like a scan against slow AWS, then answers on its response_url), and,
 * in the same run, against a bare Bolt app that only acks. Prints p50/p99 ack latency for both and
 * PASS/FAIL for "cloudsec p99 ≤ 1.5 × bare p99 and < 3 s" (Slack's deadline).
 *
 * Everything runs on loopback in this process: client, both apps, and a sink for response_url
 * posts. Each app gets a warm-up, then ROUNDS measured rounds, alternating, each round waiting for
 * cloudsec's slow answers to land so no round pays for another's work. The ratio is judged on the
 * median of the rounds' p99s; the 3 s deadline on the slowest cloudsec ack of all.
 *
 *   npx ts-node --transpile-only bench/ack.ts
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { App } from '@slack/bolt';
import type { CloudsecApp } from '../src/app/conversation';
import { startSlackApp } from '../src/slack/bolt-app';
import { boltLogger, createLogger } from '../src/slack/logger';
import { createMetrics } from '../src/slack/metrics';
import { readSlackEnv } from '../src/slack/slack-env';
import { BOT_IDENTITY, BOT_TOKEN, SIGNING_SECRET, signedHeaders, slashCommand } from '../test/fixtures/slack';

const COMMANDS = 200;
const IN_FLIGHT = 50;
const WARM_UP = 200;
const ROUNDS = 5;
const SLOW_WORK_MS = 2000;
const SLACK_DEADLINE_MS = 3000;

// Log lines are formatted as in production and then dropped, so their cost is in the figures.
const logger = createLogger({ level: 'info', destination: { write: () => undefined } });

/** Collects response_url posts; `waitFor(n)` resolves once n have arrived in total. */
const startSink = async () => {
  let received = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.end('ok');
      received += 1;
      for (const w of waiters.filter((w) => received >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/respond`,
    received: () => received,
    waitFor: (n: number) =>
      received >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const slowApp = (): CloudsecApp => ({
  actionIds: [],
  callbackIds: [],
  handleViewSubmission: async () => ({ errors: {} }),
  handleCommand: async (invocation, responder) => {
    await new Promise((resolve) => setTimeout(resolve, SLOW_WORK_MS));
    await responder.send({ text: `done: ${invocation.text}`, blocks: [] }, { replace: true });
  },
  handleAction: async () => undefined,
  homeView: async () => ({ type: 'home', blocks: [] }),
  handleSubteamEvent: async () => undefined,
});

const startBare = async () => {
  const bare = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    botId: BOT_IDENTITY.botId,
    botUserId: BOT_IDENTITY.botUserId,
    logger: boltLogger(logger),
    convoStore: false,
  });
  bare.command('/cloudsec', async ({ ack }) => {
    await ack();
  });
  const server = await bare.start({ port: 0, host: '127.0.0.1' });
  return { port: (server.address() as AddressInfo).port, stop: () => bare.stop() };
};

/** One POST over a kept-alive connection; resolves with the status once the response has ended. */
const post = (agent: Agent, port: number, headers: Record<string, string>, body: string) =>
  new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/**
 * Sends `count` signed commands, `IN_FLIGHT` at a time; returns each one's time to a 200. Kept-alive
 * connections (one pool per app) keep TCP set-up, which both apps would pay alike, out of the figures.
 */
const fire = async (agent: Agent, port: number, count: number, responseUrl: string): Promise<number[]> => {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const request = slashCommand({ text: `check s3 ${i}`, responseUrl });
      const headers = signedHeaders(request);
      const started = performance.now();
      const status = await post(agent, port, headers, request.body);
      if (status !== 200) throw new Error(`command ${i} got HTTP ${status}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return latencies;
};

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

const ms = (n: number) => `${n.toFixed(1)} ms`;

const main = async () => {
  const sink = await startSink();
  const bare = await startBare();
  const cloudsec = await startSlackApp({
    app: slowApp(),
    env: readSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0' }),
    logger,
    metrics: createMetrics(),
    botIdentity: BOT_IDENTITY,
    host: '127.0.0.1',
  });

  const bareAgent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const cloudsecAgent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const runBare = (count: number) => fire(bareAgent, bare.port, count, sink.url);
  let answersExpected = 0;
  const runCloudsec = async (count: number) => {
    const latencies = await fire(cloudsecAgent, cloudsec.port, count, sink.url);
    answersExpected += count;
    await sink.waitFor(answersExpected);
    return latencies;
  };

  await runBare(WARM_UP);
  await runCloudsec(WARM_UP);

  const bareAll: number[] = [];
  const cloudsecAll: number[] = [];
  const bareP99s: number[] = [];
  const cloudsecP99s: number[] = [];
  console.log(`${COMMANDS} signed /cloudsec commands per round, ${IN_FLIGHT} in flight, ${ROUNDS} rounds per app`);
  console.log(`cloudsec handler: ${SLOW_WORK_MS} ms of slow work per command, then an answer on response_url`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    // Alternating which app goes first keeps any drift within the run from favouring one of them.
    const bareFirst = round % 2 === 1;
    const first = bareFirst ? await runBare(COMMANDS) : await runCloudsec(COMMANDS);
    const second = bareFirst ? await runCloudsec(COMMANDS) : await runBare(COMMANDS);
    const [b, c] = bareFirst ? [first, second] : [second, first];
    bareAll.push(...b);
    cloudsecAll.push(...c);
    bareP99s.push(percentile(b, 99));
    cloudsecP99s.push(percentile(c, 99));
    console.log(
      `round ${round}: bare p50 ${ms(percentile(b, 50))} p99 ${ms(percentile(b, 99))} | ` +
        `cloudsec p50 ${ms(percentile(c, 50))} p99 ${ms(percentile(c, 99))}`,
    );
  }

  console.log(`all ${ROUNDS * COMMANDS} commands per app, pooled:`);
  console.log(`  bare Bolt app (ack only):    p50 ${ms(percentile(bareAll, 50))}  p99 ${ms(percentile(bareAll, 99))}`);
  console.log(
    `  cloudsec (2 s work/command): p50 ${ms(percentile(cloudsecAll, 50))}  p99 ${ms(percentile(cloudsecAll, 99))}`,
  );
  console.log(`answers delivered on response_url: ${sink.received() - WARM_UP}/${ROUNDS * COMMANDS}`);
  // A p99 of 200 samples is the second-slowest request, so one GC pause moves it; the median of the
  // rounds' p99s is the figure a single pause cannot swing.
  const bareP99 = percentile(bareP99s, 50);
  const cloudsecP99 = percentile(cloudsecP99s, 50);
  console.log(`median of the rounds' p99: bare ${ms(bareP99)}, cloudsec ${ms(cloudsecP99)}`);
  const ratioOk = cloudsecP99 <= 1.5 * bareP99;
  const deadlineOk = percentile(cloudsecAll, 100) < SLACK_DEADLINE_MS;
  console.log(
    `${ratioOk && deadlineOk ? 'PASS' : 'FAIL'}: cloudsec p99 ${ms(cloudsecP99)} ≤ 1.5 × bare p99 ` +
      `(${ms(1.5 * bareP99)}): ${ratioOk ? 'yes' : 'no'}; slowest cloudsec ack ${ms(percentile(cloudsecAll, 100))} ` +
      `< ${SLACK_DEADLINE_MS} ms: ${deadlineOk ? 'yes' : 'no'}`,
  );

  bareAgent.destroy();
  cloudsecAgent.destroy();
  await cloudsec.stop();
  await bare.stop();
  await sink.close();
  if (!(ratioOk && deadlineOk)) process.exitCode = 1;
};

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
