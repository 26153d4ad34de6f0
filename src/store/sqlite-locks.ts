import {
  checkLockTtl,
  lockFromRow,
  nextLock,
  UPSERT_LOCK_COLUMNS,
  UPSERT_LOCK_ON_CONFLICT,
  type LockRow,
} from './lock-rows';
import type { LockResult } from './schemas';
import type { SqliteContext } from './sqlite-context';
import type { Store } from './store';

type LockMethods = Pick<Store, 'acquireLock' | 'releaseLock'>;

export const makeSqliteLocks = (ctx: SqliteContext): LockMethods => {
  const { db } = ctx;
  const selectLock = db.prepare<[string], LockRow>(
    'SELECT name, owner, acquired_at, expires_at, fence FROM locks WHERE name = ?',
  );
  const upsertLock = db.prepare<[LockRow]>(
    `INSERT INTO locks (${UPSERT_LOCK_COLUMNS.join(', ')}) VALUES (@name, @owner, @acquired_at, @expires_at, @fence)
     ${UPSERT_LOCK_ON_CONFLICT}`,
  );
  // Releasing ends the lease now instead of deleting the row: the row carries the fence, which
  // must keep counting up whoever takes the lock next.
  const releaseLock = db.prepare<[string, string, string, string]>(
    'UPDATE locks SET expires_at = ? WHERE name = ? AND owner = ? AND expires_at > ?',
  );

  // One IMMEDIATE transaction: two processes never both see the lock free and both take it.
  const acquire = db.transaction((name: string, owner: string, ttlMs: number): LockResult => {
    const next = nextLock(selectLock.get(name), name, owner, ttlMs, ctx.clock());
    if (!next.acquired) return next;
    upsertLock.run(next.row);
    return { acquired: true, lock: lockFromRow(selectLock.get(name)!) };
  });

  return {
    acquireLock: async (name, owner, ttlMs) => {
      checkLockTtl(ttlMs);
      return acquire.immediate(name, owner, ttlMs);
    },
    releaseLock: async (name, owner) => {
      const now = ctx.clock().toISOString();
      return releaseLock.run(now, name, owner, now).changes === 1;
    },
  };
};
