import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';

/**
 * What cloudsec reads of KMS keys: rotation and key policies, per scanned region. Every value an AWS
 * answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd answer is carried as
 * missing evidence rather than as an empty list. A key policy can refuse cloudsec even when its IAM
 * policy allows the call (the key policy must delegate to IAM), so every per-key value is a Fact of
 * its own: one locked key is unknown, the region's other keys stand.
 */

/** What DescribeKey says about a key (`KeyMetadata`), as far as the checks need it. */
export const KmsKeyMetadataSchema = z.object({
  /** `CUSTOMER` or `AWS` (an AWS managed key: AWS writes its policy and rotates it every year). */
  manager: z.enum(['AWS', 'CUSTOMER']),
  /** KeySpec (CustomerMasterKeySpec in older answers): `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, … */
  spec: z.string(),
  /** `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, …; null when AWS did not send it (evidence only). */
  usage: z.string().nullable(),
  /** KeyState: `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable`, … */
  state: z.string(),
  /** Where the key material comes from: `AWS_KMS`, `EXTERNAL` (imported), `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`. */
  origin: z.string(),
  description: z.string().nullable(),
  /**
   * A multi-Region key's role and its primary key: rotation of related multi-Region keys is set on
   * the primary (EnableKeyRotation refuses a replica). Null for a single-Region key.
   */
  multiRegion: z
    .object({ type: z.enum(['PRIMARY', 'REPLICA']), primaryArn: z.string(), primaryRegion: z.string() })
    .nullable(),
  /** When a key pending deletion will be deleted (ISO); null otherwise. */
  deletionDate: z.string().nullable(),
});
export type KmsKeyMetadata = z.infer<typeof KmsKeyMetadataSchema>;

/** GetKeyRotationStatus. */
export const KmsRotationSchema = z.object({
  enabled: z.boolean(),
  /** Days between automatic rotations (365 by default); null when AWS did not send it. */
  periodInDays: z.number().int().nullable(),
  /** ISO; null when rotation is off or AWS did not send it. */
  nextRotationDate: z.string().nullable(),
});
export type KmsRotation = z.infer<typeof KmsRotationSchema>;

export const KmsKeySchema = z.object({
  /** Key id (a UUID, or `mrk-…` for a multi-Region key). */
  id: z.string(),
  arn: z.string(),
  /**
   * DescribeKey. `null`: not asked, because an `alias/aws/…` alias points at the key — AWS reserves
   * that prefix for the keys it manages, whose policy and rotation no customer can change.
   */
  metadata: fact(KmsKeyMetadataSchema).nullable(),
  /**
   * GetKeyRotationStatus. `null`: not asked — the key cannot rotate automatically (see
   * `rotationApplies`), or it is AWS managed, or its metadata is unknown.
   */
  rotation: fact(KmsRotationSchema).nullable(),
  /**
   * GetKeyPolicy (policy name `default`, the only one), parsed from its JSON text. `null`: not asked —
   * the key is AWS managed, or its metadata is unknown.
   */
  policy: fact(PolicyDocumentSchema).nullable(),
});
export type KmsKey = z.infer<typeof KmsKeySchema>;

/** ListAliases: which alias names which key. */
export const KmsAliasSchema = z.object({
  /** `alias/…` */
  name: z.string(),
  targetKeyId: z.string(),
});
export type KmsAlias = z.infer<typeof KmsAliasSchema>;

export const KmsRegionSchema = z.object({
  keys: fact(z.array(KmsKeySchema)),
  /**
   * The region's aliases that name a key (an alias without a target is left out): names for
   * messages, and how AWS managed keys are recognised without a DescribeKey each. When refused,
   * every key is described instead.
   */
  aliases: fact(z.array(KmsAliasSchema)),
});
export type KmsRegion = z.infer<typeof KmsRegionSchema>;

/** AWS reserves this alias prefix for the keys it manages; customers cannot create such an alias. */
export const AWS_MANAGED_ALIAS_PREFIX = 'alias/aws/';

/**
 * Whether automatic rotation applies to a key (KMS API reference, GetKeyRotationStatus and
 * EnableKeyRotation): only customer managed symmetric encryption keys with key material KMS generated
 * can rotate automatically — not asymmetric or HMAC keys, imported key material, or keys in a custom
 * key store — and only an enabled key can have rotation turned on (a key pending deletion always
 * reports `false`). Other keys are outside CIS 3.6 / KMS.4: skipped, never failed.
 */
export const rotationApplies = (m: KmsKeyMetadata): boolean =>
  m.manager === 'CUSTOMER' && m.spec === 'SYMMETRIC_DEFAULT' && m.origin === 'AWS_KMS' && m.state === 'Enabled';
