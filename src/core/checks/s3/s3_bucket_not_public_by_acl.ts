import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import { describePublicAcl, effectiveAclExposure } from '../../s3-public';
import { defineCheck, fail, pass, unknownFrom, withFact } from '../define';

/** Like the policy check, S3.2 stands for both S3.2 (read) and S3.3 (write); evidence names the exact one. */
export default defineCheck({
  id: 's3_bucket_not_public_by_acl',
  service: 's3',
  severity: 'critical',
  title: 'S3 bucket ACL does not grant public access',
  failTitle: 'S3 bucket is public through its ACL',
  rationale:
    'ACL grants to the AllUsers or AuthenticatedUsers groups open the bucket to anyone on the internet or to every AWS account in the world.',
  remediationText:
    'Remove the AllUsers and AuthenticatedUsers grants from the bucket ACL (S3 console → bucket → Permissions → Access control list), or turn on Block Public Access (ignorePublicAcls); better still, set Object Ownership to "Bucket owner enforced" to disable ACLs.',
  frameworks: { cis: null, securityHub: 'S3.2' },
  requires: ['s3'],
  remediation: 's3_block_public_access',
  evaluate: ({ account }) => {
    const s3 = account.s3;
    return withFact(s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.map((b) => {
        const resource = bucketResource(b);
        const exposure = effectiveAclExposure(b, s3.accountPublicAccessBlock);
        switch (exposure.status) {
          case 'unknown':
            return unknownFrom(resource, b.region, exposure.error);
          case 'none':
            return pass(resource, b.region, `Bucket ${b.name}'s ACL grants nothing to the public.`);
          case 'blocked':
            return pass(
              resource,
              b.region,
              exposure.exposure
                ? `Bucket ${b.name}'s ACL has public grants, but Block Public Access (${exposure.by}) makes S3 ignore them.`
                : `Bucket ${b.name} cannot be made public by its ACL: Block Public Access (${exposure.by}) is on.`,
              { neutralisedBy: exposure.by, grants: exposure.exposure?.grants ?? null },
            );
          case 'public':
            return fail(resource, b.region, `Bucket ${b.name} is public: ${describePublicAcl(exposure)}.`, {
              grants: exposure.grants,
              includesWrite: exposure.includesWrite,
              securityHubControl: exposure.includesWrite ? 'S3.3' : 'S3.2',
            });
        }
      }),
    );
  },
});
