import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import { accountResource, iamUserResource } from '../../resources';
import { unknownResult } from '../../iam-credentials';
import { analyzeTrust } from '../../iam-policy-analysis';
import { breakGlassPatternFor } from '../../check-settings';
import { describePath, makeAdminResolver, type AdminPath, type AdminVerdict } from '../../iam-admin-access';
import {
  GLOBAL_REGION,
  type IamPrincipal,
  type IamRole,
  type IamUser,
  type ResourceRef,
  type Severity,
} from '../../model';

type PrincipalKind = 'user' | 'group' | 'role';

/**
 * `admin`: a person or workload anyone can use as an administrator (the answer to "who is admin?").
 * `service-role`: a role only AWS services can assume; code running there acts as an administrator.
 * `break-glass`: a role the operator lists as kept for emergencies (checks.iam.breakGlassRoles).
 */
type Category = 'admin' | 'service-role' | 'break-glass';
const SEVERITY: Record<Category, Severity> = { admin: 'high', 'service-role': 'medium', 'break-glass': 'low' };

const MAX_LISTED = 3;
const MAX_MEMBERS = 10;

// A user, a group and a role may share a name: ids other than users' carry the kind. Users keep the
// plain name every other IAM user check uses, so accepted risks and history line up across checks.
const resourceOf = (kind: PrincipalKind, p: IamPrincipal): ResourceRef =>
  kind === 'user'
    ? iamUserResource({ user: p.name, arn: p.arn })
    : { type: kind === 'group' ? 'AwsIamGroup' : 'AwsIamRole', id: `${kind}/${p.name}`, arn: p.arn };

const listed = (items: string[], max: number): string =>
  items.length > max ? `${items.slice(0, max).join('; ')}; and ${items.length - max} more` : items.join('; ');

const pathsOf = (name: string, paths: AdminPath[]) => paths.map((p) => describePath(name, p));

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

interface Subject {
  kind: PrincipalKind;
  principal: IamPrincipal;
  verdict: AdminVerdict;
}

const judge = (
  { kind, principal, verdict }: Subject,
  describeFail: (paths: string) => { message: string; category: Category; evidence?: Record<string, unknown> },
): CheckResult => {
  const resource = resourceOf(kind, principal);
  const base = { principalType: kind };
  const label = `IAM ${kind} ${principal.name}`;
  switch (verdict.status) {
    case 'not-admin':
      return pass(resource, GLOBAL_REGION, `${label} holds no policy that allows "*" on "*".`, base);
    case 'denied': {
      const denied = pathsOf(principal.name, verdict.deniedBy);
      return pass(
        resource,
        GLOBAL_REGION,
        verdict.paths.length > 0
          ? `${label} is allowed "*" on "*" (${listed(pathsOf(principal.name, verdict.paths), MAX_LISTED)}), but an unconditional Deny of everything overrides it (${listed(denied, MAX_LISTED)}).`
          : `${label} holds no policy that allows "*" on "*".`,
        { ...base, deniedBy: denied },
      );
    }
    case 'unknown':
      return unknownResult(
        resource,
        `Could not check ${label}: ${listed(
          verdict.unreadable.map((u) => u.reason),
          MAX_LISTED,
        )}.`,
        { ...base, unreadable: verdict.unreadable },
      );
    case 'admin': {
      const paths = pathsOf(principal.name, verdict.paths);
      const described = describeFail(listed(paths, MAX_LISTED));
      const notes = [
        ...(principal.permissionsBoundaryArn
          ? [`A permissions boundary (${principal.permissionsBoundaryArn}) also applies and may narrow this.`]
          : []),
        ...(verdict.unreadable.length > 0
          ? [`${plural(verdict.unreadable.length, 'other policy', 'other policies')} could not be read.`]
          : []),
      ];
      return {
        ...fail(resource, GLOBAL_REGION, [described.message, ...notes].join(' '), {
          ...base,
          category: described.category,
          paths,
          grants: verdict.paths,
          ...(principal.permissionsBoundaryArn ? { permissionsBoundaryArn: principal.permissionsBoundaryArn } : {}),
          ...(verdict.unreadable.length > 0 ? { unreadable: verdict.unreadable } : {}),
          ...described.evidence,
        }),
        severity: SEVERITY[described.category],
      };
    }
  }
};

const membersOf = (group: IamPrincipal, users: IamUser[]): string[] =>
  users.filter((u) => u.groups.some((g) => g.toLowerCase() === group.name.toLowerCase())).map((u) => u.name);

/** Who may assume the role: only AWS services, or someone else (or we cannot tell, which counts as someone else). */
const trustOf = (role: IamRole): { servicesOnly: boolean; services: string[]; note: string | null } => {
  if (role.trustPolicy === undefined || role.trustPolicy === null)
    return { servicesOnly: false, services: [], note: 'its trust policy was not collected' };
  const trust = analyzeTrust(role.trustPolicy);
  if (!trust.ok) return { servicesOnly: false, services: [], note: `its trust policy is unreadable (${trust.reason})` };
  return { servicesOnly: trust.servicesOnly, services: trust.services, note: null };
};

export default defineCheck({
  id: 'iam_principal_full_admin',
  service: 'iam',
  severity: 'high',
  title: 'No IAM user, group or role holds full "*:*" administrator access',
  failTitle: 'IAM principal has full administrator access',
  rationale:
    'Whoever holds "*" on "*" (through AWS-managed AdministratorAccess, a customer-managed or inline policy, or a group) can read, change and delete anything in the account, including its logs and its own permissions; knowing exactly who that is comes first in any review.',
  remediationText:
    'Replace full access with the permissions the job needs (IAM console → Users, Groups or Roles → Permissions → remove AdministratorAccess or the "*" policy, attach narrower ones). Keep full admin on a few break-glass roles with MFA-protected trust policies and list them under checks.iam.breakGlassRoles in cloudsec.yml.',
  frameworks: { cis: null, securityHub: null },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account, settings }) =>
    withFact(account.iam.authorizationDetails, accountResource(account), GLOBAL_REGION, (details) => {
      const resolver = makeAdminResolver(details);

      const users = details.users.map((user) =>
        judge({ kind: 'user', principal: user, verdict: resolver.user(user) }, (paths) => ({
          category: 'admin',
          message: `IAM user ${user.name} has full administrator access ("*" on "*"): ${paths}.`,
        })),
      );

      const groups = details.groups.map((group) =>
        judge({ kind: 'group', principal: group, verdict: resolver.principal(group) }, (paths) => {
          const members = membersOf(group, details.users);
          const who =
            members.length === 0
              ? 'anyone added to it (it has no members now)'
              : `its ${plural(members.length, 'member', 'members')} (${members.slice(0, MAX_MEMBERS).join(', ')}${members.length > MAX_MEMBERS ? ', …' : ''})`;
          return {
            category: 'admin',
            message: `IAM group ${group.name} gives full administrator access ("*" on "*") to ${who}: ${paths}.`,
            evidence: { members },
          };
        }),
      );

      const roles = details.roles.map((role) =>
        judge({ kind: 'role', principal: role, verdict: resolver.principal(role) }, (paths) => {
          const pattern = breakGlassPatternFor(role.name, settings);
          if (pattern !== null) {
            return {
              category: 'break-glass',
              message: `Break-glass role ${role.name} (listed as "${pattern}" in checks.iam.breakGlassRoles) has full administrator access ("*" on "*") as intended: ${paths}. Keep its trust policy narrow and every use of it alerted.`,
              evidence: { breakGlassPattern: pattern },
            };
          }
          const trust = trustOf(role);
          if (trust.servicesOnly) {
            return {
              category: 'service-role',
              message: `IAM role ${role.name}, which only AWS services can assume (${trust.services.join(', ')}), has full administrator access ("*" on "*"): ${paths}. Code running in those services acts as an administrator.`,
              evidence: { trustedServices: trust.services },
            };
          }
          return {
            category: 'admin',
            message: `IAM role ${role.name} has full administrator access ("*" on "*"): ${paths}.${trust.note ? ` Who may assume it is unknown (${trust.note}), so it is not taken for a service role.` : ''}`,
            evidence: trust.note ? { trust: trust.note } : {},
          };
        }),
      );

      return [...users, ...groups, ...roles];
    }),
});
