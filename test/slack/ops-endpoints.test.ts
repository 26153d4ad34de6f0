/**
 * Health stays open on the Slack port (orchestrators probe it); metrics do not: they name commands,
 * outcomes and AWS error counts, which is reconnaissance for anyone who can reach the public port.
 * They are served on METRICS_PORT (loopback unless METRICS_HOST says otherwise) or, with
 * METRICS_TOKEN, to bearers of the token.
 */
import { postToSlackApp, slashCommand } from '../fixtures/slack';
import { fakeWebApi, startEdgeApp, type EdgeApp } from './edge-harness';

const TOKEN = 'metrics-token-0123456789abcdef';

let edge: EdgeApp | undefined;

beforeEach(() => {
  fakeWebApi();
});

afterEach(async () => {
  await edge?.stop();
  edge = undefined;
});

describe('/metrics on the Slack port', () => {
  it('when no metrics setting is given, then /metrics is not served on the Slack port and /healthz still is', async () => {
    edge = await startEdgeApp();

    const metrics = await fetch(`${edge.baseUrl}/metrics`);
    const health = await fetch(`${edge.baseUrl}/healthz`);

    expect(metrics.status).toBe(404);
    expect(await metrics.text()).not.toContain('cloudsec_');
    expect(health.status).toBe(200);
  });

  it('when METRICS_TOKEN is set, then /metrics needs it as a bearer token', async () => {
    edge = await startEdgeApp({ env: { METRICS_TOKEN: TOKEN } });

    const none = await fetch(`${edge.baseUrl}/metrics`);
    const wrong = await fetch(`${edge.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    const basic = await fetch(`${edge.baseUrl}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } });
    const right = await fetch(`${edge.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });

    expect([none.status, wrong.status, basic.status]).toEqual([401, 401, 401]);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.text()).not.toContain('cloudsec_');
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('# TYPE cloudsec_ack_latency_seconds histogram');
  });

  it('when a command was acked, then the token holder sees one ack latency observation', async () => {
    edge = await startEdgeApp({ env: { METRICS_TOKEN: TOKEN } });
    await postToSlackApp(edge.baseUrl, slashCommand());
    await edge.app.commands.next();

    const text = await (
      await fetch(`${edge.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();

    expect(text).toMatch(/^cloudsec_ack_latency_seconds_count 1$/m);
  });
});

describe('METRICS_PORT', () => {
  it('when METRICS_PORT is set, then metrics are served there on loopback and not on the Slack port', async () => {
    edge = await startEdgeApp({ env: { METRICS_PORT: '0' } });
    const metricsPort = edge.running.metricsPort!;

    const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    const slackPort = await fetch(`${edge.baseUrl}/metrics`);
    const eventsOnMetricsPort = await fetch(`http://127.0.0.1:${metricsPort}/slack/events`, { method: 'POST' });

    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(edge.port);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('cloudsec_commands_total');
    expect(slackPort.status).toBe(404);
    expect(eventsOnMetricsPort.status).toBe(404);
  });

  it('when METRICS_PORT and METRICS_TOKEN are both set, then the metrics port asks for the token too', async () => {
    edge = await startEdgeApp({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
    const url = `http://127.0.0.1:${edge.running.metricsPort!}/metrics`;

    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('when the app stops, then the metrics port is closed too', async () => {
    edge = await startEdgeApp({ env: { METRICS_PORT: '0' } });
    const url = `http://127.0.0.1:${edge.running.metricsPort!}/metrics`;

    await edge.stop();
    edge = undefined;

    await expect(fetch(url)).rejects.toThrow();
  });
});
