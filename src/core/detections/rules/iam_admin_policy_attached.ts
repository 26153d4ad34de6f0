import type { Severity } from '../../model';
import { analyzeAdminGrant } from '../../iam-policy-analysis';
import { iamPolicyResource } from '../../resources';
import { defineDetection, type AlertResource, type DetectionMatch } from '../define';
import { textAt, valueAt, type CloudTrailRecord } from '../record';
import { booleanOf, forEvents, globalResource, unreadableDetail } from './exposure/common';
import { quoted, tidy } from './shared/helpers';

const EVENTS = [
  {
    source: 'iam.amazonaws.com',
    names: [
      'AttachUserPolicy',
      'AttachRolePolicy',
      'AttachGroupPolicy',
      'PutUserPolicy',
      'PutRolePolicy',
      'PutGroupPolicy',
      'CreatePolicy',
      'CreatePolicyVersion',
    ],
  },
] as const;

/** AWS's managed full-administrator policy, in any partition. */
const ADMINISTRATOR_ACCESS = /^arn:[\w-]+:iam::aws:policy\/AdministratorAccess$/;

const PRINCIPALS = {
  User: { field: 'userName', type: 'AwsIamUser', word: 'user' },
  Role: { field: 'roleName', type: 'AwsIamRole', word: 'role' },
  Group: { field: 'groupName', type: 'AwsIamGroup', word: 'group' },
} as const;

type PrincipalKind = keyof typeof PRINCIPALS;

const principalOf = (r: CloudTrailRecord, kind: PrincipalKind) => {
  const p = PRINCIPALS[kind];
  const name = textAt(r.requestParameters, p.field);
  return {
    label: `${p.word} ${quoted(name)}`,
    resource: globalResource({ type: p.type, id: name ?? 'unknown', arn: null }),
  };
};

const kindOf = (eventName: string): PrincipalKind =>
  /User/.test(eventName) ? 'User' : /Role/.test(eventName) ? 'Role' : 'Group';

const attach = (r: CloudTrailRecord): DetectionMatch | null => {
  const { label, resource } = principalOf(r, kindOf(r.eventName));
  const arn = textAt(r.requestParameters, 'policyArn');
  if (arn === undefined) {
    return tidy({
      summary: `attached a managed policy to ${label}; cloudsec could not read which policy from the record: re-check`,
      resource,
      severity: 'high',
      details: [unreadableDetail('the attached policy', 'the record holds no policyArn')],
    });
  }
  // A customer-managed policy's document is not in the record; its creation (CreatePolicy/Version) is judged instead.
  if (!ADMINISTRATOR_ACCESS.test(arn)) return null;
  return tidy({
    summary: `gave ${label} full administrator access: attached \`AdministratorAccess\``,
    resource,
    details: [`${arn} allows every action on every resource ("*" on "*").`],
  });
};

type Judged = { admin: true; statements: string } | { admin: false } | { unreadable: string };

/** The same reading of "*" on "*" as iam_policy_no_full_admin; an unconditional Deny of everything cancels it. */
const judge = (document: unknown): Judged => {
  if (document === undefined || document === null) return { unreadable: 'the record holds no policyDocument' };
  const analysis = analyzeAdminGrant(document);
  if (!analysis.ok) return { unreadable: analysis.reason };
  if (analysis.grants.length === 0 || analysis.denyAll.length > 0) return { admin: false };
  return { admin: true, statements: analysis.grants.map((s) => s.sid ?? `#${s.index}`).join(', ') };
};

const documentChange = (
  r: CloudTrailRecord,
  what: string,
  resource: AlertResource,
  adminSummary: string,
  severity: Severity,
): DetectionMatch | null => {
  const verdict = judge(valueAt(r.requestParameters, 'policyDocument'));
  if ('unreadable' in verdict) {
    return tidy({
      summary: `changed ${what}; cloudsec could not read the policy document from the record: re-check`,
      resource,
      severity: 'high',
      details: [unreadableDetail('the policy document', verdict.unreadable)],
    });
  }
  if (!verdict.admin) return null;
  return tidy({
    summary: adminSummary,
    resource,
    severity,
    details: [`Statement ${verdict.statements} allows every action on every resource ("*" on "*").`],
  });
};

const inline = (r: CloudTrailRecord): DetectionMatch | null => {
  const { label, resource } = principalOf(r, kindOf(r.eventName));
  const policy = quoted(textAt(r.requestParameters, 'policyName'), 'an unnamed policy');
  return documentChange(
    r,
    `inline policy ${policy} of ${label}`,
    resource,
    `gave ${label} full administrator access: inline policy ${policy} allows "*" on "*"`,
    'critical',
  );
};

const managed = (r: CloudTrailRecord): DetectionMatch | null => {
  const rp = r.requestParameters;
  const arn = textAt(rp, 'policyArn') ?? textAt(r.responseElements, 'policy', 'arn') ?? null;
  const name = textAt(rp, 'policyName') ?? arn?.slice(arn.lastIndexOf('/') + 1);
  const resource = globalResource(
    arn
      ? iamPolicyResource({ name: name ?? 'unknown', arn })
      : { type: 'AwsIamPolicy', id: name ?? 'unknown', arn: null },
  );
  const policy = quoted(name, 'a policy the record does not name');
  if (r.eventName === 'CreatePolicy') {
    return documentChange(
      r,
      `policy ${policy}`,
      resource,
      `created policy ${policy}, which allows "*" on "*": whoever it is attached to becomes an administrator`,
      'high',
    );
  }
  // A version that is not the default changes nothing until someone makes it the default.
  const live = booleanOf(valueAt(rp, 'setAsDefault')) === true;
  return documentChange(
    r,
    `policy ${policy}`,
    resource,
    live
      ? `made policy ${policy} allow "*" on "*": every user, group and role it is attached to is now an administrator`
      : `added a version of policy ${policy} that allows "*" on "*" (not yet the default version)`,
    live ? 'critical' : 'high',
  );
};

export default defineDetection({
  id: 'iam_admin_policy_attached',
  title: 'Full administrator access granted',
  severity: 'critical',
  rationale:
    'Attaching AdministratorAccess, or writing a policy that allows "*" on "*", makes a principal able to read, change and delete anything, including the logs and its own permissions: the usual way an intruder turns a foothold into the whole account.',
  events: EVENTS,
  // IAM.1 (no policy with "*" on "*") is the control the new policy fails.
  securityHub: 'IAM.1',
  mitre: { id: 'T1098.003', name: 'Additional Cloud Roles' },
  match: forEvents(EVENTS, (record) => {
    if (record.eventName.startsWith('Attach')) return attach(record);
    if (record.eventName.startsWith('Put')) return inline(record);
    return managed(record);
  }),
});
