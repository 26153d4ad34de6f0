import { REMEDIATIONS } from '../core/remediations';
import type { LookupSelector } from '../core/remediations/define';
import { WorkflowOptionsSchema } from '../core/remediations/securityhub_update_workflow';

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

// ---------------------------------------------------------------- the remediation write roles

/**
 * What a write is for. Fixes and undos run with two roles: every approved fix uses the write role,
 * so the calls that turn a control back off (StopLogging, AuthorizeSecurityGroupIngress,
 * DisableEbsEncryptionByDefault, DeleteAccountPasswordPolicy, sharing a snapshot again) are only in
 * the undo role, which an account may leave out.
 */
export type WritePurpose = 'fix' | 'undo';

/**
 * The reads a plan's lookups make (see ApiCall), by selector. Keyed by every selector kind, so a new
 * kind of lookup does not compile until its permission is declared here.
 */
export const LOOKUP_PERMISSIONS: Record<LookupSelector['kind'], readonly string[]> = {
  iamAccessKey: ['iam:ListAccessKeys'],
};

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: '*';
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const sortedUnique = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();

/**
 * Conditions that hold a role to its purpose where IAM has a key for what a call does. Most of the
 * catalog's writes have none: IAM offers no key for a trail's log validation flag (UpdateTrail), an
 * access key's status (UpdateAccessKey), the password policy's fields, the Block Public Access
 * settings, a bucket's default encryption configuration (PutEncryptionConfiguration knows only the
 * request-signature keys such as s3:authType) or an instance's HttpTokens (ec2:MetadataHttpTokens
 * applies to RunInstances, not to ModifyInstanceMetadataOptions; AWS's IMDS guide restricts
 * ModifyInstanceMetadataOptions by principal instead). Those stay unconditioned in both roles.
 */
const ROLE_CONDITIONS: Record<WritePurpose, PolicyStatement[]> = {
  fix: [
    // The fix only removes the group `all`. `ec2:Add/group` is the key AWS Control Tower's control
    // CT.EC2.PV.3 ("an Amazon EBS snapshot cannot be publicly restorable") denies on.
    {
      Sid: 'CloudsecFixNeverMakesSnapshotsPublic',
      Effect: 'Deny',
      Action: ['ec2:ModifySnapshotAttribute'],
      Resource: '*',
      Condition: { Null: { 'ec2:Add/group': 'false' } },
    },
    // `ec2:Add/userId`: the key of the AWS managed policy AWSElasticDisasterRecoveryStagingAccountPolicy_v2.
    {
      Sid: 'CloudsecFixNeverSharesSnapshots',
      Effect: 'Deny',
      Action: ['ec2:ModifySnapshotAttribute'],
      Resource: '*',
      Condition: { Null: { 'ec2:Add/userId': 'false' } },
    },
    // A fix closes a Security Hub finding; it never reopens one. `securityhub:ASFFSyntaxPath/<field>`:
    // Security Hub user guide, "Configuring access to BatchUpdateFindings". The values are the
    // statuses the securityhub_update_workflow remediation offers.
    {
      Sid: 'CloudsecFixOnlyClosesFindings',
      Effect: 'Allow',
      Action: ['securityhub:BatchUpdateFindings'],
      Resource: '*',
      Condition: {
        StringEquals: { 'securityhub:ASFFSyntaxPath/Workflow.Status': [...WorkflowOptionsSchema.shape.status.options] },
      },
    },
  ],
  undo: [
    // An undo makes a snapshot public again at most; it never shares one with a chosen account.
    {
      Sid: 'CloudsecUndoNeverSharesSnapshots',
      Effect: 'Deny',
      Action: ['ec2:ModifySnapshotAttribute'],
      Resource: '*',
      Condition: { Null: { 'ec2:Add/userId': 'false' } },
    },
  ],
};

/** Every action a role's calls need: the catalog's plans (fix) or inverses (undo), lookups included. */
export const remediationActions = (purpose: WritePurpose): string[] =>
  sortedUnique(REMEDIATIONS.flatMap((r) => (purpose === 'fix' ? r.permissions : r.undoPermissions)));

/**
 * A role's policy: only what its calls send. Lookups get their own statement so a reviewer sees at
 * a glance that the role reads nothing else; it is not a scan role. An action with a conditional
 * Allow in ROLE_CONDITIONS is granted only there.
 */
const rolePolicyDocument = (purpose: WritePurpose): PolicyDocument => {
  const prefix = purpose === 'fix' ? 'CloudsecFix' : 'CloudsecUndo';
  const conditions = ROLE_CONDITIONS[purpose];
  const conditionallyAllowed = new Set(conditions.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));
  const lookupActions = new Set(Object.values(LOOKUP_PERMISSIONS).flat());
  const actions = remediationActions(purpose);
  const lookups = actions.filter((a) => lookupActions.has(a));
  const writes = actions.filter((a) => !lookupActions.has(a) && !conditionallyAllowed.has(a));
  const statement = (sid: string, action: string[]): PolicyStatement[] =>
    action.length > 0 ? [{ Sid: `${prefix}${sid}`, Effect: 'Allow', Action: action, Resource: '*' }] : [];
  return {
    Version: '2012-10-17',
    Statement: [
      ...statement('Writes', writes),
      ...statement('Lookups', lookups),
      // Only for actions the role's calls make: a condition never grants the role anything new.
      ...conditions.filter((s) => s.Action.every((a) => actions.includes(a))),
    ],
  };
};

/** `cloudsec iam-policy --write`: the role every approved fix runs with. */
export const fixPolicyDocument = (): PolicyDocument => rolePolicyDocument('fix');

/** `cloudsec iam-policy --undo`: the role undos run with, where one is configured. */
export const undoPolicyDocument = (): PolicyDocument => rolePolicyDocument('undo');
