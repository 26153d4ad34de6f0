import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What the app records. The use cases call these methods and never see prom-client, so the console
 * demo and tests can pass `noMetrics`.
 *
 * Label values must come from small fixed sets (command names, outcomes, AWS service and error
 * names), never from user input: every distinct value is a new time series.
 */
export interface Metrics {
  /** `name` is the parsed subcommand (`check`, `findings`, …; `unknown` for anything else). */
  commandCompleted(name: string, outcome: CommandOutcome): void;
  /** Seconds from receiving a Slack request to acknowledging it. */
  ackObserved(seconds: number): void;
  /** One AWS API call; `errorCode` is the SDK error name (`AccessDenied`, `ThrottlingException`) or null. */
  awsCall(service: string, errorCode: string | null): void;
  scanObserved(seconds: number): void;
}

/** `error` is cloudsec's fault or AWS's; `denied` and `invalid` are answered to the user as such. */
export type CommandOutcome = 'ok' | 'denied' | 'invalid' | 'error';

/** Metrics plus the Prometheus exposition that `GET /metrics` serves. */
export interface PrometheusMetrics extends Metrics {
  /** A request the Slack port refused before Bolt saw it; `reason` is one of request-guard's RefusalReason. */
  slackRequestRefused(reason: string): void;
  readonly contentType: string;
  expose(): Promise<string>;
}

export const noMetrics: Metrics = {
  commandCompleted: () => undefined,
  ackObserved: () => undefined,
  awsCall: () => undefined,
  scanObserved: () => undefined,
};

// Slack gives up on an ack after 3 s, so the buckets are fine below that and stop just above it.
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
const SCAN_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * A registry of its own rather than prom-client's global one, so two apps in one process (tests,
 * the ack bench) do not share or clash over series.
 */
export const createMetrics = (options: { defaultMetrics?: boolean } = {}): PrometheusMetrics => {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });

  const commands = new Counter({
    name: 'cloudsec_commands_total',
    help: 'Slash commands handled, by subcommand and outcome.',
    labelNames: ['command', 'outcome'] as const,
    registers: [registry],
  });
  const ackLatency = new Histogram({
    name: 'cloudsec_ack_latency_seconds',
    help: 'Time from receiving a Slack request to acknowledging it.',
    buckets: ACK_BUCKETS,
    registers: [registry],
  });
  const awsCalls = new Counter({
    name: 'cloudsec_aws_calls_total',
    help: 'AWS API calls, by service and error name ("none" when the call succeeded).',
    labelNames: ['service', 'error'] as const,
    registers: [registry],
  });
  const scanDuration = new Histogram({
    name: 'cloudsec_scan_duration_seconds',
    help: 'Duration of posture scans, collection included.',
    buckets: SCAN_BUCKETS,
    registers: [registry],
  });

  const refused = new Counter({
    name: 'cloudsec_slack_requests_refused_total',
    help: 'Requests refused on the Slack port before any handler ran, by reason (stale, replay, too_large, …).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });

  return {
    slackRequestRefused: (reason) => refused.inc({ reason }),
    commandCompleted: (name, outcome) => commands.inc({ command: name, outcome }),
    ackObserved: (seconds) => ackLatency.observe(seconds),
    awsCall: (service, errorCode) => awsCalls.inc({ service, error: errorCode ?? 'none' }),
    scanObserved: (seconds) => scanDuration.observe(seconds),
    contentType: registry.contentType,
    expose: () => registry.metrics(),
  };
};
