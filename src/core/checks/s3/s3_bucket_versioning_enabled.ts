import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import { defineCheck, fail, pass, withFact, withFactOne } from '../define';

export default defineCheck({
  id: 's3_bucket_versioning_enabled',
  service: 's3',
  severity: 'low',
  title: 'S3 bucket has versioning enabled',
  failTitle: 'S3 bucket has versioning off',
  rationale:
    'Versioning keeps earlier versions of overwritten or deleted objects, so mistakes and ransomware-style deletions can be undone.',
  remediationText:
    'Enable versioning (S3 console → bucket → Properties → Bucket Versioning → Enable), or run `aws s3api put-bucket-versioning --versioning-configuration Status=Enabled`; add a lifecycle rule to expire old versions.',
  frameworks: { cis: null, securityHub: 'S3.14' },
  requires: ['s3'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.flatMap((b) =>
        withFactOne(b.versioning, bucketResource(b), b.region, (versioning) =>
          versioning.status === 'Enabled'
            ? pass(bucketResource(b), b.region, `Bucket ${b.name} has versioning enabled.`, {
                status: versioning.status,
              })
            : fail(
                bucketResource(b),
                b.region,
                versioning.status === 'Suspended'
                  ? `Bucket ${b.name} has versioning suspended: new overwrites and deletions cannot be undone.`
                  : `Bucket ${b.name} has never had versioning enabled.`,
                { status: versioning.status },
              ),
        ),
      ),
    ),
});
