import type { AccountSnapshotWith, ResourceRef, SecretsManagerSecret } from '../../model';
import { SERVICE_PROFILES, resourcePolicyExposure, type PolicySource } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import { defineCheck, withFact, type CheckResult } from '../define';
import { ownerContext, policyResult } from '../sqs/common/policy-result';

const SECRETS_POLICY_SOURCE: PolicySource = {
  service: 'secretsmanager',
  operation: 'GetResourcePolicy',
  permission: 'secretsmanager:GetResourcePolicy',
};

export const secretResource = (s: Pick<SecretsManagerSecret, 'name' | 'arn'>): ResourceRef => ({
  type: 'AwsSecretsManagerSecret',
  id: s.name,
  arn: s.arn,
});

const judge =
  (account: AccountSnapshotWith<'secretsmanager'>, region: string) =>
  (s: SecretsManagerSecret): CheckResult => {
    const result = policyResult({
      resource: secretResource(s),
      region,
      label: `Secrets Manager secret ${s.name}`,
      noun: SERVICE_PROFILES.secretsmanager.noun,
      exposure: resourcePolicyExposure(s.policy, ownerContext(account, 'secretsmanager'), SECRETS_POLICY_SOURCE),
    });
    return s.owningService === null
      ? result
      : { ...result, evidence: { ...result.evidence, owningService: s.owningService } };
  };

export default defineCheck({
  id: 'secretsmanager_secret_not_public',
  service: 'secretsmanager',
  severity: 'critical',
  title: 'Secrets Manager resource policies do not allow public access',
  failTitle: 'Secrets Manager secret is public through its resource policy',
  rationale:
    'A secret\'s resource policy that lets anyone (Principal "*") call Secrets Manager without a condition pinning the caller can hand the secret — a database password, an API token — to any AWS account, or let it overwrite or delete the secret. (The secret\'s KMS key still has to allow decryption, which is a second lock, not a reason to leave the first open.)',
  remediationText:
    'Remove or narrow the public statements (Secrets Manager console → secret → Resource permissions → Edit), for example to named roles or with a condition on aws:PrincipalOrgID or aws:SourceVpce; or delete the policy with `aws secretsmanager delete-resource-policy --secret-id <arn>`. `put-resource-policy --block-public-policy` then refuses any policy that would make it public again.',
  // Security Hub has no control for public secrets.
  frameworks: { cis: null, securityHub: null },
  requires: ['secretsmanager'],
  // A policy rewrite is a merge, not one safe call.
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.secretsmanager).flatMap(([region, sm]) =>
      withFact(sm.secrets, regionSettingResource(account, region, 'secretsmanager-secrets'), region, (secrets) =>
        secrets.map(judge(account, region)),
      ),
    ),
});
