import type { AccountSnapshotWith, KmsKey, KmsRegion } from '../../model';
import { SERVICE_PROFILES, resourcePolicyExposure, type PolicySource } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import { defineCheck, withFact, type CheckResult } from '../define';
import { ownerContext, policyResult } from '../sqs/common/policy-result';
import { kmsKeyLabel, kmsKeyResource, notCollected, unknownKey } from './common/keys';

const KMS_POLICY_SOURCE: PolicySource = { service: 'kms', operation: 'GetKeyPolicy', permission: 'kms:GetKeyPolicy' };

/**
 * Every customer managed key, whatever its kind or state: a key pending deletion is still one
 * CancelKeyDeletion away from use. AWS managed keys are left out: AWS writes their policies (any
 * principal of the account, through one service: `kms:CallerAccount` + `kms:ViaService`) and nobody
 * can change them. The shared evaluator decides; `kms:CallerAccount` narrows the caller there.
 */
const judge =
  (account: AccountSnapshotWith<'kms'>, region: string, kms: KmsRegion) =>
  (key: KmsKey): CheckResult[] => {
    if (key.metadata === null) return [];
    const resource = kmsKeyResource(key);
    const label = kmsKeyLabel(kms, key);
    if (!key.metadata.ok) return [unknownKey(account, resource, region, label, key.metadata.error)];
    const m = key.metadata.value;
    if (m.manager === 'AWS') return [];
    if (key.policy === null) return [notCollected(resource, region, label, 'key policy (GetKeyPolicy)')];
    const exposure = resourcePolicyExposure(key.policy, ownerContext(account, 'kms'), KMS_POLICY_SOURCE);
    if (exposure.status === 'unknown' && exposure.error.kind === 'access-denied')
      return [unknownKey(account, resource, region, label, exposure.error)];
    const result = policyResult({ resource, region, label, noun: SERVICE_PROFILES.kms.noun, exposure });
    const pendingDeletion =
      result.status === 'fail' && m.state === 'PendingDeletion'
        ? ` It is pending deletion${m.deletionDate ? ` (on ${m.deletionDate.slice(0, 10)})` : ''}, which anyone this policy lets call kms:CancelKeyDeletion can undo.`
        : '';
    return [
      {
        ...result,
        message: result.message + pendingDeletion,
        evidence: { ...result.evidence, keyState: m.state, keySpec: m.spec },
      },
    ];
  };

export default defineCheck({
  id: 'kms_key_not_public',
  service: 'kms',
  severity: 'critical',
  title: 'KMS key policies do not allow public access',
  failTitle: 'KMS key is public through its key policy',
  rationale:
    'A key policy that lets anyone (Principal "*") use the key without a condition pinning the caller lets any AWS account decrypt what the key protects, encrypt with it, or — with administrative actions — change its policy or schedule its deletion, destroying access to everything it encrypts.',
  remediationText:
    "Remove or narrow the public statements of the key policy (KMS console → customer managed keys → key → Key policy → Edit), for example to named principals or with a condition on kms:CallerAccount or aws:PrincipalOrgID; or run `aws kms put-key-policy --key-id <key id> --policy-name default --policy file://policy.json` with the narrowed policy. Keep the statement that lets the account's administrators manage the key, or nobody can change it again.",
  frameworks: { cis: null, securityHub: 'KMS.5' },
  requires: ['kms'],
  // A key policy rewrite is a merge, not one safe call (the lockout risk above).
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.kms).flatMap(([region, kms]) =>
      withFact(kms.keys, regionSettingResource(account, region, 'kms-keys'), region, (keys) =>
        keys.flatMap(judge(account, region, kms)),
      ),
    ),
});
