import { LockSchema, type Lock } from './schemas';
import { parseStored } from './stored-values';

/** A row of the locks table, as both databases store it. */
export interface LockRow {
  name: string;
  owner: string;
  acquired_at: string;
  expires_at: string;
  fence: number;
}

export const lockFromRow = (row: LockRow): Lock =>
  parseStored(
    LockSchema,
    {
      name: row.name,
      owner: row.owner,
      acquiredAt: row.acquired_at,
      expiresAt: row.expires_at,
      fence: row.fence,
    },
    `lock ${row.name}`,
  );

export const checkLockTtl = (ttlMs: number): void => {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
};

/**
 * What acquiring `name` for `owner` does, given the row as it is (read in the same transaction that
 * writes the answer): refused while another owner holds it unexpired; otherwise the row to write.
 *
 * A renewal (the holder, before expiry) keeps the time it first took the lock and its fence. Any
 * other acquisition is a change of hands and gets the next fence, also when the previous holder
 * takes it again after it expired or was released: in between, someone else may have held it, and
 * work done under the old fence must not pass as current. Releasing keeps the row (it only ends
 * the lease now), so the fence never starts over.
 */
export const nextLock = (
  held: LockRow | undefined,
  name: string,
  owner: string,
  ttlMs: number,
  now: Date,
): { acquired: false; lock: Lock } | { acquired: true; row: LockRow } => {
  const live = held !== undefined && Date.parse(held.expires_at) > now.getTime();
  if (live && held.owner !== owner) return { acquired: false, lock: lockFromRow(held) };
  // From here, a live row is `owner`'s own: a renewal.
  return {
    acquired: true,
    row: {
      name,
      owner,
      acquired_at: live ? held.acquired_at : now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      fence: live ? held.fence : (held?.fence ?? 0) + 1,
    },
  };
};

export const UPSERT_LOCK_COLUMNS = ['name', 'owner', 'acquired_at', 'expires_at', 'fence'] as const;

/** The conflict clause of the upsert both databases run with the row nextLock gave. */
export const UPSERT_LOCK_ON_CONFLICT = `ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,
  acquired_at = excluded.acquired_at, expires_at = excluded.expires_at, fence = excluded.fence`;
