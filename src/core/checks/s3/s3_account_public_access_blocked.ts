import { GLOBAL_REGION } from '../../model';
import { accountResource } from '../../resources';
import { missingSettings } from '../../s3-access';
import { defineCheck, fail, pass, withFact } from '../define';

export default defineCheck({
  id: 's3_account_public_access_blocked',
  service: 's3',
  severity: 'high',
  title: 'S3 Block Public Access is on for the account',
  failTitle: 'S3 Block Public Access is off for the account',
  rationale:
    'Account-level Block Public Access covers every bucket, including those created later, so no single bucket policy or ACL can expose data.',
  remediationText:
    'Turn on all four settings under S3 console → Block Public Access settings for this account, or run `aws s3control put-public-access-block --account-id <id> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.',
  frameworks: { cis: '2.1.4', securityHub: 'S3.1' },
  requires: ['s3'],
  remediation: 's3_account_block_public_access',
  evaluate: ({ account }) => {
    const resource = accountResource(account);
    return withFact(account.s3.accountPublicAccessBlock, resource, GLOBAL_REGION, (block) => {
      if (block === null) {
        return [
          fail(
            resource,
            GLOBAL_REGION,
            `Account ${account.accountId} has no account-level S3 Block Public Access configuration.`,
            {
              configured: false,
            },
          ),
        ];
      }
      const gaps = missingSettings(block);
      return [
        gaps.length === 0
          ? pass(
              resource,
              GLOBAL_REGION,
              `Account ${account.accountId} blocks public access to S3 with all four settings.`,
            )
          : fail(
              resource,
              GLOBAL_REGION,
              `Account ${account.accountId} does not fully block public S3 access: ${gaps.join(', ')} off.`,
              { configured: true, missing: gaps },
            ),
      ];
    });
  },
});
