import { toIso } from '../core/remediations/request';
import type { SqliteContext } from './sqlite-context';
import type { Store } from './store';

type NonceMethods = Pick<Store, 'claimNonce'>;

/**
 * One row per claimed key. A claim is one IMMEDIATE transaction: delete what has expired, then
 * insert, or take over an expired row with the same key; `changes` says whether this caller won.
 * Deleting on every claim keeps the table at the size of the live window (a few minutes of Slack
 * traffic), and the expiry index keeps that delete cheap.
 */
export const makeSqliteNonces = (ctx: SqliteContext): NonceMethods => {
  const { db } = ctx;
  const deleteExpired = db.prepare('DELETE FROM request_nonces WHERE expires_at <= ?');
  const insert = db.prepare(
    `INSERT INTO request_nonces (key, expires_at) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE request_nonces.expires_at <= ?`,
  );

  const claim = db.transaction((key: string, expiresAt: string, now: string) => {
    deleteExpired.run(now);
    return insert.run(key, expiresAt, now).changes === 1;
  });

  return {
    claimNonce: async (key, expiresAt) => {
      if (key.length === 0) throw new RangeError('a nonce key must not be empty');
      const now = ctx.clock();
      const until = toIso(expiresAt);
      if (Date.parse(until) <= now.getTime())
        throw new RangeError(`a nonce must expire after now (${now.toISOString()}), got ${until}`);
      return claim.immediate(key, until, now.toISOString());
    },
  };
};
