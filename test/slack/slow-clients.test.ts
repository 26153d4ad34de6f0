/**
 * The public port under a slow-loris and oversized bodies, on loopback only. Every client here is
 * bounded (a fixed number of connections, a fixed number of writes, a deadline) and stops by itself.
 * The app runs with short limits so that the timeouts fire within the test; production defaults are
 * the same mechanism with longer numbers.
 */
import net from 'node:net';
import { nowSeconds, postToSlackApp, signedHeaders, slashCommand } from '../fixtures/slack';
import { fakeWebApi, sleep, startEdgeApp, type EdgeApp } from './edge-harness';

const LIMITS = {
  headersTimeoutMs: 400,
  requestTimeoutMs: 800,
  connectionsCheckingIntervalMs: 50,
  maxBodyBytes: 64 * 1024,
  maxConnections: 8,
};

let edge: EdgeApp | undefined;
const clients: SlowClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.stop();
  await edge?.stop();
  edge = undefined;
});

interface SlowClient {
  /** Resolves when the server closes the connection: with what it answered (maybe nothing) and when. */
  closed: Promise<{ answer: string; afterMs: number }>;
  stop(): void;
}

/**
 * One connection that sends `head` at once, then `drip` one piece every `everyMs`, at most
 * `maxDrips` times: a bounded slow-loris client.
 */
const slowClient = (port: number, head: string, drip: string, everyMs = 100, maxDrips = 40): SlowClient => {
  const started = Date.now();
  const socket = net.connect({ host: '127.0.0.1', port });
  let answer = '';
  let drips = 0;
  let timer: NodeJS.Timeout | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.on('connect', () => {
    socket.write(head);
    timer = setInterval(() => {
      if (drips++ >= maxDrips || socket.destroyed) return clearInterval(timer);
      socket.write(drip);
    }, everyMs);
  });
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: Date.now() - started });
    }),
  );
  const client = { closed, stop: () => (clearInterval(timer), socket.destroy()) };
  clients.push(client);
  return client;
};

const slowHeaders = (port: number) =>
  slowClient(port, 'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: a\r\n');

const slowBody = (port: number) =>
  slowClient(
    port,
    'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n',
    'x',
  );

/** Resolves with the connection's outcome within `ms`, or 'still open'. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, sleep(ms).then(() => 'still open' as const)]);

describe('slow clients on the public port', () => {
  beforeEach(async () => {
    fakeWebApi();
    edge = await startEdgeApp({ extra: { httpLimits: LIMITS } });
  });

  it('when clients send their headers slowly, then they are cut after the headers timeout, and a signed request meanwhile works', async () => {
    const slow = Array.from({ length: 5 }, () => slowHeaders(edge!.port));

    const res = await postToSlackApp(edge!.baseUrl, slashCommand({ text: 'whoami' }));
    const outcomes = await Promise.all(slow.map((c) => within(c.closed, 3000)));

    expect(res.status).toBe(200);
    expect((await edge!.app.commands.next()).text).toBe('whoami');
    for (const outcome of outcomes) {
      expect(outcome).not.toBe('still open');
      if (outcome === 'still open') continue;
      expect(outcome.afterMs).toBeLessThan(2000);
    }
  });

  it('when a client sends its body one byte at a time, then it is cut after the request timeout with 408', async () => {
    const slow = slowBody(edge!.port);

    const outcome = await within(slow.closed, 3000);

    expect(outcome).not.toBe('still open');
    if (outcome === 'still open') return;
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(outcome.afterMs).toBeLessThan(2500);
    expect(edge!.app.commands.all).toEqual([]);
  });

  it('when the connection cap is reached, then further connections are refused, and once the slow ones are cut a signed request works again', async () => {
    const slow = Array.from({ length: LIMITS.maxConnections }, () => slowHeaders(edge!.port));
    await sleep(100);
    const extra = slowHeaders(edge!.port);

    const extraOutcome = await within(extra.closed, 300);
    await Promise.all(slow.map((c) => within(c.closed, 3000)));
    const res = await postToSlackApp(edge!.baseUrl, slashCommand({ text: 'whoami' }), { timestamp: nowSeconds() });

    expect(extraOutcome).not.toBe('still open');
    expect(res.status).toBe(200);
  });
});

describe('request bodies', () => {
  beforeEach(async () => {
    fakeWebApi();
    edge = await startEdgeApp({ extra: { httpLimits: LIMITS } });
  });

  it('when a signed body is larger than the cap (Content-Length), then the answer is 413 and nothing runs', async () => {
    const request = slashCommand({ text: `check s3 ${'a'.repeat(LIMITS.maxBodyBytes)}` });

    const res = await postToSlackApp(edge!.baseUrl, request);

    expect(res.status).toBe(413);
    await sleep(100);
    expect(edge!.app.commands.all).toEqual([]);
  });

  it('when Content-Length announces more than the cap, then 413 comes before the body is sent', async () => {
    const client = slowClient(
      edge!.port,
      `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n`,
      'x'.repeat(1024),
      20,
      20,
    );

    const outcome = await within(client.closed, 2000);

    expect(outcome).not.toBe('still open');
    if (outcome === 'still open') return;
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('when a chunked body grows past the cap, then the answer is 413 and the connection is closed', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const client = slowClient(
      edge!.port,
      'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
      10,
      40,
    );

    const outcome = await within(client.closed, 2000);

    expect(outcome).not.toBe('still open');
    if (outcome === 'still open') return;
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('when a signed body is just under the cap, then it is accepted', async () => {
    const filler = 'a'.repeat(LIMITS.maxBodyBytes - 1024);
    const request = slashCommand({ text: `whoami ${filler}` });
    expect(Buffer.byteLength(request.body)).toBeLessThan(LIMITS.maxBodyBytes);

    const res = await fetch(`${edge!.baseUrl}/slack/events`, {
      method: 'POST',
      headers: signedHeaders(request),
      body: request.body,
    });

    expect(res.status).toBe(200);
    expect((await edge!.app.commands.next()).text).toContain('whoami');
  });
});
