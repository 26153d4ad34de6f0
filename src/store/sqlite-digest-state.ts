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
import type { DigestItemCounts } from './schemas';
import { placeholders, type SqliteContext } from './sqlite-context';
import type { Store } from './store';

/** SQLite allows 32,766 bound parameters; stay far below with room for the digest name. */
const ID_BATCH = 500;
/** Rows read at a time by `eachDigestItem`, so 100,000 items never sit in memory at once. */
const PAGE = 1_000;

/**
 * Applies a run's delta to the digest's items. It runs inside the caller's transaction: the one
 * that completes the run (src/store/sqlite-digests.ts), so state and run change together.
 */
export const makeDigestItemWriter = (ctx: SqliteContext) => {
  const { db } = ctx;
  const upsert = db.prepare<[DigestItemRow]>(
    `INSERT INTO digest_items (${DIGEST_ITEM_COLUMNS.join(', ')})
     VALUES (${DIGEST_ITEM_COLUMNS.map((c) => `@${c}`).join(', ')})
     ON CONFLICT (digest_name, finding_id) DO UPDATE SET ${DIGEST_ITEM_UPSERT_SET}`,
  );
  const remove = db.prepare('DELETE FROM digest_items WHERE digest_name = ? AND finding_id = ?');
  return (name: string, upserts: readonly DigestItem[], removals: readonly string[]): void => {
    for (const item of upserts) upsert.run(digestItemRow(name, item));
    for (const id of removals) remove.run(name, id);
  };
};

type StateMethods = Pick<Store, 'digestItems' | 'digestItemCounts' | 'oldestOpenDigestItems' | 'eachDigestItem'>;

export const makeSqliteDigestState = (ctx: SqliteContext): StateMethods => {
  const { db } = ctx;
  const bySource = db.prepare<[string, string], DigestItemRow>(
    'SELECT * FROM digest_items WHERE digest_name = ? AND source = ? ORDER BY finding_id',
  );
  const counts = db.prepare<[string], DigestCountRow>(
    'SELECT account_id, severity, state, COUNT(*) AS n FROM digest_items WHERE digest_name = ? GROUP BY account_id, severity, state',
  );
  const oldest = db.prepare<[string, number], DigestItemRow>(
    `SELECT * FROM digest_items WHERE digest_name = ? AND state = 'open'
     ORDER BY first_seen_at ASC, severity_rank ASC, finding_id ASC LIMIT ?`,
  );
  const page = db.prepare<[string, string, number], DigestItemRow>(
    'SELECT * FROM digest_items WHERE digest_name = ? AND finding_id > ? ORDER BY finding_id LIMIT ?',
  );
  const byIds = (name: string, ids: readonly string[]): DigestItem[] => {
    const found: DigestItem[] = [];
    for (let i = 0; i < ids.length; i += ID_BATCH) {
      const batch = ids.slice(i, i + ID_BATCH);
      const rows = db
        .prepare<unknown[], DigestItemRow>(
          `SELECT * FROM digest_items WHERE digest_name = ? AND finding_id IN (${placeholders(batch.length)})`,
        )
        .all(name, ...batch);
      for (const row of rows) found.push(digestItemOf(row));
    }
    return found;
  };

  return {
    digestItems: async (name, filter) =>
      'source' in filter ? bySource.all(name, filter.source).map(digestItemOf) : byIds(name, filter.ids),
    digestItemCounts: async (name): Promise<DigestItemCounts> => digestItemCountsOf(counts.all(name)),
    oldestOpenDigestItems: async (name, limit) => oldest.all(name, Math.max(0, Math.floor(limit))).map(digestItemOf),
    eachDigestItem: async (name, visit) => {
      let after = '';
      let seen = 0;
      for (;;) {
        const rows = page.all(name, after, PAGE);
        for (const row of rows) {
          await visit(digestItemOf(row));
          seen += 1;
        }
        if (rows.length < PAGE) return seen;
        after = rows[rows.length - 1]!.finding_id;
      }
    },
  };
};
