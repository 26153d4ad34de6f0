import { GLOBAL_REGION } from '../../model';
import { defineDetection } from '../define';
import type { CloudTrailRecord } from '../record';
import { accountResource } from './cis/common';
import { clip, tidy } from './shared/helpers';
import { CONSOLE_LOGIN, HIDDEN_USER, isConsoleLogin, loginOutcome, SIGNIN_SOURCE } from './cis/console-login';

const who = (r: CloudTrailRecord): string => {
  const id = r.userIdentity;
  if (id?.type === 'Root') return 'the root user';
  if (id?.userName === HIDDEN_USER)
    return 'a user name that does not exist in the account (CloudTrail hides what was typed)';
  if (id?.userName) return `IAM user \`${clip(id.userName)}\``;
  return 'a user the record does not name';
};

/**
 * CIS 4.6: failed console sign-ins, counted. The key is the source address, so one address trying
 * many user names (password spraying) reaches the threshold as surely as one trying many passwords;
 * without an address, the user name is the key.
 */
export default defineDetection({
  id: 'console_signin_failures',
  title: 'Repeated console sign-in failures',
  severity: 'medium',
  rationale:
    'Many failed console sign-ins in a short time are password guessing or spraying; the next success from the same place deserves a close look.',
  events: [{ source: SIGNIN_SOURCE, names: [CONSOLE_LOGIN] }],
  cis: '4.6',
  securityHub: 'CloudWatch.6',
  mitre: { id: 'T1110', name: 'Brute Force' },
  counting: { threshold: 5, windowMinutes: 15 },
  matchesFailedCalls: true,
  match: (r) => {
    if (!isConsoleLogin(r) || loginOutcome(r) !== 'failure') return null;
    const ip = r.sourceIPAddress;
    const user = r.userIdentity?.userName;
    const target =
      r.userIdentity?.type === 'IAMUser' && user && user !== HIDDEN_USER
        ? { type: 'AwsIamUser', id: user, arn: r.userIdentity.arn ?? null, region: GLOBAL_REGION }
        : accountResource(r);
    return tidy({
      summary: `console sign-in failed for ${who(r)}${ip ? ` from ${clip(ip)}` : ''}`,
      resource: target,
      details: [
        ...(r.errorMessage ? [`AWS said: ${clip(r.errorMessage, 120)}`] : []),
        ...(ip
          ? []
          : ['CloudTrail did not record the source address (sourceIPAddress); failures are counted per user instead.']),
      ],
      dedupSuffix: ip ? `ip:${ip}` : `user:${user ?? 'unknown'}`,
    });
  },
});
