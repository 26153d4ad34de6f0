import check from '../../../../src/core/checks/s3/s3_bucket_public_access_blocked';
import { known } from '../../../../src/core/model';
import { run, resultFor } from '../../../fixtures/check-harness';
import { ALL_BLOCKED, aBucket, anAccount, anS3Slice, denied } from '../../../fixtures/snapshot-builders';

describe('s3_bucket_public_access_blocked', () => {
  it('when the bucket turns on all four settings, then it passes', () => {
    const results = run(check, anAccount({ s3: anS3Slice({ accountPublicAccessBlock: known(null) }) }));
    expect(resultFor(results, 'app-data').status).toBe('pass');
  });

  it('when only the account-level block covers the bucket, then it passes', () => {
    const account = anAccount({ s3: anS3Slice({ buckets: known([aBucket({ publicAccessBlock: known(null) })]) }) });
    expect(resultFor(run(check, account), 'app-data').status).toBe('pass');
  });

  it('when neither level turns on a setting, then it fails naming the missing settings', () => {
    const account = anAccount({
      s3: anS3Slice({
        accountPublicAccessBlock: known(null),
        buckets: known([aBucket({ publicAccessBlock: known({ ...ALL_BLOCKED, restrictPublicBuckets: false }) })]),
      }),
    });
    const result = resultFor(run(check, account), 'app-data');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('restrictPublicBuckets');
    expect(result.evidence).toEqual({ missing: ['restrictPublicBuckets'] });
  });

  it('when the bucket setting cannot be read and the account does not cover it, then it is unknown naming the permission', () => {
    const account = anAccount({
      s3: anS3Slice({
        accountPublicAccessBlock: known(null),
        buckets: known([aBucket({ publicAccessBlock: denied('s3:GetBucketPublicAccessBlock') })]),
      }),
    });
    const result = resultFor(run(check, account), 'app-data');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketPublicAccessBlock');
  });

  it('when buckets cannot be listed, then one unknown result stands for the account', () => {
    const results = run(check, anAccount({ s3: anS3Slice({ buckets: denied('s3:ListAllMyBuckets') }) }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
  });
});
