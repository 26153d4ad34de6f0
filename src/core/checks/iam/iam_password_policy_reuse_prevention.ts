import { defineCheck, fail, pass, withFact } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';

/** CIS asks that the last 24 passwords be remembered (the IAM maximum). */
export const REQUIRED_PASSWORD_REUSE_PREVENTION = 24;

export default defineCheck({
  id: 'iam_password_policy_reuse_prevention',
  service: 'iam',
  severity: 'medium',
  title: 'Password policy prevents reuse of the last 24 passwords',
  rationale:
    'Without reuse prevention a user forced to change a leaked password can simply set it back, keeping the leak useful.',
  remediationText:
    'IAM console → Account settings → Password policy → Edit: turn on "Prevent password reuse" with 24 remembered passwords (the API call replaces the whole policy, so keep the other settings).',
  frameworks: { cis: '1.9', securityHub: 'IAM.16' },
  requires: ['iam'],
  remediation: 'iam_set_password_policy',
  evaluate: ({ account }) => {
    const resource = accountResource(account);
    return withFact(account.iam!.passwordPolicy, resource, GLOBAL_REGION, (policy) => {
      if (policy === null) {
        return [
          fail(
            resource,
            GLOBAL_REGION,
            `Account ${account.accountId} has no password policy, so IAM users may reuse old passwords.`,
            {
              passwordPolicy: null,
              required: REQUIRED_PASSWORD_REUSE_PREVENTION,
            },
          ),
        ];
      }
      const remembered = policy.passwordReusePrevention;
      const evidence = { passwordReusePrevention: remembered, required: REQUIRED_PASSWORD_REUSE_PREVENTION };
      if (remembered !== null && remembered >= REQUIRED_PASSWORD_REUSE_PREVENTION) {
        return [
          pass(
            resource,
            GLOBAL_REGION,
            `The password policy of account ${account.accountId} remembers the last ${remembered} passwords.`,
            evidence,
          ),
        ];
      }
      const current =
        remembered === null ? 'does not prevent password reuse' : `remembers only the last ${remembered} passwords`;
      return [
        fail(
          resource,
          GLOBAL_REGION,
          `The password policy of account ${account.accountId} ${current}; ${REQUIRED_PASSWORD_REUSE_PREVENTION} are required.`,
          evidence,
        ),
      ];
    });
  },
});
