import type { PoolClient } from 'pg';
import type { DigestItem } from '../core/digest/model';
import {
  DIGEST_ITEM_COLUMNS,
  DIGEST_ITEM_UPSERT_SET,
  digestItemCountsOf,
  digestItemOf,
  digestItemRow,
  type DigestCountRow,
  type DigestItemRow,
} from './digest-rows';
import { completePgDigestRun } from './pg-digests';
import type { PgContext } from './pg-context';
import type { Store } from './store';

/** Items written per INSERT: 18 columns each, far below PostgreSQL's 65,535 parameters. */
const UPSERT_BATCH = 500;
/** Finding ids per look-up or DELETE (one array parameter each, so only to bound the statement). */
const ID_BATCH = 1_000;
/** Rows read at a time by `eachDigestItem`, so 100,000 items never sit in memory at once. */
const PAGE = 1_000;

const rowValues = (batch: readonly DigestItemRow[]): { sql: string; values: unknown[] } => {
  const values: unknown[] = [];
  const tuples = batch.map((row) => {
    const names = DIGEST_ITEM_COLUMNS.map((column) => {
      values.push(row[column]);
      return `$${values.length}`;
    });
    return `(${names.join(', ')})`;
  });
  return { sql: tuples.join(', '), values };
};

/**
 * Applies a run's delta to the digest's items inside the transaction that completes the run. As in
 * SQLite (one statement per item, in order), every item is validated, the last of several upserts of
 * one finding wins (a multi-row upsert may not touch one row twice), and removals come after upserts.
 */
const writeItems = async (
  client: PoolClient,
  name: string,
  upserts: readonly DigestItem[],
  removals: readonly string[],
): Promise<void> => {
  const latest = new Map<string, DigestItemRow>();
  for (const item of upserts) {
    const row = digestItemRow(name, item);
    latest.delete(row.finding_id); // keep the order of the last occurrence
    latest.set(row.finding_id, row);
  }
  const rows = [...latest.values()];
  for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
    const { sql, values } = rowValues(rows.slice(i, i + UPSERT_BATCH));
    await client.query(
      `INSERT INTO digest_items (${DIGEST_ITEM_COLUMNS.join(', ')}) VALUES ${sql}
       ON CONFLICT (digest_name, finding_id) DO UPDATE SET ${DIGEST_ITEM_UPSERT_SET}`,
      values,
    );
  }
  for (let i = 0; i < removals.length; i += ID_BATCH) {
    await client.query('DELETE FROM digest_items WHERE digest_name = $1 AND finding_id = ANY($2::text[])', [
      name,
      removals.slice(i, i + ID_BATCH),
    ]);
  }
};

/**
 * Digest state in PostgreSQL, with the same behaviour as src/store/sqlite-digest-state.ts: counts are
 * computed in the database and the full list is read a page at a time (keyset on finding_id, in the
 * database's own collation for both the bound and the order, so the primary key index serves it).
 */
export const makePgDigestState = (
  ctx: PgContext,
): Pick<
  Store,
  'digestItems' | 'digestItemCounts' | 'oldestOpenDigestItems' | 'eachDigestItem' | 'completeDigestRunWithState'
> => {
  const { pool } = ctx;

  const byIds = async (name: string, ids: readonly string[]): Promise<DigestItem[]> => {
    const found: DigestItem[] = [];
    for (let i = 0; i < ids.length; i += ID_BATCH) {
      const { rows } = await pool.query<DigestItemRow>(
        'SELECT * FROM digest_items WHERE digest_name = $1 AND finding_id = ANY($2::text[])',
        [name, ids.slice(i, i + ID_BATCH)],
      );
      for (const row of rows) found.push(digestItemOf(row));
    }
    return found;
  };

  return {
    digestItems: async (name, filter) => {
      if (!('source' in filter)) return byIds(name, filter.ids);
      const { rows } = await pool.query<DigestItemRow>(
        'SELECT * FROM digest_items WHERE digest_name = $1 AND source = $2 ORDER BY finding_id',
        [name, filter.source],
      );
      return rows.map(digestItemOf);
    },
    digestItemCounts: async (name) => {
      const { rows } = await pool.query<DigestCountRow>(
        `SELECT account_id, severity, state, COUNT(*) AS n FROM digest_items WHERE digest_name = $1
         GROUP BY account_id, severity, state`,
        [name],
      );
      return digestItemCountsOf(rows.map((row) => ({ ...row, n: Number(row.n) })));
    },
    oldestOpenDigestItems: async (name, limit) => {
      const { rows } = await pool.query<DigestItemRow>(
        `SELECT * FROM digest_items WHERE digest_name = $1 AND state = 'open'
         ORDER BY first_seen_at ASC, severity_rank ASC, finding_id ASC LIMIT $2`,
        [name, Math.max(0, Math.floor(limit))],
      );
      return rows.map(digestItemOf);
    },
    eachDigestItem: async (name, visit) => {
      let after = '';
      let seen = 0;
      for (;;) {
        const { rows } = await pool.query<DigestItemRow>(
          'SELECT * FROM digest_items WHERE digest_name = $1 AND finding_id > $2 ORDER BY finding_id LIMIT $3',
          [name, after, PAGE],
        );
        for (const row of rows) {
          await visit(digestItemOf(row));
          seen += 1;
        }
        if (rows.length < PAGE) return seen;
        after = rows[rows.length - 1]!.finding_id;
      }
    },
    completeDigestRunWithState: async (c, state) =>
      completePgDigestRun(ctx, c, (client) => writeItems(client, c.digestName, state.upserts, state.removals)),
  };
};
