import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import { defineDetection, type AlertResource, type DetectionMatch } from '../define';
import { recordAccountId, textAt, type CloudTrailRecord } from '../record';
import { booleanOf, forEvents, located, undoFor, unreadableDetail } from './exposure/common';
import { isJson, partitionOf, quoted, regionOf, tidy } from './shared/helpers';

/**
 * CloudTrail records the bucket-level calls as PutBucketPublicAccessBlock / DeleteBucketPublicAccessBlock
 * and the account-level (S3 Control) ones as PutAccountPublicAccessBlock / DeleteAccountPublicAccessBlock,
 * all from s3.amazonaws.com. The API's own names (PutPublicAccessBlock / DeletePublicAccessBlock) are
 * accepted too, read as bucket-level when the record names a bucket and account-level otherwise.
 */
const EVENTS = [
  {
    source: 's3.amazonaws.com',
    names: [
      'PutBucketPublicAccessBlock',
      'DeleteBucketPublicAccessBlock',
      'PutAccountPublicAccessBlock',
      'DeleteAccountPublicAccessBlock',
      'PutPublicAccessBlock',
      'DeletePublicAccessBlock',
    ],
  },
] as const;

/** The request's element names, and the words the S3 console uses for them. */
const SETTINGS = [
  ['BlockPublicAcls', 'BlockPublicAcls (block new public ACLs)'],
  ['IgnorePublicAcls', 'IgnorePublicAcls (ignore existing public ACLs)'],
  ['BlockPublicPolicy', 'BlockPublicPolicy (block new public bucket policies)'],
  ['RestrictPublicBuckets', 'RestrictPublicBuckets (restrict existing public policies)'],
] as const;

type Target =
  | { level: 'bucket'; name: string | undefined; resource: AlertResource }
  | { level: 'account'; resource: AlertResource; accountId: string | null };

const targetOf = (r: CloudTrailRecord): Target => {
  const name = textAt(r.requestParameters, 'bucketName');
  const account = /Account/.test(r.eventName) || (!/Bucket/.test(r.eventName) && name === undefined);
  if (account) {
    const accountId = recordAccountId(r);
    return {
      level: 'account',
      accountId,
      resource: located(accountResource({ accountId: accountId ?? 'unknown' }), GLOBAL_REGION),
    };
  }
  const ref = name
    ? bucketResource({ name, arn: `arn:${partitionOf(r)}:s3:::${name}` })
    : { type: 'AwsS3Bucket', id: 'unknown', arn: null };
  return { level: 'bucket', name, resource: located(ref, regionOf(r)) };
};

const undoOf = (t: Target) => {
  if (t.level === 'account')
    return t.accountId
      ? undoFor(
          's3_account_block_public_access',
          's3_account_public_access_blocked',
          t.resource,
          `Turn on all four Block Public Access settings for account ${t.accountId}`,
        )
      : undefined;
  return t.name
    ? undoFor(
        's3_block_public_access',
        's3_bucket_public_access_blocked',
        t.resource,
        `Turn on Block Public Access on bucket ${t.name}`,
      )
    : undefined;
};

const whereOf = (t: Target): string =>
  t.level === 'account'
    ? `for account ${quoted(t.accountId ?? undefined, 'the account')}`
    : `on bucket ${quoted(t.name)}`;

const FALLBACK_NOTE = {
  bucket: 'The bucket now relies on the account-level settings alone.',
  account: 'Every bucket now relies on its own settings alone, including buckets created later.',
};

const match = (r: CloudTrailRecord): DetectionMatch | null => {
  const t = targetOf(r);
  const undo = undoOf(t);
  if (r.eventName.startsWith('Delete')) {
    return tidy({
      summary: `removed the Block Public Access settings ${whereOf(t)}: nothing stops a public policy or ACL there any more`,
      resource: t.resource,
      details: [FALLBACK_NOTE[t.level]],
      undo,
    });
  }
  const config = r.requestParameters?.PublicAccessBlockConfiguration;
  if (!isJson(config)) {
    return tidy({
      summary: `changed the Block Public Access settings ${whereOf(t)}; cloudsec could not read the new settings from the record: re-check`,
      resource: t.resource,
      severity: 'medium',
      details: [unreadableDetail('the new settings', 'the record holds no PublicAccessBlockConfiguration object')],
      undo,
    });
  }
  // S3 treats an element left out of the request as false, so a missing setting is an off setting.
  const off = SETTINGS.filter(([key]) => booleanOf(config[key]) !== true);
  if (off.length === 0) return null;
  const unreadable = off.filter(([key]) => config[key] !== undefined && booleanOf(config[key]) === undefined);
  return tidy({
    summary: `turned off Block Public Access ${whereOf(t)}: ${off.map(([key]) => key).join(', ')} ${off.length === 1 ? 'is' : 'are'} now off`,
    resource: t.resource,
    details: [
      ...off.map(
        ([key, words]) =>
          `${words}: ${config[key] === undefined ? 'left out of the request, which S3 takes as off' : 'off'}`,
      ),
      ...(unreadable.length > 0
        ? [unreadableDetail(`the value of ${unreadable.map(([k]) => k).join(', ')}`, 'not true or false')]
        : []),
    ],
    undo,
  });
};

export default defineDetection({
  id: 's3_public_access_block_weakened',
  title: 'S3 Block Public Access turned off',
  severity: 'high',
  rationale:
    'Block Public Access is the guard rail that keeps a mistaken bucket policy or ACL from exposing data; turning it off, at the bucket or for the whole account, is often the step right before a bucket is made public.',
  events: EVENTS,
  // S3.8 (bucket level) and S3.1 (account level) fail once the settings are off; the detection carries one id.
  securityHub: 'S3.8',
  mitre: { id: 'T1562', name: 'Impair Defenses' },
  remediation: 's3_block_public_access',
  match: forEvents(EVENTS, match),
});
