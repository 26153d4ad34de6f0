import { CT_ACCOUNT_ID, cloudWatchLogGroupArn, trailJson, trailWithLogGroupJson } from '../../fixtures/aws/cloudtrail';
import {
  confirmedSubscription,
  cwOk,
  describeAlarmsJson,
  describeMetricFiltersJson,
  listSubscriptionsByTopicXml,
  logsCall,
  logsEndpoint,
  logsError,
  logsOk,
  monitoringCall,
  monitoringEndpoint,
  snsCall,
  snsEndpoint,
  snsNotFound,
  snsOk,
} from '../../fixtures/aws/cloudwatch';
import {
  GROUP,
  GROUP_ARN,
  HOME,
  MAIN,
  ROOT,
  TOPIC,
  collect,
  groupsOf,
  monitoredTrail,
  stubAlarms,
  stubFilters,
  stubSubscribers,
  stubTrails,
} from '../../fixtures/aws/cloudwatch-collector';
import { answerIfAsked } from '../../fixtures/answer-if-asked';

/** The cloudwatch collector's answers in the wire formats of CloudWatch Logs, CloudWatch and SNS (CIS section 4). */

describe('collectCloudWatch', () => {
  describe('when the multi-region trail sends to a log group with a filter, an alarm and a topic', () => {
    it('then the slice holds the filter, the alarms on its metric only, and the topic’s confirmed and pending subscribers', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      stubAlarms([
        { name: 'root-usage' },
        { name: 'cpu-high', metricName: 'CPUUtilization', namespace: 'AWS/EC2' },
        {
          name: 'root-usage-math',
          metrics: [
            {
              Id: 'm1',
              MetricStat: {
                Metric: { Namespace: 'CISBenchmark', MetricName: 'RootUsage', Dimensions: [] },
                Period: 300,
                Stat: 'Sum',
              },
              ReturnData: false,
            },
            { Id: 'e1', Expression: 'm1 * 2', Label: 'doubled', ReturnData: true },
          ],
        },
      ]);
      stubSubscribers(
        TOPIC,
        snsOk(
          listSubscriptionsByTopicXml([
            confirmedSubscription(TOPIC),
            { topicArn: TOPIC, subscriptionArn: 'PendingConfirmation', endpoint: 'oncall@example.com' },
            { topicArn: TOPIC, subscriptionArn: 'Deleted' },
          ]),
        ),
      );

      const slice = await collect();

      const rootUsage = { name: 'RootUsage', namespace: 'CISBenchmark', dimensioned: false };
      expect(slice).toEqual({
        logGroups: {
          ok: true,
          value: [
            {
              arn: GROUP_ARN,
              region: HOME,
              name: GROUP,
              metricFilters: {
                ok: true,
                value: [
                  {
                    name: 'root-usage',
                    pattern: ROOT.pattern,
                    selectionCriteria: null,
                    onTransformedLogs: false,
                    metrics: [rootUsage],
                  },
                ],
              },
              alarms: {
                ok: true,
                value: [
                  {
                    name: 'root-usage',
                    metric: rootUsage,
                    readsMetrics: [rootUsage],
                    actionsEnabled: true,
                    alarmActions: [TOPIC],
                  },
                  {
                    name: 'root-usage-math',
                    metric: null,
                    readsMetrics: [rootUsage],
                    actionsEnabled: true,
                    alarmActions: [TOPIC],
                  },
                ],
              },
            },
          ],
        },
        topics: { [TOPIC]: { ok: true, value: { exists: true, confirmed: 1, pending: 1 } } },
      });
    });
  });

  describe('when filters publish with dimensions and a metric-math alarm returns the metric itself', () => {
    it('then the filter metric is marked dimensioned, and the math alarm’s evaluated metric is that metric', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([
        ROOT,
        { ...ROOT, name: 'by-region', metricName: 'RootByRegion', dimensions: { Region: '$.awsRegion' } },
      ]);
      stubAlarms([
        {
          name: 'math-returns-metric',
          metrics: [
            {
              Id: 'm1',
              MetricStat: { Metric: { Namespace: 'CISBenchmark', MetricName: 'RootUsage' }, Period: 300, Stat: 'Sum' },
              ReturnData: true,
            },
          ],
        },
      ]);
      stubSubscribers(TOPIC);

      const [group] = groupsOf(await collect());

      expect(group?.metricFilters.ok && group.metricFilters.value?.map((f) => f.metrics[0]?.dimensioned)).toEqual([
        false,
        true,
      ]);
      expect(group?.alarms).toMatchObject({
        ok: true,
        value: [{ name: 'math-returns-metric', metric: { name: 'RootUsage', namespace: 'CISBenchmark' } }],
      });
    });
  });

  describe('when answers come in pages', () => {
    it('then every page of filters, alarms and subscriptions is read', async () => {
      stubTrails([monitoredTrail()]);
      const logs = logsEndpoint(HOME);
      logsCall(logs, 'DescribeMetricFilters', { logGroupName: GROUP, limit: 50 }).reply(
        ...logsOk(describeMetricFiltersJson([ROOT], 'filters-2')),
      );
      logsCall(logs, 'DescribeMetricFilters', { logGroupName: GROUP, nextToken: 'filters-2' }).reply(
        ...logsOk(describeMetricFiltersJson([{ ...ROOT, name: 'root-usage-2', metricName: 'RootUsage2' }])),
      );
      const cw = monitoringEndpoint(HOME);
      monitoringCall(cw, 'DescribeAlarms', { MaxRecords: 100 }).reply(
        ...cwOk(describeAlarmsJson([{ name: 'a1' }], 'alarms-2')),
      );
      monitoringCall(cw, 'DescribeAlarms', { NextToken: 'alarms-2' }).reply(
        ...cwOk(describeAlarmsJson([{ name: 'a2', metricName: 'RootUsage2' }])),
      );
      const sns = snsEndpoint(HOME);
      snsCall(sns, 'ListSubscriptionsByTopic', { TopicArn: TOPIC }).reply(
        ...snsOk(listSubscriptionsByTopicXml([{ topicArn: TOPIC, subscriptionArn: 'PendingConfirmation' }], 'subs-2')),
      );
      snsCall(sns, 'ListSubscriptionsByTopic', { TopicArn: TOPIC, NextToken: 'subs-2' }).reply(
        ...snsOk(listSubscriptionsByTopicXml([confirmedSubscription(TOPIC)])),
      );

      const slice = await collect();
      const [group] = groupsOf(slice);

      expect(group?.metricFilters.ok && group.metricFilters.value?.map((f) => f.name)).toEqual([
        'root-usage',
        'root-usage-2',
      ]);
      expect(group?.alarms.ok && group.alarms.value.map((a) => a.name)).toEqual(['a1', 'a2']);
      expect(slice.topics[TOPIC]).toEqual({ ok: true, value: { exists: true, confirmed: 1, pending: 1 } });
    });
  });

  describe('which log groups are read', () => {
    it('when trails are single-region, send nowhere, or send to another account, then nothing but DescribeTrails is asked', async () => {
      stubTrails([
        trailWithLogGroupJson({ name: 'local', homeRegion: HOME }, cloudWatchLogGroupArn('local-logs')),
        trailJson({ name: 'quiet', homeRegion: HOME, isMultiRegion: true }),
        trailWithLogGroupJson(
          { name: 'org', homeRegion: HOME, isMultiRegion: true, isOrganizationTrail: true },
          cloudWatchLogGroupArn('org-logs', HOME, '999999999999'),
        ),
      ]);
      const asked = answerIfAsked(
        logsCall(logsEndpoint(HOME), 'DescribeMetricFilters'),
        ...logsOk({ metricFilters: [] }),
      );

      expect(await collect()).toEqual({ logGroups: { ok: true, value: [] }, topics: {} });
      expect(asked.asked).toBe(0);
    });

    it('when the log group lives in another region, then its filters and alarms are asked there', async () => {
      const euGroup = cloudWatchLogGroupArn('eu-trail-logs', 'eu-west-1');
      stubTrails([monitoredTrail(euGroup)]);
      stubFilters([{ ...ROOT, logGroupName: 'eu-trail-logs' }], 'eu-west-1', 'eu-trail-logs');
      stubAlarms([{ name: 'root-usage', region: 'eu-west-1' }], 'eu-west-1');
      const euTopic = `arn:aws:sns:eu-west-1:${CT_ACCOUNT_ID}:security-alerts`;
      stubSubscribers(euTopic);

      const [group] = groupsOf(await collect());

      expect(group).toMatchObject({ arn: euGroup, region: 'eu-west-1', name: 'eu-trail-logs' });
      expect(group?.alarms.ok && group.alarms.value.map((a) => a.alarmActions)).toEqual([[euTopic]]);
    });

    it('when two trails send to two log groups of one region, then the region’s alarms are listed once', async () => {
      stubTrails([monitoredTrail(), monitoredTrail(cloudWatchLogGroupArn('second'), { ...MAIN, name: 'second' })]);
      stubFilters([ROOT]);
      stubFilters([{ ...ROOT, logGroupName: 'second' }], HOME, 'second');
      stubAlarms([{ name: 'root-usage' }]);
      stubSubscribers(TOPIC);

      const groups = groupsOf(await collect());

      expect(groups.map((g) => g.alarms.ok && g.alarms.value.length)).toEqual([1, 1]);
    });
  });

  describe('states that are answers, not failures', () => {
    it('when the trail’s log group no longer exists, then its filters read null and no alarm is asked', async () => {
      stubTrails([monitoredTrail()]);
      logsCall(logsEndpoint(HOME), 'DescribeMetricFilters').reply(
        ...logsError('ResourceNotFoundException', 'The specified log group does not exist.'),
      );

      const [group] = groupsOf(await collect());

      expect(group?.metricFilters).toEqual({ ok: true, value: null });
      expect(group?.alarms).toEqual({ ok: true, value: [] });
    });

    it('when the log group has no filter, then no alarm is asked: none could matter', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([]);

      const [group] = groupsOf(await collect());

      expect(group).toMatchObject({ metricFilters: { ok: true, value: [] }, alarms: { ok: true, value: [] } });
    });

    it('when the alarm’s topic no longer exists, then the topic reads as not existing', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      stubAlarms([{ name: 'root-usage' }]);
      stubSubscribers(TOPIC, snsNotFound());

      expect((await collect()).topics[TOPIC]).toEqual({ ok: true, value: { exists: false, confirmed: 0, pending: 0 } });
    });

    it('when an alarm only invokes a Lambda function, then no subscriptions are asked for it', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      stubAlarms([{ name: 'root-usage', alarmActions: [`arn:aws:lambda:${HOME}:${CT_ACCOUNT_ID}:function:pager`] }]);

      expect((await collect()).topics).toEqual({});
    });
  });
});
