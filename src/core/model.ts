import { z } from 'zod';

/**
 * The vocabulary shared by every part of cloudsec. Types are inferred from zod schemas so that
 * a snapshot read from a file (`--snapshot`, the demo account) is validated against exactly the
 * shape the collectors produce.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Lower rank = more severe. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const FINDING_STATUSES = ['fail', 'unknown', 'pass'] as const;
export const FindingStatusSchema = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;

export const SERVICES = ['iam', 's3', 'cloudtrail', 'ec2', 'securityhub'] as const;
export const ServiceSchema = z.enum(SERVICES);
export type Service = z.infer<typeof ServiceSchema>;

/** Region used for account-wide (global) resources such as IAM users or the S3 account settings. */
export const GLOBAL_REGION = 'global';

/**
 * Why a piece of the snapshot could not be collected. `permission` names the IAM action that
 * was refused (or that the call needed), so an `unknown` finding can tell the operator what to grant.
 */
export const CollectErrorSchema = z.object({
  service: z.string(),
  operation: z.string(),
  permission: z.string(),
  region: z.string().optional(),
  /** AWS error name (`AccessDenied`, `UnauthorizedOperation`, `OptInRequired`, `ThrottlingException`, …). */
  code: z.string(),
  /**
   * What went wrong, which decides the next step a person is told to take:
   * `access-denied` (grant the permission), `throttled` (try later), `unreachable` (network, DNS,
   * timeout: check connectivity), `region-unavailable` (opt-in region not enabled), `unsupported`
   * (the service or operation does not exist there), `malformed` (AWS answered with something we
   * could not read), `other`.
   */
  kind: z.enum([
    'access-denied',
    'region-unavailable',
    'throttled',
    'unreachable',
    'unsupported',
    'malformed',
    'other',
  ]),
  message: z.string(),
});
export type CollectError = z.infer<typeof CollectErrorSchema>;

/** A collected value or the reason it is missing. */
export const fact = <T extends z.ZodTypeAny>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: CollectErrorSchema }),
  ]);
export type Fact<T> = { ok: true; value: T } | { ok: false; error: CollectError };

export const known = <T>(value: T): Fact<T> => ({ ok: true, value });
export const missing = <T = never>(error: CollectError): Fact<T> => ({ ok: false, error });

const isoDate = z.string().describe('ISO-8601 timestamp');

// ---------------------------------------------------------------- IAM (global)

/** One row of the IAM credential report; dates are ISO strings or null when AWS says N/A / no_information. */
export const CredentialReportRowSchema = z.object({
  user: z.string(),
  arn: z.string(),
  userCreationTime: isoDate.nullable(),
  passwordEnabled: z.boolean(),
  passwordLastUsed: isoDate.nullable(),
  passwordLastChanged: isoDate.nullable(),
  mfaActive: z.boolean(),
  accessKey1Active: z.boolean(),
  accessKey1LastRotated: isoDate.nullable(),
  accessKey1LastUsedDate: isoDate.nullable(),
  accessKey2Active: z.boolean(),
  accessKey2LastRotated: isoDate.nullable(),
  accessKey2LastUsedDate: isoDate.nullable(),
});
export type CredentialReportRow = z.infer<typeof CredentialReportRowSchema>;
/** The credential report names the root user like this. */
export const ROOT_USER = '<root_account>';

export const PolicyDocumentSchema = z.unknown().describe('parsed IAM policy JSON document');

export const InlinePolicySchema = z.object({ name: z.string(), document: PolicyDocumentSchema });
export const AttachedPolicySchema = z.object({ name: z.string(), arn: z.string() });

export const IamPrincipalSchema = z.object({
  name: z.string(),
  arn: z.string(),
  id: z.string(),
  attachedPolicies: z.array(AttachedPolicySchema),
  inlinePolicies: z.array(InlinePolicySchema),
  /** ARN of the managed policy set as the user's or role's permissions boundary; absent when none. */
  permissionsBoundaryArn: z.string().optional(),
});
export const IamUserSchema = IamPrincipalSchema.extend({ groups: z.array(z.string()) });
export type IamUser = z.infer<typeof IamUserSchema>;
export type IamPrincipal = z.infer<typeof IamPrincipalSchema>;
export const IamRoleSchema = IamPrincipalSchema.extend({
  /**
   * The trust policy (AssumeRolePolicyDocument), parsed like any policy document; `null` when AWS sent
   * none. Absent in snapshots written before cloudsec read it: who may assume the role is then unknown.
   */
  trustPolicy: PolicyDocumentSchema.optional(),
});
export type IamRole = z.infer<typeof IamRoleSchema>;

/** A managed policy with its default version's document. */
export const ManagedPolicySchema = z.object({
  name: z.string(),
  arn: z.string(),
  /** `null` when AWS did not say how many principals it is attached to. */
  attachmentCount: z.number().int().nullable(),
  defaultDocument: PolicyDocumentSchema,
});
export type ManagedPolicy = z.infer<typeof ManagedPolicySchema>;

export const AuthorizationDetailsSchema = z.object({
  users: z.array(IamUserSchema),
  groups: z.array(IamPrincipalSchema),
  roles: z.array(IamRoleSchema),
  /** Customer-managed policies, attached or not. */
  policies: z.array(ManagedPolicySchema),
  /**
   * The AWS-managed policies attached to a user, group or role, with their documents. Absent in
   * snapshots written before cloudsec read them: what those attachments grant is then unknown.
   */
  awsManagedPolicies: z.array(ManagedPolicySchema).optional(),
});
export type AuthorizationDetails = z.infer<typeof AuthorizationDetailsSchema>;

export const PasswordPolicySchema = z.object({
  minimumPasswordLength: z.number().int().nullable(),
  requireSymbols: z.boolean(),
  requireNumbers: z.boolean(),
  requireUppercaseCharacters: z.boolean(),
  requireLowercaseCharacters: z.boolean(),
  allowUsersToChangePassword: z.boolean(),
  maxPasswordAge: z.number().int().nullable(),
  passwordReusePrevention: z.number().int().nullable(),
  hardExpiry: z.boolean(),
});
export type PasswordPolicy = z.infer<typeof PasswordPolicySchema>;

export const VirtualMfaDeviceSchema = z.object({ serialNumber: z.string(), userArn: z.string().nullable() });

export const IamSliceSchema = z.object({
  credentialReport: fact(z.array(CredentialReportRowSchema)),
  authorizationDetails: fact(AuthorizationDetailsSchema),
  /** `null` value: the account has no password policy (a state, not an error). */
  passwordPolicy: fact(PasswordPolicySchema.nullable()),
  /** GetAccountSummary's SummaryMap (AccountMFAEnabled, AccountAccessKeysPresent, …). */
  accountSummary: fact(z.record(z.string(), z.number())),
  /** Assigned virtual MFA devices; root's virtual device means root MFA is not hardware. */
  virtualMfaDevices: fact(z.array(VirtualMfaDeviceSchema)),
});
export type IamSlice = z.infer<typeof IamSliceSchema>;

// ---------------------------------------------------------------- S3

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

// ---------------------------------------------------------------- CloudTrail

export const TrailSchema = z.object({
  name: z.string(),
  arn: z.string(),
  homeRegion: z.string(),
  isMultiRegion: z.boolean(),
  isOrganizationTrail: z.boolean(),
  logFileValidationEnabled: z.boolean(),
  kmsKeyId: z.string().nullable(),
  s3BucketName: z.string().nullable(),
  status: fact(z.object({ isLogging: z.boolean(), latestDeliveryError: z.string().nullable() })),
  /** Whether the trail records management events, read and write (basic or advanced selectors). */
  eventSelectors: fact(
    z.object({
      managementEvents: z.boolean(),
      readWriteType: z.enum(['All', 'ReadOnly', 'WriteOnly']).nullable(),
    }),
  ),
});
export type Trail = z.infer<typeof TrailSchema>;

export const CloudTrailSliceSchema = z.object({
  /** Trails seen from every scanned region (shadow trails included), de-duplicated by ARN. */
  trails: fact(z.array(TrailSchema)),
});
export type CloudTrailSlice = z.infer<typeof CloudTrailSliceSchema>;

// ---------------------------------------------------------------- EC2 (per region)

/**
 * One rule of a security group: one source (CIDR, security group or prefix list) for one protocol and
 * port range. Rules are read from the group's own IpPermissions / IpPermissionsEgress.
 */
export const SecurityGroupRuleSchema = z.object({
  /**
   * The SecurityGroupRuleId, joined from DescribeSecurityGroupRules. `null` when that listing was
   * refused, unreadable, or did not list exactly one matching rule: the rule is still evaluated, and a
   * remediation names it by its exact protocol, ports and source instead of by id.
   */
  ruleId: z.string().nullable(),
  isEgress: z.boolean(),
  /** `-1` means all protocols. */
  ipProtocol: z.string(),
  fromPort: z.number().int().nullable(),
  toPort: z.number().int().nullable(),
  cidrIpv4: z.string().nullable(),
  cidrIpv6: z.string().nullable(),
  referencedGroupId: z.string().nullable(),
  prefixListId: z.string().nullable(),
  description: z.string().nullable(),
});
export type SecurityGroupRule = z.infer<typeof SecurityGroupRuleSchema>;

export const SecurityGroupSchema = z.object({
  groupId: z.string(),
  groupName: z.string(),
  vpcId: z.string().nullable(),
  /** The group's IpPermissions and IpPermissionsEgress, one rule per source: what checks evaluate. */
  rules: z.array(SecurityGroupRuleSchema),
  /**
   * Rules DescribeSecurityGroupRules lists for this group that its IpPermissions do not have (the
   * group changed between the two calls, or AWS's two answers disagree). They are not evaluated as the
   * group's rules, but a check must not pass the group while one of them would fail it.
   */
  unconfirmedRules: z.array(SecurityGroupRuleSchema).default([]),
});
export type SecurityGroup = z.infer<typeof SecurityGroupSchema>;

export const EbsSnapshotSchema = z.object({
  snapshotId: z.string(),
  volumeId: z.string().nullable(),
  /** `null`: DescribeSnapshots did not say (shown as evidence only; no verdict reads it). */
  encrypted: z.boolean().nullable(),
  startTime: isoDate.nullable(),
  /** createVolumePermission includes group `all`. */
  public: z.boolean(),
});
export type EbsSnapshot = z.infer<typeof EbsSnapshotSchema>;

export const InstanceSchema = z.object({
  instanceId: z.string(),
  state: z.string(),
  name: z.string().nullable(),
  /** `required` = IMDSv2 only; `optional` = IMDSv1 allowed. */
  httpTokens: z.enum(['required', 'optional']).nullable(),
  /** `disabled` = no metadata service at all. */
  httpEndpoint: z.enum(['enabled', 'disabled']).nullable(),
});
export type Instance = z.infer<typeof InstanceSchema>;

export const Ec2RegionSchema = z.object({
  securityGroups: fact(z.array(SecurityGroupSchema)),
  snapshots: fact(z.array(EbsSnapshotSchema)),
  instances: fact(z.array(InstanceSchema)),
  ebsEncryptionByDefault: fact(z.boolean()),
});
export type Ec2Region = z.infer<typeof Ec2RegionSchema>;

// ---------------------------------------------------------------- Security Hub (per region)

export const SecurityHubFindingSchema = z.object({
  /** The Security Hub finding id (an ARN). */
  id: z.string(),
  productArn: z.string(),
  generatorId: z.string(),
  /** Security control id (`S3.8`) when the finding comes from a control. */
  controlId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  severity: SeveritySchema,
  accountId: z.string(),
  region: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  complianceStatus: z.string().nullable(),
  workflowStatus: z.string().nullable(),
  updatedAt: isoDate,
  createdAt: isoDate.nullable(),
});
export type SecurityHubFinding = z.infer<typeof SecurityHubFindingSchema>;

export const SecurityHubRegionSchema = z.object({
  /** `false` when the region is not subscribed to Security Hub (a state, not an error). */
  enabled: fact(z.boolean()),
  findings: fact(z.array(SecurityHubFindingSchema)),
});
export type SecurityHubRegion = z.infer<typeof SecurityHubRegionSchema>;

// ---------------------------------------------------------------- Snapshot

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

// ---------------------------------------------------------------- Findings

export const ResourceRefSchema = z.object({
  /** e.g. `AwsS3Bucket`, `AwsIamUser`, `AwsAccount`, `AwsEc2SecurityGroup` (Security Hub's ASFF names). */
  type: z.string(),
  id: z.string(),
  arn: z.string().nullable(),
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
