import { defineDetection, type AlertResource } from '../define';
import { valueAt, type CloudTrailRecord } from '../record';
import { type Describe, eventListDetection, unread } from './cis/common';
import { clip, firstText, isJson, partitionOf, quoted, regionOf } from './shared/helpers';

/**
 * CIS 4.8: changes to who can reach a bucket (policy, ACL, CORS) and to what happens to its objects
 * (lifecycle expiry, replication elsewhere). s3_bucket_made_public judges the ones that make a
 * bucket public; this one reports every change. Bucket ARNs name no region or account.
 */

const bucketOf = (r: CloudTrailRecord): { resource: AlertResource; label: string; missing: string[] } => {
  const name = firstText(r.requestParameters, ['bucketName']);
  return {
    resource: {
      type: 'AwsS3Bucket',
      id: name ?? 'unknown',
      arn: name ? `arn:${partitionOf(r)}:s3:::${name}` : null,
      region: regionOf(r),
    },
    label: `bucket ${quoted(name, '(not named in the record)')}`,
    missing: name ? [] : [unread('which bucket', 'requestParameters.bucketName')],
  };
};

const change =
  (words: (bucket: string) => string, details: (r: CloudTrailRecord) => string[] = () => []): Describe =>
  (r) => {
    const bucket = bucketOf(r);
    return { summary: words(bucket.label), resource: bucket.resource, details: [...details(r), ...bucket.missing] };
  };

/** Replication destinations: one rule or a list (S3's XML read as JSON), each with a Destination.Bucket ARN. */
const destinations = (r: CloudTrailRecord): string[] => {
  const rules = valueAt(r.requestParameters, 'ReplicationConfiguration', 'Rule');
  const list = Array.isArray(rules) ? rules : rules === undefined ? [] : [rules];
  const buckets = list.flatMap((rule) => {
    const dest = isJson(rule) ? valueAt(rule, 'Destination', 'Bucket') : undefined;
    return typeof dest === 'string' ? [dest] : [];
  });
  return buckets.length > 0
    ? [
        `Objects are now copied to: ${buckets
          .slice(0, 5)
          .map((b) => clip(b))
          .join(', ')}`,
      ]
    : [];
};

const detection = eventListDetection('s3.amazonaws.com', {
  PutBucketPolicy: change((b) => `changed the bucket policy of ${b}`),
  DeleteBucketPolicy: change((b) => `deleted the bucket policy of ${b}`),
  PutBucketAcl: change((b) => `changed the access control list (ACL) of ${b}`),
  PutBucketCors: change((b) => `changed which websites may call ${b} from a browser (CORS)`),
  DeleteBucketCors: change((b) => `deleted the CORS rules of ${b}`),
  PutBucketLifecycle: change((b) => `changed the lifecycle rules of ${b}: objects may now expire or move`),
  DeleteBucketLifecycle: change((b) => `deleted the lifecycle rules of ${b}`),
  PutBucketReplication: change((b) => `changed where ${b} replicates its objects`, destinations),
  DeleteBucketReplication: change((b) => `deleted the replication rules of ${b}`),
});

export default defineDetection({
  id: 's3_bucket_policy_changed',
  title: 'S3 bucket policy changed',
  severity: 'medium',
  rationale:
    'A bucket policy, ACL or replication rule decides who can read a bucket and where its data goes; an unplanned change is how data is shared with an outside account or quietly deleted.',
  events: detection.events,
  cis: '4.8',
  securityHub: 'CloudWatch.8',
  mitre: { id: 'T1537', name: 'Transfer Data to Cloud Account' },
  match: detection.match,
});
