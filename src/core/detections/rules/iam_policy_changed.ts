import { GLOBAL_REGION } from '../../model';
import { defineDetection, type AlertResource, type DetectionMatch } from '../define';
import { textAt, type CloudTrailRecord } from '../record';
import { type Describe, eventListDetection, unread } from './cis/common';
import { clip, firstText, quoted } from './shared/helpers';

/**
 * CIS 4.4: every change to what an IAM policy allows, or to whom it applies. The event is the
 * signal; iam_admin_policy_attached judges the ones that grant "*" on "*". IAM is global, so
 * resources are `global`; principals are named as the request names them (their ARN carries a path
 * the record does not hold, so it stays null).
 */

type PrincipalKind = 'User' | 'Role' | 'Group';
const PRINCIPALS: Record<PrincipalKind, { field: string; type: string; word: string }> = {
  User: { field: 'userName', type: 'AwsIamUser', word: 'user' },
  Role: { field: 'roleName', type: 'AwsIamRole', word: 'role' },
  Group: { field: 'groupName', type: 'AwsIamGroup', word: 'group' },
};

const principal = (
  r: CloudTrailRecord,
  kind: PrincipalKind,
): { label: string; resource: AlertResource; missing: string[] } => {
  const p = PRINCIPALS[kind];
  const name = textAt(r.requestParameters, p.field);
  return {
    label: `${p.word} ${quoted(name, 'the record does not name')}`,
    resource: { type: p.type, id: name ?? 'unknown', arn: null, region: GLOBAL_REGION },
    missing: name ? [] : [unread(`which ${p.word}`, `requestParameters.${p.field}`)],
  };
};

/** `arn:aws:iam::aws:policy/ReadOnlyAccess` → `ReadOnlyAccess`. */
const nameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

const managedPolicy = (r: CloudTrailRecord): { label: string; arn: string | undefined; missing: string[] } => {
  const arn = firstText(r.requestParameters, ['policyArn']) ?? firstText(r.responseElements, ['policy', 'arn']);
  const name = firstText(r.requestParameters, ['policyName']) ?? (arn ? nameFromArn(arn) : undefined);
  return {
    label: `policy ${quoted(name, '(not named in the record)')}`,
    arn,
    missing: name ? [] : [unread('which policy', 'requestParameters.policyArn')],
  };
};

const policyResource = (r: CloudTrailRecord): AlertResource => {
  const { arn } = managedPolicy(r);
  const name = firstText(r.requestParameters, ['policyName']) ?? (arn ? nameFromArn(arn) : 'unknown');
  return { type: 'AwsIamPolicy', id: name, arn: arn ?? null, region: GLOBAL_REGION };
};

const attach =
  (kind: PrincipalKind, verb: 'attached' | 'detached'): Describe =>
  (r) => {
    const who = principal(r, kind);
    const policy = managedPolicy(r);
    return {
      summary: `${verb} ${policy.label} ${verb === 'attached' ? 'to' : 'from'} ${who.label}`,
      resource: who.resource,
      details: [...(policy.arn ? [`Policy: ${clip(policy.arn, 160)}`] : []), ...policy.missing, ...who.missing],
    };
  };

const inline =
  (kind: PrincipalKind, verb: 'wrote' | 'deleted'): Describe =>
  (r) => {
    const who = principal(r, kind);
    const name = textAt(r.requestParameters, 'policyName');
    return {
      summary: `${verb} inline policy ${quoted(name, '(not named in the record)')} ${verb === 'wrote' ? 'on' : 'from'} ${who.label}`,
      resource: who.resource,
      details: [...(name ? [] : [unread('which inline policy', 'requestParameters.policyName')]), ...who.missing],
    };
  };

const managed =
  (summary: (policy: string, r: CloudTrailRecord) => string, severity?: DetectionMatch['severity']): Describe =>
  (r) => {
    const policy = managedPolicy(r);
    return {
      summary: summary(policy.label, r),
      resource: policyResource(r),
      ...(severity ? { severity } : {}),
      details: [...(policy.arn ? [`Policy: ${clip(policy.arn, 160)}`] : []), ...policy.missing],
    };
  };

const versionId = (r: CloudTrailRecord): string =>
  quoted(textAt(r.requestParameters, 'versionId'), 'a version the record does not name');

const setsDefault = (r: CloudTrailRecord): boolean => {
  const v = r.requestParameters?.['setAsDefault'];
  return v === true || v === 'true';
};

const detection = eventListDetection('iam.amazonaws.com', {
  AttachUserPolicy: attach('User', 'attached'),
  AttachRolePolicy: attach('Role', 'attached'),
  AttachGroupPolicy: attach('Group', 'attached'),
  DetachUserPolicy: attach('User', 'detached'),
  DetachRolePolicy: attach('Role', 'detached'),
  DetachGroupPolicy: attach('Group', 'detached'),
  PutUserPolicy: inline('User', 'wrote'),
  PutRolePolicy: inline('Role', 'wrote'),
  PutGroupPolicy: inline('Group', 'wrote'),
  DeleteUserPolicy: inline('User', 'deleted'),
  DeleteRolePolicy: inline('Role', 'deleted'),
  DeleteGroupPolicy: inline('Group', 'deleted'),
  CreatePolicy: managed((p) => `created managed ${p}`),
  DeletePolicy: managed((p) => `deleted managed ${p}`),
  CreatePolicyVersion: managed((p, r) =>
    setsDefault(r)
      ? `changed what ${p} allows: a new version is now its default`
      : `added a version to ${p} (not made the default)`,
  ),
  DeletePolicyVersion: managed((p, r) => `deleted version ${versionId(r)} of ${p}`),
  // Not in the benchmark's list, but it changes what a policy allows as surely as a new version does.
  SetDefaultPolicyVersion: managed(
    (p, r) => `made version ${versionId(r)} the default of ${p}: what it allows changed`,
  ),
});

export default defineDetection({
  id: 'iam_policy_changed',
  title: 'IAM policy changed',
  severity: 'medium',
  rationale:
    'IAM policies decide who can do what in the account; an unplanned change can grant an intruder more access, or lock out the people and tools who need it.',
  events: detection.events,
  cis: '4.4',
  securityHub: 'CloudWatch.4',
  mitre: { id: 'T1098', name: 'Account Manipulation' },
  match: detection.match,
});
