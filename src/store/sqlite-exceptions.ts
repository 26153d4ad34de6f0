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
  type ExceptionUpdate,
  type NewExceptionRow,
} from './exception-rows';
import type { ExceptionQuery } from './schemas';
import { nowIso, placeholders, listNewestFirst, type SqliteContext } from './sqlite-context';
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

export const makeSqliteExceptions = (ctx: SqliteContext): ExceptionMethods => {
  const { db, auditKey } = ctx;
  const insertException = db.prepare<[NewExceptionRow]>(
    `INSERT INTO risk_exceptions (${EXCEPTION_INSERT_COLUMNS.join(', ')})
     VALUES (${EXCEPTION_INSERT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const selectException = db.prepare<[string], ExceptionRow>('SELECT * FROM risk_exceptions WHERE id = ?');
  // Guarded by status and version: inside the IMMEDIATE transaction nothing else can change the
  // row, and the guard keeps the statement correct on its own (as it must be in PostgreSQL).
  const updateException = db.prepare<[ExceptionUpdate]>(
    `UPDATE risk_exceptions SET status = @status, approver = @approver, decided_at = @decided_at,
       expires_at = @expires_at, decision_note = @decision_note, accepted = @accepted, extension = @extension,
       message = @message, reminded_at = @reminded_at, suppressed_in_security_hub = @suppressed_in_security_hub,
       updated_at = @updated_at, version = @version + 1
     WHERE id = @id AND status = @previous_status AND version = @version`,
  );
  // One conditional UPDATE is the whole claim: whoever's statement changes the row reminds.
  const claimReminder = db.prepare<[{ id: string; expires_at: string; now: string }]>(
    `UPDATE risk_exceptions SET reminded_at = @now, updated_at = @now, version = version + 1
     WHERE id = @id AND status = 'active' AND expires_at = @expires_at AND reminded_at IS NULL`,
  );
  const setSeal = db.prepare('UPDATE risk_exceptions SET seal = ? WHERE id = ?');
  const selectSeal = db.prepare<[string], { seal: string | null }>('SELECT seal FROM risk_exceptions WHERE id = ?');

  const load = (id: string): RiskException | null => {
    const row = selectException.get(id);
    return row ? exceptionFromRow(row) : null;
  };

  /** Inside the caller's transaction, right after the store changed the row. */
  const reseal = (id: string, intact: boolean): RiskException => {
    const exception = load(id)!;
    setSeal.run(exceptionSealAfterChange(exception, intact, auditKey), id);
    return exception;
  };

  const create = db.transaction((row: NewExceptionRow): RiskException => {
    insertException.run(row);
    return reseal(row.id, true);
  });

  const transition = db.transaction(
    (id: string, from: readonly ExceptionStatus[], to: ExceptionStatus, patch: ExceptionPatch) => {
      const row = selectException.get(id);
      if (!row || !from.includes(row.status as ExceptionStatus)) return null;
      const intact = exceptionSealIntact(row, auditKey);
      const next = exceptionUpdate(row, to, patch, nowIso(ctx));
      return updateException.run(next).changes === 1 ? reseal(id, intact) : null;
    },
  );

  const claim = db.transaction((id: string, expiresAt: string): boolean => {
    const row = selectException.get(id);
    if (!row) return false;
    const intact = exceptionSealIntact(row, auditKey);
    if (claimReminder.run({ id, expires_at: expiresAt, now: nowIso(ctx) }).changes !== 1) return false;
    reseal(id, intact);
    return true;
  });

  return {
    createException: async (input) => create.immediate(newExceptionRow(input, nowIso(ctx))),
    getException: async (id) => load(id),
    listExceptions: async (query: ExceptionQuery = {}) => {
      const where: string[] = [];
      const params: string[] = [];
      if (query.statuses !== undefined) {
        if (query.statuses.length === 0) return [];
        where.push(`status IN (${placeholders(query.statuses.length)})`);
        params.push(...query.statuses.map((s) => ExceptionStatusSchema.parse(s)));
      }
      if (query.ownerId !== undefined) {
        where.push('owner_id = ?');
        params.push(query.ownerId);
      }
      if (query.requesterId !== undefined) {
        where.push('requester_id = ?');
        params.push(query.requesterId);
      }
      if (query.expiresBefore !== undefined) {
        where.push('expires_at <= ?');
        params.push(toIso(query.expiresBefore));
      }
      // Ties (one clock instant) are broken by id so the order is the same every time.
      return listNewestFirst<ExceptionRow, RiskException>(
        db,
        { table: 'risk_exceptions', where, params, limit: query.limit, tieBreak: 'id' },
        exceptionFromRow,
      );
    },
    transitionException: async (id, from, to, patch = {}) => {
      const statuses = from.map((s) => ExceptionStatusSchema.parse(s));
      const target = ExceptionStatusSchema.parse(to);
      return transition.immediate(id, statuses, target, ExceptionPatchSchema.parse(patch));
    },
    claimExceptionReminder: async (id, expiresAt) => claim.immediate(id, toIso(expiresAt)),
    verifyExceptionSeal: async (exception) => checkExceptionSeal(exception, selectSeal.get(exception.id), auditKey),
  };
};
