import { defineCheck } from '../define';
import { evaluatePolicyMinimum } from '../../password-policy-minimum';

/** CIS asks that the last 24 passwords be remembered (the IAM maximum). */
export const REQUIRED_PASSWORD_REUSE_PREVENTION = 24;

export default defineCheck({
  id: 'iam_password_policy_reuse_prevention',
  service: 'iam',
  severity: 'medium',
  title: 'Password policy prevents reuse of the last 24 passwords',
  failTitle: 'Password policy allows password reuse',
  rationale:
    'Without reuse prevention a user forced to change a leaked password can simply set it back, keeping the leak useful.',
  remediationText:
    'IAM console → Account settings → Password policy → Edit: turn on "Prevent password reuse" with 24 remembered passwords (the API call replaces the whole policy, so keep the other settings).',
  frameworks: { cis: '1.9', securityHub: 'IAM.16' },
  requires: ['iam'],
  remediation: 'iam_set_password_policy',
  evaluate: evaluatePolicyMinimum({
    setting: 'passwordReusePrevention',
    required: REQUIRED_PASSWORD_REUSE_PREVENTION,
    noPolicy: 'IAM users may reuse old passwords',
    has: (n) => `remembers the last ${n} passwords`,
    lacks: (n) =>
      `${n === null ? 'does not prevent password reuse' : `remembers only the last ${n} passwords`}; ${REQUIRED_PASSWORD_REUSE_PREVENTION} are required`,
  }),
});
