import type { DeleteBucketEncryptionCommandInput, PutBucketEncryptionCommandInput } from '@aws-sdk/client-s3';
import { known } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/s3_default_encryption';
import { ACCOUNT_ID, aBucket, anAccount, anS3Slice, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding, account } = SAMPLES.s3_default_encryption!();
const withEncryption = (encryption: ReturnType<typeof aBucket>['encryption']) =>
  anAccount({ s3: anS3Slice({ buckets: known([aBucket({ encryption })]) }) });

describe('s3_default_encryption', () => {
  it('when the bucket has no default encryption, then the plan sets SSE-S3', () => {
    const result = planned(remediation.plan(finding, account));
    const expected: PutBucketEncryptionCommandInput = {
      Bucket: 'app-data',
      ExpectedBucketOwner: ACCOUNT_ID,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    };
    expect(result.calls).toEqual([
      { service: 's3', region: 'us-east-1', command: 'PutBucketEncryption', input: expected },
    ]);
  });

  it('when there was none before, then undo deletes the configuration', () => {
    const result = planned(remediation.plan(finding, account));
    const expected: DeleteBucketEncryptionCommandInput = { Bucket: 'app-data', ExpectedBucketOwner: ACCOUNT_ID };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 's3', region: 'us-east-1', command: 'DeleteBucketEncryption', input: expected }],
    });
  });

  it('when an unrecognised rule was configured, then undo puts the previous rules back', () => {
    const result = planned(
      remediation.plan(finding, withEncryption(known({ rules: [{ algorithm: 'LEGACY', kmsKeyId: 'key-1' }] }))),
    );
    const undo = remediation.inverse(result.calls, result.before);
    expect(undo).toMatchObject({
      ok: true,
      calls: [
        {
          command: 'PutBucketEncryption',
          input: {
            ServerSideEncryptionConfiguration: {
              Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'LEGACY', KMSMasterKeyID: 'key-1' } }],
            },
          },
        },
      ],
    });
  });

  it('when the bucket already encrypts with KMS, then it is not downgraded to SSE-S3', () => {
    const kms = withEncryption(
      known({ rules: [{ algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k' }] }),
    );
    expect(reasonOf(remediation.plan(finding, kms))).toContain('aws:kms');
  });

  it('when the encryption setting could not be read, then no plan is made, naming the permission', () => {
    expect(reasonOf(remediation.plan(finding, withEncryption(denied('s3:GetEncryptionConfiguration'))))).toContain(
      's3:GetEncryptionConfiguration',
    );
  });
});
