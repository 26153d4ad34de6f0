import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import { accountResource, iamPolicyResource } from '../../resources';
import { analyzeFullAdmin } from '../../iam-policy-analysis';
import { GLOBAL_REGION, type IamPrincipal, type ResourceRef } from '../../model';
import { unknownResult } from '../../iam-credentials';

type PrincipalKind = 'user' | 'group' | 'role';

/**
 * Inline policies have no ARN of their own. The id carries the principal's kind as well as its name
 * (`role/deploy/admin`), because a user, a group and a role may share a name; the ARN is the principal's.
 */
const inlinePolicyResource = (kind: PrincipalKind, principal: IamPrincipal, policyName: string): ResourceRef => ({
  type: 'AwsIamPolicy',
  id: `${kind}/${principal.name}/${policyName}`,
  arn: principal.arn,
});

const judge = (
  resource: ResourceRef,
  label: string,
  document: unknown,
  context: Record<string, unknown>,
  attachedNote: string,
): CheckResult => {
  const analysis = analyzeFullAdmin(document);
  if (!analysis.ok)
    return unknownResult(resource, `Could not check: ${label} is unreadable (${analysis.reason}).`, context);
  return analysis.fullAdmin
    ? fail(resource, GLOBAL_REGION, `${label} allows every action on every resource ("*" on "*")${attachedNote}.`, {
        ...context,
        fullAdminStatements: analysis.statements,
      })
    : pass(resource, GLOBAL_REGION, `${label} does not allow "*" on "*".`, context);
};

// AWS did not say how many principals hold it: the policy still fails, without claiming it is unused.
const attachedNote = (count: number | null): string =>
  count === null
    ? ' (how many principals it is attached to is unknown)'
    : count > 0
      ? ` and is attached to ${count} principal${count === 1 ? '' : 's'}`
      : ' (not attached)';

export default defineCheck({
  id: 'iam_policy_no_full_admin',
  service: 'iam',
  severity: 'high',
  title: 'No IAM policy grants full "*:*" administrator access',
  failTitle: 'IAM policy grants full "*:*" administrator access',
  rationale:
    'A policy allowing every action on every resource makes whoever holds it an administrator; least privilege means granting only the actions a job needs.',
  remediationText:
    'Replace the "Action": "*", "Resource": "*" statement with the specific actions and resources needed (IAM console → Policies → policy → Edit), and detach it from principals that do not need it; keep full admin on a few well-guarded roles, via the AWS-managed AdministratorAccess policy.',
  frameworks: { cis: '1.16', securityHub: 'IAM.1' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.iam.authorizationDetails, accountResource(account), GLOBAL_REGION, (details) => {
      const managed = details.policies.map((p) =>
        judge(
          iamPolicyResource(p),
          `Customer-managed policy ${p.name}`,
          p.defaultDocument,
          { attachmentCount: p.attachmentCount, attached: p.attachmentCount === null ? null : p.attachmentCount > 0 },
          attachedNote(p.attachmentCount),
        ),
      );
      const principals: [PrincipalKind, IamPrincipal[]][] = [
        ['user', details.users],
        ['group', details.groups],
        ['role', details.roles],
      ];
      const inline = principals.flatMap(([kind, list]) =>
        list.flatMap((principal) =>
          principal.inlinePolicies.map((policy) =>
            judge(
              inlinePolicyResource(kind, principal, policy.name),
              `Inline policy ${policy.name} of ${kind} ${principal.name}`,
              policy.document,
              { inline: true, principalType: kind, principal: principal.name },
              '',
            ),
          ),
        ),
      );
      return [...managed, ...inline];
    }),
});
