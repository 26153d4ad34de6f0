import check from '../../../../src/core/checks/cloudtrail/cloudtrail_log_file_validation';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { aCloudTrailSlice, anAccount, aTrail, denied } from '../../../fixtures/snapshot-builders';

describe('cloudtrail_log_file_validation', () => {
  it('when the trail validates its log files, then it passes in its home region', () => {
    const account = anAccount({
      cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ homeRegion: 'eu-west-1' })]) }),
    });
    expect(resultFor(run(check, account), 'org-trail')).toMatchObject({
      status: 'pass',
      region: 'eu-west-1',
      resource: { type: 'AwsCloudTrailTrail' },
    });
  });

  it('when one of two trails does not validate, then only that one fails', () => {
    const trails = [aTrail(), aTrail({ name: 'legacy', logFileValidationEnabled: false })];
    const results = run(check, anAccount({ cloudtrail: aCloudTrailSlice({ trails: known(trails) }) }));
    expect(resultFor(results, 'org-trail').status).toBe('pass');
    expect(resultFor(results, 'legacy')).toMatchObject({
      status: 'fail',
      evidence: { logFileValidationEnabled: false },
    });
  });

  it('when there are no trails, then there is nothing to report (the multi-region check covers it)', () => {
    expect(run(check, anAccount({ cloudtrail: aCloudTrailSlice({ trails: known([]) }) }))).toEqual([]);
  });

  it('when trails cannot be listed, then it is unknown naming the permission', () => {
    const results = run(
      check,
      anAccount({ cloudtrail: aCloudTrailSlice({ trails: denied('cloudtrail:DescribeTrails') }) }),
    );
    expect(results).toHaveLength(1);
    expect(results[0]!.message).toContain('cloudtrail:DescribeTrails');
  });
});
