import { defineCheck } from '../define';
import { evaluatePolicyMinimum } from '../../password-policy-minimum';

export const MIN_PASSWORD_LENGTH = 14;

export default defineCheck({
  id: 'iam_password_policy_min_length',
  service: 'iam',
  severity: 'medium',
  title: 'Password policy requires at least 14 characters',
  failTitle: 'Password policy allows passwords shorter than 14 characters',
  rationale: 'Length is what makes a password resist guessing and cracking; short passwords fall to brute force.',
  remediationText:
    'IAM console → Account settings → Password policy → Edit: set the minimum length to 14 or more (the API call replaces the whole policy, so keep the other settings).',
  frameworks: { cis: '1.8', securityHub: 'IAM.15' },
  requires: ['iam'],
  remediation: 'iam_set_password_policy',
  evaluate: evaluatePolicyMinimum({
    setting: 'minimumPasswordLength',
    required: MIN_PASSWORD_LENGTH,
    noPolicy: `IAM user passwords have no minimum length of ${MIN_PASSWORD_LENGTH}`,
    has: (n) => `requires ${n} characters`,
    lacks: (n) =>
      `${n === null ? 'sets no minimum length' : `requires only ${n} characters`}; at least ${MIN_PASSWORD_LENGTH} are required`,
  }),
});
