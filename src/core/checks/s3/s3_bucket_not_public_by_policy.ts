import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import { describePublicPolicy, effectivePolicyExposure } from '../../s3-public';
import { defineCheck, fail, pass, unknownFrom, withFact } from '../define';

/**
 * Security Hub splits this into S3.2 (public read) and S3.3 (public write); a check carries one id,
 * so the metadata says S3.2 and each failing result names the exact control in its evidence.
 */
export default defineCheck({
  id: 's3_bucket_not_public_by_policy',
  service: 's3',
  severity: 'critical',
  title: 'S3 bucket policy does not grant public access',
  failTitle: 'S3 bucket is public through its bucket policy',
  rationale:
    'A bucket policy that allows any principal without a narrowing condition lets anyone on the internet read or change the data.',
  remediationText:
    'Remove or narrow the public statements in the bucket policy (S3 console → bucket → Permissions → Bucket policy), or turn on Block Public Access (restrictPublicBuckets) for the bucket or account.',
  frameworks: { cis: null, securityHub: 'S3.2' },
  requires: ['s3'],
  remediation: 's3_block_public_access',
  evaluate: ({ account }) => {
    const s3 = account.s3!;
    return withFact(s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.map((b) => {
        const resource = bucketResource(b);
        const exposure = effectivePolicyExposure(b, s3.accountPublicAccessBlock);
        switch (exposure.status) {
          case 'unknown':
            return unknownFrom(resource, b.region, exposure.error);
          case 'none':
            return pass(resource, b.region, `Bucket ${b.name}'s policy does not grant public access.`, {
              basis: exposure.basis,
            });
          case 'blocked':
            return pass(
              resource,
              b.region,
              exposure.exposure
                ? `Bucket ${b.name}'s policy would be public, but Block Public Access (${exposure.by}) neutralises it.`
                : `Bucket ${b.name} cannot be made public by its policy: Block Public Access (${exposure.by}) is on.`,
              { neutralisedBy: exposure.by, wouldBePublic: exposure.exposure !== null },
            );
          case 'public': {
            const write = exposure.includesWrite === true;
            return fail(
              resource,
              b.region,
              `Bucket ${b.name} is public: ${describePublicPolicy(exposure)}${write ? ', including write access' : ''}.`,
              {
                basis: exposure.basis,
                statements: exposure.statements,
                includesWrite: exposure.includesWrite,
                securityHubControl: write ? 'S3.3' : 'S3.2',
              },
            );
          }
        }
      }),
    );
  },
});
