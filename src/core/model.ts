import { z } from 'zod';
import { SeveritySchema, isoDate } from './snapshot/vocabulary';

/**
 * The vocabulary shared by every part of cloudsec: findings and their statuses here, the snapshot
 * (one module per service slice) under ./snapshot. Everything is re-exported from this module, so
 * `import … from './model'` keeps working wherever a name now lives.
 */

export * from './snapshot/vocabulary';
export * from './snapshot/fact';
export * from './snapshot/iam';
export * from './snapshot/s3';
export * from './snapshot/cloudtrail';
export * from './snapshot/ec2';
export * from './snapshot/securityhub';
export * from './snapshot/account';
export * from './snapshot/rds';
export * from './snapshot/efs';
export * from './snapshot/lambda';
export * from './snapshot/sqs';
export * from './snapshot/sns';
export * from './snapshot/kms';
export * from './snapshot/secretsmanager';
export * from './snapshot/ecr';
export * from './snapshot/opensearch';
export * from './snapshot/eks';
export * from './snapshot/guardduty';
export * from './snapshot/config';
export * from './snapshot/accessanalyzer';
export * from './snapshot/cloudwatch';
export * from './snapshot/account-settings';

export const FINDING_STATUSES = ['fail', 'unknown', 'pass'] as const;
export const FindingStatusSchema = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;

/** Region used for account-wide (global) resources such as IAM users or the S3 account settings. */
export const GLOBAL_REGION = 'global';

export const ResourceRefSchema = z.object({
  /** e.g. `AwsS3Bucket`, `AwsIamUser`, `AwsAccount`, `AwsEc2SecurityGroup` (Security Hub's ASFF names). */
  type: z.string(),
  id: z.string(),
  arn: z.string().nullable(),
  /**
   * The resource's tags where its collector read them (absent = not known, which is not "no tags"):
   * accepted-risk scopes may name tags, and an unknown tag set never matches one.
   */
  tags: z.record(z.string(), z.string()).optional(),
});
export type ResourceRef = z.infer<typeof ResourceRefSchema>;

export const FindingSchema = z.object({
  /** Stable across scans: derived from source, check, account, region and resource. */
  id: z.string(),
  source: z.enum(['cloudsec', 'securityhub']),
  checkId: z.string(),
  status: FindingStatusSchema,
  severity: SeveritySchema,
  service: z.string(),
  accountId: z.string(),
  region: z.string(),
  resource: ResourceRefSchema,
  title: z.string(),
  /** One human sentence about this resource. */
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  remediationId: z.string().nullable(),
  frameworks: z.object({ cis: z.string().nullable(), securityHub: z.string().nullable() }),
  observedAt: isoDate,
});
export type Finding = z.infer<typeof FindingSchema>;
