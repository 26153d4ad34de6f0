import { bucketResource } from '../../resources';
import { evaluateResourcePolicy, describePublicGrant } from '../../resource-policy';
import { describeGrantee, type PublicGrant } from '../../s3-public';
import { defineDetection, type AlertResource, type DetectionMatch } from '../define';
import { textAt, type CloudTrailRecord } from '../record';
import { forEvents, located, undoFor, unreadableDetail } from './exposure/common';
import { partitionOf, quoted, regionOf, tidy } from './shared/helpers';
import { newBucketAcl } from './exposure/s3-acl';

const REMEDIATION = 's3_block_public_access';
const POLICY_CHECK = 's3_bucket_not_public_by_policy';
const ACL_CHECK = 's3_bucket_not_public_by_acl';

/** The bucket as the S3 checks name it (name, `arn:<partition>:s3:::<name>`), in the bucket's region. */
const bucketOf = (r: CloudTrailRecord, name: string | undefined): AlertResource =>
  located(
    name
      ? bucketResource({ name, arn: `arn:${partitionOf(r)}:s3:::${name}` })
      : { type: 'AwsS3Bucket', id: 'unknown', arn: null },
    regionOf(r),
  );

const NEUTRALISED_NOTE =
  'Block Public Access (restrictPublicBuckets or ignorePublicAcls) on the bucket or the account can still neutralise it; Re-check shows whether the bucket is public now.';

const undo = (resource: AlertResource, checkId: string, name: string | undefined) =>
  name ? undoFor(REMEDIATION, checkId, resource, `Turn on Block Public Access on bucket ${name}`) : undefined;

/** PutBucketPolicy: the new policy judged by the same reader as s3_bucket_not_public_by_policy. */
const policyChange = (r: CloudTrailRecord): DetectionMatch | null => {
  const name = textAt(r.requestParameters, 'bucketName');
  const resource = bucketOf(r, name);
  const document = r.requestParameters?.bucketPolicy;
  // The bucket's account is not needed to tell "public" (S3 checks read policies the same way).
  const verdict =
    document === undefined || document === null
      ? ({ status: 'unreadable', reason: 'the record holds no bucketPolicy' } as const)
      : evaluateResourcePolicy(document, { ownerAccountId: null, service: 's3' });
  if (verdict.status === 'not-public') return null;
  if (verdict.status === 'unreadable') {
    return tidy({
      summary: `changed the policy of bucket ${quoted(name)}; cloudsec could not read the new policy from the record: re-check`,
      resource,
      severity: 'high',
      details: [unreadableDetail('the new bucket policy', verdict.reason)],
      undo: undo(resource, POLICY_CHECK, name),
    });
  }
  const grants = verdict.publicGrants;
  const actions = [
    ...new Set(grants.flatMap((g) => (g.notAction ? [`everything except ${g.actions.join(', ')}`] : g.actions))),
  ];
  const principals = [
    ...new Set(grants.map((g) => (/^Principal (AWS )?"\*"$/.test(g.principal) ? '`*`' : g.principal))),
  ];
  return tidy({
    summary:
      `made bucket ${quoted(name)} public: the policy grants \`${actions.join('`, `')}\` to ${principals.join(', ')}` +
      (verdict.includesWrite ? ', including write access' : ''),
    resource,
    details: [...grants.map((g) => describePublicGrant(g)), NEUTRALISED_NOTE],
    undo: undo(resource, POLICY_CHECK, name),
  });
};

const describeAclGrant = (g: PublicGrant): string => `${g.permission} to ${describeGrantee(g.grantee)} (${g.grantee})`;

/** PutBucketAcl: canned ACL, grant headers or the ACL body, judged as s3_bucket_not_public_by_acl judges grants. */
const aclChange = (r: CloudTrailRecord): DetectionMatch | null => {
  const name = textAt(r.requestParameters, 'bucketName');
  const resource = bucketOf(r, name);
  const acl = newBucketAcl(r.requestParameters);
  if (acl.status === 'none') return null;
  if (acl.status === 'unreadable') {
    return tidy({
      summary: `changed the ACL of bucket ${quoted(name)}; cloudsec could not read the new ACL from the record: re-check`,
      resource,
      severity: 'high',
      details: [unreadableDetail('the new bucket ACL', acl.reason)],
      undo: undo(resource, ACL_CHECK, name),
    });
  }
  const write = acl.grants.some((g) => g.includesWrite);
  return tidy({
    summary:
      `made bucket ${quoted(name)} public: its ACL grants ${acl.grants.map(describeAclGrant).join(' and ')}` +
      (write ? ', including write access' : ''),
    resource,
    details: [NEUTRALISED_NOTE],
    undo: undo(resource, ACL_CHECK, name),
  });
};

const EVENTS = [{ source: 's3.amazonaws.com', names: ['PutBucketPolicy', 'PutBucketAcl'] }] as const;

export default defineDetection({
  id: 's3_bucket_made_public',
  title: 'S3 bucket made public',
  severity: 'critical',
  rationale:
    'A bucket policy that lets anyone in, or an ACL grant to AllUsers or AuthenticatedUsers, exposes the data to the whole internet from the moment the call succeeds; automated scanners find open buckets within hours.',
  events: EVENTS,
  // S3.2 (public read) is the Security Hub control such a bucket fails; S3.3 when the grant includes write.
  securityHub: 'S3.2',
  mitre: { id: 'T1530', name: 'Data from Cloud Storage' },
  remediation: REMEDIATION,
  match: forEvents(EVENTS, (record) =>
    record.eventName === 'PutBucketAcl' ? aclChange(record) : policyChange(record),
  ),
});
