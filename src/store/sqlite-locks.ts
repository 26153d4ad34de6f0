import { LockSchema, type Lock } from './schemas';
import { parseStored, type SqliteContext } from './sqlite-context';
import type { Store } from './store';

interface LockRow {
  name: string;
  owner: string;
  acquired_at: string;
  expires_at: string;
}

const fromRow = (row: LockRow): Lock =>
  parseStored(
    LockSchema,
    { name: row.name, owner: row.owner, acquiredAt: row.acquired_at, expiresAt: row.expires_at },
    `lock ${row.name}`,
  );

type LockMethods = Pick<Store, 'acquireLock' | 'releaseLock'>;

export const makeSqliteLocks = (ctx: SqliteContext): LockMethods => {
  const { db } = ctx;
  const selectLock = db.prepare<[string], LockRow>('SELECT * FROM locks WHERE name = ?');
  const upsertLock = db.prepare(
    `INSERT INTO locks (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
  );
  const deleteLock = db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?');

  const acquire = db.transaction((name: string, owner: string, ttlMs: number) => {
    const now = ctx.clock();
    const held = selectLock.get(name);
    const free = !held || Date.parse(held.expires_at) <= now.getTime();
    if (held && !free && held.owner !== owner) return { acquired: false as const, lock: fromRow(held) };
    // A renewal keeps the time the holder first took the lock.
    const acquiredAt = held && !free ? held.acquired_at : now.toISOString();
    upsertLock.run(name, owner, acquiredAt, new Date(now.getTime() + ttlMs).toISOString());
    return { acquired: true as const, lock: fromRow(selectLock.get(name)!) };
  });

  return {
    acquireLock: async (name, owner, ttlMs) => {
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
      return acquire.immediate(name, owner, ttlMs);
    },
    releaseLock: async (name, owner) => deleteLock.run(name, owner).changes === 1,
  };
};
