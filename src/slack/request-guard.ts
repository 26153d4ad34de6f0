import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerOptions, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from './logger';
import { SIGNATURE_NONCE_TTL_SECONDS, SIGNATURE_WINDOW_SECONDS, type NonceStore } from './nonces';
import { workspaceRefusal, type InstalledWorkspace } from './workspace';

/**
 * The public port's first line, in front of Bolt's HTTP receiver. Bolt reads up to 4 MB of any
 * request before it checks the signature, runs with Node's default timeouts (minutes), accepts a
 * timestamp any distance in the future, and runs a replayed request again. Here, in this order:
 *
 * 1. the body is capped while it is read (Slack's payloads are a few KB; a message with 50 blocks
 *    a few hundred): an announced or actual size over the cap gets 413 and the connection closes;
 * 2. the timestamp must be within 5 minutes of now, either way, and the signature must match;
 * 3. the payload must come from the installed workspace (403);
 * 4. the (timestamp, signature) pair must not have been seen, by this or any replica sharing the
 *    store (401), and if the store cannot say, the request is refused (503) rather than run
 *    without replay protection.
 *
 * Only then does Bolt get the request, with the body already read (it skips reading it again).
 * Slow clients are cut by the server's own timers (see `serverOptionsFor`), and the number of open
 * connections is capped, so a slow-loris holds at most `maxConnections × maxBodyBytes` of memory
 * for at most `requestTimeoutMs`.
 */

export interface HttpLimits {
  /** Largest request body read. Slack's largest payloads (block actions on a 50-block message) stay far below. */
  maxBodyBytes: number;
  /** A client must have sent all its headers within this time of connecting. */
  headersTimeoutMs: number;
  /** … and the whole request within this time. Slack sends a request at once. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often the server looks for requests past their timeouts. */
  connectionsCheckingIntervalMs: number;
  /** Open connections at most; more are closed as they arrive. */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: 256 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  connectionsCheckingIntervalMs: 1_000,
  maxConnections: 256,
};

export const httpLimits = (overrides: Partial<HttpLimits> = {}): HttpLimits => {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits))
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
  // Node refuses a headers timeout longer than the request timeout.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new RangeError('headersTimeoutMs must not be longer than requestTimeoutMs');
  return limits;
};

/** Options for `http.createServer` that make Node itself cut slow clients (with 408). */
export const serverOptionsFor = (limits: HttpLimits): ServerOptions => ({
  headersTimeout: limits.headersTimeoutMs,
  requestTimeout: limits.requestTimeoutMs,
  keepAliveTimeout: limits.keepAliveTimeoutMs,
  connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
});

/** What cannot be passed at construction: the connection cap, and a socket timeout for silent connections. */
export const applyServerLimits = (server: Server, limits: HttpLimits): void => {
  server.maxConnections = limits.maxConnections;
  // A connection that never sends a byte has no request for the timers above to time: this closes it.
  server.setTimeout(limits.requestTimeoutMs, (socket) => socket.destroy());
};

/** Why a request was refused; a fixed set, so it can label a metric. */
export type RefusalReason =
  | 'too_large'
  | 'unsigned'
  | 'stale'
  | 'bad_signature'
  | 'malformed'
  | 'foreign_workspace'
  | 'replay'
  | 'store_unavailable';

export interface SlackRequestGuardOptions {
  /** The events path (only POSTs to it are screened; everything else goes straight on). */
  path: string;
  signingSecret: string;
  limits: HttpLimits;
  clock: () => Date;
  nonces: NonceStore;
  workspace: InstalledWorkspace;
  logger: Logger;
  onRefused?: (reason: RefusalReason) => void;
}

type BufferedRequest = IncomingMessage & { rawBody?: Buffer };

class Refusal {
  constructor(
    readonly status: number,
    readonly reason: RefusalReason,
    readonly detail: string,
  ) {}
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=([0-9a-f]{64})$/;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Reads the body, stopping (and refusing) as soon as it passes `max` bytes. */
const readBody = (req: IncomingMessage, max: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Refusal | Error | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (err) reject(err);
      else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        chunks.length = 0;
        req.pause();
        finish(new Refusal(413, 'too_large', `body over ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(null, Buffer.concat(chunks, size));
    const onError = (err: Error) => finish(err);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    // A client that hangs up mid-body ends neither with 'end' nor always with 'error'.
    req.once('close', () => finish(new Error('the client closed the connection before sending the whole body')));
  });

const verifySignature = (secret: string, timestamp: string, body: Buffer, given: string): boolean => {
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest();
  const hex = SIGNATURE.exec(given)?.[1];
  if (!hex) return false;
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
};

/** The payload as Bolt will read it: form fields, the JSON in a form's `payload`, or a JSON body. */
const parsePayload = (req: IncomingMessage, body: Buffer): unknown => {
  const text = body.toString('utf8');
  const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const form = parseQuery(text);
    return typeof form['payload'] === 'string' ? JSON.parse(form['payload']) : form;
  }
  return JSON.parse(text);
};

const isSslCheck = (req: IncomingMessage, body: Buffer): boolean =>
  (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded') &&
  parseQuery(body.toString('utf8'))['ssl_check'] === '1';

const refuse = (res: ServerResponse, refusal: Refusal) => {
  if (res.headersSent) return;
  // A refused client gets no second request on this connection: whatever it is still sending is dropped.
  res.writeHead(refusal.status, { connection: 'close', 'content-length': '0' });
  res.end();
};

export const guardSlackRequests =
  (options: SlackRequestGuardOptions) =>
  (next: RequestListener): RequestListener => {
    const { limits, logger } = options;

    const screen = async (req: BufferedRequest): Promise<void> => {
      const announced = header(req, 'content-length');
      if (announced !== undefined && Number(announced) > limits.maxBodyBytes)
        throw new Refusal(413, 'too_large', `Content-Length ${announced} over ${limits.maxBodyBytes}`);
      const body = await readBody(req, limits.maxBodyBytes);
      req.rawBody = body;

      const timestamp = header(req, 'x-slack-request-timestamp');
      const signature = header(req, 'x-slack-signature');
      if (timestamp === undefined && signature === undefined && isSslCheck(req, body)) return; // Bolt answers it, nothing runs
      if (timestamp === undefined || signature === undefined || !TIMESTAMP.test(timestamp))
        throw new Refusal(401, 'unsigned', 'missing or malformed signature headers');
      const skew = Math.abs(Math.floor(options.clock().getTime() / 1000) - Number(timestamp));
      if (skew > SIGNATURE_WINDOW_SECONDS) throw new Refusal(401, 'stale', `timestamp ${skew} s away from now`);
      if (!verifySignature(options.signingSecret, timestamp, body, signature))
        throw new Refusal(401, 'bad_signature', 'signature mismatch');

      let payload: unknown;
      try {
        payload = parsePayload(req, body);
      } catch {
        throw new Refusal(400, 'malformed', 'body is not a Slack payload');
      }
      // Slack checking the request URL: answered with the challenge by Bolt, nothing runs.
      if ((payload as { type?: unknown } | null)?.type === 'url_verification') return;
      const foreign = workspaceRefusal(payload, options.workspace);
      if (foreign) throw new Refusal(403, 'foreign_workspace', foreign);

      let fresh: boolean;
      try {
        fresh = await options.nonces.claimNonce(
          `sig:${timestamp}:${signature}`,
          new Date((Number(timestamp) + SIGNATURE_NONCE_TTL_SECONDS) * 1000),
        );
      } catch (err) {
        logger.error({ err }, 'could not record a Slack request for replay protection; refusing it');
        throw new Refusal(503, 'store_unavailable', 'nonce store unavailable');
      }
      if (!fresh) throw new Refusal(401, 'replay', 'this signed request was already received');
    };

    return (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== options.path || req.method !== 'POST') return next(req, res);
      screen(req).then(
        () => {
          try {
            next(req, res);
          } catch (err) {
            logger.error({ err }, 'the Slack receiver failed on a verified request');
            if (!res.headersSent) res.writeHead(500, { 'content-length': '0' }).end();
          }
        },
        (err: unknown) => {
          const refusal =
            err instanceof Refusal ? err : new Refusal(400, 'malformed', `could not read the request: ${String(err)}`);
          logger.warn(
            {
              status: refusal.status,
              reason: refusal.reason,
              detail: refusal.detail,
              remote: req.socket.remoteAddress,
            },
            'Slack request refused',
          );
          options.onRefused?.(refusal.reason);
          refuse(res, refusal);
        },
      );
    };
  };
