import { createMetrics } from '../../src/slack/metrics';

describe('createMetrics', () => {
  it('when events are recorded, then the exposition has each series with its labels', async () => {
    const metrics = createMetrics();

    metrics.commandCompleted('check', 'ok');
    metrics.commandCompleted('check', 'ok');
    metrics.commandCompleted('findings', 'denied');
    metrics.ackObserved(0.012);
    metrics.awsCall('s3', null);
    metrics.awsCall('iam', 'AccessDenied');
    metrics.scanObserved(4.2);
    const text = await metrics.expose();

    expect(text).toMatch(/^cloudsec_commands_total\{command="check",outcome="ok"\} 2$/m);
    expect(text).toMatch(/^cloudsec_commands_total\{command="findings",outcome="denied"\} 1$/m);
    expect(text).toMatch(/^cloudsec_ack_latency_seconds_bucket\{le="0.025"\} 1$/m);
    expect(text).toMatch(/^cloudsec_ack_latency_seconds_bucket\{le="0.01"\} 0$/m);
    expect(text).toMatch(/^cloudsec_aws_calls_total\{service="s3",error="none"\} 1$/m);
    expect(text).toMatch(/^cloudsec_aws_calls_total\{service="iam",error="AccessDenied"\} 1$/m);
    expect(text).toMatch(/^cloudsec_scan_duration_seconds_count 1$/m);
    expect(metrics.contentType).toContain('text/plain');
  });

  it('when two registries exist in one process, then neither sees the other’s series', async () => {
    const a = createMetrics();
    const b = createMetrics();

    a.commandCompleted('check', 'ok');

    expect(await b.expose()).not.toMatch(/^cloudsec_commands_total\{/m);
  });

  it('when default metrics are asked for, then process metrics are exposed too', async () => {
    expect(await createMetrics({ defaultMetrics: true }).expose()).toContain('process_cpu_user_seconds_total');
  });
});
