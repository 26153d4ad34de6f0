import type { KMSClient } from '@aws-sdk/client-kms';
import { sdk } from '../sdk';
import { z } from 'zod';
import {
  AWS_MANAGED_ALIAS_PREFIX,
  known,
  rotationApplies,
  type Fact,
  type KmsAlias,
  type KmsKey,
  type KmsKeyMetadata,
  type KmsRegion,
  type KmsRotation,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';
import { parsePolicyText, readAnswer } from './json-answer';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/iam-policy.ts) is built from it. KMS also
 * asks the key's own policy for every per-key call: a key policy that does not delegate to IAM
 * refuses cloudsec whatever its IAM policy says, and that key alone is then unknown.
 */
export const KMS_COLLECTOR_PERMISSIONS = {
  ListKeys: 'kms:ListKeys',
  ListAliases: 'kms:ListAliases',
  DescribeKey: 'kms:DescribeKey',
  GetKeyRotationStatus: 'kms:GetKeyRotationStatus',
  GetKeyPolicy: 'kms:GetKeyPolicy',
} as const satisfies Record<string, string>;

type Operation = keyof typeof KMS_COLLECTOR_PERMISSIONS;

/** API reference: ListKeys takes a Limit of 1–1000, ListAliases of 1–100. */
const KEYS_PAGE_SIZE = 1000;
const ALIASES_PAGE_SIZE = 100;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'kms',
  operation,
  permission: KMS_COLLECTOR_PERMISSIONS[operation],
  region,
});

/** A key deleted between the listing and its own calls: it no longer exists to judge, so it is left out. */
const NOT_FOUND = 'NotFoundException';
const GONE: unique symbol = Symbol('gone');
const gone = { [NOT_FOUND]: (): typeof GONE => GONE };

// ---------------------------------------------------------------- answers, held to the API reference

/**
 * The SDK's JSON reader passes values through unchecked and reads an empty body as an answer without
 * fields. A key or alias that cannot be named could only be dropped, which could hide a finding, so
 * a page that differs is unreadable as a whole. `Truncated` without `NextMarker` would end the
 * paginator early: keys would be missing without a word, so it is unreadable too.
 */
const ListKeysPage = z
  .object({
    Keys: z.array(z.object({ KeyId: z.string().min(1), KeyArn: z.string().min(1) })),
    Truncated: z.boolean().optional(),
    NextMarker: z.string().optional(),
  })
  .refine((p) => p.Truncated !== true || p.NextMarker !== undefined, { path: ['NextMarker'] });

const ListAliasesPage = z
  .object({
    Aliases: z.array(z.object({ AliasName: z.string().min(1), TargetKeyId: z.string().min(1).optional() })),
    Truncated: z.boolean().optional(),
    NextMarker: z.string().optional(),
  })
  .refine((p) => p.Truncated !== true || p.NextMarker !== undefined, { path: ['NextMarker'] });

const DescribeKeyAnswer = z.object({
  KeyMetadata: z
    .object({
      KeyId: z.string().min(1),
      KeyManager: z.enum(['AWS', 'CUSTOMER']),
      KeySpec: z.string().min(1).optional(),
      CustomerMasterKeySpec: z.string().min(1).optional(),
      KeyUsage: z.string().optional(),
      KeyState: z.string().min(1),
      Origin: z.string().min(1),
      Description: z.string().optional(),
      DeletionDate: z.date().optional(),
      MultiRegionConfiguration: z
        .object({
          MultiRegionKeyType: z.enum(['PRIMARY', 'REPLICA']),
          PrimaryKey: z.object({ Arn: z.string().min(1), Region: z.string().min(1) }),
        })
        .optional(),
    })
    // KeySpec replaced CustomerMasterKeySpec; either says what kind of key it is, neither is no answer.
    .refine((m) => m.KeySpec !== undefined || m.CustomerMasterKeySpec !== undefined, { path: ['KeySpec'] }),
});

const RotationAnswer = z.object({
  KeyRotationEnabled: z.boolean(),
  RotationPeriodInDays: z.number().int().optional(),
  NextRotationDate: z.date().optional(),
});

const KeyPolicyAnswer = z.object({ Policy: z.string() });

// ---------------------------------------------------------------- collection

interface Listed {
  id: string;
  arn: string;
}

/**
 * Collects one region's keys: ListKeys and ListAliases, then per key (bounded by the account's
 * fan-out) DescribeKey and, for a customer managed key, its key policy and — when automatic rotation
 * applies to it — its rotation status. A key an `alias/aws/…` alias points at is AWS managed and is
 * not described; when the aliases cannot be listed, every key is described instead.
 */
export const collectKmsRegion = async (ctx: CollectContext, region: string): Promise<KmsRegion> => {
  const client = ctx.clients.kms(region);
  const [keys, aliases] = await Promise.all([
    attempt(meta('ListKeys', region), () => listKeys(client)),
    attempt(meta('ListAliases', region), () => listAliases(client)),
  ]);
  if (!keys.ok) return { keys, aliases };
  const awsManaged = new Set(
    aliases.ok
      ? aliases.value.filter((a) => a.name.startsWith(AWS_MANAGED_ALIAS_PREFIX)).map((a) => a.targetKeyId)
      : [],
  );
  const collected = await Promise.all(
    keys.value.map((k) => ctx.fanOut(() => collectKey(client, region, k, awsManaged.has(k.id)))),
  );
  return { keys: known(collected.filter((k): k is KmsKey => k !== null)), aliases };
};

const listKeys = async (client: KMSClient): Promise<Listed[]> => {
  const all: Listed[] = [];
  for await (const page of sdk.kms.paginateListKeys({ client, pageSize: KEYS_PAGE_SIZE }, {}))
    for (const k of readAnswer(ListKeysPage, page, 'ListKeys').Keys) all.push({ id: k.KeyId, arn: k.KeyArn });
  return all;
};

/** Aliases without a target (AWS creates its `alias/aws/…` names before their key exists) name nothing. */
const listAliases = async (client: KMSClient): Promise<KmsAlias[]> => {
  const all: KmsAlias[] = [];
  for await (const page of sdk.kms.paginateListAliases({ client, pageSize: ALIASES_PAGE_SIZE }, {}))
    for (const a of readAnswer(ListAliasesPage, page, 'ListAliases').Aliases)
      if (a.TargetKeyId !== undefined) all.push({ name: a.AliasName, targetKeyId: a.TargetKeyId });
  return all;
};

const collectKey = async (
  client: KMSClient,
  region: string,
  key: Listed,
  awsManaged: boolean,
): Promise<KmsKey | null> => {
  const unasked = { ...key, metadata: null, rotation: null, policy: null };
  if (awsManaged) return unasked;
  const metadata = await attempt<KmsKeyMetadata | typeof GONE>(
    meta('DescribeKey', region),
    () => describeKey(client, key),
    gone,
  );
  if (metadata.ok && metadata.value === GONE) return null;
  if (!metadata.ok) return { ...unasked, metadata };
  const m = metadata.value as KmsKeyMetadata;
  if (m.manager === 'AWS') return { ...unasked, metadata: known(m) };
  const [rotation, policy] = await Promise.all([
    rotationApplies(m)
      ? attempt<KmsRotation | typeof GONE>(meta('GetKeyRotationStatus', region), () => rotationOf(client, key), gone)
      : Promise.resolve(null),
    attempt<unknown>(meta('GetKeyPolicy', region), () => policyOf(client, key), gone),
  ]);
  if ((rotation?.ok && rotation.value === GONE) || (policy.ok && policy.value === GONE)) return null;
  return {
    ...key,
    metadata: known(m),
    rotation: rotation as Fact<KmsRotation> | null,
    policy,
  };
};

const describeKey = async (client: KMSClient, key: Listed): Promise<KmsKeyMetadata> => {
  const out = await client.send(new sdk.kms.DescribeKeyCommand({ KeyId: key.id }));
  const m = readAnswer(DescribeKeyAnswer, out, 'DescribeKey').KeyMetadata;
  if (m.KeyId !== key.id) throw new MalformedAnswerError(`DescribeKey answered about another key than ${key.id}`);
  const multi = m.MultiRegionConfiguration;
  return {
    manager: m.KeyManager,
    spec: (m.KeySpec ?? m.CustomerMasterKeySpec)!,
    usage: m.KeyUsage ?? null,
    state: m.KeyState,
    origin: m.Origin,
    description: m.Description === undefined || m.Description === '' ? null : m.Description,
    multiRegion: multi
      ? { type: multi.MultiRegionKeyType, primaryArn: multi.PrimaryKey.Arn, primaryRegion: multi.PrimaryKey.Region }
      : null,
    deletionDate: m.DeletionDate?.toISOString() ?? null,
  };
};

const rotationOf = async (client: KMSClient, key: Listed): Promise<KmsRotation> => {
  const out = await client.send(new sdk.kms.GetKeyRotationStatusCommand({ KeyId: key.id }));
  const r = readAnswer(RotationAnswer, out, 'GetKeyRotationStatus');
  return {
    enabled: r.KeyRotationEnabled,
    periodInDays: r.RotationPeriodInDays ?? null,
    nextRotationDate: r.NextRotationDate?.toISOString() ?? null,
  };
};

/** `default` is the only key policy name KMS has; every key has one. */
const policyOf = async (client: KMSClient, key: Listed): Promise<unknown> => {
  const out = await client.send(new sdk.kms.GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'default' }));
  return parsePolicyText(
    readAnswer(KeyPolicyAnswer, out, 'GetKeyPolicy').Policy,
    'GetKeyPolicy',
    `a Policy for key ${key.id}`,
  );
};
