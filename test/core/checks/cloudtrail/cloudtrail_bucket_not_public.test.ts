import check from '../../../../src/core/checks/cloudtrail/cloudtrail_bucket_not_public';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import {
  aGroupGrant,
  anAccountWithTrailBucket,
  anOwnerGrant,
  aPolicy,
  aPublicReadStatement,
} from '../../../fixtures/s3-builders';
import { aCloudTrailSlice, anAccount, anS3Slice, aTrail, denied, REGION } from '../../../fixtures/snapshot-builders';

const NO_BLOCK = { publicAccessBlock: known(null) };

describe('cloudtrail_bucket_not_public', () => {
  it("when the trail's bucket is not public, then the bucket passes", () => {
    const results = run(check, anAccount());
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsS3Bucket', id: 'cloudtrail-logs' },
      region: REGION,
      evidence: { trails: ['org-trail'] },
    });
  });

  it('when the bucket policy is public and nothing blocks it, then the bucket fails naming the statement', () => {
    const account = anAccountWithTrailBucket(
      { ...NO_BLOCK, policyStatus: known({ isPublic: true }), policy: known(aPolicy(aPublicReadStatement())) },
      {},
      true,
    );
    const result = resultFor(run(check, account), 'cloudtrail-logs');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('statement PublicRead allows anyone s3:GetObject');
    expect(result.evidence).toMatchObject({ policy: { status: 'public' }, acl: null });
  });

  it('when the ACL grants AuthenticatedUsers, then the bucket fails saying any authenticated AWS user', () => {
    const acl = known({ ownerId: 'o', grants: [anOwnerGrant(), aGroupGrant('AuthenticatedUsers', 'READ')] });
    const result = resultFor(run(check, anAccountWithTrailBucket({ ...NO_BLOCK, acl }, {}, true)), 'cloudtrail-logs');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('any authenticated AWS user');
  });

  it('when the policy is public but the account restricts public buckets, then it passes', () => {
    const account = anAccountWithTrailBucket({ ...NO_BLOCK, policyStatus: known({ isPublic: true }) });
    expect(resultFor(run(check, account), 'cloudtrail-logs').status).toBe('pass');
  });

  it('when two trails share one bucket, then there is one result listing both', () => {
    const trails = [aTrail(), aTrail({ name: 'data-events' })];
    const results = run(check, anAccount({ cloudtrail: aCloudTrailSlice({ trails: known(trails) }) }));
    expect(results).toHaveLength(1);
    expect(results[0]!.evidence).toEqual({ trails: ['org-trail', 'data-events'] });
  });

  it('when the bucket is in another account, then it is unknown saying so', () => {
    const account = anAccount({
      cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ s3BucketName: 'central-logs' })]) }),
    });
    const result = resultFor(run(check, account), 'central-logs');
    expect(result).toMatchObject({ status: 'unknown', evidence: { bucketInAnotherAccount: true } });
    expect(result.message).toContain('another account');
  });

  it('when the ACL cannot be read and nothing ignores public ACLs, then it is unknown naming the permission', () => {
    const account = anAccountWithTrailBucket({ ...NO_BLOCK, acl: denied('s3:GetBucketAcl') }, {}, true);
    const result = resultFor(run(check, account), 'cloudtrail-logs');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketAcl');
  });

  it('when buckets cannot be listed, then the bucket is unknown naming the permission', () => {
    const result = resultFor(
      run(check, anAccount({ s3: anS3Slice({ buckets: denied('s3:ListAllMyBuckets') }) })),
      'cloudtrail-logs',
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:ListAllMyBuckets');
  });
});
