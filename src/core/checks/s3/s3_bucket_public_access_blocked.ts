import { defineCheck, fail, pass, unknownFrom, withFact } from '../define';
import { accountResource, bucketResource } from '../../resources';
import { effectivePublicAccessBlock, missingSettings } from '../../s3-access';
import { GLOBAL_REGION } from '../../model';

export default defineCheck({
  id: 's3_bucket_public_access_blocked',
  service: 's3',
  severity: 'high',
  title: 'S3 bucket blocks public access',
  failTitle: 'S3 bucket does not block public access',
  rationale:
    'Block Public Access overrides any policy or ACL that would make the bucket public, so one mistaken grant cannot expose data.',
  remediationText:
    'Turn on all four Block Public Access settings for the bucket (S3 console → bucket → Permissions), or account-wide.',
  frameworks: { cis: '2.1.4', securityHub: 'S3.8' },
  requires: ['s3'],
  remediation: 's3_block_public_access',
  evaluate: ({ account }) => {
    const s3 = account.s3;
    return withFact(s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.map((b) => {
        const effective = effectivePublicAccessBlock(s3.accountPublicAccessBlock, b.publicAccessBlock);
        if (!effective.ok) return unknownFrom(bucketResource(b), b.region, effective.error);
        const gaps = missingSettings(effective.value);
        return gaps.length === 0
          ? pass(bucketResource(b), b.region, `Bucket ${b.name} blocks all public access.`)
          : fail(
              bucketResource(b),
              b.region,
              `Bucket ${b.name} does not block public access: ${gaps.join(', ')} off.`,
              {
                missing: gaps,
              },
            );
      }),
    );
  },
});
