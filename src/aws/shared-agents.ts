import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';

/**
 * One connection pool for every SDK client of the process. Left to itself, each SDK client makes
 * its own agent, so a scan (some fifty clients per account: services × regions, a role's per
 * account) opens a TLS connection for nearly every call and never reuses it for another account:
 * measured with the fake AWS served over TLS from another process (bench/scan-queue.ts), ~6,500
 * connections for 7,450 calls of 30 accounts, each holding ~60 KB of native TLS buffers until V8
 * collects its socket, so the native heap grew by ~1 MB per account. One pool per process lets
 * every account's calls to the same endpoint (iam, ec2.<region>, sts, …) reuse open connections:
 * fewer handshakes (CPU) and a number of sockets bound by hosts × maxSockets, not by the estate.
 *
 * A connection carries no credentials (every request is signed on its own), so sharing one between
 * accounts is sound. The agents ignore `destroy()`: an SDK client's destroy (estate.ts releases an
 * account's clients when it is done) destroys its handler's agents, which here would cut every other
 * account's calls in flight. Idle sockets close on their own (IDLE_MS) instead.
 */

/**
 * Calls in flight to one host at once, for all accounts together; more wait for a free connection.
 * The SDK's default is 50 per client; 16 shared keeps a host's connections busy (16 / 50 ms = 320
 * calls a second, beyond what AWS lets one caller do against one endpoint) and measured faster
 * than 50 in bench/scan-queue.ts (fewer connections opened: fewer handshakes).
 */
const MAX_SOCKETS_PER_HOST = 16;
/**
 * Idle connections kept per host. A busy endpoint's connections are rarely idle; what idles are a
 * burst's extra ones (a region's first calls) and every bucket's own host, each holding ~80 KB of
 * native TLS state: 30 accounts × 17 regions peaked at 329 MB RSS keeping all 16, 304 MB keeping 4,
 * in the same time (bench/scan-queue.ts, AWS calls in flight capped at 64).
 */
export const MAX_FREE_SOCKETS_PER_HOST = 4;
/**
 * An idle connection is closed after this long. A busy endpoint's are reused well within it; a
 * bucket's own host (virtual-hosted S3) is used by one account once, and its connection should not
 * outlive that by much (30 accounts × 2 regions, heap capped at 160 MB: peak RSS 318 MB at 15 s, 294 MB at 4 s;
 * 30 accounts × 17 regions, 4 kept per host: 304 MB at 4 s, 296 MB at 2 s, as fast).
 */
export const IDLE_MS = 2_000;

const options = {
  keepAlive: true,
  maxSockets: MAX_SOCKETS_PER_HOST,
  maxFreeSockets: MAX_FREE_SOCKETS_PER_HOST,
  scheduling: 'lifo' as const,
};

/**
 * Idle sockets time out after IDLE_MS; a reused one has no timeout of ours (the SDK sets its own per
 * call). Node's `timeout` agent option does the first, but also sets it on every new socket, where
 * with nock's mock sockets an error the test injects went unhandled; this is the free-socket half only.
 */
const keepAliveFor = (socket: Socket, kept: unknown): boolean => {
  // Node returns whether it keeps the socket (false on a server's `Keep-Alive: max` reached); its
  // typings say void.
  if (kept !== false) socket.setTimeout(IDLE_MS);
  return kept !== false;
};

/** An agent of the pool: see above. The same for http and https, so one mixin makes both. */
// A mixin's base must be constructible with any arguments (TypeScript's rule for mixins).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const shared = <Base extends new (...args: any[]) => http.Agent>(base: Base) =>
  class extends base {
    override keepSocketAlive(socket: Socket): boolean {
      return keepAliveFor(socket, super.keepSocketAlive(socket));
    }
    override reuseSocket(socket: Socket, request: http.ClientRequest): void {
      socket.setTimeout(0);
      super.reuseSocket(socket, request);
    }
    override destroy(): void {
      // Shared: see above. closeSharedAgents() ends it.
    }
    close(): void {
      super.destroy();
    }
  };
const SharedHttpAgent = shared(http.Agent);
const SharedHttpsAgent = shared(https.Agent);

let agents:
  { httpAgent: InstanceType<typeof SharedHttpAgent>; httpsAgent: InstanceType<typeof SharedHttpsAgent> } | undefined;

/** The process's agents, for an SDK client's requestHandler (http for an AWS_ENDPOINT_URL such as LocalStack's). */
export const sharedAgents = (): { httpAgent: http.Agent; httpsAgent: https.Agent } =>
  (agents ??= {
    httpAgent: new SharedHttpAgent(options),
    // One TLS context (the trusted CAs, parsed once) for every connection. Without it Node makes a
    // context per connection: measured ~10 % less CPU and 7–11 KB less memory per connection
    // opened, and a mid-scan heap snapshot held 1,169 contexts, one per TLS socket.
    httpsAgent: new SharedHttpsAgent({ ...options, secureContext: tls.createSecureContext() }),
  });

/** Closes every pooled connection (shutdown, tests); the next client makes new agents. */
export const closeSharedAgents = (): void => {
  agents?.httpAgent.close();
  agents?.httpsAgent.close();
  agents = undefined;
};
