import { rotationApplies, type AccountSnapshotWith, type KmsKey, type KmsRegion } from '../../model';
import { regionSettingResource } from '../../resources';
import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import { kmsKeyLabel, kmsKeyResource, notCollected, unknownKey } from './common/keys';

/**
 * CIS 3.6 / KMS.4 cover the keys whose rotation a customer controls: customer managed, symmetric,
 * key material from KMS, enabled (`rotationApplies`). AWS managed keys rotate every year by
 * themselves; asymmetric, HMAC, imported and custom-key-store keys cannot rotate automatically; a
 * disabled key cannot have rotation turned on and a key pending deletion always reports `false`.
 * Those are left out, neither passed nor failed.
 */
const judge =
  (account: AccountSnapshotWith<'kms'>, region: string, kms: KmsRegion) =>
  (key: KmsKey): CheckResult[] => {
    // Not described: an alias/aws/… alias marks it AWS managed.
    if (key.metadata === null) return [];
    const resource = kmsKeyResource(key);
    const label = kmsKeyLabel(kms, key);
    if (!key.metadata.ok) return [unknownKey(account, resource, region, label, key.metadata.error)];
    const m = key.metadata.value;
    if (!rotationApplies(m)) return [];
    if (key.rotation === null) return [notCollected(resource, region, label, 'rotation status (GetKeyRotationStatus)')];
    if (!key.rotation.ok) return [unknownKey(account, resource, region, label, key.rotation.error)];
    const r = key.rotation.value;
    const evidence = {
      spec: m.spec,
      origin: m.origin,
      state: m.state,
      rotationEnabled: r.enabled,
      rotationPeriodInDays: r.periodInDays,
      nextRotationDate: r.nextRotationDate,
      multiRegion: m.multiRegion,
    };
    if (r.enabled) {
      const every = r.periodInDays === null ? '' : ` every ${r.periodInDays} days`;
      return [pass(resource, region, `${label} rotates its key material automatically${every}.`, evidence)];
    }
    const replica =
      m.multiRegion?.type === 'REPLICA'
        ? ` It is a replica: rotation of a multi-Region key is turned on at its primary key ${m.multiRegion.primaryArn} (${m.multiRegion.primaryRegion}).`
        : '';
    return [
      fail(
        resource,
        region,
        `${label} does not rotate its key material automatically: everything it encrypts stays under the same key material for as long as the key lives.${replica}`,
        evidence,
      ),
    ];
  };

export default defineCheck({
  id: 'kms_key_rotation_enabled',
  service: 'kms',
  severity: 'medium',
  title: 'Customer managed KMS keys rotate their key material',
  failTitle: 'KMS key does not rotate its key material',
  rationale:
    'Automatic rotation gives a symmetric KMS key new key material every year (or the period you set) while old ciphertext stays readable, limiting how much data any one piece of key material protects and how long a leaked copy of it stays useful. CIS 3.6 and Security Hub KMS.4 ask for it on every customer managed symmetric key.',
  remediationText:
    'Turn on automatic rotation (KMS console → customer managed keys → key → Key rotation → Automatically rotate this KMS key every year), or run `aws kms enable-key-rotation --key-id <key id>`; for a multi-Region key, do it on the primary key. Applications need no change: KMS keeps the old key material to decrypt existing data.',
  frameworks: { cis: '3.6', securityHub: 'KMS.4' },
  requires: ['kms'],
  remediation: 'kms_enable_key_rotation',
  evaluate: ({ account }) =>
    Object.entries(account.kms).flatMap(([region, kms]) =>
      withFact(kms.keys, regionSettingResource(account, region, 'kms-keys'), region, (keys) =>
        keys.flatMap(judge(account, region, kms)),
      ),
    ),
});
