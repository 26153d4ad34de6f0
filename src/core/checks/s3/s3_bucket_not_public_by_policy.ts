import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import type { CollectError, ResourceRef } from '../../model';
import {
  describePolicyBasis,
  describePublicPolicy,
  describeUnreadable,
  effectivePolicyExposure,
  policyBasisEvidence,
} from '../../s3-public';
import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';

/** Neither AWS's verdict nor the document could be read: both reasons, so either grant fixes it. */
const unknownPolicy = (
  resource: ResourceRef,
  region: string,
  name: string,
  error: CollectError,
  documentError: CollectError | undefined,
): CheckResult => {
  const result = unknownFrom(resource, region, error);
  if (!documentError) return result;
  return {
    ...result,
    message: `Could not check whether bucket ${name}'s policy is public: neither AWS's policy status nor the policy document could be read. ${describeUnreadable(error)}; ${describeUnreadable(documentError)}.`,
    evidence: {
      ...result.evidence,
      documentError: {
        operation: documentError.operation,
        code: documentError.code,
        permission: documentError.permission,
      },
    },
  };
};

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
    const s3 = account.s3;
    return withFact(s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.map((b) => {
        const resource = bucketResource(b);
        const exposure = effectivePolicyExposure(b, s3.accountPublicAccessBlock);
        switch (exposure.status) {
          case 'unknown':
            return unknownPolicy(resource, b.region, b.name, exposure.error, exposure.documentError);
          case 'none':
            return pass(
              resource,
              b.region,
              (exposure.basis === 'no-policy'
                ? `Bucket ${b.name} has no bucket policy, so no policy grants public access.`
                : exposure.basis === 'policy-status'
                  ? `Bucket ${b.name}'s policy does not grant public access, according to AWS's policy status.`
                  : `Bucket ${b.name}'s policy does not grant public access.`) + describePolicyBasis(exposure),
              policyBasisEvidence(exposure),
            );
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
              `Bucket ${b.name} is public: ${describePublicPolicy(exposure)}${write ? ', including write access' : ''}.` +
                describePolicyBasis(exposure),
              {
                ...policyBasisEvidence(exposure),
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
