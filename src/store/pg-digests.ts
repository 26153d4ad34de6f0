import type { PoolClient } from 'pg';
import { CloudsecError } from '../errors';
import { toIso } from '../core/remediations/request';
import { digestRunOf, finishedStatus, type DigestRunRow } from './digest-rows';
import { pgNowIso, pgTransaction, type PgContext } from './pg-context';
import type { DigestClaim, DigestCompletion, DigestRun } from './schemas';
import { toJsonText } from './stored-values';
import type { Store } from './store';

/**
 * Finishes the owner's `running` run and, inside the same SERIALIZABLE transaction, runs `alsoApply`
 * (the digest state's delta, see pg-digest-state.ts): both are stored or neither is. Null (and
 * nothing applied) when the run is missing, not running, or someone else's.
 */
export const completePgDigestRun = (
  ctx: PgContext,
  c: DigestCompletion,
  alsoApply?: (client: PoolClient) => Promise<void>,
): Promise<DigestRun | null> =>
  pgTransaction(ctx, async (client) => {
    const name = c.digestName;
    const at = toIso(c.scheduledFor);
    const { rows } = await client.query<DigestRunRow>(
      'SELECT * FROM digest_runs WHERE digest_name = $1 AND scheduled_for = $2',
      [name, at],
    );
    const existing = rows[0];
    if (!existing || existing.status !== 'running') return null;
    const by = c.owner ?? existing.owner;
    const status = finishedStatus(c.status);
    const finished = await client.query<DigestRunRow>(
      `UPDATE digest_runs SET status = $1, completed_at = $2, scan_id = $3, details = $4
       WHERE digest_name = $5 AND scheduled_for = $6 AND status = 'running' AND owner = $7
       RETURNING *`,
      [status, pgNowIso(ctx), c.scanId ?? null, toJsonText(c.details ?? {}), name, at, by],
    );
    const run = finished.rows[0];
    if (!run) return null;
    if (alsoApply) await alsoApply(client);
    return digestRunOf(run);
  });

/**
 * Digest runs in PostgreSQL, with the same behaviour as src/store/sqlite-digests.ts. A claim is an
 * INSERT … ON CONFLICT DO NOTHING on the (digest, slot) primary key, so of any number of replicas
 * exactly one inserts; the others read the existing run and may take it over only when it is stale,
 * with an UPDATE guarded by the claim time they read (two late-comers cannot both take it over).
 */
export const makePgDigests = (
  ctx: PgContext,
): Pick<
  Store,
  'claimDigestRun' | 'completeDigestRun' | 'lastDigestRun' | 'noteDigestRunProgress' | 'digestRunHistory'
> => {
  const { pool } = ctx;

  const claim = (name: string, at: string, owner: string, reclaimAfterMs: number | undefined): Promise<DigestClaim> =>
    pgTransaction(ctx, async (client) => {
      const now = ctx.clock();
      const inserted = await client.query<DigestRunRow>(
        `INSERT INTO digest_runs (digest_name, scheduled_for, status, owner, claimed_at, attempt, completed_at, scan_id, details)
         VALUES ($1, $2, 'running', $3, $4, 1, NULL, NULL, '{}')
         ON CONFLICT (digest_name, scheduled_for) DO NOTHING
         RETURNING *`,
        [name, at, owner, now.toISOString()],
      );
      if (inserted.rows[0]) return { claimed: true as const, run: digestRunOf(inserted.rows[0]) };
      const { rows } = await client.query<DigestRunRow>(
        'SELECT * FROM digest_runs WHERE digest_name = $1 AND scheduled_for = $2',
        [name, at],
      );
      const existing = rows[0];
      // The INSERT conflicted with this row, and SERIALIZABLE sees what it conflicted with (or fails
      // and is retried): a missing row means the table is not what cloudsec made.
      if (!existing)
        throw new CloudsecError('internal', `The digest run ${name} @ ${at} vanished while being claimed.`);
      const stale =
        existing.status === 'running' &&
        reclaimAfterMs !== undefined &&
        Date.parse(existing.claimed_at) + reclaimAfterMs <= now.getTime();
      if (stale) {
        const taken = await client.query<DigestRunRow>(
          `UPDATE digest_runs SET owner = $1, claimed_at = $2, attempt = attempt + 1
           WHERE digest_name = $3 AND scheduled_for = $4 AND status = 'running' AND claimed_at = $5
           RETURNING *`,
          [owner, now.toISOString(), name, at, existing.claimed_at],
        );
        if (taken.rows[0]) return { claimed: true as const, run: digestRunOf(taken.rows[0]) };
      }
      return { claimed: false as const, run: digestRunOf(existing) };
    });

  return {
    claimDigestRun: async (digestName, scheduledFor, options = {}) =>
      claim(digestName, toIso(scheduledFor), options.owner ?? 'cloudsec', options.reclaimAfterMs),
    completeDigestRun: async (c) => completePgDigestRun(ctx, c),
    noteDigestRunProgress: async (digestName, scheduledFor, owner, details) => {
      const { rowCount } = await pool.query(
        `UPDATE digest_runs SET details = $1
         WHERE digest_name = $2 AND scheduled_for = $3 AND status = 'running' AND owner = $4`,
        [toJsonText(details), digestName, toIso(scheduledFor), owner],
      );
      return rowCount === 1;
    },
    digestRunHistory: async (name, limit) => {
      const { rows } = await pool.query<DigestRunRow>(
        'SELECT * FROM digest_runs WHERE digest_name = $1 ORDER BY scheduled_for DESC LIMIT $2',
        [name, Math.max(0, Math.floor(limit))],
      );
      return rows.map(digestRunOf);
    },
    lastDigestRun: async (digestName) => {
      const { rows } = await pool.query<DigestRunRow>(
        'SELECT * FROM digest_runs WHERE digest_name = $1 ORDER BY scheduled_for DESC LIMIT 1',
        [digestName],
      );
      return rows[0] ? digestRunOf(rows[0]) : null;
    },
  };
};
