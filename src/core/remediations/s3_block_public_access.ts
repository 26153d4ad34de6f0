import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { PublicAccessBlockSchema, type PublicAccessBlock } from '../model';
import { PUBLIC_ACCESS_BLOCK_SETTINGS } from '../s3-access';
import { cannot, collected, defineRemediation, findBucket } from './define';
import { sdkCall } from './sdk-call';

/** The SDK's PublicAccessBlockConfiguration from the snapshot's shape. */
export const publicAccessBlockConfiguration = (b: PublicAccessBlock): PublicAccessBlockConfiguration => ({
  BlockPublicAcls: b.blockPublicAcls,
  IgnorePublicAcls: b.ignorePublicAcls,
  BlockPublicPolicy: b.blockPublicPolicy,
  RestrictPublicBuckets: b.restrictPublicBuckets,
});

export const ALL_BLOCKED: PublicAccessBlock = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

const Before = z.object({
  bucket: z.string(),
  region: z.string(),
  /** ExpectedBucketOwner on every call, so a bucket name now owned by someone else is never touched. */
  owner: z.string(),
  /** `null`: the bucket had no configuration of its own. */
  publicAccessBlock: PublicAccessBlockSchema.nullable(),
});

export default defineRemediation({
  id: 's3_block_public_access',
  title: 'Turn on all four Block Public Access settings on the bucket',
  fixes: [
    's3_bucket_public_access_blocked',
    's3_bucket_not_public_by_policy',
    's3_bucket_not_public_by_acl',
    'cloudtrail_bucket_not_public',
  ],
  risk: 'low',
  // S3 authorizes DeletePublicAccessBlock with the same action as PutPublicAccessBlock.
  permissions: ['s3:PutBucketPublicAccessBlock'],
  undoPermissions: ['s3:PutBucketPublicAccessBlock'],
  before: Before,
  plan: (finding, account) => {
    const bucket = findBucket(finding, account);
    if (!bucket.ok) return bucket;
    const { name, region } = bucket.value;
    const current = collected(bucket.value.publicAccessBlock, `the Block Public Access settings of bucket ${name}`);
    if (!current.ok) return current;
    if (current.value && PUBLIC_ACCESS_BLOCK_SETTINGS.every((k) => current.value?.[k])) {
      return cannot(`Bucket ${name} already turns on all four Block Public Access settings.`);
    }
    return {
      ok: true,
      calls: [
        sdkCall('s3', 'PutPublicAccessBlock', region, {
          Bucket: name,
          ExpectedBucketOwner: account.accountId,
          PublicAccessBlockConfiguration: publicAccessBlockConfiguration(ALL_BLOCKED),
        }),
      ],
      before: { bucket: name, region, owner: account.accountId, publicAccessBlock: current.value },
    };
  },
  inverse: (_calls, before) => {
    const target = { Bucket: before.bucket, ExpectedBucketOwner: before.owner };
    return [
      before.publicAccessBlock
        ? sdkCall('s3', 'PutPublicAccessBlock', before.region, {
            ...target,
            PublicAccessBlockConfiguration: publicAccessBlockConfiguration(before.publicAccessBlock),
          })
        : sdkCall('s3', 'DeletePublicAccessBlock', before.region, target),
    ];
  },
});
