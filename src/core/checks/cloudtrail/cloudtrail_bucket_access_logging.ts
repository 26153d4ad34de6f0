import { GLOBAL_REGION } from '../../model';
import { accountResource, trailResource } from '../../resources';
import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';

export default defineCheck({
  id: 'cloudtrail_bucket_access_logging',
  service: 'cloudtrail',
  severity: 'low',
  title: "CloudTrail trail's S3 bucket has server access logging",
  failTitle: 'CloudTrail log bucket has no server access logging',
  rationale:
    'Access logs on the bucket that stores CloudTrail logs show who read, changed or deleted the audit trail itself.',
  remediationText:
    "Enable server access logging on the trail's bucket (S3 console → bucket → Properties → Server access logging), delivering to a separate bucket.",
  frameworks: { cis: '3.4', securityHub: 'CloudTrail.7' },
  requires: ['cloudtrail', 's3'],
  remediation: null,
  evaluate: ({ account }) => {
    const buckets = account.s3.buckets;
    return withFact(account.cloudtrail.trails, accountResource(account), GLOBAL_REGION, (trails) =>
      trails.map((t): CheckResult => {
        const resource = trailResource(t);
        const region = t.homeRegion;
        if (!t.s3BucketName) {
          return {
            status: 'unknown',
            resource,
            region,
            message: `Could not check: trail ${t.name} does not report which S3 bucket it delivers to.`,
            evidence: { bucket: null },
          };
        }
        if (!buckets.ok) return unknownFrom(resource, region, buckets.error);
        const bucket = buckets.value.find((b) => b.name === t.s3BucketName);
        if (!bucket) {
          // Typical of organization trails and central logging accounts: the bucket's settings are only visible there.
          return {
            status: 'unknown',
            resource,
            region,
            message: `Could not check: trail ${t.name} delivers to bucket ${t.s3BucketName}, which is in another account than ${account.accountId}; check that bucket's access logging in its own account.`,
            evidence: { bucket: t.s3BucketName, bucketInAnotherAccount: true },
          };
        }
        if (!bucket.logging.ok) return unknownFrom(resource, region, bucket.logging.error);
        const logging = bucket.logging.value;
        return logging
          ? pass(resource, region, `Trail ${t.name}'s bucket ${bucket.name} logs access to ${logging.targetBucket}.`, {
              bucket: bucket.name,
              targetBucket: logging.targetBucket,
              targetPrefix: logging.targetPrefix,
            })
          : fail(
              resource,
              region,
              `Trail ${t.name}'s bucket ${bucket.name} does not have server access logging enabled.`,
              {
                bucket: bucket.name,
                logging: null,
              },
            );
      }),
    );
  },
});
