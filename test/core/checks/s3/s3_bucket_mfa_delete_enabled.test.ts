import check from '../../../../src/core/checks/s3/s3_bucket_mfa_delete_enabled';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { aBucket, anAccount, anS3Slice, denied } from '../../../fixtures/snapshot-builders';

const withBucket = (over: Parameters<typeof aBucket>[0]) =>
  anAccount({ s3: anS3Slice({ buckets: known([aBucket(over)]) }) });

describe('s3_bucket_mfa_delete_enabled', () => {
  it('when MFA Delete is enabled, then the bucket passes', () => {
    const result = resultFor(
      run(check, withBucket({ versioning: known({ status: 'Enabled', mfaDelete: true }) })),
      'app-data',
    );
    expect(result).toMatchObject({ status: 'pass', evidence: { mfaDelete: true } });
  });

  it('when MFA Delete is off, then it fails saying versions can be deleted without MFA', () => {
    const result = resultFor(
      run(check, withBucket({ versioning: known({ status: 'Enabled', mfaDelete: false }) })),
      'app-data',
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { mfaDelete: false } });
    expect(result.message).toContain('does not require MFA');
  });

  it('when versioning cannot be read, then it is unknown naming the permission', () => {
    const result = resultFor(run(check, withBucket({ versioning: denied('s3:GetBucketVersioning') })), 'app-data');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketVersioning');
  });
});
