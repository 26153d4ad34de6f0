import { defineDetection, type DetectionMatch } from '../define';
import type { CloudTrailRecord } from '../record';
import { accountResource } from './cis/common';
import { clip, tidy } from './shared/helpers';
import { isConsoleLogin, loginOutcome, mfaUsed } from './cis/console-login';

/** `iam.amazonaws.com` + `ListUsers` → `iam:ListUsers`. */
const actionOf = (r: CloudTrailRecord): string => `${r.eventSource.split('.')[0] ?? r.eventSource}:${r.eventName}`;

const signIn = (r: CloudTrailRecord): DetectionMatch => {
  const mfa = mfaUsed(r);
  if (mfa === 'yes')
    return { summary: 'the root user signed in to the console (with MFA)', resource: accountResource(r) };
  if (mfa === 'no') {
    return {
      summary: 'the root user signed in to the console without MFA',
      resource: accountResource(r),
      severity: 'critical',
      details: ['Whoever knows the root password alone controls the whole account: turn on MFA for the root user.'],
    };
  }
  return {
    summary: 'the root user signed in to the console; CloudTrail did not say whether MFA was used',
    resource: accountResource(r),
    details: [`cloudsec could not confirm MFA: ${mfa.unknown}.`],
  };
};

/**
 * CIS 4.3's filter: the root user's own calls. `invokedBy` marks calls an AWS service made for the
 * account, and `AwsServiceEvent` records are AWS's, not anyone signing in as root. A refused call is
 * still someone holding root credentials, so failed calls count; a failed sign-in does not (that is
 * console_signin_failures').
 */
export default defineDetection({
  id: 'root_activity',
  title: 'Root user activity',
  severity: 'high',
  rationale:
    'The root user can do anything in the account and cannot be limited by IAM policies; day-to-day work never needs it, so any use is either a rare planned task or someone who has the root credentials.',
  // Root can call any API: this detection reads every event source and name (see the engine's wildcard).
  events: [{ source: '*', names: ['*'] }],
  eventPatternDetail: { userIdentity: { type: ['Root'] } },
  cis: '4.3',
  securityHub: 'CloudWatch.1',
  mitre: { id: 'T1078.004', name: 'Valid Accounts: Cloud Accounts' },
  // One alert per account and hour: the rest of a root session becomes its thread's count.
  dedupWindowMinutes: 60,
  matchesFailedCalls: true,
  match: (r) => {
    const id = r.userIdentity;
    if (id?.type !== 'Root' || (id.invokedBy !== undefined && id.invokedBy !== '')) return null;
    if (r.eventType === 'AwsServiceEvent') return null;
    const where = [
      ...(r.awsRegion ? [`Region: ${r.awsRegion}`] : []),
      ...(r.sourceIPAddress ? [`From: ${clip(r.sourceIPAddress)}`] : []),
    ];
    if (isConsoleLogin(r)) {
      if (loginOutcome(r) === 'failure') return null;
      const m = signIn(r);
      // A sign-in without MFA gets its own key: folded into an hour's thread it would go unseen.
      const dedupSuffix = m.severity === 'critical' ? 'root-signin-without-mfa' : 'root';
      return tidy({ ...m, details: [...(m.details ?? []), ...where], dedupSuffix });
    }
    const action = `\`${clip(actionOf(r))}\``;
    return tidy({
      summary: r.errorCode
        ? `the root user tried ${action}; AWS refused it (${clip(r.errorCode, 40)})`
        : `the root user called ${action}`,
      resource: accountResource(r),
      details: where,
      dedupSuffix: 'root',
    });
  },
});
