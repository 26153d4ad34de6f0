import { accountResource } from '../../resources';
import { defineDetection, type DetectionMatch } from '../define';
import { recordAccountId, textAt, type CloudTrailRecord } from '../record';
import { forEvents, globalResource } from './exposure/common';
import { quoted, tidy } from './shared/helpers';

const EVENTS = [{ source: 'iam.amazonaws.com', names: ['CreateAccessKey'] }] as const;

/**
 * CreateAccessKey without `userName` creates a key for the caller itself: for root, a root key; for an
 * IAM user, their own (normal, not alerted). With `userName`, the key is for that user, which the
 * response confirms (`responseElements.accessKey.userName`, `.accessKeyId`; the secret is never logged).
 */
const match = (r: CloudTrailRecord): DetectionMatch | null => {
  const requested = textAt(r.requestParameters, 'userName');
  const keyId = textAt(r.responseElements, 'accessKey', 'accessKeyId');
  const keyUser = textAt(r.responseElements, 'accessKey', 'userName') ?? requested;
  const caller = r.userIdentity;
  const accountId = recordAccountId(r) ?? 'unknown';
  const key = keyId ? `\`${keyId}\`` : 'a key whose id the record does not hold';

  if (caller?.type === 'Root' && requested === undefined) {
    return tidy({
      summary: `created an access key for the root user (${key})`,
      resource: globalResource(accountResource({ accountId })),
      // The one case with no way back through cloudsec, and a key no policy can limit.
      severity: 'critical',
      details: [
        'A root access key has every permission in the account and no policy can limit it. Delete it: sign in as root → Security credentials → Access keys (cloudsec cannot manage root keys).',
      ],
      dedupSuffix: keyId ?? accountId,
    });
  }

  const own = caller?.type === 'IAMUser' ? caller.userName : undefined;
  if (keyUser !== undefined && own !== undefined && keyUser === own) return null;
  if (keyUser === undefined) {
    // An IAM user creating a key without a name gets their own; anyone else, AWS refuses (and the engine drops failed calls).
    if (caller?.type === 'IAMUser') return null;
    return tidy({
      summary: `created an access key (${key}); the record does not say for which user: re-check`,
      resource: globalResource({ type: 'AwsIamAccessKey', id: keyId ?? 'unknown', arn: null }),
      severity: 'medium',
      dedupSuffix: keyId ?? r.eventID,
    });
  }
  const resource = globalResource({ type: 'AwsIamUser', id: keyUser, arn: null });
  return tidy({
    summary: `created an access key for another user, ${quoted(keyUser)} (${key})`,
    resource,
    details: [
      "Whoever holds the new key acts as that user, with that user's permissions, until the key is deactivated.",
      // No Undo: iam_deactivate_access_key picks a key through the credential report (hours behind a
      // new key), so it could not promise to touch exactly this key. The command does.
      keyId
        ? `If it was not meant: aws iam update-access-key --user-name ${keyUser} --access-key-id ${keyId} --status Inactive`
        : 'The record holds no access key id: find the new key with aws iam list-access-keys and deactivate it.',
    ],
    dedupSuffix: keyId ?? keyUser,
  });
};

export default defineDetection({
  id: 'iam_access_key_created_for_root_or_other',
  title: 'Access key created for root or for another user',
  severity: 'high',
  rationale:
    'A new long-lived key for the root user, or a key one principal makes for another user, is how an intruder keeps a way back in that survives a password reset: it is a second credential nobody asked for.',
  events: EVENTS,
  // IAM.4 (no root access key) is the control a root key fails.
  securityHub: 'IAM.4',
  mitre: { id: 'T1098.001', name: 'Additional Cloud Credentials' },
  match: forEvents(EVENTS, match),
});
