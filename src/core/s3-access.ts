import type { CollectError, Fact, PublicAccessBlock } from './model';

export const PUBLIC_ACCESS_BLOCK_SETTINGS = [
  'blockPublicAcls',
  'ignorePublicAcls',
  'blockPublicPolicy',
  'restrictPublicBuckets',
] as const satisfies readonly (keyof PublicAccessBlock)[];

export type EffectiveBlock =
  | { ok: true; value: PublicAccessBlock }
  | { ok: false; error: Extract<Fact<unknown>, { ok: false }>['error']; partial: PublicAccessBlock };

const NONE: PublicAccessBlock = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
};

/**
 * S3 applies the most restrictive combination of the account-level and bucket-level settings.
 * When one level could not be read, the settings the other level turns on are still certain;
 * the rest are unknown (`ok: false` with what is known in `partial`).
 */
export const effectivePublicAccessBlock = (
  account: Fact<PublicAccessBlock | null>,
  bucket: Fact<PublicAccessBlock | null>,
): EffectiveBlock => {
  const levels = [account, bucket];
  const partial = { ...NONE };
  for (const level of levels) {
    if (!level.ok || level.value === null) continue;
    for (const k of PUBLIC_ACCESS_BLOCK_SETTINGS) partial[k] ||= level.value[k];
  }
  const failed = levels.find((l): l is Extract<typeof l, { ok: false }> => !l.ok);
  if (failed && !PUBLIC_ACCESS_BLOCK_SETTINGS.every((k) => partial[k])) {
    return { ok: false, error: failed.error, partial };
  }
  return { ok: true, value: partial };
};

export const missingSettings = (block: PublicAccessBlock): string[] =>
  PUBLIC_ACCESS_BLOCK_SETTINGS.filter((k) => !block[k]);

/**
 * Whether `setting` is certainly on for a bucket; when it might be on but a level could not be read,
 * why (a public grant then counts only as unknown: the unread level could be neutralising it).
 */
export const blockSetting = (
  setting: keyof PublicAccessBlock,
  accountBlock: Fact<PublicAccessBlock | null>,
  bucketBlock: Fact<PublicAccessBlock | null>,
): { on: true } | { on: false; unreadable: CollectError | null } => {
  const effective = effectivePublicAccessBlock(accountBlock, bucketBlock);
  if (effective.ok) return effective.value[setting] ? { on: true } : { on: false, unreadable: null };
  return effective.partial[setting] ? { on: true } : { on: false, unreadable: effective.error };
};
