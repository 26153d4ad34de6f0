import { defineCheck, fail, pass, withFact } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';

export const MIN_PASSWORD_LENGTH = 14;

export default defineCheck({
  id: 'iam_password_policy_min_length',
  service: 'iam',
  severity: 'medium',
  title: 'Password policy requires at least 14 characters',
  rationale: 'Length is what makes a password resist guessing and cracking; short passwords fall to brute force.',
  remediationText:
    'IAM console → Account settings → Password policy → Edit: set the minimum length to 14 or more (the API call replaces the whole policy, so keep the other settings).',
  frameworks: { cis: '1.8', securityHub: 'IAM.15' },
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
            `Account ${account.accountId} has no password policy, so IAM user passwords have no minimum length of ${MIN_PASSWORD_LENGTH}.`,
            {
              passwordPolicy: null,
              required: MIN_PASSWORD_LENGTH,
            },
          ),
        ];
      }
      const length = policy.minimumPasswordLength;
      const evidence = { minimumPasswordLength: length, required: MIN_PASSWORD_LENGTH };
      if (length !== null && length >= MIN_PASSWORD_LENGTH) {
        return [
          pass(
            resource,
            GLOBAL_REGION,
            `The password policy of account ${account.accountId} requires ${length} characters.`,
            evidence,
          ),
        ];
      }
      const current = length === null ? 'sets no minimum length' : `requires only ${length} characters`;
      return [
        fail(
          resource,
          GLOBAL_REGION,
          `The password policy of account ${account.accountId} ${current}; at least ${MIN_PASSWORD_LENGTH} are required.`,
          evidence,
        ),
      ];
    });
  },
});
