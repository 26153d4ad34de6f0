import { defineCheck, fail, pass, withFact } from '../define';
import { accountResource, iamUserResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';

export default defineCheck({
  id: 'iam_user_no_direct_policies',
  service: 'iam',
  severity: 'low',
  title: 'IAM users get permissions only through groups or roles',
  failTitle: 'IAM user has policies attached directly',
  rationale:
    'Permissions granted user by user drift apart and are hard to review or revoke; granting them through groups and roles keeps access consistent as people join and leave.',
  remediationText:
    'Put the user in a group that carries the permissions, then detach the managed policies and delete the inline policies from the user (IAM console → Users → user → Permissions).',
  frameworks: { cis: '1.15', securityHub: 'IAM.2' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.iam.authorizationDetails, accountResource(account), GLOBAL_REGION, (details) =>
      details.users.map((user) => {
        const resource = iamUserResource({ user: user.name, arn: user.arn });
        const attached = user.attachedPolicies.map((p) => p.name);
        const inline = user.inlinePolicies.map((p) => p.name);
        const evidence = { attachedPolicies: attached, inlinePolicies: inline };
        if (attached.length === 0 && inline.length === 0) {
          return pass(resource, GLOBAL_REGION, `IAM user ${user.name} has no policies of its own.`, evidence);
        }
        const parts = [
          ...(attached.length > 0 ? [`attached ${attached.join(', ')}`] : []),
          ...(inline.length > 0 ? [`inline ${inline.join(', ')}`] : []),
        ];
        return fail(
          resource,
          GLOBAL_REGION,
          `IAM user ${user.name} has policies directly on it: ${parts.join('; ')}.`,
          evidence,
        );
      }),
    ),
});
