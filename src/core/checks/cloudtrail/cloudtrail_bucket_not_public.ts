import { GLOBAL_REGION, type Trail } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import {
  bucketPublicity,
  describePolicyBasis,
  describePublicAcl,
  describePublicPolicy,
  policyBasisEvidence,
} from '../../s3-public';
import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';

/**
 * The result is about the bucket, not the trail: the remediation (Block Public Access) acts on
 * `resource.id` as a bucket name, and trails sharing one bucket should yield one finding.
 */
export default defineCheck({
  id: 'cloudtrail_bucket_not_public',
  service: 'cloudtrail',
  severity: 'critical',
  title: 'S3 bucket holding CloudTrail logs is not public',
  failTitle: 'S3 bucket holding CloudTrail logs is public',
  rationale:
    'Public CloudTrail logs show an attacker every API call, principal and resource in the account: a map of what to attack and what is watched.',
  remediationText:
    "Turn on all four Block Public Access settings for the trail's bucket, and remove public statements from its policy and public grants from its ACL.",
  frameworks: { cis: null, securityHub: 'CloudTrail.6' },
  requires: ['cloudtrail', 's3'],
  remediation: 's3_block_public_access',
  evaluate: ({ account }) => {
    const s3 = account.s3;
    return withFact(account.cloudtrail.trails, accountResource(account), GLOBAL_REGION, (trails) => {
      const byBucket = new Map<string, Trail[]>();
      for (const t of trails)
        if (t.s3BucketName) byBucket.set(t.s3BucketName, [...(byBucket.get(t.s3BucketName) ?? []), t]);

      return [...byBucket].map(([name, users]): CheckResult => {
        const trailNames = users.map((t) => t.name);
        const trailsText = `trail${trailNames.length > 1 ? 's' : ''} ${trailNames.join(', ')}`;
        const fallbackRegion = users[0]!.homeRegion;
        const fallbackResource = bucketResource({ name, arn: `arn:${account.partition}:s3:::${name}` });
        if (!s3.buckets.ok) return unknownFrom(fallbackResource, fallbackRegion, s3.buckets.error);
        const bucket = s3.buckets.value.find((b) => b.name === name);
        if (!bucket) {
          return {
            status: 'unknown',
            resource: fallbackResource,
            region: fallbackRegion,
            message: `Could not check: bucket ${name}, used by ${trailsText}, is in another account than ${account.accountId}; check its public access in its own account.`,
            evidence: { trails: trailNames, bucketInAnotherAccount: true },
          };
        }
        const resource = bucketResource(bucket);
        const publicity = bucketPublicity(bucket, s3.accountPublicAccessBlock);
        if (publicity.status === 'unknown') return unknownFrom(resource, bucket.region, publicity.error);
        if (publicity.status === 'not-public') {
          return pass(
            resource,
            bucket.region,
            `Bucket ${name}, used by ${trailsText}, is not public.` + describePolicyBasis(publicity.policy),
            { trails: trailNames, ...policyBasisEvidence(publicity.policy) },
          );
        }
        const routes = [
          ...(publicity.policy.status === 'public' ? [describePublicPolicy(publicity.policy)] : []),
          ...(publicity.acl.status === 'public' ? [describePublicAcl(publicity.acl)] : []),
        ];
        return fail(
          resource,
          bucket.region,
          `Bucket ${name}, which holds CloudTrail logs for ${trailsText}, is public: ${routes.join('; and ')}.` +
            describePolicyBasis(publicity.policy),
          {
            trails: trailNames,
            ...policyBasisEvidence(publicity.policy),
            policy: publicity.policy.status === 'public' ? publicity.policy : null,
            acl: publicity.acl.status === 'public' ? publicity.acl : null,
          },
        );
      });
    });
  },
});
