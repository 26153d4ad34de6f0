import { toIso } from '../core/remediations/request';
import type { PgContext } from './pg-context';
import type { Store } from './store';

type NonceMethods = Pick<Store, 'claimNonce'>;

/**
 * Request nonces in PostgreSQL, the same as src/store/sqlite-nonces.ts: one row per claimed key,
 * expired rows deleted by later claims. Two statements, no transaction, because each is atomic on
 * its own and needs nothing the other read:
 * - the claim is one INSERT … ON CONFLICT, which PostgreSQL runs as one atomic insert-or-update per
 *   key: of concurrent claimers exactly one inserts (or takes over the expired row); a loser waits
 *   for the winner's row and finds it unexpired, so `rowCount` is 0;
 * - the clean-up skips rows another replica is deleting or claiming at that moment (SKIP LOCKED), so
 *   replicas cleaning up at once never wait on or deadlock with each other; what one skips, the
 *   next claim deletes.
 */
export const makePgNonces = (ctx: PgContext): NonceMethods => ({
  claimNonce: async (key, expiresAt) => {
    if (key.length === 0) throw new RangeError('a nonce key must not be empty');
    const now = ctx.clock();
    const until = toIso(expiresAt);
    if (Date.parse(until) <= now.getTime())
      throw new RangeError(`a nonce must expire after now (${now.toISOString()}), got ${until}`);
    const nowIso = now.toISOString();
    await ctx.pool.query(
      `DELETE FROM request_nonces WHERE key IN
         (SELECT key FROM request_nonces WHERE expires_at <= $1 FOR UPDATE SKIP LOCKED)`,
      [nowIso],
    );
    const claimed = await ctx.pool.query(
      `INSERT INTO request_nonces (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE request_nonces.expires_at <= $3`,
      [key, until, nowIso],
    );
    return claimed.rowCount === 1;
  },
});
