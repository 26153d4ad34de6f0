import check from '../../../../src/core/checks/cloudtrail/cloudtrail_cloudwatch_logs_integrated';
import { known, missing, type Trail } from '../../../../src/core/model';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { aMonitoredTrail, logGroupArn } from '../../../fixtures/builders/cloudwatch';
import { aCloudTrailSlice, accessDenied, anAccount, aTrail } from '../../../fixtures/snapshot-builders';

const withTrails = (...trails: Trail[]) => anAccount({ cloudtrail: aCloudTrailSlice({ trails: known(trails) }) });

describe('cloudtrail_cloudwatch_logs_integrated', () => {
  it('when a trail delivers to a log group, then it passes naming the log group', () => {
    const [result] = run(check, withTrails(aMonitoredTrail()));
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsCloudTrailTrail', id: 'org-trail' },
      evidence: { cloudWatchLogsLogGroupArn: logGroupArn() },
    });
  });

  it('when a trail delivers to no log group, then that trail fails, each trail judged on its own', () => {
    const results = run(
      check,
      withTrails(aMonitoredTrail(), aMonitoredTrail({ name: 'quiet', cloudWatchLogsLogGroupArn: null })),
    );
    expect(statuses(results)).toEqual(['org-trail:pass', 'quiet:fail']);
    expect(resultFor(results, 'quiet').message).toContain('delivers no events to CloudWatch Logs');
  });

  it('when the snapshot predates log group collection, then the trail is unknown, never a pass', () => {
    const [result] = run(check, withTrails(aTrail()));
    expect(result).toMatchObject({ status: 'unknown', evidence: { notCollected: ['cloudWatchLogsLogGroupArn'] } });
  });

  it('when the trail list could not be read, then the account is unknown naming cloudtrail:DescribeTrails', () => {
    const account = anAccount({
      cloudtrail: aCloudTrailSlice({ trails: missing(accessDenied('cloudtrail:DescribeTrails')) }),
    });
    expect(run(check, account)[0]).toMatchObject({
      status: 'unknown',
      resource: { type: 'AwsAccount' },
      evidence: { missingPermission: 'cloudtrail:DescribeTrails' },
    });
  });
});
