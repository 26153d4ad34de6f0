import { startOpsServer, type OpsRoute } from '../../src/slack/http-routes';
import { httpLimits } from '../../src/slack/request-guard';
import { stopDuringKeptAliveRequest } from '../fixtures/keep-alive-stop';

/**
 * The health and metrics server (Socket Mode's /healthz, the metrics port) closes like the Slack
 * port: a kept-alive connection busy when close() is called (a load balancer's health checks, a
 * scraper) is answered with Connection: close and ended, so close() returns (src/slack/stopping-server.ts).
 */
describe('the ops server', () => {
  it('when it is closed while a kept-alive connection is in the middle of a request, then that request is answered with Connection: close and the close completes', async () => {
    const routes: OpsRoute[] = [
      {
        method: 'GET',
        path: '/ping',
        handler: (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('pong'),
      },
    ];
    const server = await startOpsServer(routes, 0, '127.0.0.1', httpLimits());
    let closed = false;

    const answers = await stopDuringKeptAliveRequest(server.port, '/ping', () =>
      server.close().then(() => (closed = true)),
    );

    expect(answers).toHaveLength(2);
    expect(answers.every((a) => a.startsWith('HTTP/1.1 200 ') && a.includes('pong'))).toBe(true);
    expect(answers[0]).not.toMatch(/\r\nconnection: close\r\n/i);
    expect(answers[1]).toMatch(/\r\nconnection: close\r\n/i);
    expect(closed).toBe(true);
  });
});
