import type { Service } from '../core/model';
import { REMEDIATIONS } from '../core/remediations';
import type { LookupSelector } from '../core/remediations/define';
import { WorkflowOptionsSchema } from '../core/remediations/securityhub_update_workflow';
import { CLOUDTRAIL_COLLECTOR_PERMISSIONS } from './collectors/cloudtrail';
import { EC2_COLLECTOR_PERMISSIONS } from './collectors/ec2';
import { IAM_COLLECTOR_PERMISSIONS } from './collectors/iam';
import { S3_COLLECTOR_PERMISSIONS } from './collectors/s3';
import { SECURITYHUB_COLLECTOR_PERMISSIONS } from './collectors/securityhub';
import { RDS_COLLECTOR_PERMISSIONS } from './collectors/rds';
import { EFS_COLLECTOR_PERMISSIONS } from './collectors/efs';
import { LAMBDA_COLLECTOR_PERMISSIONS } from './collectors/lambda';
import { SQS_COLLECTOR_PERMISSIONS } from './collectors/sqs';
import { SNS_COLLECTOR_PERMISSIONS } from './collectors/sns';
import { KMS_COLLECTOR_PERMISSIONS } from './collectors/kms';
import { SECRETSMANAGER_COLLECTOR_PERMISSIONS } from './collectors/secretsmanager';
import { ECR_COLLECTOR_PERMISSIONS } from './collectors/ecr';
import { OPENSEARCH_COLLECTOR_PERMISSIONS } from './collectors/opensearch';
import { EKS_COLLECTOR_PERMISSIONS } from './collectors/eks';
import { GUARDDUTY_COLLECTOR_PERMISSIONS } from './collectors/guardduty';
import { CONFIG_COLLECTOR_PERMISSIONS } from './collectors/config';
import { ACCESSANALYZER_COLLECTOR_PERMISSIONS } from './collectors/accessanalyzer';
import { CLOUDWATCH_COLLECTOR_PERMISSIONS } from './collectors/cloudwatch';
import { ACCOUNT_COLLECTOR_PERMISSIONS } from './collectors/account';
// Region discovery (`regions: all`) calls ec2:DescribeRegions in each account's home region.
import { REGION_DISCOVERY_PERMISSIONS } from './regions';
import { SECURITYHUB_PUBLISH_PERMISSIONS } from './securityhub-publish';
import { ACCEPTED_RISK_WORKFLOW_STATUSES, SECURITYHUB_WORKFLOW_PERMISSIONS } from './securityhub-workflow';
import { LOOKUP_EVENTS_PERMISSIONS, SQS_CONSUMER_PERMISSIONS } from './events/permissions';
import { parseQueueUrl } from './events/queue-arn';
import { CloudsecError } from '../errors';

/** The distinct actions of a collector's declaration, in its order. */
const actionsOf = <T extends Readonly<Record<string, string>>>(permissions: T): T[keyof T][] => [
  ...new Set(Object.values(permissions) as T[keyof T][]),
];

/**
 * The IAM actions cloudsec's read-only scan needs, by service. Derived from the collectors' own
 * declarations, the same constants their calls name when AWS refuses them, so the policy cannot
 * miss a call a collector makes. The README's policy and `cloudsec iam-policy` are generated from
 * this, and a test runs a full scan against the simulated estate and fails if any API call is
 * missing here.
 */
export const READ_PERMISSIONS = {
  iam: actionsOf(IAM_COLLECTOR_PERMISSIONS),
  s3: actionsOf(S3_COLLECTOR_PERMISSIONS),
  cloudtrail: actionsOf(CLOUDTRAIL_COLLECTOR_PERMISSIONS),
  ec2: [...actionsOf(REGION_DISCOVERY_PERMISSIONS), ...actionsOf(EC2_COLLECTOR_PERMISSIONS)],
  securityhub: actionsOf(SECURITYHUB_COLLECTOR_PERMISSIONS),
  rds: actionsOf(RDS_COLLECTOR_PERMISSIONS),
  efs: actionsOf(EFS_COLLECTOR_PERMISSIONS),
  lambda: actionsOf(LAMBDA_COLLECTOR_PERMISSIONS),
  sqs: actionsOf(SQS_COLLECTOR_PERMISSIONS),
  sns: actionsOf(SNS_COLLECTOR_PERMISSIONS),
  kms: actionsOf(KMS_COLLECTOR_PERMISSIONS),
  secretsmanager: actionsOf(SECRETSMANAGER_COLLECTOR_PERMISSIONS),
  ecr: actionsOf(ECR_COLLECTOR_PERMISSIONS),
  opensearch: actionsOf(OPENSEARCH_COLLECTOR_PERMISSIONS),
  eks: actionsOf(EKS_COLLECTOR_PERMISSIONS),
  guardduty: actionsOf(GUARDDUTY_COLLECTOR_PERMISSIONS),
  config: actionsOf(CONFIG_COLLECTOR_PERMISSIONS),
  accessanalyzer: actionsOf(ACCESSANALYZER_COLLECTOR_PERMISSIONS),
  cloudwatch: actionsOf(CLOUDWATCH_COLLECTOR_PERMISSIONS),
  account: actionsOf(ACCOUNT_COLLECTOR_PERMISSIONS),
} satisfies Record<Service, readonly string[]>;

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

/**
 * Services whose IAM action prefix is not the name cloudsec (or the endpoint's host) calls them by:
 * `es:DescribeDomains` for OpenSearch, `cloudwatch:DescribeAlarms` at `monitoring.<region>`.
 */
const ACTION_PREFIX: Record<string, string> = {
  accessanalyzer: 'access-analyzer',
  opensearch: 'es',
  efs: 'elasticfilesystem',
  monitoring: 'cloudwatch',
};

/** The IAM action an API operation (`service:Operation`, SDK naming) needs, or null for none. */
export const actionForOperation = (service: string, operation: string): string | null => {
  const key = `${service}:${operation}`;
  if (key in ACTION_FOR_OPERATION) return ACTION_FOR_OPERATION[key]!;
  return `${ACTION_PREFIX[service] ?? service}:${operation}`;
};

const sortedUnique = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();

/**
 * The live lane's reads (src/aws/events): LookupEvents for the poller and `/cloudsec who`, which has
 * no resource-level permissions (Service Authorization Reference, CloudTrail), so `*`.
 */
export const CHANGE_HISTORY_PERMISSIONS: string[] = sortedUnique(Object.values(LOOKUP_EVENTS_PERMISSIONS));

/** The SQS consumer's calls (detections.sources.sqs), granted on that one queue only. */
export const QUEUE_CONSUMER_PERMISSIONS: string[] = sortedUnique(Object.values(SQS_CONSUMER_PERMISSIONS));

/** A statement of the read policy: the scan's and the change history's are on `*`, the queue's on its ARN. */
export interface ReadPolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string;
}

export interface ReadPolicyOptions {
  organization?: boolean;
  /** detections.sources.sqs.queueUrl: adds the queue actions, scoped to the queue's ARN. */
  sqsQueueUrl?: string;
}

export const readPolicyDocument = (options: ReadPolicyOptions = {}) => {
  const queue = options.sqsQueueUrl === undefined ? undefined : parseQueueUrl(options.sqsQueueUrl);
  if (queue === null)
    throw new CloudsecError(
      'config',
      'detections.sources.sqs.queueUrl: expected an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/111111111111/cloudsec-events',
    );
  const statements: ReadPolicyStatement[] = [
    {
      Sid: 'CloudsecReadOnlyScan',
      Effect: 'Allow',
      Action: sortedUnique([
        ...Object.values(READ_PERMISSIONS).flat(),
        ...(options.organization ? ORGANIZATION_PERMISSIONS : []),
      ]),
      Resource: '*',
    },
    { Sid: 'CloudsecChangeHistory', Effect: 'Allow', Action: CHANGE_HISTORY_PERMISSIONS, Resource: '*' },
    ...(queue
      ? [
          {
            Sid: 'CloudsecDetectionsQueue',
            Effect: 'Allow' as const,
            Action: QUEUE_CONSUMER_PERMISSIONS,
            Resource: queue.arn,
          },
        ]
      : []),
  ];
  return { Version: '2012-10-17' as const, Statement: statements };
};

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
    // Security Hub's workflow status: a fix closes a finding (the statuses the
    // securityhub_update_workflow remediation offers, RESOLVED or SUPPRESSED); an accepted risk
    // suppresses the findings it covers and sets them back to NEW when it expires or is revoked
    // (src/aws/securityhub-workflow.ts). NOTIFIED, people's own triage step, is never set.
    // `securityhub:ASFFSyntaxPath/<field>`: Security Hub user guide, "Configuring access to
    // BatchUpdateFindings".
    {
      Sid: 'CloudsecFixSetsFindingWorkflow',
      Effect: 'Allow',
      Action: [SECURITYHUB_WORKFLOW_PERMISSIONS.BatchUpdateFindings],
      Resource: '*',
      Condition: {
        StringEquals: {
          'securityhub:ASFFSyntaxPath/Workflow.Status': [
            ...new Set([...WorkflowOptionsSchema.shape.status.options, ...ACCEPTED_RISK_WORKFLOW_STATUSES]),
          ].sort(),
        },
      },
    },
    // Turning GuardDuty on or creating an analyzer creates the service's linked role the first time;
    // the role may create those two service-linked roles and no other.
    {
      Sid: 'CloudsecFixCreatesOnlyDetectiveServiceRoles',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: '*',
      Condition: {
        StringEquals: { 'iam:AWSServiceName': ['guardduty.amazonaws.com', 'access-analyzer.amazonaws.com'] },
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
 * The write role's Security Hub calls besides remediation plans. Both write to Security Hub, so
 * neither is in the read role:
 * - `cloudsec publish --security-hub` imports cloudsec's findings (src/aws/securityhub-publish.ts).
 *   Security Hub takes a finding under the account's default product only from that account itself,
 *   so every account publishing needs the write role.
 * - Accepted risks (src/aws/securityhub-workflow.ts) set the findings an exception covers to
 *   SUPPRESSED, and back to NEW when it expires or is revoked, under the workflow condition in
 *   ROLE_CONDITIONS. Reopening only makes a finding visible again; it is here, not in the optional
 *   undo role, so an acceptance that ended never stays hidden in Security Hub for want of an undo role.
 */
export const SECURITY_HUB_SYNC_ACTIONS: string[] = sortedUnique([
  SECURITYHUB_PUBLISH_PERMISSIONS.BatchImportFindings,
  SECURITYHUB_WORKFLOW_PERMISSIONS.BatchUpdateFindings,
]);

/** Importing has no condition key worth one (it only ever writes the account's own findings). */
const PUBLISH_STATEMENT: PolicyStatement = {
  Sid: 'CloudsecFixPublishesFindings',
  Effect: 'Allow',
  Action: [SECURITYHUB_PUBLISH_PERMISSIONS.BatchImportFindings],
  Resource: '*',
};

/** What a role's calls need: its remediation calls, and for the write role the Security Hub sync too. */
const roleActions = (purpose: WritePurpose): string[] =>
  purpose === 'fix'
    ? sortedUnique([...remediationActions('fix'), ...SECURITY_HUB_SYNC_ACTIONS])
    : remediationActions('undo');

/**
 * A role's policy: only what its calls send. Lookups get their own statement so a reviewer sees at
 * a glance that the role reads nothing else; it is not a scan role. An action with a conditional
 * Allow in ROLE_CONDITIONS is granted only there; publishing has a statement of its own.
 */
const rolePolicyDocument = (purpose: WritePurpose): PolicyDocument => {
  const prefix = purpose === 'fix' ? 'CloudsecFix' : 'CloudsecUndo';
  const conditions = ROLE_CONDITIONS[purpose];
  const own = purpose === 'fix' ? [PUBLISH_STATEMENT] : [];
  const inOwnStatement = new Set([...conditions.filter((s) => s.Effect === 'Allow'), ...own].flatMap((s) => s.Action));
  const lookupActions = new Set(Object.values(LOOKUP_PERMISSIONS).flat());
  const actions = roleActions(purpose);
  const lookups = actions.filter((a) => lookupActions.has(a));
  const writes = actions.filter((a) => !lookupActions.has(a) && !inOwnStatement.has(a));
  const statement = (sid: string, action: string[]): PolicyStatement[] =>
    action.length > 0 ? [{ Sid: `${prefix}${sid}`, Effect: 'Allow', Action: action, Resource: '*' }] : [];
  return {
    Version: '2012-10-17',
    Statement: [
      ...statement('Writes', writes),
      ...statement('Lookups', lookups),
      // Only for actions the role's calls make: a condition never grants the role anything new.
      ...conditions.filter((s) => s.Action.every((a) => actions.includes(a))),
      ...own,
    ],
  };
};

/**
 * `cloudsec iam-policy --write`: the role every approved fix runs with, and Security Hub publishing
 * and accepted-risk workflow updates.
 */
export const fixPolicyDocument = (): PolicyDocument => rolePolicyDocument('fix');

/** `cloudsec iam-policy --undo`: the role undos run with, where one is configured. */
export const undoPolicyDocument = (): PolicyDocument => rolePolicyDocument('undo');
