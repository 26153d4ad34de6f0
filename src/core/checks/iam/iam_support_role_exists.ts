import { defineCheck, fail, pass, withFactOne } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION, type IamPrincipal } from '../../model';

/** AWS's own policy for managing support cases, in the account's partition. */
export const supportPolicyArn = (partition: string) => `arn:${partition}:iam::aws:policy/AWSSupportAccess`;

const holds = (p: IamPrincipal, arn: string) => p.attachedPolicies.some((a) => a.arn === arn);

export default defineCheck({
  id: 'iam_support_role_exists',
  service: 'iam',
  severity: 'low',
  title: 'An IAM role can manage AWS Support cases',
  failTitle: 'No IAM role can manage AWS Support cases',
  rationale:
    'During an incident someone must be able to open and follow AWS Support cases without using root or an administrator. A role with the AWS-managed AWSSupportAccess policy, assumable by the people on call, gives exactly that.',
  remediationText:
    'Create a role that the incident responders may assume and attach AWSSupportAccess: IAM console → Roles → Create role → AWS account (this account) → permissions AWSSupportAccess; or `aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json` then `aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess`.',
  frameworks: { cis: '1.17', securityHub: 'IAM.18' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) => {
    const resource = accountResource(account);
    const arn = supportPolicyArn(account.partition);
    return withFactOne(account.iam.authorizationDetails, resource, GLOBAL_REGION, (details) => {
      const roles = details.roles.filter((r) => holds(r, arn)).map((r) => r.name);
      // CIS asks for a role; users and groups holding the policy are noted, but do not count.
      const others = [
        ...details.users.filter((u) => holds(u, arn)).map((u) => `user/${u.name}`),
        ...details.groups.filter((g) => holds(g, arn)).map((g) => `group/${g.name}`),
      ];
      const evidence = { policyArn: arn, roles, usersAndGroups: others };
      if (roles.length > 0) {
        return pass(resource, GLOBAL_REGION, `AWSSupportAccess is attached to role ${roles.join(', ')}.`, evidence);
      }
      const note = others.length > 0 ? ` (only ${others.join(', ')} hold it, and CIS asks for a role)` : '';
      return fail(
        resource,
        GLOBAL_REGION,
        `No IAM role in account ${account.accountId} has AWSSupportAccess attached${note}: nobody can manage AWS Support cases without broader rights.`,
        evidence,
      );
    });
  },
});
