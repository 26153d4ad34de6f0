import type Database from 'better-sqlite3';
import { positiveLimit } from './stored-values';
import type { Clock } from './store';

/** What the per-capability SQLite modules share: one connection, the clock and the audit key. */
export interface SqliteContext {
  db: Database.Database;
  clock: Clock;
  auditKey: string | undefined;
}

export { fromJsonText, parseStored, positiveLimit, toJsonText } from './stored-values';

export const nowIso = (ctx: SqliteContext): string => ctx.clock().toISOString();

/** `?, ?, ?` for an IN list. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/**
 * The rows of `table` matching every `where` clause, newest first (`tieBreak` orders rows of one
 * clock instant the same way every time), read in one transaction and each turned into its type
 * by `fromRow` (which throws on a row that does not validate: a list never drops one silently).
 */
export const listNewestFirst = <Row, T>(
  db: Database.Database,
  query: {
    table: string;
    where: readonly string[];
    params: readonly unknown[];
    limit?: number;
    tieBreak: 'id' | 'rowid';
  },
  fromRow: (row: Row) => T,
): T[] => {
  const limit = positiveLimit(query.limit);
  const sql =
    `SELECT * FROM ${query.table}` +
    (query.where.length ? ` WHERE ${query.where.join(' AND ')}` : '') +
    ` ORDER BY created_at DESC, ${query.tieBreak} DESC` +
    (limit === undefined ? '' : ` LIMIT ${limit}`);
  return db.transaction(() =>
    db
      .prepare<unknown[], Row>(sql)
      .all(...query.params)
      .map(fromRow),
  )();
};
