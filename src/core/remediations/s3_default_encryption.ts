import type { ServerSideEncryption, ServerSideEncryptionConfiguration } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { cannot, collected, defineRemediation, findBucket } from './define';
import { sdkCall } from './sdk-call';

const Rule = z.object({ algorithm: z.string(), kmsKeyId: z.string().nullable() });

const Before = z.object({
  bucket: z.string(),
  region: z.string(),
  owner: z.string(),
  /** `null`: no default encryption configuration. */
  rules: z.array(Rule).nullable(),
});

/** SSE-S3 and every SSE-KMS flavour (`aws:kms`, `aws:kms:dsse`) already encrypt new objects. */
const encrypts = (algorithm: string) => algorithm === 'AES256' || algorithm.startsWith('aws:kms');

const serverSideEncryptionConfiguration = (
  rules: readonly z.infer<typeof Rule>[],
): ServerSideEncryptionConfiguration => ({
  Rules: rules.map((r) => ({
    ApplyServerSideEncryptionByDefault: {
      // S3's own name for the algorithm, as GetBucketEncryption answered it (or AES256 for the fix):
      // undo sends back what was there, and S3 itself refuses a name it does not know.
      SSEAlgorithm: r.algorithm as ServerSideEncryption,
      ...(r.kmsKeyId === null ? {} : { KMSMasterKeyID: r.kmsKeyId }),
    },
  })),
});

export default defineRemediation({
  id: 's3_default_encryption',
  title: 'Encrypt new objects in the bucket by default with S3-managed keys (SSE-S3)',
  fixes: ['s3_bucket_default_encryption'],
  risk: 'low',
  // S3 authorizes DeleteBucketEncryption with the same action as PutBucketEncryption.
  permissions: ['s3:PutEncryptionConfiguration'],
  undoPermissions: ['s3:PutEncryptionConfiguration'],
  before: Before,
  plan: (finding, account) => {
    const bucket = findBucket(finding, account);
    if (!bucket.ok) return bucket;
    const { name, region } = bucket.value;
    const current = collected(bucket.value.encryption, `the default encryption of bucket ${name}`);
    if (!current.ok) return current;
    const existing = current.value?.rules.find((r) => encrypts(r.algorithm));
    // Writing SSE-S3 over an SSE-KMS configuration would weaken it, so never replace one.
    if (existing) return cannot(`Bucket ${name} already encrypts new objects by default (${existing.algorithm}).`);
    return {
      ok: true,
      calls: [
        sdkCall('s3', 'PutBucketEncryption', region, {
          Bucket: name,
          ExpectedBucketOwner: account.accountId,
          ServerSideEncryptionConfiguration: serverSideEncryptionConfiguration([
            { algorithm: 'AES256', kmsKeyId: null },
          ]),
        }),
      ],
      before: { bucket: name, region, owner: account.accountId, rules: current.value?.rules ?? null },
    };
  },
  inverse: (_calls, before) => {
    const target = { Bucket: before.bucket, ExpectedBucketOwner: before.owner };
    return [
      before.rules && before.rules.length > 0
        ? sdkCall('s3', 'PutBucketEncryption', before.region, {
            ...target,
            ServerSideEncryptionConfiguration: serverSideEncryptionConfiguration(before.rules),
          })
        : sdkCall('s3', 'DeleteBucketEncryption', before.region, target),
    ];
  },
});
