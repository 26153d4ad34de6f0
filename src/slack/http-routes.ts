import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';
import type { PrometheusMetrics } from './metrics';
import { applyServerLimits, serverOptionsFor, type HttpLimits } from './request-guard';
import { closeConnectionsWhenStopping } from './stopping-server';

/**
 * `GET /healthz` and `GET /metrics`. In HTTP mode they are custom routes of Bolt's receiver (one
 * port for Slack and for probes); in Socket Mode nothing else listens, so a small server of our own
 * serves them on PORT.
 *
 * Health is open: orchestrators probe it and it says nothing but ok. Metrics are not: command
 * names, outcomes and AWS error counts tell an outsider what is being used and what fails. On the
 * Slack port they are served only with METRICS_TOKEN, to bearers of it; METRICS_PORT gives them a
 * listener of their own (loopback unless METRICS_HOST says otherwise), with the token too if set.
 */

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface OpsRoute {
  path: string;
  method: 'GET';
  handler: RouteHandler;
}

export interface OpsRouteDeps {
  /** Ready means started and not stopping (and, in Socket Mode, connected). */
  isReady: () => boolean;
  metrics: PrometheusMetrics;
  logger: Logger;
  /** METRICS_TOKEN. Without it, /metrics is not among the routes of the Slack port. */
  metricsToken: string | undefined;
}

const sendJson = (res: ServerResponse, status: number, body: object) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `Authorization: Bearer <token>`, compared in constant time (over digests, so lengths do not leak either). */
const hasBearer = (req: IncomingMessage, token: string): boolean => {
  const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
};

export const healthRoute = (isReady: () => boolean): OpsRoute => ({
  path: '/healthz',
  method: 'GET',
  handler: (_req, res) =>
    isReady() ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'unavailable' }),
});

/** `token` undefined: served to anyone who reaches the listener (METRICS_PORT on loopback). */
export const metricsRoute = (deps: {
  metrics: PrometheusMetrics;
  logger: Logger;
  token: string | undefined;
}): OpsRoute => {
  const { metrics, logger, token } = deps;
  return {
    path: '/metrics',
    method: 'GET',
    handler: (req, res) => {
      if (token !== undefined && !hasBearer(req, token)) {
        res.writeHead(401, {
          'www-authenticate': 'Bearer',
          'content-type': 'application/json',
          'cache-control': 'no-store',
        });
        res.end(JSON.stringify({ status: 'unauthorized' }));
        return;
      }
      metrics.expose().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        (err: unknown) => {
          logger.error({ err }, 'could not render metrics');
          sendJson(res, 500, { status: 'error' });
        },
      );
    },
  };
};

/** The routes of the Slack port (or, in Socket Mode, of PORT). */
export const opsRoutes = ({ isReady, metrics, logger, metricsToken }: OpsRouteDeps): OpsRoute[] => [
  healthRoute(isReady),
  ...(metricsToken !== undefined ? [metricsRoute({ metrics, logger, token: metricsToken })] : []),
];

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `routes` on `port` (0 = any free port), 404 for anything else, with the same limits on slow clients as the Slack port. */
export const startOpsServer = (
  routes: readonly OpsRoute[],
  port: number,
  host: string | undefined,
  limits: HttpLimits,
): Promise<OpsServer> => {
  const server: Server = createServer(serverOptionsFor(limits), (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path && r.method === req.method);
    if (route) route.handler(req, res);
    else sendJson(res, 404, { status: 'not found' });
  });
  applyServerLimits(server, limits);
  let closing = false;
  closeConnectionsWhenStopping(server, () => closing);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            closing = true;
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
};
