import { z } from 'zod';
import { fact } from './fact';

/**
 * What cloudsec reads for CIS section 4 (monitoring), once per account: for the CloudWatch Logs log
 * group of each multi-region trail, its metric filters and the alarms on their metrics, and for every
 * SNS topic those alarms notify, whether anyone receives the notification. Every value an AWS answer
 * provides is a `Fact` (./fact.ts), so a refused or odd answer is carried as missing evidence rather
 * than as an empty list. Which trails count, and whether a filter covers a CIS pattern, is decided by
 * the checks (src/core/checks/cloudwatch), not here.
 */

/** A CloudWatch metric as a metric filter publishes it or an alarm reads it. */
export const MetricRefSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  /**
   * Whether the metric carries dimensions. CloudWatch keeps one time series per combination of
   * dimension values, so an alarm on a dimensioned metric watches one value only, and an alarm without
   * dimensions never sees what a filter publishes with them: neither watches every matching event.
   */
  dimensioned: z.boolean(),
});
export type MetricRef = z.infer<typeof MetricRefSchema>;

export const MetricFilterSchema = z.object({
  name: z.string(),
  /** The filter pattern exactly as CloudWatch Logs holds it. */
  pattern: z.string(),
  /**
   * A pre-selection on system fields (`fieldSelectionCriteria`): only the log events it selects reach
   * the pattern. null when the filter has none (every event does).
   */
  selectionCriteria: z.string().nullable(),
  /** `applyOnTransformedLogs`: the pattern sees a log transformer's output, not CloudTrail's own JSON. */
  onTransformedLogs: z.boolean(),
  /** One entry per metric transformation (the API allows one today, but answers with a list). */
  metrics: z.array(MetricRefSchema),
});
export type MetricFilter = z.infer<typeof MetricFilterSchema>;

/** A metric alarm that reads one of a log group's filter metrics (other alarms are not kept). */
export const MetricAlarmSchema = z.object({
  name: z.string(),
  /**
   * The metric the alarm evaluates: its own metric, or, in a metric-math alarm, the query it returns
   * when that query reads a metric. null when the alarm returns a math expression, whose result
   * cloudsec does not evaluate.
   */
  metric: MetricRefSchema.nullable(),
  /** Every metric the alarm reads (its own, or each MetricStat of a metric-math alarm). */
  readsMetrics: z.array(MetricRefSchema),
  actionsEnabled: z.boolean(),
  /** ARNs the alarm notifies when it goes into ALARM (SNS topics, Lambda functions, Systems Manager, …). */
  alarmActions: z.array(z.string()),
});
export type MetricAlarm = z.infer<typeof MetricAlarmSchema>;

export const MonitoredLogGroupSchema = z.object({
  /** The trail's CloudWatchLogsLogGroupArn, exactly as CloudTrail gives it (the checks look it up by this). */
  arn: z.string(),
  region: z.string(),
  name: z.string(),
  /** null: the log group does not exist (DescribeMetricFilters answered ResourceNotFoundException). */
  metricFilters: fact(z.array(MetricFilterSchema).nullable()),
  /** The region's metric alarms that read a metric of these filters. */
  alarms: fact(z.array(MetricAlarmSchema)),
});
export type MonitoredLogGroup = z.infer<typeof MonitoredLogGroupSchema>;

/** Who would receive an SNS notification. A subscription waiting for confirmation receives nothing. */
export const TopicSubscribersSchema = z.object({
  /** false: ListSubscriptionsByTopic answered NotFound (the topic was deleted). */
  exists: z.boolean(),
  confirmed: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
});
export type TopicSubscribers = z.infer<typeof TopicSubscribersSchema>;

export const CloudWatchSliceSchema = z.object({
  /** The log groups multi-region trails of this account send to (from DescribeTrails in the home region). */
  logGroups: fact(z.array(MonitoredLogGroupSchema)),
  /** By topic ARN: every SNS topic an alarm in `logGroups` notifies. */
  topics: z.record(z.string(), fact(TopicSubscribersSchema)),
});
export type CloudWatchSlice = z.infer<typeof CloudWatchSliceSchema>;

/**
 * A log group ARN as CloudTrail names it: `arn:<partition>:logs:<region>:<account>:log-group:<name>:*`
 * (the trailing `:*` is how CloudTrail writes it; log group names contain no `:`). null when the
 * string is not such an ARN.
 */
export const parseLogGroupArn = (arn: string): { region: string; accountId: string; name: string } | null => {
  const m = /^arn:[a-z0-9-]+:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(?::\*)?$/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : null;
};

/** An SNS topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`), or null for any other action. */
export const parseSnsTopicArn = (arn: string): { region: string; accountId: string; name: string } | null => {
  const m = /^arn:[a-z0-9-]+:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : null;
};
