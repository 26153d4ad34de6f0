import check from '../../../../src/core/checks/cloudtrail/cloudtrail_bucket_access_logging';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { anAccountWithTrailBucket } from '../../../fixtures/s3-builders';
import { aCloudTrailSlice, anAccount, anS3Slice, aTrail, denied } from '../../../fixtures/snapshot-builders';

describe('cloudtrail_bucket_access_logging', () => {
  it("when the trail's bucket logs access, then the trail passes naming the target", () => {
    const result = resultFor(run(check, anAccount()), 'org-trail');
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsCloudTrailTrail' },
      evidence: { bucket: 'cloudtrail-logs', targetBucket: 'access-logs' },
    });
  });

  it("when the trail's bucket has no access logging, then the trail fails naming the bucket", () => {
    const result = resultFor(run(check, anAccountWithTrailBucket({ logging: known(null) })), 'org-trail');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('cloudtrail-logs');
  });

  it('when the bucket is not in this account, then it is unknown saying it is in another account', () => {
    const account = anAccount({
      cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ s3BucketName: 'central-logs' })]) }),
    });
    const result = resultFor(run(check, account), 'org-trail');
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { bucket: 'central-logs', bucketInAnotherAccount: true },
    });
    expect(result.message).toContain('another account');
  });

  it("when the bucket's logging setting cannot be read, then it is unknown naming the permission", () => {
    const result = resultFor(
      run(check, anAccountWithTrailBucket({ logging: denied('s3:GetBucketLogging') })),
      'org-trail',
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketLogging');
  });

  it('when buckets cannot be listed, then the trail is unknown naming the permission', () => {
    const result = resultFor(
      run(check, anAccount({ s3: anS3Slice({ buckets: denied('s3:ListAllMyBuckets') }) })),
      'org-trail',
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:ListAllMyBuckets');
  });

  it('when the trail does not name a bucket, then it is unknown rather than a pass', () => {
    const account = anAccount({ cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ s3BucketName: null })]) }) });
    expect(resultFor(run(check, account), 'org-trail').status).toBe('unknown');
  });
});
