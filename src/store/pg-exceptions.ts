import {
  ExceptionPatchSchema,
  ExceptionStatusSchema,
  type ExceptionPatch,
  type ExceptionStatus,
  type RiskException,
} from '../core/exceptions/model';
import { toIso } from '../core/remediations/request';
import {
  checkExceptionSeal,
  EXCEPTION_INSERT_COLUMNS,
  exceptionFromRow,
  exceptionSealAfterChange,
  exceptionSealIntact,
  exceptionUpdate,
  newExceptionRow,
  type ExceptionRow,
  type NewExceptionRow,
} from './exception-rows';
import { pgNowIso, pgPlaceholders, pgTransaction, type PgContext, type PgQueryable } from './pg-context';
import type { ExceptionQuery } from './schemas';
import { positiveLimit } from './stored-values';
import type { Store } from './store';

type ExceptionMethods = Pick<
  Store,
  | 'createException'
  | 'getException'
  | 'listExceptions'
  | 'transitionException'
  | 'claimExceptionReminder'
  | 'verifyExceptionSeal'
>;

const INSERT_EXCEPTION = `INSERT INTO risk_exceptions (${EXCEPTION_INSERT_COLUMNS.join(', ')})
  VALUES (${pgPlaceholders(EXCEPTION_INSERT_COLUMNS.length)})`;

/**
 * Accepted risks in PostgreSQL, with the same behaviour as src/store/sqlite-exceptions.ts. Each
 * change reads the row (to know whether its seal is intact), writes it with a status- and
 * version-guarded UPDATE and re-seals it, all in one SERIALIZABLE transaction (pgTransaction): of
 * replicas racing over one exception PostgreSQL commits one and fails the others, whose retry reads
 * what the winner wrote. A throw (a row that does not parse) rolls the whole change back.
 */
export const makePgExceptions = (ctx: PgContext): ExceptionMethods => {
  const { pool, auditKey } = ctx;

  const selectRow = async (db: PgQueryable, id: string): Promise<ExceptionRow | undefined> =>
    (await db.query<ExceptionRow>('SELECT * FROM risk_exceptions WHERE id = $1', [id])).rows[0];

  /** Inside the caller's transaction, right after the store changed the row. */
  const reseal = async (db: PgQueryable, id: string, intact: boolean): Promise<RiskException> => {
    const exception = exceptionFromRow((await selectRow(db, id))!);
    await db.query('UPDATE risk_exceptions SET seal = $1 WHERE id = $2', [
      exceptionSealAfterChange(exception, intact, auditKey),
      id,
    ]);
    return exception;
  };

  const create = (row: NewExceptionRow): Promise<RiskException> =>
    pgTransaction(ctx, async (client) => {
      await client.query(
        INSERT_EXCEPTION,
        EXCEPTION_INSERT_COLUMNS.map((column) => row[column]),
      );
      return reseal(client, row.id, true);
    });

  const transition = (id: string, from: readonly ExceptionStatus[], to: ExceptionStatus, patch: ExceptionPatch) =>
    pgTransaction(ctx, async (client) => {
      const row = await selectRow(client, id);
      if (!row || !from.includes(row.status as ExceptionStatus)) return null;
      const intact = exceptionSealIntact(row, auditKey);
      const next = exceptionUpdate(row, to, patch, pgNowIso(ctx));
      const { rowCount } = await client.query(
        `UPDATE risk_exceptions SET status = $1, approver = $2, decided_at = $3, expires_at = $4,
           decision_note = $5, accepted = $6, extension = $7, message = $8, reminded_at = $9,
           suppressed_in_security_hub = $10, updated_at = $11, version = $12 + 1
         WHERE id = $13 AND status = $14 AND version = $12`,
        [
          next.status,
          next.approver,
          next.decided_at,
          next.expires_at,
          next.decision_note,
          next.accepted,
          next.extension,
          next.message,
          next.reminded_at,
          next.suppressed_in_security_hub,
          next.updated_at,
          next.version,
          next.id,
          next.previous_status,
        ],
      );
      return rowCount === 1 ? reseal(client, id, intact) : null;
    });

  const claim = (id: string, expiresAt: string): Promise<boolean> =>
    pgTransaction(ctx, async (client) => {
      const row = await selectRow(client, id);
      if (!row) return false;
      const intact = exceptionSealIntact(row, auditKey);
      const now = pgNowIso(ctx);
      // One conditional UPDATE is the whole claim: whoever's statement changes the row reminds.
      const { rowCount } = await client.query(
        `UPDATE risk_exceptions SET reminded_at = $1, updated_at = $1, version = version + 1
         WHERE id = $2 AND status = 'active' AND expires_at = $3 AND reminded_at IS NULL`,
        [now, id, expiresAt],
      );
      if (rowCount !== 1) return false;
      await reseal(client, id, intact);
      return true;
    });

  return {
    createException: async (input) => create(newExceptionRow(input, pgNowIso(ctx))),
    getException: async (id) => {
      const row = await selectRow(pool, id);
      return row ? exceptionFromRow(row) : null;
    },
    listExceptions: async (query: ExceptionQuery = {}) => {
      const limit = positiveLimit(query.limit);
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown): string => {
        params.push(value);
        return `$${params.length}`;
      };
      if (query.statuses !== undefined) {
        if (query.statuses.length === 0) return [];
        const statuses = query.statuses.map((s) => ExceptionStatusSchema.parse(s));
        where.push(`status IN (${statuses.map(param).join(', ')})`);
      }
      if (query.ownerId !== undefined) where.push(`owner_id = ${param(query.ownerId)}`);
      if (query.requesterId !== undefined) where.push(`requester_id = ${param(query.requesterId)}`);
      if (query.expiresBefore !== undefined) where.push(`expires_at <= ${param(toIso(query.expiresBefore))}`);
      // Ties (one clock instant) are broken by id so the order is the same every time.
      const { rows } = await pool.query<ExceptionRow>(
        'SELECT * FROM risk_exceptions' +
          (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
          ' ORDER BY created_at DESC, id DESC' +
          (limit === undefined ? '' : ` LIMIT ${param(limit)}`),
        params,
      );
      // A row that does not parse fails the whole list, naming it: a list never drops a row silently.
      return rows.map(exceptionFromRow);
    },
    transitionException: async (id, from, to, patch = {}) => {
      const statuses = from.map((s) => ExceptionStatusSchema.parse(s));
      const target = ExceptionStatusSchema.parse(to);
      return transition(id, statuses, target, ExceptionPatchSchema.parse(patch));
    },
    claimExceptionReminder: async (id, expiresAt) => claim(id, toIso(expiresAt)),
    verifyExceptionSeal: async (exception) => {
      const { rows } = await pool.query<{ seal: string | null }>('SELECT seal FROM risk_exceptions WHERE id = $1', [
        exception.id,
      ]);
      return checkExceptionSeal(exception, rows[0], auditKey);
    },
  };
};
