import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import { defineCheck, fail, pass, withFact, withFactOne } from '../define';

/**
 * Security Hub retired S3.4 because S3 now applies SSE-S3 to every new object; a bucket with no
 * configuration at all is therefore unusual (old API answers, or a deliberately removed setting).
 */
export default defineCheck({
  id: 's3_bucket_default_encryption',
  service: 's3',
  severity: 'medium',
  title: 'S3 bucket has default encryption configured',
  failTitle: 'S3 bucket has no default encryption configured',
  rationale:
    'Default encryption makes sure every object written to the bucket is encrypted at rest, whatever the client sends.',
  remediationText:
    'Set default encryption on the bucket (S3 console → bucket → Properties → Default encryption: SSE-S3 or SSE-KMS), or run `aws s3api put-bucket-encryption`.',
  frameworks: { cis: null, securityHub: 'S3.4' },
  requires: ['s3'],
  remediation: 's3_default_encryption',
  evaluate: ({ account }) =>
    withFact(account.s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.flatMap((b) =>
        withFactOne(b.encryption, bucketResource(b), b.region, (encryption) => {
          // `null` is a state AWS reported (no configuration), not a missing answer.
          const rules = encryption === null ? [] : encryption.rules;
          const algorithms = rules.map((r) => r.algorithm);
          return algorithms.length === 0
            ? fail(bucketResource(b), b.region, `Bucket ${b.name} has no default encryption configured.`, {
                configured: false,
              })
            : pass(
                bucketResource(b),
                b.region,
                `Bucket ${b.name} encrypts new objects by default (${algorithms.join(', ')}).`,
                {
                  algorithms,
                  kmsKeyIds: rules.map((r) => r.kmsKeyId).filter((k) => k !== null),
                },
              );
        }),
      ),
    ),
});
