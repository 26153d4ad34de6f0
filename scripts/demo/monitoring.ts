import type { DemoExtension } from '.';
import { cisMonitoringControl } from '../../src/core/cis-monitoring';
import { known, type AccountSnapshot, type MetricAlarm, type MetricFilter, type Trail } from '../../src/core/model';
import { aMetricFilter, anAlarm } from '../../test/fixtures/builders/cloudwatch';

/**
 * The demo estate's monitoring (issue 12): CIS section 4 and the CloudTrail pieces it rests on.
 *
 * prod's trail delivers to log group `acme-cloudtrail`, whose filters cover 4.1 and 4.3–4.8 with
 * alarms notifying a subscribed topic (pass); its console-MFA filter only looks like the benchmark's
 * (`MFAUsed = "No"`: 4.2 fails); the security-group filter's alarm notifies a topic whose only
 * subscription was never confirmed (4.10 fails); 4.9 and 4.11–4.15 have no filter (fail). The trail
 * records S3 object writes of every bucket, not reads (3.9 fails). staging's trail sends nothing to
 * CloudWatch Logs and records no S3 data events, so every check here fails there.
 */

const withTrails = (account: AccountSnapshot, change: (t: Trail) => Trail): AccountSnapshot => {
  const trails = account.cloudtrail?.trails;
  if (!account.cloudtrail || !trails?.ok) return account;
  return { ...account, cloudtrail: { ...account.cloudtrail, trails: known(trails.value.map(change)) } };
};

const withS3DataEvents = (t: Trail, s3DataEvents: { read: boolean; write: boolean }): Trail =>
  t.eventSelectors.ok ? { ...t, eventSelectors: known({ ...t.eventSelectors.value, s3DataEvents }) } : t;

/** The control's requirement pattern as a filter publishing `Acme/<metric>`. */
const filterFor = (cis: string, name: string, pattern?: string): MetricFilter => {
  const control = cisMonitoringControl(cis);
  if (!control) throw new Error(`no CIS control ${cis}`);
  return aMetricFilter({
    name,
    pattern: pattern ?? control.requirement.pattern,
    metrics: [{ name, namespace: 'Acme/Security', dimensioned: false }],
  });
};
const alarmFor = (name: string, topic: string): MetricAlarm =>
  anAlarm({
    name: `${name}-alarm`,
    metric: { name, namespace: 'Acme/Security', dimensioned: false },
    alarmActions: [topic],
  });

const prod = (account: AccountSnapshot): AccountSnapshot => {
  const region = 'us-east-1';
  const id = account.accountId;
  const logGroup = `arn:aws:logs:${region}:${id}:log-group:acme-cloudtrail:*`;
  const alerts = `arn:aws:sns:${region}:${id}:acme-security-alerts`;
  const network = `arn:aws:sns:${region}:${id}:acme-network-alerts`;
  const covered: [string, string][] = [
    ['4.1', 'unauthorized-api-calls'],
    ['4.3', 'root-usage'],
    ['4.4', 'iam-policy-changes'],
    ['4.5', 'cloudtrail-changes'],
    ['4.6', 'console-auth-failures'],
    ['4.7', 'kms-key-deletion'],
    ['4.8', 's3-bucket-policy-changes'],
  ];
  const filters = [
    ...covered.map(([cis, name]) => filterFor(cis, name)),
    // Looks like 4.2, but `= "No"` misses every sign-in whose MFAUsed is anything but "No".
    filterFor(
      '4.2',
      'console-signin-without-mfa',
      '{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed = "No") }',
    ),
    filterFor('4.10', 'security-group-changes'),
  ];
  const alarms = [
    ...covered.map(([, name]) => alarmFor(name, alerts)),
    alarmFor('console-signin-without-mfa', alerts),
    alarmFor('security-group-changes', network),
  ];
  const withLogGroup = withTrails(account, (t) =>
    withS3DataEvents({ ...t, cloudWatchLogsLogGroupArn: logGroup }, { read: false, write: true }),
  );
  return {
    ...withLogGroup,
    cloudwatch: {
      logGroups: known([
        { arn: logGroup, region, name: 'acme-cloudtrail', metricFilters: known(filters), alarms: known(alarms) },
      ]),
      topics: {
        [alerts]: known({ exists: true, confirmed: 2, pending: 0 }),
        [network]: known({ exists: true, confirmed: 0, pending: 1 }),
      },
    },
  };
};

const staging = (account: AccountSnapshot): AccountSnapshot => ({
  ...withTrails(account, (t) =>
    withS3DataEvents({ ...t, cloudWatchLogsLogGroupArn: null }, { read: false, write: false }),
  ),
  cloudwatch: { logGroups: known([]), topics: {} },
});

export const monitoringDemo: DemoExtension = { prod, staging };
