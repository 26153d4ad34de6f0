import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import { defineCheck, fail, pass, withFact, withFactOne } from '../define';

export default defineCheck({
  id: 's3_bucket_mfa_delete_enabled',
  service: 's3',
  severity: 'low',
  title: 'S3 bucket requires MFA to delete object versions',
  failTitle: 'S3 bucket lets object versions be deleted without MFA',
  rationale:
    'With MFA Delete, permanently deleting an object version or changing the versioning state needs the root user’s MFA code, so stolen keys alone cannot destroy the history versioning keeps.',
  remediationText:
    'As the root user with its MFA device: `aws s3api put-bucket-versioning --bucket <name> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "<device-arn> <code>"` (only the root user can enable it, so cloudsec offers no fix).',
  frameworks: { cis: '2.1.2', securityHub: 'S3.20' },
  requires: ['s3'],
  // Only the root user, with its MFA code, can turn MFA Delete on: no role can do it for you.
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.flatMap((b) =>
        withFactOne(b.versioning, bucketResource(b), b.region, (versioning) =>
          versioning.mfaDelete
            ? pass(bucketResource(b), b.region, `Bucket ${b.name} requires MFA to delete object versions.`, {
                mfaDelete: true,
                status: versioning.status,
              })
            : fail(
                bucketResource(b),
                b.region,
                `Bucket ${b.name} does not require MFA to delete object versions: keys alone can erase its history.`,
                { mfaDelete: false, status: versioning.status },
              ),
        ),
      ),
    ),
});
