import {
  checkLockTtl,
  lockFromRow,
  nextLock,
  UPSERT_LOCK_COLUMNS,
  UPSERT_LOCK_ON_CONFLICT,
  type LockRow,
} from './lock-rows';
import { pgPlaceholders, pgTransaction, type PgContext } from './pg-context';
import type { LockResult } from './schemas';
import type { Store } from './store';

type LockMethods = Pick<Store, 'acquireLock' | 'releaseLock'>;

const SELECT_LOCK = 'SELECT name, owner, acquired_at, expires_at, fence FROM locks WHERE name = $1';

/**
 * Locks in PostgreSQL, the same as src/store/sqlite-locks.ts. Acquiring reads the row and writes the
 * next one in one SERIALIZABLE transaction (pgTransaction): of replicas racing for a free lock one
 * commits, the others fail and their retry finds it held. The lock's `fence` (lock-rows.ts) is what
 * a holder hands on with its work, so work of a holder that lost the lock can be refused.
 */
export const makePgLocks = (ctx: PgContext): LockMethods => ({
  acquireLock: async (name, owner, ttlMs) => {
    checkLockTtl(ttlMs);
    return pgTransaction(ctx, async (client): Promise<LockResult> => {
      const held = (await client.query<LockRow>(SELECT_LOCK, [name])).rows[0];
      const next = nextLock(held, name, owner, ttlMs, ctx.clock());
      if (!next.acquired) return next;
      const { rows } = await client.query<LockRow>(
        `INSERT INTO locks (${UPSERT_LOCK_COLUMNS.join(', ')}) VALUES (${pgPlaceholders(UPSERT_LOCK_COLUMNS.length)})
         ${UPSERT_LOCK_ON_CONFLICT} RETURNING name, owner, acquired_at, expires_at, fence`,
        UPSERT_LOCK_COLUMNS.map((column) => next.row[column]),
      );
      return { acquired: true, lock: lockFromRow(rows[0]!) };
    });
  },
  // Ends the lease now instead of deleting the row, which carries the fence (see sqlite-locks.ts).
  releaseLock: async (name, owner) => {
    const now = ctx.clock().toISOString();
    const result = await ctx.pool.query(
      'UPDATE locks SET expires_at = $1 WHERE name = $2 AND owner = $3 AND expires_at > $1',
      [now, name, owner],
    );
    return result.rowCount === 1;
  },
});
