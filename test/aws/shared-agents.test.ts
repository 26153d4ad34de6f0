import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import { closeSharedAgents, IDLE_MS, MAX_FREE_SOCKETS_PER_HOST } from '../../src/aws/shared-agents';

/**
 * Every SDK client of the process takes its connections from one pool (src/aws/shared-agents.ts):
 * the clients of different accounts reuse each other's open connections, and destroying one
 * account's clients (estate.ts, when the account is done) does not cut another account's call.
 * Real SDK clients against a real HTTP server on loopback (AWS_ENDPOINT_URL), which counts the
 * connections it is asked to open. nock (which test/setup-nock.ts switches on for every file) would
 * hide exactly what is tested here: its mock sockets ask for `Connection: close`. It is off in this file.
 */

/** GetCallerIdentity's answer in STS's query protocol (AWS STS API reference). */
const callerIdentityXml = (account: string) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
  `<Arn>arn:aws:iam::${account}:user/cloudsec</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>${account}</Account>` +
  `</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>` +
  `</GetCallerIdentityResponse>`;

const REGION = 'us-east-1';
const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

// Switched off for the whole file and left off: test/setup-nock.ts restores it after every file, and
// an activate() here, running after that, left a second interceptor on the worker's http module for
// the next file, whose injected failures then went unhandled at random (errors.test, accounts.test,
// collectors/iam.test: up to 40 tests red when they shared a Jest worker with this file).
beforeAll(() => nock.restore());

let server: http.Server;
/** This test's server's connections (a previous test's close late: they count on their own object). */
let counts = { opened: 0, closed: 0 };
/** Answers wait until this many requests are waiting together (1: each at once). */
let answerInGroupsOf = 1;
let waiting: (() => void)[] = [];
const savedEndpoint = process.env.AWS_ENDPOINT_URL;

beforeEach(async () => {
  const mine = { opened: 0, closed: 0 };
  counts = mine;
  answerInGroupsOf = 1;
  waiting = [];
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // STS's query protocol: the account in the answer is the one the signing key names (see below).
      const account = /Credential=AKID(\d{12})/.exec(req.headers.authorization ?? '')?.[1] ?? '111111111111';
      waiting.push(() => res.writeHead(200, { 'content-type': 'text/xml' }).end(callerIdentityXml(account)));
      // Held until the group is complete: requests in flight together, whatever the machine's speed.
      if (waiting.length >= answerInGroupsOf) waiting.splice(0).forEach((answer) => answer());
    });
  });
  // Longer than the test waits: a connection closed in it was closed by the client (Node's default is 5 s).
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    mine.opened += 1;
    socket.on('close', () => (mine.closed += 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  closeSharedAgents();
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = savedEndpoint;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The clients of one account, as each account's own factory makes them (estate.ts: one factory per role account). */
const stsOf = (account: string) =>
  makeClientFactory({
    homeRegion: REGION,
    credentials: async () => ({ ...(await credentials()), accessKeyId: `AKID${account}` }),
  })({ accountId: account }).sts(REGION);

const whoAmI = async (client: ReturnType<typeof stsOf>) =>
  (await client.send(new GetCallerIdentityCommand({}))).Account;

describe('one connection pool for every SDK client', () => {
  it('when clients of different accounts call the same endpoint one after another, then they reuse one connection', async () => {
    const accounts = ['222222222222', '333333333333', '444444444444'];
    const answered = [];
    for (const account of accounts) {
      const sts = stsOf(account);
      answered.push(await whoAmI(sts));
      answered.push(await whoAmI(sts));
      // Done with the account, as estate.ts releases it: its clients are destroyed.
      sts.destroy();
    }
    expect(answered).toEqual(accounts.flatMap((a) => [a, a]));
    expect(counts.opened).toBe(1);
  });

  it("when one account's clients are destroyed while another account's call is in flight, then that call still answers", async () => {
    const done = stsOf('222222222222');
    expect(await whoAmI(done)).toBe('222222222222');
    // Two calls held in flight (answers wait for a third request, which never comes) while `done` goes.
    answerInGroupsOf = 3;
    const busy = stsOf('333333333333');
    const inFlight = Promise.all([whoAmI(busy), whoAmI(busy)]);
    await until(() => waiting.length === 2);
    done.destroy();
    waiting.splice(0).forEach((answer) => answer());
    await expect(inFlight).resolves.toEqual(['333333333333', '333333333333']);
  });

  it('when calls to one endpoint run side by side, then they open as many connections as are in flight, reused afterwards', async () => {
    answerInGroupsOf = MAX_FREE_SOCKETS_PER_HOST;
    const sts = stsOf('222222222222');
    await Promise.all(Array.from({ length: MAX_FREE_SOCKETS_PER_HOST }, () => whoAmI(sts)));
    const afterBurst = counts.opened;
    await Promise.all(Array.from({ length: MAX_FREE_SOCKETS_PER_HOST }, () => whoAmI(stsOf('333333333333'))));
    expect(afterBurst).toBe(MAX_FREE_SOCKETS_PER_HOST);
    expect(counts.opened).toBe(MAX_FREE_SOCKETS_PER_HOST);
  });

  it('when a burst opened more connections than MAX_FREE_SOCKETS_PER_HOST, then only that many stay open once it is over', async () => {
    const burst = MAX_FREE_SOCKETS_PER_HOST + 3;
    answerInGroupsOf = burst;
    const sts = stsOf('222222222222');
    await Promise.all(Array.from({ length: burst }, () => whoAmI(sts)));
    expect(counts.opened).toBe(burst);
    // The extra ones are closed as soon as their call is answered, not after IDLE_MS.
    await until(() => counts.closed === 3, IDLE_MS / 2);
    answerInGroupsOf = MAX_FREE_SOCKETS_PER_HOST;
    await Promise.all(Array.from({ length: MAX_FREE_SOCKETS_PER_HOST }, () => whoAmI(sts)));
    expect(counts.opened).toBe(burst);
    expect(counts.closed).toBe(3);
  });

  it('when a connection has been idle for IDLE_MS, then it is closed; one in use is not', async () => {
    const sts = stsOf('222222222222');
    await whoAmI(sts);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 2));
    // Used again halfway: its idle time starts over.
    await whoAmI(sts);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 2 + 200));
    expect(counts.closed).toBe(0);
    await until(() => counts.closed === 1, IDLE_MS);
    expect(counts.opened).toBe(1);
  }, 20_000);
});

/** Polls `condition` until it holds (or fails the test after `ms`). */
const until = async (condition: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
