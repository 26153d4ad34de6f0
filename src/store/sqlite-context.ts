import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { CloudsecError } from '../errors';
import type { Clock } from './store';

/** What the per-capability SQLite modules share: one connection, the clock and the audit key. */
export interface SqliteContext {
  db: Database.Database;
  clock: Clock;
  auditKey: string | undefined;
}

export const nowIso = (ctx: SqliteContext): string => ctx.clock().toISOString();

/** `JSON.stringify` that stores `undefined` as null, so every JSON column parses back. */
export const toJsonText = (value: unknown): string => JSON.stringify(value ?? null) ?? 'null';

export const fromJsonText = (text: string | null, what: string): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CloudsecError('internal', `The stored ${what} is not JSON; the database was changed outside cloudsec.`);
  }
};

/** Parses a row read from the database; a row that does not fit is a corrupt or hand-edited file. */
export const parseStored = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : parsed.error.message;
  throw new CloudsecError(
    'internal',
    `The stored ${what} is invalid (${where}); the database was changed outside cloudsec.`,
  );
};

/** `?, ?, ?` for an IN list. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export const positiveLimit = (limit: number | undefined): number | undefined => {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
};

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
