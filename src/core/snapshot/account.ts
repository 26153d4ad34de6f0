import { z } from 'zod';
import { CloudTrailSliceSchema } from './cloudtrail';
import { Ec2RegionSchema } from './ec2';
import { fact } from './fact';
import { IamSliceSchema } from './iam';
import { S3SliceSchema } from './s3';
import { SecurityHubRegionSchema } from './securityhub';
import { ServiceSchema, isoDate, type Service } from './vocabulary';
import { RdsRegionSchema } from './rds';
import { EfsRegionSchema } from './efs';
import { LambdaRegionSchema } from './lambda';
import { SqsRegionSchema } from './sqs';
import { SnsRegionSchema } from './sns';
import { KmsRegionSchema } from './kms';
import { SecretsManagerRegionSchema } from './secretsmanager';
import { EcrRegionSchema } from './ecr';
import { OpenSearchRegionSchema } from './opensearch';
import { EksRegionSchema } from './eks';
import { GuardDutyRegionSchema } from './guardduty';
import { ConfigRegionSchema } from './config';
import { AccessAnalyzerRegionSchema } from './accessanalyzer';
import { CloudWatchSliceSchema } from './cloudwatch';
import { AccountSliceSchema } from './account-settings';

/**
 * One account's snapshot and the snapshot file. Types are inferred from zod schemas so that a
 * snapshot read from a file (`--snapshot`, the demo account) is validated against exactly the shape
 * the collectors produce. Each service's slice is optional: a scan collects only the services its
 * checks read, and an older file may lack a service added since.
 */

export const AccountSnapshotSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  accountName: z.string(),
  /** Innermost organization OU (`ou-…`) when the account was discovered through Organizations. */
  ou: z.string().nullable().default(null),
  /** `aws`, `aws-us-gov` or `aws-cn`: used to build ARNs. */
  partition: z.string().default('aws'),
  /** Regions scanned for regional services. */
  regions: z.array(z.string()),
  collectedAt: isoDate,
  /** Could cloudsec get into the account at all (assume-role)? When not, every check is unknown. */
  access: fact(z.literal(true)),
  /** Things the operator should know about this scan that are not findings (e.g. region discovery refused). */
  warnings: z.array(z.string()).default([]),
  iam: IamSliceSchema.optional(),
  s3: S3SliceSchema.optional(),
  cloudtrail: CloudTrailSliceSchema.optional(),
  ec2: z.record(z.string(), Ec2RegionSchema).optional(),
  securityhub: z.record(z.string(), SecurityHubRegionSchema).optional(),
  rds: z.record(z.string(), RdsRegionSchema).optional(),
  efs: z.record(z.string(), EfsRegionSchema).optional(),
  lambda: z.record(z.string(), LambdaRegionSchema).optional(),
  sqs: z.record(z.string(), SqsRegionSchema).optional(),
  sns: z.record(z.string(), SnsRegionSchema).optional(),
  kms: z.record(z.string(), KmsRegionSchema).optional(),
  secretsmanager: z.record(z.string(), SecretsManagerRegionSchema).optional(),
  ecr: z.record(z.string(), EcrRegionSchema).optional(),
  opensearch: z.record(z.string(), OpenSearchRegionSchema).optional(),
  eks: z.record(z.string(), EksRegionSchema).optional(),
  guardduty: z.record(z.string(), GuardDutyRegionSchema).optional(),
  config: z.record(z.string(), ConfigRegionSchema).optional(),
  accessanalyzer: z.record(z.string(), AccessAnalyzerRegionSchema).optional(),
  cloudwatch: CloudWatchSliceSchema.optional(),
  account: AccountSliceSchema.optional(),
});
export type AccountSnapshot = z.infer<typeof AccountSnapshotSchema>;

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: isoDate,
  /** Set on the bundled demo estate so every output can say it is not real. */
  demo: z.boolean().default(false),
  services: z.array(ServiceSchema),
  accounts: z.array(AccountSnapshotSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/**
 * An account snapshot in which the slices of `S` were collected. A check that `requires` those
 * services is handed this type, so it reads them without a non-null assertion, and reading a slice
 * it did not declare is a type error (that slice may be absent).
 */
export type AccountSnapshotWith<S extends Service> = AccountSnapshot & {
  [K in S]-?: NonNullable<AccountSnapshot[K]>;
};

/** The services of `services` whose slice this snapshot does not hold (not collected). */
export const absentSlices = <S extends Service>(account: AccountSnapshot, services: readonly S[]): S[] =>
  services.filter((service) => account[service] === undefined);

/** Whether every slice of `services` was collected; narrows `account` so the caller may read them. */
export const hasSlices = <R extends readonly Service[]>(
  account: AccountSnapshot,
  services: R,
): account is AccountSnapshotWith<R[number]> => absentSlices(account, services).length === 0;
