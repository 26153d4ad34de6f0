import check from '../../../../src/core/checks/cloudwatch/cloudwatch_console_login_without_mfa_monitored';
import rootCheck from '../../../../src/core/checks/cloudwatch/cloudwatch_root_usage_monitored';
import { known, type MetricAlarm, type MetricFilter } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import {
  LOG_GROUP_NAME,
  TOPIC_ARN,
  aCloudWatchSlice,
  aMetricFilter,
  aMonitoredAccount,
  aMonitoredLogGroup,
  anAlarm,
  logGroupArn,
  withLogGroup,
} from '../../../fixtures/builders/cloudwatch';
import { denied } from '../../../fixtures/snapshot-builders';

/** CIS 4.2 (console sign-in without MFA): one filter, one alarm, one topic, each link broken in turn. */
const METRIC = { name: 'ConsoleSigninWithoutMfa', namespace: 'CISBenchmark', dimensioned: false };
const mfaFilter = (over: Partial<MetricFilter> = {}): MetricFilter =>
  aMetricFilter({
    name: 'console-signin-without-mfa',
    pattern: '{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }',
    metrics: [METRIC],
    ...over,
  });
const mfaAlarm = (over: Partial<MetricAlarm> = {}): MetricAlarm =>
  anAlarm({ name: 'console-signin-without-mfa', metric: METRIC, ...over });

const evaluate = (
  filters: MetricFilter[] | null,
  alarms: MetricAlarm[] = [mfaAlarm()],
  topics = aCloudWatchSlice().topics,
) => {
  const account = aMonitoredAccount({
    cloudwatch: withLogGroup({ metricFilters: known(filters), alarms: known(alarms) }, { topics }),
  });
  const results = run(check, account);
  expect(results).toHaveLength(1);
  return results[0]!;
};

describe('cloudwatch_console_login_without_mfa_monitored (the chain, link by link)', () => {
  it('when the filter, its alarm and a confirmed subscriber are there, then the account passes naming each', () => {
    const result = evaluate([mfaFilter()]);
    expect(result).toMatchObject({
      status: 'pass',
      evidence: { filter: 'console-signin-without-mfa', alarm: 'console-signin-without-mfa', topic: TOPIC_ARN },
    });
    expect(result.message).toContain(`log group ${LOG_GROUP_NAME}`);
  });

  it('when the filter widens the pattern (|| for &&), then it still passes: every required event matches', () => {
    const wide = mfaFilter({ pattern: '{ ($.eventName = ConsoleLogin) || ($.additionalEventData.MFAUsed != "Yes") }' });
    expect(evaluate([wide]).status).toBe('pass');
  });

  it('when the filter only looks similar (MFAUsed = "No" for != "Yes"), then the account fails naming it and why', () => {
    const similar = mfaFilter({
      pattern: '{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed = "No") }',
    });
    const result = evaluate([similar]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('closest is filter console-signin-without-mfa, where');
    expect(result.message).toContain('$.additionalEventData.MFAUsed = "No"');
    expect(result.evidence).toMatchObject({ closestFilter: 'console-signin-without-mfa' });
    expect(result.evidence.narrowing).toEqual(['$.additionalEventData.MFAUsed = "No"']);
  });

  it('when an unrelated filter sits next to the similar one, then the finding names the similar one as closest', () => {
    const unrelated = aMetricFilter({ name: 'a-unrelated', pattern: '{ $.eventName = "CreateTrail" }' });
    const failures = aMetricFilter({
      name: 'b-auth-failures',
      pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    });
    const similar = mfaFilter({
      pattern: '{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed = "No") }',
    });
    const result = evaluate([unrelated, failures, similar]);
    expect(result.evidence).toMatchObject({ closestFilter: 'console-signin-without-mfa' });
  });

  it('when only filters about other events are there, then none is named as closest', () => {
    const result = evaluate([aMetricFilter({ name: 'trail-changes', pattern: '{ $.eventName = "CreateTrail" }' })]);
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatchObject({ closestFilter: null });
    expect(result.message).not.toContain('closest');
  });

  it('when a selector differs in case ($.eventname), then the account fails: selectors are case-sensitive', () => {
    const typo = mfaFilter({ pattern: '{ $.eventname = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }' });
    expect(evaluate([typo]).status).toBe('fail');
  });

  it('when the pattern is not a JSON pattern, then the account fails with the reason it cannot be read', () => {
    const result = evaluate([mfaFilter({ pattern: '"ConsoleLogin"' })]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('filter console-signin-without-mfa cannot be judged: it is a term pattern');
    expect(result.evidence).toMatchObject({ unjudgedFilters: ['console-signin-without-mfa'], closestFilter: null });
  });

  it('when the filter pre-selects events with field selection criteria, then it does not count', () => {
    const result = evaluate([mfaFilter({ selectionCriteria: '@aws.region = "us-east-1"' })]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('field selection criteria');
  });

  it('when the filter reads transformed logs, then it does not count', () => {
    expect(evaluate([mfaFilter({ onTransformedLogs: true })]).message).toContain('log transformer');
  });

  it('when the log group has no metric filter, then the account fails saying so', () => {
    const result = evaluate([]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain(`log group ${LOG_GROUP_NAME} (trail org-trail, us-east-1) has no metric filter`);
  });

  it('when the trail names a log group that no longer exists, then the account fails saying so', () => {
    const result = evaluate(null);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('does not exist');
  });

  it('when no alarm watches the covering filter metric, then the account fails naming the metric', () => {
    const result = evaluate([mfaFilter()], []);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('no alarm watches its metric CISBenchmark/ConsoleSigninWithoutMfa');
  });

  it('when the alarm watches the same metric name in another namespace, then it does not count', () => {
    const other = mfaAlarm({ metric: { ...METRIC, namespace: 'Custom' } });
    expect(evaluate([mfaFilter()], [other]).message).toContain('no alarm watches its metric');
  });

  it('when the filter publishes its metric with dimensions, then no alarm counts and the finding says why', () => {
    const dimensioned = { ...METRIC, dimensioned: true };
    const result = evaluate([mfaFilter({ metrics: [dimensioned] })], [mfaAlarm({ metric: dimensioned })]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('with dimensions');
  });

  it('when a metric-math alarm returns an expression over the metric, then it does not count, saying why', () => {
    const math = mfaAlarm({ metric: null, readsMetrics: [METRIC] });
    const result = evaluate([mfaFilter()], [math]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('only inside a metric-math expression');
  });

  it('when the alarm has its actions disabled, then the account fails naming the alarm', () => {
    const result = evaluate([mfaFilter()], [mfaAlarm({ actionsEnabled: false })]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('alarm console-signin-without-mfa has its actions disabled');
  });

  it('when the alarm only invokes a Lambda function, then the account fails: no SNS topic is notified', () => {
    const lambda = 'arn:aws:lambda:us-east-1:111111111111:function:page-oncall';
    const result = evaluate([mfaFilter()], [mfaAlarm({ alarmActions: [lambda] })]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain(`notifies no SNS topic (only ${lambda})`);
  });

  it('when the topic has only subscriptions pending confirmation, then the account fails counting them', () => {
    const result = evaluate([mfaFilter()], [mfaAlarm()], {
      [TOPIC_ARN]: known({ exists: true, confirmed: 0, pending: 2 }),
    });
    expect(result.status).toBe('fail');
    expect(result.message).toContain('has no confirmed subscriber (2 pending confirmation)');
  });

  it('when the topic no longer exists, then the account fails saying so', () => {
    const result = evaluate([mfaFilter()], [mfaAlarm()], {
      [TOPIC_ARN]: known({ exists: false, confirmed: 0, pending: 0 }),
    });
    expect(result.message).toContain('which does not exist');
  });

  it('when one alarm has no subscriber but another alarm on the metric has one, then the account passes', () => {
    const quiet = 'arn:aws:sns:us-east-1:111111111111:nobody';
    const result = evaluate([mfaFilter()], [mfaAlarm({ name: 'a-quiet', alarmActions: [quiet] }), mfaAlarm()], {
      [quiet]: known({ exists: true, confirmed: 0, pending: 0 }),
      [TOPIC_ARN]: known({ exists: true, confirmed: 3, pending: 0 }),
    });
    expect(result).toMatchObject({ status: 'pass', evidence: { confirmedSubscribers: 3 } });
  });

  it('when the subscribers of the topic were refused, then the account is unknown naming sns:ListSubscriptionsByTopic', () => {
    const result = evaluate([mfaFilter()], [mfaAlarm()], { [TOPIC_ARN]: denied('sns:ListSubscriptionsByTopic') });
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'sns:ListSubscriptionsByTopic', topic: TOPIC_ARN },
    });
  });

  it('when the topic was not collected at all, then the account is unknown asking to collect again', () => {
    const result = evaluate([mfaFilter()], [mfaAlarm()], {});
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('were not collected in this snapshot');
  });

  it('when DescribeAlarms was refused but a filter covers, then the account is unknown naming cloudwatch:DescribeAlarms', () => {
    const account = aMonitoredAccount({
      cloudwatch: withLogGroup({ metricFilters: known([mfaFilter()]), alarms: denied('cloudwatch:DescribeAlarms') }),
    });
    expect(run(check, account)[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'cloudwatch:DescribeAlarms' },
    });
  });

  it('when DescribeAlarms was refused and no filter covers, then the account fails: no alarm could help', () => {
    const account = aMonitoredAccount({
      cloudwatch: withLogGroup({ metricFilters: known([]), alarms: denied('cloudwatch:DescribeAlarms') }),
    });
    expect(run(check, account)[0]!.status).toBe('fail');
  });

  it('when the covering filter sits on a log group that is not the trail’s, then the account fails', () => {
    const other = aMonitoredLogGroup({
      arn: logGroupArn('app-logs'),
      name: 'app-logs',
      metricFilters: known([mfaFilter()]),
      alarms: known([mfaAlarm()]),
    });
    const trailGroup = aMonitoredLogGroup({ metricFilters: known([]), alarms: known([]) });
    const account = aMonitoredAccount({
      cloudwatch: aCloudWatchSlice({ logGroups: known([other, trailGroup]) }),
    });
    const [result] = run(check, account);
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain(`log group ${LOG_GROUP_NAME}`);
  });
});

describe('cloudwatch_root_usage_monitored (the furthest link is what a failure names)', () => {
  it('when the root filter drops a term, then it passes (wider); when it adds an exclusion, then it fails naming it', () => {
    const wider = aMetricFilter({ pattern: '{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }' });
    const narrower = aMetricFilter({
      pattern:
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.sourceIPAddress != "10.*" }',
    });
    const verdict = (filter: MetricFilter) =>
      run(
        rootCheck,
        aMonitoredAccount({ cloudwatch: withLogGroup({ metricFilters: known([filter]), alarms: known([anAlarm()]) }) }),
      )[0]!;
    expect(verdict(wider).status).toBe('pass');
    const failed = verdict(narrower);
    expect(failed.status).toBe('fail');
    expect(failed.message).toContain('$.sourceIPAddress != "10.*"');
  });
});
