import { defineDetection } from '../define';
import { clip, tidy } from './shared/helpers';
import { CONSOLE_LOGIN, isConsoleLogin, loginOutcome, mfaUsed, SIGNIN_SOURCE } from './cis/console-login';

/**
 * CIS 4.2 in the benchmark's variant for accounts whose people sign in through IAM Identity Center
 * (SSO) or a SAML provider: only IAM users' successful password sign-ins count. SSO and SAML sessions
 * are AssumedRole sign-ins whose MFA happens at the identity provider, so CloudTrail's `MFAUsed: No`
 * says nothing about them. The root user's sign-ins are root_activity's (with their MFA).
 * Fail closed: when the record does not say whether MFA was used, or whether the sign-in
 * succeeded, cloudsec cannot confirm MFA and alerts in words that say so.
 */
export default defineDetection({
  id: 'console_signin_without_mfa',
  title: 'Console sign-in without MFA',
  severity: 'medium',
  rationale:
    'An IAM user who signs in to the console with a password alone is one phished or reused password away from an intruder; MFA on every console user is what stops that.',
  events: [{ source: SIGNIN_SOURCE, names: [CONSOLE_LOGIN] }],
  cis: '4.2',
  securityHub: 'CloudWatch.3',
  mitre: { id: 'T1078.004', name: 'Valid Accounts: Cloud Accounts' },
  match: (r) => {
    if (!isConsoleLogin(r) || r.userIdentity?.type !== 'IAMUser') return null;
    const outcome = loginOutcome(r);
    if (outcome === 'failure') return null;
    const mfa = mfaUsed(r);
    if (mfa === 'yes') return null;
    const name = r.userIdentity.userName;
    const who = name ? `IAM user \`${clip(name)}\`` : 'an IAM user the record does not name';
    const resource = {
      type: 'AwsIamUser',
      id: name ?? r.userIdentity.principalId ?? 'unknown',
      arn: r.userIdentity.arn ?? null,
      region: 'global',
    };
    const details: string[] = [];
    if (outcome === 'unknown') {
      details.push(
        'CloudTrail did not record whether the sign-in succeeded (responseElements.ConsoleLogin); cloudsec treats it as a sign-in.',
      );
    }
    if (mfa !== 'no') details.push(`cloudsec could not confirm MFA: ${mfa.unknown}.`);
    if (!name) details.push('The record has no userIdentity.userName.');
    return tidy({
      summary:
        mfa === 'no'
          ? `${who} signed in to the console without MFA`
          : `${who} signed in to the console and CloudTrail did not say whether MFA was used`,
      resource,
      details,
      dedupSuffix: resource.arn ?? resource.id,
    });
  },
});
