import { REMEDIATIONS } from '../core/remediations';
import type { LookupSelector } from '../core/remediations/define';

/**
 * The IAM actions cloudsec's read-only scan needs, by service. The README's policy and
 * `cloudsec iam-policy` are generated from this list, and a test runs a full scan against the
 * simulated estate and fails if any API call the collectors make is missing here.
 */
export const READ_PERMISSIONS = {
  iam: [
    'iam:GenerateCredentialReport',
    'iam:GetCredentialReport',
    'iam:GetAccountAuthorizationDetails',
    'iam:GetAccountPasswordPolicy',
    'iam:GetAccountSummary',
    'iam:ListVirtualMFADevices',
  ],
  s3: [
    's3:ListAllMyBuckets',
    's3:GetBucketLocation',
    's3:GetBucketPolicyStatus',
    's3:GetBucketPolicy',
    's3:GetBucketPublicAccessBlock',
    's3:GetBucketAcl',
    's3:GetEncryptionConfiguration',
    's3:GetBucketVersioning',
    's3:GetBucketLogging',
    's3:GetAccountPublicAccessBlock',
  ],
  cloudtrail: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  ec2: [
    'ec2:DescribeRegions',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSecurityGroupRules',
    'ec2:DescribeSnapshots',
    'ec2:DescribeInstances',
    'ec2:GetEbsEncryptionByDefault',
  ],
  securityhub: ['securityhub:GetFindings'],
} as const;

/** Needed only by the identity that discovers an organization's accounts. */
export const ORGANIZATION_PERMISSIONS = ['organizations:ListAccounts'] as const;

/**
 * Remediation writes whose IAM action has another name. S3 has no Delete action for these
 * configurations: removing one is authorized as writing it.
 */
const WRITE_ACTION_FOR_OPERATION: Record<string, string> = {
  's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:DeletePublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:PutBucketEncryption': 's3:PutEncryptionConfiguration',
  's3:DeleteBucketEncryption': 's3:PutEncryptionConfiguration',
  's3control:PutPublicAccessBlock': 's3:PutAccountPublicAccessBlock',
  's3control:DeletePublicAccessBlock': 's3:PutAccountPublicAccessBlock',
};

/**
 * API operations whose IAM action has another name. `sts:GetCallerIdentity` needs no permission;
 * `sts:AssumeRole` is granted by the member role's trust policy, not by this policy.
 */
const ACTION_FOR_OPERATION: Record<string, string | null> = {
  ...WRITE_ACTION_FOR_OPERATION,
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
  'sts:GetCallerIdentity': null,
  'sts:AssumeRole': null,
};

/** The IAM action an API operation (`service:Operation`, SDK naming) needs, or null for none. */
export const actionForOperation = (service: string, operation: string): string | null => {
  const key = `${service}:${operation}`;
  return key in ACTION_FOR_OPERATION ? ACTION_FOR_OPERATION[key]! : key;
};

export const readPolicyDocument = (options: { organization?: boolean } = {}) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'CloudsecReadOnlyScan',
      Effect: 'Allow',
      Action: [
        ...Object.values(READ_PERMISSIONS).flat(),
        ...(options.organization ? ORGANIZATION_PERMISSIONS : []),
      ].sort(),
      Resource: '*',
    },
  ],
});

// ---------------------------------------------------------------- the remediation write role

/**
 * The reads a plan's lookups make (see ApiCall), by selector. Keyed by every selector kind, so a new
 * kind of lookup does not compile until its permission is declared here.
 */
export const LOOKUP_PERMISSIONS: Record<LookupSelector['kind'], readonly string[]> = {
  iamAccessKey: ['iam:ListAccessKeys'],
};

const sortedUnique = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();

/** Every action of the catalog's plans and inverses, lookups included. */
export const remediationActions = (): string[] =>
  sortedUnique([
    ...REMEDIATIONS.flatMap((r) => [...r.permissions, ...r.undoPermissions]),
    ...Object.values(LOOKUP_PERMISSIONS).flat(),
  ]);

/**
 * The write role's policy: only what remediations send. Lookups get their own statement so a
 * reviewer sees at a glance that the role reads nothing else; it is not a scan role.
 */
export const writePolicyDocument = () => {
  const lookups = sortedUnique(Object.values(LOOKUP_PERMISSIONS).flat());
  const writes = remediationActions().filter((a) => !lookups.includes(a));
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'CloudsecRemediationWrites', Effect: 'Allow', Action: writes, Resource: '*' },
      { Sid: 'CloudsecRemediationLookups', Effect: 'Allow', Action: lookups, Resource: '*' },
    ],
  };
};
