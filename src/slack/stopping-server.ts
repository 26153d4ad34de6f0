import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Lets a stopping HTTP server finish. `server.close()` closes the connections idle at that moment
 * and waits for the others, but a client that keeps a connection alive (a load balancer, Slack)
 * sends its next request on it: a connection busy when close() was called never became idle, and
 * close() never returned. Seen in test/replicas/rolling-restart: a replica told to stop while
 * still in the balancer's rotation went on answering for minutes, one run in three or four.
 * Once stopping, every answer says `Connection: close` (Node closes the connection after it), and
 * a connection whose answer was already under way is closed as soon as it goes idle.
 */
export const closeConnectionsWhenStopping = (server: Server, stopping: () => boolean): void => {
  // Before the application's own listener, so the header is set before anything is written.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping()) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      // After Node has marked the connection idle (it does so once the answer is finished).
      if (stopping()) setImmediate(() => server.closeIdleConnections());
    });
  });
};
