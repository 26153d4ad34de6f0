import type { Pool, PoolClient } from 'pg';
import type { Clock } from './store';

/** What the per-capability PostgreSQL modules share: the pool, the clock and the audit key. */
export interface PgContext {
  pool: Pool;
  clock: Clock;
  auditKey: string | undefined;
}

/** A connection to run statements on: the pool (one statement, autocommit) or a transaction's client. */
export type PgQueryable = Pick<PoolClient, 'query'>;

export const pgNowIso = (ctx: PgContext): string => ctx.clock().toISOString();

/** `$start, $start+1, …` for an IN list of `n` values (PostgreSQL numbers its parameters). */
export const pgPlaceholders = (n: number, start = 1): string =>
  Array.from({ length: n }, (_, i) => `$${start + i}`).join(', ');

/** SQLSTATEs after which the whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 8;

const sqlState = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : undefined;

export const isUniqueViolation = (err: unknown): boolean => sqlState(err) === '23505';

/**
 * Runs `fn` in one SERIALIZABLE transaction, retried from the start when PostgreSQL reports a
 * serialization failure or deadlock. SERIALIZABLE gives every read-then-write the guarantee SQLite's
 * IMMEDIATE transactions give (as if the writers ran one after another), across replicas, so the
 * per-capability modules keep the same simple logic. `fn` must therefore be safe to run again: it may
 * only touch the database through `client` (side effects outside belong after the commit).
 */
export const pgTransaction = async <T>(ctx: PgContext, fn: (client: PoolClient) => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    const client = await ctx.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: do not hand it back to the pool
      }
      if (!RETRYABLE.has(sqlState(err) ?? '') || attempt >= MAX_ATTEMPTS) throw err;
      // A little jitter so two replicas that collided do not collide again in lock step.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5 * attempt)));
    } finally {
      client.release(broken);
    }
  }
};
