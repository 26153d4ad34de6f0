import type { MetricAlarm as SdkMetricAlarm, Metric as SdkMetric } from '@aws-sdk/client-cloudwatch';
import { sdk } from '../sdk';
import type { MetricFilter as SdkMetricFilter } from '@aws-sdk/client-cloudwatch-logs';
import {
  known,
  parseLogGroupArn,
  parseSnsTopicArn,
  type CloudWatchSlice,
  type Fact,
  type MetricAlarm,
  type MetricFilter,
  type MetricRef,
  type MonitoredLogGroup,
  type TopicSubscribers,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import { describeTrailsIn } from './cloudtrail';
import type { CollectContext } from './context';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const CLOUDWATCH_COLLECTOR_PERMISSIONS = {
  DescribeTrails: 'cloudtrail:DescribeTrails',
  DescribeMetricFilters: 'logs:DescribeMetricFilters',
  DescribeAlarms: 'cloudwatch:DescribeAlarms',
  ListSubscriptionsByTopic: 'sns:ListSubscriptionsByTopic',
} as const;

type Operation = Exclude<keyof typeof CLOUDWATCH_COLLECTOR_PERMISSIONS, 'DescribeTrails'>;
const SERVICE_OF: Record<Operation, string> = {
  DescribeMetricFilters: 'logs',
  DescribeAlarms: 'cloudwatch',
  ListSubscriptionsByTopic: 'sns',
};
const meta = (operation: Operation, region: string): CallMeta => ({
  service: SERVICE_OF[operation],
  operation,
  permission: CLOUDWATCH_COLLECTOR_PERMISSIONS[operation],
  region,
});

/** The largest pages the APIs accept (DescribeMetricFilters 50, DescribeAlarms 100). */
const FILTER_PAGE = 50;
const ALARM_PAGE = 100;

const malformed = (operation: string, what: string): never => {
  throw new MalformedAnswerError(`${operation} answered ${what}`);
};

/**
 * CIS section 4's evidence for one account. The trails come from one DescribeTrails call in the home
 * region (a multi-region trail is listed in every region, and only multi-region trails count for
 * section 4); for each log group they send to in this account, its metric filters and the metric
 * alarms of its region that read their metrics; then, once per SNS topic those alarms notify, its
 * subscriptions. A log group of another account (an organization trail seen from a member account)
 * is not read: these credentials cannot, and the checks say so. Calls: 1 + per log group
 * (filter pages) + per log group region (alarm pages) + per topic (subscription pages).
 */
export const collectCloudWatch = async (ctx: CollectContext): Promise<CloudWatchSlice> => {
  const trails = await describeTrailsIn(ctx, ctx.homeRegion);
  if (!trails.ok) return { logGroups: trails, topics: {} };

  const arns = new Set(
    trails.value.flatMap((t) => (t.isMultiRegion && t.cloudWatchLogsLogGroupArn ? [t.cloudWatchLogsLogGroupArn] : [])),
  );
  const targets = [...arns].flatMap((arn) => {
    const parsed = parseLogGroupArn(arn);
    return parsed && parsed.accountId === ctx.accountId ? [{ arn, region: parsed.region, name: parsed.name }] : [];
  });

  // One DescribeAlarms listing per region, shared by the log groups of that region.
  const listings = new Map<string, Promise<SdkMetricAlarm[]>>();
  const alarmsIn = (region: string): Promise<SdkMetricAlarm[]> => {
    let listing = listings.get(region);
    if (!listing) listings.set(region, (listing = ctx.fanOut(() => listAlarms(ctx, region))));
    return listing;
  };

  const logGroups = await Promise.all(targets.map((t) => collectLogGroup(ctx, t, alarmsIn)));
  const topicArns = new Set(
    logGroups.flatMap((g) =>
      g.alarms.ok ? g.alarms.value.flatMap((a) => a.alarmActions.filter((action) => parseSnsTopicArn(action))) : [],
    ),
  );
  const topics = await Promise.all(
    [...topicArns].map(async (arn) => [arn, await ctx.fanOut(() => subscribersOf(ctx, arn))] as const),
  );
  return { logGroups: known(logGroups), topics: Object.fromEntries(topics) };
};

// ---------------------------------------------------------------- one log group

const collectLogGroup = async (
  ctx: CollectContext,
  target: { arn: string; region: string; name: string },
  alarmsIn: (region: string) => Promise<SdkMetricAlarm[]>,
): Promise<MonitoredLogGroup> => {
  const { region, name } = target;
  const metricFilters = await ctx.fanOut(() =>
    attempt<MetricFilter[] | null>(
      meta('DescribeMetricFilters', region),
      async () => {
        const all: MetricFilter[] = [];
        const pages = sdk.logs.paginateDescribeMetricFilters(
          { client: ctx.clients.logs(region), pageSize: FILTER_PAGE },
          { logGroupName: name },
        );
        for await (const page of pages) {
          // A log group without filters answers `"metricFilters": []`; no list is not that answer.
          const filters = page.metricFilters ?? malformed('DescribeMetricFilters', 'without metricFilters');
          all.push(...filters.map(toMetricFilter));
        }
        return all;
      },
      // The trail names a log group that is gone: a state the checks report, not missing evidence.
      { ResourceNotFoundException: () => null },
    ),
  );
  // Which alarms matter depends on the filters' metrics. Without the filters the checks are unknown
  // and never read the alarms; without any filter no alarm can matter: either way, no call.
  const alarms: Fact<MetricAlarm[]> = !metricFilters.ok
    ? metricFilters
    : !metricFilters.value?.length
      ? known([])
      : await attempt(meta('DescribeAlarms', region), async () =>
          relevantAlarms(await alarmsIn(region), metricFilters.value ?? []),
        );
  return { arn: target.arn, region, name, metricFilters, alarms };
};

const toMetricFilter = (f: SdkMetricFilter): MetricFilter => {
  const name = f.filterName ?? malformed('DescribeMetricFilters', 'a filter without filterName');
  // An empty pattern is a pattern (it matches every event); no pattern at all is not an answer.
  if (typeof f.filterPattern !== 'string') malformed('DescribeMetricFilters', `filter ${name} without filterPattern`);
  const transformations =
    f.metricTransformations ?? malformed('DescribeMetricFilters', `filter ${name} without metricTransformations`);
  return {
    name,
    pattern: f.filterPattern!,
    selectionCriteria: f.fieldSelectionCriteria || null,
    onTransformedLogs: f.applyOnTransformedLogs === true,
    metrics: transformations.map((t) => ({
      name: t.metricName ?? malformed('DescribeMetricFilters', `filter ${name} with a metric without metricName`),
      namespace:
        t.metricNamespace ?? malformed('DescribeMetricFilters', `filter ${name} with a metric without metricNamespace`),
      // System-field dimensions (emitSystemFieldDimensions) are dimensions of the metric as well.
      dimensioned: Object.keys(t.dimensions ?? {}).length > 0 || (f.emitSystemFieldDimensions ?? []).length > 0,
    })),
  };
};

// ---------------------------------------------------------------- alarms

/** Every metric alarm of the region (DescribeAlarms without AlarmTypes lists metric alarms only). */
const listAlarms = async (ctx: CollectContext, region: string): Promise<SdkMetricAlarm[]> => {
  const all: SdkMetricAlarm[] = [];
  const pages = sdk.cloudwatch.paginateDescribeAlarms(
    { client: ctx.clients.cloudwatch(region), pageSize: ALARM_PAGE },
    {},
  );
  for await (const page of pages)
    all.push(...(page.MetricAlarms ?? malformed('DescribeAlarms', 'without MetricAlarms')));
  return all;
};

const metricKey = (m: { name: string; namespace: string }) => `${m.namespace}\u0000${m.name}`;

/** A metric an alarm reads; Dimensions is optional in the API reference: without it, the metric has none. */
const metricRef = (m: SdkMetric | undefined): MetricRef | null =>
  m?.MetricName && m.Namespace
    ? { name: m.MetricName, namespace: m.Namespace, dimensioned: (m.Dimensions ?? []).length > 0 }
    : null;

/**
 * The alarms that read one of the filters' metrics. An alarm that names no metric at all is not an
 * answer the API gives for a metric alarm and could be the one that matters, so it makes the whole
 * listing unreadable; so does a relevant alarm without ActionsEnabled (read as "enabled" it could
 * pass a check, read as "disabled" fail one).
 */
const relevantAlarms = (alarms: SdkMetricAlarm[], filters: MetricFilter[]): MetricAlarm[] => {
  const wanted = new Set(filters.flatMap((f) => f.metrics.map(metricKey)));
  return alarms.flatMap((a): MetricAlarm[] => {
    const name = a.AlarmName ?? malformed('DescribeAlarms', 'an alarm without AlarmName');
    const own = metricRef({ MetricName: a.MetricName, Namespace: a.Namespace, Dimensions: a.Dimensions });
    const queries = a.Metrics ?? [];
    if (!own && queries.length === 0) malformed('DescribeAlarms', `alarm ${name} without a metric or Metrics`);
    const readsMetrics = own
      ? [own]
      : queries.flatMap((q) => {
          const m = metricRef(q.MetricStat?.Metric);
          return m ? [m] : [];
        });
    if (!readsMetrics.some((m) => wanted.has(metricKey(m)))) return [];
    if (typeof a.ActionsEnabled !== 'boolean') malformed('DescribeAlarms', `alarm ${name} without ActionsEnabled`);
    // In a metric-math alarm, the query with ReturnData true is what the alarm evaluates (API
    // reference, MetricAlarm.Metrics); when that is an expression, cloudsec does not judge its result.
    const returned = queries.find((q) => q.ReturnData === true);
    return [
      {
        name,
        metric: own ?? metricRef(returned?.MetricStat?.Metric),
        readsMetrics,
        actionsEnabled: a.ActionsEnabled!,
        // Optional in the API reference: an alarm without AlarmActions notifies nobody.
        alarmActions: a.AlarmActions ?? [],
      },
    ];
  });
};

// ---------------------------------------------------------------- SNS subscribers

/**
 * Who receives a topic's notifications. SubscriptionArn is the subscription's ARN once the endpoint
 * confirmed it, `PendingConfirmation` until then (nothing is delivered), `Deleted` while it is being
 * removed. A topic that no longer exists answers NotFound: a state the checks fail on.
 */
const subscribersOf = (ctx: CollectContext, topicArn: string): Promise<Fact<TopicSubscribers>> => {
  const region = parseSnsTopicArn(topicArn)?.region ?? ctx.homeRegion;
  return attempt(
    meta('ListSubscriptionsByTopic', region),
    async () => {
      const counts = { exists: true, confirmed: 0, pending: 0 };
      const pages = sdk.sns.paginateListSubscriptionsByTopic(
        { client: ctx.clients.sns(region) },
        { TopicArn: topicArn },
      );
      for await (const page of pages) {
        const subscriptions =
          page.Subscriptions ?? malformed('ListSubscriptionsByTopic', `for ${topicArn} without Subscriptions`);
        for (const s of subscriptions) {
          const arn = s.SubscriptionArn;
          if (arn === 'PendingConfirmation') counts.pending += 1;
          else if (arn?.startsWith('arn:')) counts.confirmed += 1;
          else if (arn !== 'Deleted')
            malformed(
              'ListSubscriptionsByTopic',
              `for ${topicArn} a subscription with SubscriptionArn ${arn ?? '(none)'}`,
            );
        }
      }
      return counts;
    },
    { NotFoundException: () => ({ exists: false, confirmed: 0, pending: 0 }) },
  );
};
