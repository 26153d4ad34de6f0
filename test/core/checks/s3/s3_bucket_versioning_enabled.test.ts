import check from '../../../../src/core/checks/s3/s3_bucket_versioning_enabled';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { aBucket, anAccount, anS3Slice, denied } from '../../../fixtures/snapshot-builders';

const withBucket = (over: Parameters<typeof aBucket>[0]) =>
  anAccount({ s3: anS3Slice({ buckets: known([aBucket(over)]) }) });

describe('s3_bucket_versioning_enabled', () => {
  it('when versioning is enabled, then the bucket passes', () => {
    expect(resultFor(run(check, anAccount()), 'app-data').status).toBe('pass');
  });

  it('when versioning is suspended, then it fails saying suspended', () => {
    const result = resultFor(
      run(check, withBucket({ versioning: known({ status: 'Suspended', mfaDelete: false }) })),
      'app-data',
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { status: 'Suspended' } });
    expect(result.message).toContain('suspended');
  });

  it('when versioning was never enabled, then it fails', () => {
    const result = resultFor(
      run(check, withBucket({ versioning: known({ status: 'Disabled', mfaDelete: false }) })),
      'app-data',
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { status: 'Disabled' } });
  });

  it('when versioning cannot be read, then it is unknown naming the permission', () => {
    const result = resultFor(run(check, withBucket({ versioning: denied('s3:GetBucketVersioning') })), 'app-data');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketVersioning');
  });
});
