import { defineCheck, fail, pass, withFact } from '../define';
import { accountResource, iamUserResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';
import { accessKeys, userRows } from '../../iam-credentials';

export default defineCheck({
  id: 'iam_user_single_active_access_key',
  service: 'iam',
  severity: 'medium',
  title: 'IAM users have at most one active access key',
  failTitle: 'IAM user has more than one active access key',
  rationale:
    'A second active key is meant only for the moment of rotation; left active, it doubles the secrets to protect and often means an old key was never retired.',
  remediationText:
    'Find which key is in use (IAM console → Users → Security credentials, "Last used"), then deactivate and delete the other.',
  frameworks: { cis: '1.13', securityHub: null },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.iam.credentialReport, accountResource(account), GLOBAL_REGION, (rows) =>
      userRows(rows).map((row) => {
        const activeKeys = accessKeys(row)
          .filter((k) => k.active)
          .map((k) => k.keyNumber);
        return activeKeys.length > 1
          ? fail(
              iamUserResource(row),
              GLOBAL_REGION,
              `IAM user ${row.user} has ${activeKeys.length} active access keys.`,
              { activeKeys },
            )
          : pass(
              iamUserResource(row),
              GLOBAL_REGION,
              `IAM user ${row.user} has ${activeKeys.length === 0 ? 'no' : 'one'} active access key.`,
              {
                activeKeys,
              },
            );
      }),
    ),
});
