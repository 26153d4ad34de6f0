import check from '../../../../src/core/checks/s3/s3_bucket_default_encryption';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { aBucket, anAccount, anS3Slice, denied, REGION } from '../../../fixtures/snapshot-builders';

const withBucket = (over: Parameters<typeof aBucket>[0]) =>
  anAccount({ s3: anS3Slice({ buckets: known([aBucket(over)]) }) });

describe('s3_bucket_default_encryption', () => {
  it('when the bucket has an SSE-S3 rule, then it passes naming the algorithm', () => {
    const result = resultFor(run(check, anAccount()), 'app-data');
    expect(result).toMatchObject({ status: 'pass', region: REGION, evidence: { algorithms: ['AES256'] } });
  });

  it('when the bucket uses SSE-KMS, then it passes with the key in evidence', () => {
    const key = 'arn:aws:kms:us-east-1:111111111111:key/abcd';
    const result = resultFor(
      run(check, withBucket({ encryption: known({ rules: [{ algorithm: 'aws:kms', kmsKeyId: key }] }) })),
      'app-data',
    );
    expect(result).toMatchObject({ status: 'pass', evidence: { kmsKeyIds: [key] } });
  });

  it('when the bucket has no encryption configuration, then it fails', () => {
    const result = resultFor(run(check, withBucket({ encryption: known(null) })), 'app-data');
    expect(result).toMatchObject({ status: 'fail', evidence: { configured: false } });
    expect(result.message).toContain('no default encryption');
  });

  it('when the configuration has no rules, then it fails', () => {
    expect(resultFor(run(check, withBucket({ encryption: known({ rules: [] }) })), 'app-data').status).toBe('fail');
  });

  it('when the configuration cannot be read, then it is unknown naming the permission', () => {
    const result = resultFor(
      run(check, withBucket({ encryption: denied('s3:GetEncryptionConfiguration') })),
      'app-data',
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetEncryptionConfiguration');
  });
});
