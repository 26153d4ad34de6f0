import { cloudTrailCall, cloudTrailEndpoint, ctAccessDenied, ctOk } from '../../fixtures/aws/cloudtrail';
import {
  cwAccessDenied,
  cwOk,
  cwThrottled,
  describeAlarmsJson,
  listSubscriptionsByTopicXml,
  logsAccessDenied,
  logsCall,
  logsEndpoint,
  logsOk,
  metricAlarmJson,
  metricFilterJson,
  monitoringCall,
  monitoringEndpoint,
  snsAuthorizationError,
  snsOk,
} from '../../fixtures/aws/cloudwatch';
import {
  HOME,
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

/** Fail closed: a refused, throttled or odd answer of the cloudwatch collector's calls is missing evidence, never an empty list. */

describe('collectCloudWatch when AWS refuses, throttles or answers oddly', () => {
  describe('when AWS refuses a call', () => {
    it('then a refused DescribeTrails makes the log groups unknown, naming cloudtrail:DescribeTrails', async () => {
      cloudTrailCall(cloudTrailEndpoint(HOME), 'DescribeTrails').reply(...ctAccessDenied('DescribeTrails'));

      const slice = await collect();

      expect(slice.logGroups).toEqual({
        ok: false,
        error: expect.objectContaining({ permission: 'cloudtrail:DescribeTrails', kind: 'access-denied' }),
      });
    });

    it('then a refused DescribeMetricFilters makes filters and alarms unknown, naming logs:DescribeMetricFilters', async () => {
      stubTrails([monitoredTrail()]);
      logsCall(logsEndpoint(HOME), 'DescribeMetricFilters').reply(...logsAccessDenied());

      const [group] = groupsOf(await collect());

      const refused = {
        ok: false,
        error: expect.objectContaining({
          service: 'logs',
          permission: 'logs:DescribeMetricFilters',
          kind: 'access-denied',
          region: HOME,
        }),
      };
      expect(group?.metricFilters).toEqual(refused);
      expect(group?.alarms).toEqual(refused);
    });

    it('then a refused DescribeAlarms (query error AccessDenied) makes the alarms unknown, naming cloudwatch:DescribeAlarms', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      monitoringCall(monitoringEndpoint(HOME), 'DescribeAlarms').reply(...cwAccessDenied());

      const [group] = groupsOf(await collect());

      expect(group?.metricFilters.ok).toBe(true);
      expect(group?.alarms).toEqual({
        ok: false,
        error: expect.objectContaining({
          permission: 'cloudwatch:DescribeAlarms',
          code: 'AccessDenied',
          kind: 'access-denied',
        }),
      });
    });

    it('then a refused ListSubscriptionsByTopic makes that topic unknown, naming sns:ListSubscriptionsByTopic', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      stubAlarms([{ name: 'root-usage' }]);
      stubSubscribers(TOPIC, snsAuthorizationError(TOPIC));

      expect((await collect()).topics[TOPIC]).toEqual({
        ok: false,
        error: expect.objectContaining({ permission: 'sns:ListSubscriptionsByTopic', kind: 'access-denied' }),
      });
    });
  });

  describe('when AWS throttles', () => {
    it('then a call throttled once is retried and answered', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      const cw = monitoringEndpoint(HOME);
      monitoringCall(cw, 'DescribeAlarms').reply(...cwThrottled());
      monitoringCall(cw, 'DescribeAlarms').reply(...cwOk(describeAlarmsJson([{ name: 'root-usage' }])));
      stubSubscribers(TOPIC);

      const [group] = groupsOf(await collect());

      expect(group?.alarms.ok && group.alarms.value.map((a) => a.name)).toEqual(['root-usage']);
    });

    it('then a call throttled past its retries makes the alarms unknown as throttled', async () => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      monitoringCall(monitoringEndpoint(HOME), 'DescribeAlarms')
        .times(3)
        .reply(...cwThrottled());

      const [group] = groupsOf(await collect());

      expect(group?.alarms).toEqual({ ok: false, error: expect.objectContaining({ kind: 'throttled' }) });
    });
  });

  describe('when an answer lacks what the API reference documents (fail closed)', () => {
    const unreadable = { ok: false, error: expect.objectContaining({ kind: 'malformed' }) };

    it('then DescribeTrails without trailList makes the log groups unknown', async () => {
      cloudTrailCall(cloudTrailEndpoint(HOME), 'DescribeTrails').reply(...ctOk({}));
      expect((await collect()).logGroups).toEqual(unreadable);
    });

    it.each([
      ['without metricFilters', {}],
      [
        'with a filter without filterPattern',
        { metricFilters: [{ ...metricFilterJson(ROOT), filterPattern: undefined }] },
      ],
      [
        'with a metric without metricNamespace',
        {
          metricFilters: [
            { ...metricFilterJson(ROOT), metricTransformations: [{ metricName: 'RootUsage', metricValue: '1' }] },
          ],
        },
      ],
    ])('then DescribeMetricFilters %s makes the filters unknown, not empty', async (_, body) => {
      stubTrails([monitoredTrail()]);
      logsCall(logsEndpoint(HOME), 'DescribeMetricFilters').reply(...logsOk(body));

      const [group] = groupsOf(await collect());

      expect(group?.metricFilters).toEqual(unreadable);
    });

    it.each([
      ['without MetricAlarms', {}],
      [
        'with the relevant alarm without ActionsEnabled',
        { MetricAlarms: [{ ...metricAlarmJson({ name: 'root-usage' }), ActionsEnabled: undefined }] },
      ],
      [
        'with an alarm that names no metric',
        { MetricAlarms: [{ ...metricAlarmJson({ name: 'odd' }), MetricName: undefined, Namespace: undefined }] },
      ],
    ])('then DescribeAlarms %s makes the alarms unknown', async (_, body) => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      monitoringCall(monitoringEndpoint(HOME), 'DescribeAlarms').reply(...cwOk(body));

      const [group] = groupsOf(await collect());

      expect(group?.alarms).toEqual(unreadable);
    });

    it.each([
      [
        'without its Subscriptions element',
        `<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListSubscriptionsByTopicResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`,
      ],
      [
        'with a subscription whose SubscriptionArn is unheard of',
        listSubscriptionsByTopicXml([{ topicArn: TOPIC, subscriptionArn: 'Maybe' }]),
      ],
    ])('then ListSubscriptionsByTopic %s makes the topic unknown', async (_, xml) => {
      stubTrails([monitoredTrail()]);
      stubFilters([ROOT]);
      stubAlarms([{ name: 'root-usage' }]);
      stubSubscribers(TOPIC, snsOk(xml));

      expect((await collect()).topics[TOPIC]).toEqual(unreadable);
    });
  });
});
