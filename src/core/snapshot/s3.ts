import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';
import { isoDate } from './vocabulary';

/** What cloudsec reads from S3: the account-level Block Public Access and every bucket's settings. */

export const PublicAccessBlockSchema = z.object({
  blockPublicAcls: z.boolean(),
  ignorePublicAcls: z.boolean(),
  blockPublicPolicy: z.boolean(),
  restrictPublicBuckets: z.boolean(),
});
export type PublicAccessBlock = z.infer<typeof PublicAccessBlockSchema>;

export const AclGrantSchema = z.object({
  /** `CanonicalUser` | `Group` | `AmazonCustomerByEmail` */
  granteeType: z.string(),
  granteeId: z.string().optional(),
  granteeUri: z.string().optional(),
  /** `FULL_CONTROL` | `READ` | `WRITE` | `READ_ACP` | `WRITE_ACP` */
  permission: z.string(),
});
export type AclGrant = z.infer<typeof AclGrantSchema>;

export const S3BucketSchema = z.object({
  name: z.string(),
  arn: z.string(),
  /**
   * The bucket's home region, where its settings were read. Every bucket of the account is listed
   * whatever the configured `regions` (those scope the regional services); a bucket finding carries
   * this region, so `--region` filters buckets by where they live.
   */
  region: z.string(),
  creationDate: isoDate.nullable(),
  /** GetBucketPolicyStatus; `null` value: the bucket has no policy. */
  policyStatus: fact(z.object({ isPublic: z.boolean() }).nullable()),
  /** GetBucketPolicy parsed; `null` value: no policy. */
  policy: fact(PolicyDocumentSchema.nullable()),
  /** `null` value: no bucket-level configuration. */
  publicAccessBlock: fact(PublicAccessBlockSchema.nullable()),
  acl: fact(z.object({ ownerId: z.string().nullable(), grants: z.array(AclGrantSchema) })),
  /** `null` value: no default encryption configuration. */
  encryption: fact(
    z.object({ rules: z.array(z.object({ algorithm: z.string(), kmsKeyId: z.string().nullable() })) }).nullable(),
  ),
  versioning: fact(z.object({ status: z.enum(['Enabled', 'Suspended', 'Disabled']), mfaDelete: z.boolean() })),
  /** `null` value: server access logging is off. */
  logging: fact(z.object({ targetBucket: z.string(), targetPrefix: z.string() }).nullable()),
});
export type S3Bucket = z.infer<typeof S3BucketSchema>;

export const S3SliceSchema = z.object({
  /** s3control GetPublicAccessBlock; `null` value: not configured for the account. */
  accountPublicAccessBlock: fact(PublicAccessBlockSchema.nullable()),
  buckets: fact(z.array(S3BucketSchema)),
});
export type S3Slice = z.infer<typeof S3SliceSchema>;
