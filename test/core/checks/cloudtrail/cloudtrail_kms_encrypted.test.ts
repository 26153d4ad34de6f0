import check from '../../../../src/core/checks/cloudtrail/cloudtrail_kms_encrypted';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { aCloudTrailSlice, anAccount, aTrail, denied } from '../../../fixtures/snapshot-builders';

describe('cloudtrail_kms_encrypted', () => {
  it('when the trail has a KMS key, then it passes with the key in evidence', () => {
    const result = resultFor(run(check, anAccount()), 'org-trail');
    expect(result.status).toBe('pass');
    expect(result.evidence.kmsKeyId).toEqual(expect.stringContaining('arn:aws:kms:'));
  });

  it('when the trail has no KMS key, then it fails', () => {
    const account = anAccount({ cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ kmsKeyId: null })]) }) });
    expect(resultFor(run(check, account), 'org-trail')).toMatchObject({ status: 'fail', evidence: { kmsKeyId: null } });
  });

  it('when trails cannot be listed, then it is unknown naming the permission', () => {
    const results = run(
      check,
      anAccount({ cloudtrail: aCloudTrailSlice({ trails: denied('cloudtrail:DescribeTrails') }) }),
    );
    expect(results).toEqual([expect.objectContaining({ status: 'unknown' })]);
    expect(results[0]!.message).toContain('cloudtrail:DescribeTrails');
  });
});
