import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import { accountResource, iamUserResource } from '../../resources';
import { GLOBAL_REGION, type IamPrincipal, type ResourceRef } from '../../model';

/** AWS's managed policy granting CloudShell, including file upload and download. */
export const cloudShellPolicyArn = (partition: string) => `arn:${partition}:iam::aws:policy/AWSCloudShellFullAccess`;

type Kind = 'user' | 'group' | 'role';

// Same ids as the other principal findings: a user, a group and a role may share a name.
const principalResource = (kind: Kind, p: IamPrincipal): ResourceRef =>
  kind === 'user'
    ? iamUserResource({ user: p.name, arn: p.arn })
    : { type: kind === 'group' ? 'AwsIamGroup' : 'AwsIamRole', id: `${kind}/${p.name}`, arn: p.arn };

export default defineCheck({
  id: 'iam_cloudshell_full_access_restricted',
  service: 'iam',
  severity: 'medium',
  title: 'No principal holds AWSCloudShellFullAccess',
  failTitle: 'Principal holds AWSCloudShellFullAccess',
  rationale:
    'AWSCloudShellFullAccess lets its holder upload and download files through CloudShell and run a shell with internet access inside the account: a way to move data in and out that bypasses other controls. Grant a narrower CloudShell policy to those who need it.',
  remediationText:
    'Detach AWSCloudShellFullAccess from the user, group or role (IAM console → principal → Permissions → Remove), and where CloudShell is needed attach a custom policy that denies `cloudshell:GetFileUploadUrls` and `cloudshell:GetFileDownloadUrls`.',
  frameworks: { cis: '1.22', securityHub: 'IAM.27' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) => {
    const arn = cloudShellPolicyArn(account.partition);
    return withFact(account.iam.authorizationDetails, accountResource(account), GLOBAL_REGION, (details) => {
      const holders: [Kind, IamPrincipal][] = [
        ...details.users.map((p): [Kind, IamPrincipal] => ['user', p]),
        ...details.groups.map((p): [Kind, IamPrincipal] => ['group', p]),
        ...details.roles.map((p): [Kind, IamPrincipal] => ['role', p]),
      ].filter(([, p]) => p.attachedPolicies.some((a) => a.arn === arn));
      if (holders.length === 0) {
        return [
          pass(
            accountResource(account),
            GLOBAL_REGION,
            `No user, group or role in account ${account.accountId} holds AWSCloudShellFullAccess.`,
            {
              policyArn: arn,
            },
          ),
        ];
      }
      return holders.map(([kind, p]): CheckResult =>
        fail(
          principalResource(kind, p),
          GLOBAL_REGION,
          `IAM ${kind} ${p.name} holds AWSCloudShellFullAccess: it can move files in and out of the account through CloudShell.`,
          { policyArn: arn, principalKind: kind },
        ),
      );
    });
  },
});
