import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';
import type { PrometheusMetrics } from './metrics';

/**
 * `GET /healthz` and `GET /metrics`. In HTTP mode they are custom routes of Bolt's receiver (one
 * port for Slack and for probes); in Socket Mode nothing else listens, so a small server of our own
 * serves them on PORT.
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
}

const sendJson = (res: ServerResponse, status: number, body: object) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

export const opsRoutes = ({ isReady, metrics, logger }: OpsRouteDeps): OpsRoute[] => [
  {
    path: '/healthz',
    method: 'GET',
    handler: (_req, res) =>
      isReady() ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'unavailable' }),
  },
  {
    path: '/metrics',
    method: 'GET',
    handler: (_req, res) => {
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
  },
];

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `routes` on `port` (0 = any free port), 404 for anything else. */
export const startOpsServer = (routes: readonly OpsRoute[], port: number, host?: string): Promise<OpsServer> => {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path && r.method === req.method);
    if (route) route.handler(req, res);
    else sendJson(res, 404, { status: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
};
