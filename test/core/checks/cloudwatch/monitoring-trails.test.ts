import { CIS_MONITORING_CONTROLS } from '../../../../src/core/cis-monitoring';
import check from '../../../../src/core/checks/cloudwatch/cloudwatch_root_usage_monitored';
import { known, missing, type Trail } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import {
  aCloudWatchSlice,
  aMonitoredAccount,
  aMonitoredLogGroup,
  aMonitoredTrail,
  cisAlarm,
  logGroupArn,
} from '../../../fixtures/builders/cloudwatch';
import { accessDenied, denied } from '../../../fixtures/snapshot-builders';

/** Which trails feed CIS section 4: multi-region, logging, read and write management events, a log group. */
const verdict = (trails: Trail[], cloudwatch = aCloudWatchSlice()) => {
  const results = run(check, aMonitoredAccount({ trails, cloudwatch }));
  expect(results).toHaveLength(1);
  return results[0]!;
};
const stopped = known({ isLogging: false, latestDeliveryError: null });

describe('cloudwatch_root_usage_monitored: which trails count', () => {
  it('when the account has no trail, then it fails saying no filter can watch its activity', () => {
    const result = verdict([]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('it has no CloudTrail trail');
  });

  it('when the trail sends nothing to CloudWatch Logs, then the account fails naming the trail', () => {
    const result = verdict([aMonitoredTrail({ cloudWatchLogsLogGroupArn: null })]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('trail org-trail sends no logs to CloudWatch Logs');
  });

  it.each([
    ['single-region', { isMultiRegion: false }, 'is single-region (us-east-1)'],
    ['stopped', { status: stopped }, 'has stopped logging'],
    [
      'recording only writes',
      { eventSelectors: known({ managementEvents: true, readWriteType: 'WriteOnly' as const }) },
      'records only write management events',
    ],
    [
      'recording no management events',
      { eventSelectors: known({ managementEvents: false, readWriteType: null }) },
      'records no management events',
    ],
  ])('when the trail with the complete chain is %s, then it does not count and the account fails', (_, over, why) => {
    const result = verdict([aMonitoredTrail(over)]);
    expect(result.status).toBe('fail');
    expect(result.message).toContain(`trail org-trail ${why}`);
    expect(result.evidence.trails).toEqual([{ trail: 'org-trail', counts: false, problems: [why] }]);
  });

  it('when a stopped trail’s selectors could not be read, then it fails anyway: the known problem disqualifies it', () => {
    const result = verdict([
      aMonitoredTrail({ status: stopped, eventSelectors: denied('cloudtrail:GetEventSelectors') }),
    ]);
    expect(result.status).toBe('fail');
  });

  it('when the only trail’s status could not be read, then the account is unknown naming cloudtrail:GetTrailStatus', () => {
    const result = verdict([aMonitoredTrail({ status: denied('cloudtrail:GetTrailStatus') })]);
    expect(result).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'cloudtrail:GetTrailStatus' } });
  });

  it('when the trail list could not be read, then the account is unknown naming cloudtrail:DescribeTrails', () => {
    const account = aMonitoredAccount();
    const results = run(check, {
      ...account,
      cloudtrail: { trails: missing(accessDenied('cloudtrail:DescribeTrails')) },
    });
    expect(results[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'cloudtrail:DescribeTrails' },
    });
  });

  it('when the snapshot predates log group collection, then the account is unknown asking to collect again', () => {
    const result = verdict([aMonitoredTrail({ cloudWatchLogsLogGroupArn: undefined })]);
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('collect again');
  });

  it('when one trail fails for sure and another cannot be read, then the account is unknown: the other may pass', () => {
    const result = verdict([
      aMonitoredTrail({ name: 'a', cloudWatchLogsLogGroupArn: null }),
      aMonitoredTrail({ name: 'b', eventSelectors: denied('cloudtrail:GetEventSelectors') }),
    ]);
    expect(result.status).toBe('unknown');
  });

  it('when one counting trail passes and another fails, then the account passes', () => {
    const result = verdict([aMonitoredTrail({ name: 'old', cloudWatchLogsLogGroupArn: null }), aMonitoredTrail()]);
    expect(result.status).toBe('pass');
  });

  it('when two counting trails break at different links, then the failure names the furthest one', () => {
    const bare = aMonitoredLogGroup({
      arn: logGroupArn('bare'),
      name: 'bare',
      metricFilters: known([]),
      alarms: known([]),
    });
    const muted = aMonitoredLogGroup({
      alarms: known(CIS_MONITORING_CONTROLS.map((c) => ({ ...cisAlarm(c), actionsEnabled: false }))),
    });
    const result = verdict(
      [aMonitoredTrail({ name: 'bare-trail', cloudWatchLogsLogGroupArn: logGroupArn('bare') }), aMonitoredTrail()],
      aCloudWatchSlice({ logGroups: known([bare, muted]) }),
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('has its actions disabled');
  });

  it('when the trail sends to a log group of another account, then the account is unknown naming that account', () => {
    const result = verdict([aMonitoredTrail({ cloudWatchLogsLogGroupArn: logGroupArn('org-logs', '999999999999') })]);
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('in account 999999999999');
    expect(result.evidence).toMatchObject({ logGroupAccount: '999999999999' });
  });

  it('when the trail’s log group ARN cannot be read, then the account is unknown quoting it', () => {
    const result = verdict([aMonitoredTrail({ cloudWatchLogsLogGroupArn: 'not-an-arn' })]);
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('`not-an-arn`');
  });

  it('when the trail’s log group is not in the cloudwatch slice, then the account is unknown asking to collect again', () => {
    const result = verdict([aMonitoredTrail({ cloudWatchLogsLogGroupArn: logGroupArn('new-group') })]);
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('was not collected in this snapshot');
  });

  it('when the log groups could not be listed, then the account is unknown with that reason', () => {
    const result = verdict([aMonitoredTrail()], aCloudWatchSlice({ logGroups: denied('cloudtrail:DescribeTrails') }));
    expect(result).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'cloudtrail:DescribeTrails' } });
  });
});
