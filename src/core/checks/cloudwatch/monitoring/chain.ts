import type { CisMonitoringControl } from '../../../cis-monitoring';
import { coversCisPattern, filterPatternDnf, type Coverage } from '../../../metric-filter-pattern';
import {
  parseLogGroupArn,
  parseSnsTopicArn,
  type CloudWatchSlice,
  type CollectError,
  type MetricAlarm,
  type MetricFilter,
  type MetricRef,
  type MonitoredLogGroup,
} from '../../../model';

/**
 * CIS section 4's chain on one trail's log group, link by link: a metric filter on the log group
 * whose pattern covers the control's events → a metric alarm on that filter's metric, actions enabled,
 * notifying an SNS topic → the topic has a confirmed subscriber. Any complete chain passes. Otherwise
 * the outcome names the furthest link reached (`stage`), so a finding says what to fix next rather
 * than everything that is not there; a link whose evidence is missing makes the outcome unknown,
 * since that link might have completed a chain.
 */
export type ChainOutcome =
  | { kind: 'pass'; message: string; evidence: Record<string, unknown> }
  | { kind: 'fail'; stage: Stage; message: string; evidence: Record<string, unknown> }
  /** A call's error says why (the finding names what to grant or retry)… */
  | { kind: 'unknown'; error: CollectError; evidence: Record<string, unknown> }
  /** …or cloudsec's own sentence does (evidence that was never collected, or cannot be read here). */
  | { kind: 'unknown'; error: null; message: string; evidence: Record<string, unknown> };

/** How far a broken chain got; a higher stage is closer to passing. */
export const Stage = { NoLogGroup: 0, NoFilter: 1, NoAlarm: 2, NoNotification: 3, NoSubscriber: 4 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

type Outcome = ChainOutcome;
const fail = (stage: Stage, message: string, evidence: Record<string, unknown> = {}): Outcome => ({
  kind: 'fail',
  stage,
  message,
  evidence,
});
const unknown = (message: string, evidence: Record<string, unknown> = {}): Outcome => ({
  kind: 'unknown',
  error: null,
  message,
  evidence,
});
const refused = (error: CollectError, evidence: Record<string, unknown> = {}): Outcome => ({
  kind: 'unknown',
  error,
  evidence,
});

// ---------------------------------------------------------------- filters

type Judged = { filter: MetricFilter; coverage: Coverage };

/**
 * Whether a filter's pattern covers the control. A filter that pre-selects events on system fields,
 * or reads a log transformer's output, sees events its pattern cannot be judged on: not covering.
 */
const judgeFilter = (filter: MetricFilter, control: CisMonitoringControl): Judged => {
  const cannot = (reason: string): Judged => ({
    filter,
    coverage: { covers: false, reason, missing: [], narrowing: [], catchAll: [] },
  });
  if (filter.selectionCriteria !== null)
    return cannot(
      `it only processes the events its field selection criteria \`${filter.selectionCriteria}\` select, which may leave some out`,
    );
  if (filter.onTransformedLogs)
    return cannot("it reads a log transformer's output, not CloudTrail's own events, so its pattern cannot be judged");
  return { filter, coverage: coversCisPattern(filter.pattern, control.requirement) };
};

/** The selectors a pattern reads (`$.eventName`, …); none when it cannot be read. */
const selectorsOf = (pattern: string): Set<string> => {
  const dnf = filterPatternDnf(pattern);
  return new Set(dnf.ok ? dnf.conjunctions.flatMap((c) => c.map((t) => t.selector)) : []);
};

/**
 * Of failing filters that share conditions with the missing events, the closest, to name in the
 * finding: fewest required event groups missed; then the most selectors in common with the
 * requirement (`MFAUsed = "No"` is closer to `MFAUsed != "Yes"` than an `errorMessage` condition is);
 * then the fewest narrowing terms.
 */
const closest = (candidates: Judged[], control: CisMonitoringControl): Judged | undefined => {
  const required = selectorsOf(control.requirement.pattern);
  const rank = ({ filter, coverage: c }: Judged): [number, number, number] => {
    if (c.covers) return [0, 0, 0];
    const shared = [...selectorsOf(filter.pattern)].filter((sel) => required.has(sel)).length;
    return [c.missing.length, -shared, c.narrowing.length];
  };
  const compare = (a: [number, number, number], b: [number, number, number]) =>
    a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  return [...candidates].sort((a, b) => compare(rank(a), rank(b)))[0];
};

// ---------------------------------------------------------------- alarms and topics

const sameMetric = (a: MetricRef, b: MetricRef) => a.name === b.name && a.namespace === b.namespace;
const metricLabel = (m: MetricRef) => `${m.namespace}/${m.name}`;

/** The alarms that watch a filter metric itself (a metric with dimensions is never watched whole). */
const alarmsOn = (metric: MetricRef, alarms: MetricAlarm[]) =>
  metric.dimensioned
    ? []
    : alarms.filter((a) => a.metric !== null && !a.metric.dimensioned && sameMetric(a.metric, metric));

const snsTopics = (alarm: MetricAlarm) => alarm.alarmActions.filter((a) => parseSnsTopicArn(a) !== null);

/** Why the covering filters' metrics have no usable alarm, one clause per near miss. */
const alarmNearMisses = (covering: MetricFilter[], alarms: MetricAlarm[]): string[] =>
  covering.flatMap((f) =>
    f.metrics.flatMap((m) => {
      if (m.dimensioned)
        return [
          `filter ${f.name} publishes ${metricLabel(m)} with dimensions, so no alarm sees every matching event in one metric`,
        ];
      return alarms
        .filter((a) => a.readsMetrics.some((r) => sameMetric(r, m)) && !alarmsOn(m, [a]).length)
        .map((a) =>
          a.metric === null
            ? `alarm ${a.name} reads ${metricLabel(m)} only inside a metric-math expression, whose result cloudsec does not judge`
            : `alarm ${a.name} watches ${metricLabel(a.metric)} with dimensions, which is not the filter's metric`,
        );
    }),
  );

// ---------------------------------------------------------------- the chain

export interface ChainInput {
  control: CisMonitoringControl;
  accountId: string;
  trailName: string;
  logGroupArn: string;
  cloudwatch: CloudWatchSlice;
}

const findLogGroup = (input: ChainInput): MonitoredLogGroup | Outcome => {
  const { logGroupArn, accountId, cloudwatch, trailName } = input;
  const parsed = parseLogGroupArn(logGroupArn);
  if (!parsed)
    return unknown(
      `Could not check: trail ${trailName} names its CloudWatch Logs log group as \`${logGroupArn}\`, which is not a log group ARN cloudsec can read.`,
    );
  if (parsed.accountId !== accountId)
    return unknown(
      `Could not check: trail ${trailName} sends its events to log group ${parsed.name} in account ${parsed.accountId}; its metric filters and alarms live there, so check that account.`,
      { logGroup: logGroupArn, logGroupAccount: parsed.accountId },
    );
  if (!cloudwatch.logGroups.ok) return refused(cloudwatch.logGroups.error);
  const group = cloudwatch.logGroups.value.find((g) => g.arn === logGroupArn);
  return (
    group ??
    unknown(
      `Could not check: log group ${parsed.name} of trail ${trailName} was not collected in this snapshot (the trail may have changed during the scan); collect again.`,
      { logGroup: logGroupArn },
    )
  );
};

/** The chain on the log group of one counting trail. */
export const evaluateChain = (input: ChainInput): ChainOutcome => {
  const { control, trailName } = input;
  const group = findLogGroup(input);
  if ('kind' in group) return group;
  const where = `log group ${group.name} (trail ${trailName}, ${group.region})`;
  const base = { trail: trailName, logGroup: group.arn };

  if (!group.metricFilters.ok) return refused(group.metricFilters.error, base);
  const filters = group.metricFilters.value;
  if (filters === null)
    return fail(Stage.NoLogGroup, `${where} does not exist, so no metric filter can watch it`, base);
  if (filters.length === 0)
    return fail(Stage.NoFilter, `${where} has no metric filter`, { ...base, metricFilters: [] });

  const judged = filters.map((f) => judgeFilter(f, control));
  const covering = judged.filter((j) => j.coverage.covers).map((j) => j.filter);
  if (covering.length === 0) {
    // A filter is named as "closest" only when it shares conditions with the missing events (the
    // matcher then names what narrows it); a filter about other events is not close to anything.
    // Filters whose pattern cannot be judged at all are named too: one of them may be meant for these.
    const near = closest(
      judged.filter((j) => !j.coverage.covers && j.coverage.narrowing.length > 0),
      control,
    );
    const nearMiss = near && !near.coverage.covers ? near.coverage : null;
    const unjudged = judged.flatMap((j) => (!j.coverage.covers && j.coverage.missing.length === 0 ? [j] : []));
    const firstUnjudged = unjudged[0];
    const notes = [
      ...(near && nearMiss ? [`closest is filter ${near.filter.name}, where ${nearMiss.reason}`] : []),
      ...(firstUnjudged && !firstUnjudged.coverage.covers
        ? [
            `filter ${firstUnjudged.filter.name} cannot be judged: ${firstUnjudged.coverage.reason}` +
              (unjudged.length > 1
                ? ` (and ${unjudged.length - 1} more such filter${unjudged.length > 2 ? 's' : ''})`
                : ''),
          ]
        : []),
    ];
    return fail(Stage.NoFilter, [`no metric filter on ${where} matches all ${control.events}`, ...notes].join('; '), {
      ...base,
      metricFilters: filters.map((f) => f.name),
      closestFilter: near?.filter.name ?? null,
      closestPattern: near?.filter.pattern ?? null,
      missing: nearMiss?.missing ?? [],
      narrowing: nearMiss?.narrowing ?? [],
      unjudgedFilters: unjudged.map((j) => j.filter.name),
    });
  }
  const coveringNames = covering.map((f) => f.name);

  if (!group.alarms.ok) return refused(group.alarms.error, { ...base, coveringFilters: coveringNames });
  const alarms = group.alarms.value;
  const watching = [...new Set(covering.flatMap((f) => f.metrics.flatMap((m) => alarmsOn(m, alarms))))];
  if (watching.length === 0) {
    const metrics = covering.flatMap((f) => f.metrics.map(metricLabel));
    const notes = alarmNearMisses(covering, alarms);
    return fail(
      Stage.NoAlarm,
      `metric filter ${coveringNames.join(', ')} on ${where} matches all ${control.events}, but no alarm watches its metric ${metrics.join(', ')}` +
        (notes.length > 0 ? ` (${notes.join('; ')})` : ''),
      { ...base, coveringFilters: coveringNames, metrics },
    );
  }

  const notifying = watching.filter((a) => a.actionsEnabled && snsTopics(a).length > 0);
  if (notifying.length === 0) {
    const clauses = watching.map((a) =>
      !a.actionsEnabled
        ? `alarm ${a.name} has its actions disabled`
        : `alarm ${a.name} notifies no SNS topic${a.alarmActions.length > 0 ? ` (only ${a.alarmActions.join(', ')})` : ''}`,
    );
    return fail(Stage.NoNotification, `${clauses.join('; ')}, so nobody is told of ${control.events}`, {
      ...base,
      coveringFilters: coveringNames,
      alarms: watching.map((a) => ({ name: a.name, actionsEnabled: a.actionsEnabled, alarmActions: a.alarmActions })),
    });
  }

  const feeding = (alarm: MetricAlarm) =>
    covering.find((f) => f.metrics.some((m) => alarmsOn(m, [alarm]).length > 0))?.name ?? coveringNames[0];
  return judgeTopics(input, notifying, feeding, { ...base, coveringFilters: coveringNames }, where);
};

const judgeTopics = (
  input: ChainInput,
  notifying: MetricAlarm[],
  feeding: (alarm: MetricAlarm) => string | undefined,
  evidence: Record<string, unknown>,
  where: string,
): Outcome => {
  const { control, cloudwatch } = input;
  const pairs = notifying.flatMap((alarm) => snsTopics(alarm).map((topic) => ({ alarm, topic })));
  const clauses: string[] = [];
  let undecided: Outcome | null = null;
  for (const { alarm, topic } of pairs) {
    const subscribers = cloudwatch.topics[topic];
    if (!subscribers) {
      undecided ??= unknown(
        `Could not check: the subscribers of SNS topic ${topic} (notified by alarm ${alarm.name}) were not collected in this snapshot; collect again.`,
        { ...evidence, topic },
      );
      continue;
    }
    if (!subscribers.ok) {
      undecided ??= refused(subscribers.error, { ...evidence, topic });
      continue;
    }
    const { exists, confirmed, pending } = subscribers.value;
    if (exists && confirmed > 0) {
      return {
        kind: 'pass',
        message: `metric filter ${feeding(alarm) ?? '?'} on ${where} feeds alarm ${alarm.name}, which notifies SNS topic ${topic} (${confirmed} confirmed subscriber${confirmed === 1 ? '' : 's'})`,
        evidence: { ...evidence, filter: feeding(alarm), alarm: alarm.name, topic, confirmedSubscribers: confirmed },
      };
    }
    clauses.push(
      !exists
        ? `alarm ${alarm.name} notifies SNS topic ${topic}, which does not exist`
        : `alarm ${alarm.name} notifies SNS topic ${topic}, which has no confirmed subscriber${pending > 0 ? ` (${pending} pending confirmation)` : ''}`,
    );
  }
  if (undecided) return undecided;
  return fail(Stage.NoSubscriber, `${clauses.join('; ')}, so nobody receives the alarm on ${control.events}`, {
    ...evidence,
    alarms: notifying.map((a) => a.name),
    topics: pairs.map((p) => p.topic),
  });
};
