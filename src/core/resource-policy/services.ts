import { z } from 'zod';

/**
 * What differs between services reading a resource policy: the IAM action prefix (a statement that
 * grants none of the service's actions grants nothing on its resources), the actions that count as
 * "write" in a finding, the service's own narrowing condition keys, and the policy's name in messages.
 */

export const POLICY_SERVICES = [
  's3',
  'sqs',
  'sns',
  'kms',
  'lambda',
  'ecr',
  'secretsmanager',
  'es',
  'elasticfilesystem',
] as const;
export const PolicyServiceSchema = z.enum(POLICY_SERVICES);
export type PolicyService = z.infer<typeof PolicyServiceSchema>;

/**
 * How a narrowing key's values tell whose callers remain: `account` (12-digit ids), `arn` (the
 * account field of an ARN), `org` (organization id), `org-path` (`o-…/r-…/ou-…/`, whose first
 * segment is the organization), `other` (a VPC, an endpoint, a user id: narrow, but not an account).
 */
export type KeyKind = 'account' | 'arn' | 'org' | 'org-path' | 'other';

export interface ServiceProfile {
  /** IAM action prefix (`es` for OpenSearch, `elasticfilesystem` for EFS). */
  prefix: string;
  /** "bucket policy", "queue policy", … — for messages. */
  noun: string;
  /** Action names a granted pattern is tested against to tell whether it lets someone change things. */
  writeSamples: readonly string[];
  /** Service-specific keys that, with fixed values under a positive string operator, narrow the caller. */
  stringKeys: Readonly<Record<string, KeyKind>>;
  /** Service-specific boolean keys that narrow when required to be `true`. */
  boolKeys: readonly string[];
}

/**
 * Global keys that identify the caller (or the resource a service acts for) and that an anonymous or
 * foreign caller cannot set to the owner's values. Lower case: condition keys are case-insensitive
 * (the SNS default policy writes `AWS:SourceOwner`). `aws:SourceIp` is handled apart (IpAddress).
 * Deliberately absent: `kms:ViaService` (see KMS below), `aws:SecureTransport`, `aws:UserAgent`,
 * `aws:Referer`, `aws:RequestedRegion`, `lambda:FunctionUrlAuthType` — any caller can satisfy them.
 */
export const GLOBAL_STRING_KEYS: Readonly<Record<string, KeyKind>> = {
  'aws:sourcearn': 'arn',
  'aws:sourceaccount': 'account',
  'aws:sourceowner': 'account',
  'aws:sourceorgid': 'org',
  'aws:sourceorgpaths': 'org-path',
  'aws:sourcevpc': 'other',
  'aws:sourcevpce': 'other',
  'aws:principalorgid': 'org',
  'aws:principalorgpaths': 'org-path',
  'aws:principalaccount': 'account',
  'aws:principalarn': 'arn',
  'aws:userid': 'other',
};

/** Keys that tie a service principal to one source resource or account: the confused-deputy guard. */
export const SOURCE_SCOPING_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
]);

const profile = (p: Partial<ServiceProfile> & Pick<ServiceProfile, 'prefix' | 'noun' | 'writeSamples'>) => ({
  stringKeys: {},
  boolKeys: [],
  ...p,
});

export const SERVICE_PROFILES: Readonly<Record<PolicyService, ServiceProfile>> = {
  s3: profile({
    prefix: 's3',
    noun: 'bucket policy',
    writeSamples: [
      's3:PutObject',
      's3:PutObjectAcl',
      's3:PutBucketPolicy',
      's3:PutBucketAcl',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:DeleteBucket',
      's3:DeleteBucketPolicy',
    ],
    // Listed by S3 itself as narrowing ("The meaning of public").
    stringKeys: {
      's3:x-amz-server-side-encryption-aws-kms-key-id': 'other',
      's3:dataaccesspointarn': 'arn',
      's3:dataaccesspointaccount': 'account',
    },
  }),
  sqs: profile({
    prefix: 'sqs',
    noun: 'queue policy',
    writeSamples: [
      'sqs:SendMessage',
      'sqs:DeleteMessage',
      'sqs:PurgeQueue',
      'sqs:ChangeMessageVisibility',
      'sqs:SetQueueAttributes',
      'sqs:AddPermission',
      'sqs:RemovePermission',
      'sqs:DeleteQueue',
    ],
  }),
  sns: profile({
    prefix: 'sns',
    noun: 'topic policy',
    writeSamples: [
      'sns:Publish',
      'sns:SetTopicAttributes',
      'sns:AddPermission',
      'sns:RemovePermission',
      'sns:DeleteTopic',
    ],
  }),
  kms: profile({
    prefix: 'kms',
    noun: 'key policy',
    writeSamples: [
      'kms:Encrypt',
      'kms:ReEncryptTo',
      'kms:CreateGrant',
      'kms:PutKeyPolicy',
      'kms:DisableKey',
      'kms:ScheduleKeyDeletion',
    ],
    // kms:CallerAccount is the caller's account. kms:ViaService is NOT here: it only says which AWS
    // service relays the call, and a principal of any account can call, say, S3 in that region naming
    // this key — it restricts the path, not the caller.
    stringKeys: { 'kms:calleraccount': 'account' },
  }),
  lambda: profile({
    prefix: 'lambda',
    noun: 'function policy',
    writeSamples: [
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:AddPermission',
      'lambda:RemovePermission',
      'lambda:DeleteFunction',
      'lambda:PutFunctionConcurrency',
    ],
    // The secret token an Alexa skill must present (AddPermission EventSourceToken).
    stringKeys: { 'lambda:eventsourcetoken': 'other' },
  }),
  ecr: profile({
    prefix: 'ecr',
    noun: 'repository policy',
    writeSamples: [
      'ecr:PutImage',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:BatchDeleteImage',
      'ecr:SetRepositoryPolicy',
      'ecr:DeleteRepository',
    ],
  }),
  secretsmanager: profile({
    prefix: 'secretsmanager',
    noun: 'secret policy',
    writeSamples: [
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecret',
      'secretsmanager:RotateSecret',
      'secretsmanager:PutResourcePolicy',
      'secretsmanager:DeleteSecret',
    ],
  }),
  es: profile({
    prefix: 'es',
    noun: 'domain access policy',
    writeSamples: [
      'es:ESHttpPut',
      'es:ESHttpPost',
      'es:ESHttpPatch',
      'es:ESHttpDelete',
      'es:UpdateDomainConfig',
      'es:DeleteDomain',
    ],
  }),
  elasticfilesystem: profile({
    prefix: 'elasticfilesystem',
    noun: 'file system policy',
    writeSamples: [
      'elasticfilesystem:ClientWrite',
      'elasticfilesystem:ClientRootAccess',
      'elasticfilesystem:PutFileSystemPolicy',
      'elasticfilesystem:DeleteFileSystem',
    ],
    // EFS's own narrowing key ("The meaning of public" in the EFS guide): only clients mounting through
    // a mount target of the file system's VPC.
    boolKeys: ['elasticfilesystem:accessedviamounttarget'],
  }),
};

/** The narrowing string keys for a service: the global ones plus its own. */
export const stringKeyKind = (service: PolicyService, key: string): KeyKind | undefined => {
  const k = key.toLowerCase();
  // Own properties only: a condition key named `constructor` must not find Object.prototype's.
  const own = (table: Readonly<Record<string, KeyKind>>) => (Object.hasOwn(table, k) ? table[k] : undefined);
  return own(GLOBAL_STRING_KEYS) ?? own(SERVICE_PROFILES[service].stringKeys);
};
