import type { EnableKeyRotationCommandInput } from '@aws-sdk/client-kms';
import { z } from 'zod';
import { rotationApplies, type Finding, type KmsKey } from '../model';
import { cannot, collected, defineRemediation, type Outcome } from './define';
import { sdkCall } from './sdk-call';

/**
 * Turns on automatic rotation of a customer managed symmetric key (CIS 3.6, KMS.4). One call, no
 * downtime: KMS keeps every earlier key material to decrypt what it encrypted, and applications keep
 * using the same key id. Undo turns rotation off again (key material already rotated stays).
 *
 * A multi-Region replica cannot have rotation set on it (EnableKeyRotation refuses it): the call goes
 * to its primary key, in the primary's region, which turns rotation on for every related key.
 */

const Before = z.object({
  /** The key the calls name: the finding's key, or its multi-Region primary. */
  keyArn: z.string().min(1),
  region: z.string().min(1),
  rotationEnabled: z.literal(false),
});

/** Security Hub (KMS.4) names the key by ARN; cloudsec by its id. */
const keyIdOf = (finding: Finding): string => {
  const id = finding.resource.id;
  return id.startsWith('arn:') ? id.slice(id.lastIndexOf('/') + 1) : id;
};

const findKey = (finding: Finding, keys: readonly KmsKey[]): Outcome<KmsKey> => {
  const id = keyIdOf(finding);
  const key = keys.find((k) => k.id === id || (finding.resource.arn !== null && k.arn === finding.resource.arn));
  return key ? { ok: true, value: key } : cannot(`KMS key ${id} is not in the snapshot of ${finding.region}.`);
};

const rotation = (keyArn: string): EnableKeyRotationCommandInput => ({ KeyId: keyArn });

export default defineRemediation({
  id: 'kms_enable_key_rotation',
  title: 'Turn on automatic rotation of the KMS key',
  fixes: ['kms_key_rotation_enabled'],
  risk: 'low',
  permissions: ['kms:EnableKeyRotation'],
  undoPermissions: ['kms:DisableKeyRotation'],
  before: Before,
  plan: (finding, account) => {
    const kms = account.kms?.[finding.region];
    if (!kms) return cannot(`The snapshot has no KMS data for region ${finding.region}.`);
    const keys = collected(kms.keys, `the KMS keys of ${finding.region}`);
    if (!keys.ok) return keys;
    const found = findKey(finding, keys.value);
    if (!found.ok) return found;
    const key = found.value;
    const metadata = collected(key.metadata ?? undefined, `the metadata of KMS key ${key.id}`);
    if (!metadata.ok) return metadata;
    const m = metadata.value;
    if (!rotationApplies(m))
      return cannot(
        `KMS key ${key.id} cannot rotate automatically (${m.manager === 'AWS' ? 'AWS managed' : `${m.spec}, ${m.origin}, ${m.state}`}).`,
      );
    const status = collected(key.rotation ?? undefined, `the rotation status of KMS key ${key.id}`);
    if (!status.ok) return status;
    if (status.value.enabled) return cannot(`KMS key ${key.id} already rotates automatically.`);
    const primary = m.multiRegion?.type === 'REPLICA' ? m.multiRegion : null;
    const target = primary
      ? { keyArn: primary.primaryArn, region: primary.primaryRegion }
      : { keyArn: key.arn, region: finding.region };
    return {
      ok: true,
      calls: [sdkCall('kms', 'EnableKeyRotation', target.region, rotation(target.keyArn))],
      before: { ...target, rotationEnabled: false as const },
      notes: [
        'KMS rotates the key material about every 365 days from now; data encrypted earlier stays readable and applications keep the same key id.',
        // The write role's IAM policy is not enough when the key policy does not delegate to IAM.
        `KMS asks the key policy too: unless it delegates to IAM (a statement for arn:${account.partition}:iam::${account.accountId}:root), it must allow the write role kms:EnableKeyRotation, or AWS refuses the call.`,
        ...(primary
          ? [
              `${key.id} is a multi-Region replica: rotation is turned on at its primary key in ${primary.primaryRegion}, which applies to every related multi-Region key.`,
            ]
          : []),
      ],
    };
  },
  inverse: (_calls, before) => [sdkCall('kms', 'DisableKeyRotation', before.region, { KeyId: before.keyArn })],
});
