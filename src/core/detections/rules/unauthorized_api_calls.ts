import { describeActor } from '../actor';
import { defineDetection, type AlertResource } from '../define';
import type { CloudTrailRecord } from '../record';
import { accountResource } from './cis/common';
import { clip, quoted, tidy } from './shared/helpers';

/**
 * CIS 4.1's metric filter: an errorCode that starts with `AccessDenied` or ends in
 * `UnauthorizedOperation` (EC2's `Client.UnauthorizedOperation` included), and, as some services
 * spell it, `…UnauthorizedAccess`. The benchmark's own exclusions: S3 log delivery's calls and
 * HeadBucket probes, which fail routinely.
 */
const UNAUTHORIZED = /^AccessDenied|UnauthorizedOperation$|UnauthorizedAccess$/;
const EXCLUDED_SOURCE_IP = 'delivery.logs.amazonaws.com';
const EXCLUDED_EVENT = 'HeadBucket';

/** `iam.amazonaws.com` + `ListUsers` → `iam:ListUsers`, the action name IAM policies use. */
const actionOf = (r: CloudTrailRecord): string => `${r.eventSource.split('.')[0] ?? r.eventSource}:${r.eventName}`;

/** The principal refused: counting is per principal, so a role's sessions count together. */
const principalOf = (r: CloudTrailRecord): { key: string; resource: AlertResource; label: string } => {
  const actor = describeActor(r);
  const id = r.userIdentity;
  if (actor.kind === 'iam-user' && id?.userName) {
    return {
      key: actor.arn ?? `user/${id.userName}`,
      resource: { type: 'AwsIamUser', id: id.userName, arn: actor.arn, region: 'global' },
      label: `IAM user ${quoted(id.userName, '')}`,
    };
  }
  const issuer = id?.sessionContext?.sessionIssuer;
  if (issuer?.type === 'Role' && issuer.arn) {
    const name = issuer.userName ?? issuer.arn.slice(issuer.arn.lastIndexOf('/') + 1);
    return {
      key: issuer.arn,
      resource: { type: 'AwsIamRole', id: name, arn: issuer.arn, region: 'global' },
      label: `role ${quoted(name, '')}`,
    };
  }
  if (actor.kind === 'root') return { key: 'root', resource: accountResource(r), label: 'the root user' };
  const key = actor.arn ?? id?.principalId ?? actor.accessKeyId ?? actor.sourceIp ?? 'unknown-caller';
  return { key, resource: accountResource(r), label: quoted(actor.label, 'a caller CloudTrail did not identify') };
};

export default defineDetection({
  id: 'unauthorized_api_calls',
  title: 'Repeated unauthorized API calls',
  severity: 'medium',
  rationale:
    'A burst of refused calls from one principal is what enumeration with stolen credentials looks like (tools try every API to see what the keys can do); it also catches a broken deployment early.',
  // Any API can be refused: this detection reads every event source and name (see the engine's wildcard).
  events: [{ source: '*', names: ['*'] }],
  eventPatternDetail: {
    errorCode: [{ prefix: 'AccessDenied' }, { suffix: 'UnauthorizedOperation' }, { suffix: 'UnauthorizedAccess' }],
  },
  cis: '4.1',
  securityHub: 'CloudWatch.2',
  mitre: { id: 'T1580', name: 'Cloud Infrastructure Discovery' },
  counting: { threshold: 10, windowMinutes: 5 },
  matchesFailedCalls: true,
  match: (r) => {
    if (r.errorCode === undefined || !UNAUTHORIZED.test(r.errorCode)) return null;
    if (r.sourceIPAddress === EXCLUDED_SOURCE_IP || r.eventName === EXCLUDED_EVENT) return null;
    const principal = principalOf(r);
    return tidy({
      summary: `${principal.label} was refused \`${clip(actionOf(r))}\` (${clip(r.errorCode, 40)})`,
      resource: principal.resource,
      details: [
        ...(r.errorMessage ? [`AWS said: ${clip(r.errorMessage, 200)}`] : []),
        ...(r.awsRegion ? [`Region: ${r.awsRegion}`] : []),
      ],
      dedupSuffix: principal.key,
    });
  },
});
