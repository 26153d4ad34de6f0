import { randomBytes } from 'node:crypto';
import {
  ExceptionPatchSchema,
  ExceptionStatusSchema,
  NewExceptionSchema,
  RiskExceptionSchema,
  type ExceptionPatch,
  type ExceptionStatus,
  type RiskException,
} from '../core/exceptions/model';
import { toIso } from '../core/remediations/request';
import { exceptionSealMatches, sealException, type ExceptionSealCheck } from './exception-seal';
import type { ExceptionQuery } from './schemas';
import {
  fromJsonText,
  nowIso,
  parseStored,
  placeholders,
  listNewestFirst,
  toJsonText,
  type SqliteContext,
} from './sqlite-context';
import type { Store } from './store';

/** A row of `risk_exceptions` (migration 7). JSON columns are parsed with the core's schemas on read. */
interface ExceptionRow {
  id: string;
  source: string;
  status: string;
  scope: string;
  reason: string;
  owner_id: string;
  owner: string;
  requester_id: string;
  requester: string;
  approver: string | null;
  created_at: string;
  decided_at: string | null;
  expires_at: string;
  decision_note: string | null;
  accepted: string;
  extension: string | null;
  message: string | null;
  reminded_at: string | null;
  suppressed_in_security_hub: string;
  updated_at: string;
  version: number;
  /** The HMAC seal (exception-seal.ts); null without an audit key. */
  seal?: string | null;
}

type ExceptionUpdate = Omit<
  ExceptionRow,
  'source' | 'scope' | 'reason' | 'owner_id' | 'owner' | 'requester_id' | 'requester' | 'created_at' | 'seal'
> & { previous_status: string };

type ExceptionMethods = Pick<
  Store,
  | 'createException'
  | 'getException'
  | 'listExceptions'
  | 'transitionException'
  | 'claimExceptionReminder'
  | 'verifyExceptionSeal'
>;

/** `ex_` and 96 random bits in hex: unguessable, short enough to read out in Slack. */
const newExceptionId = (): string => `ex_${randomBytes(12).toString('hex')}`;

/** JSON text for a nullable JSON column. */
const jsonOrNull = (value: unknown): string | null => (value === null ? null : toJsonText(value));

/** The patched value when the patch has the field, else the row's: absent fields are left as they are. */
const patched = <T, R>(value: T | undefined, current: R, store: (v: T) => R): R =>
  value === undefined ? current : store(value);

export const makeSqliteExceptions = (ctx: SqliteContext): ExceptionMethods => {
  const { db, auditKey } = ctx;
  const insertException = db.prepare<[Omit<ExceptionRow, 'seal'>]>(
    `INSERT INTO risk_exceptions (id, source, status, scope, reason, owner_id, owner, requester_id, requester,
       approver, created_at, decided_at, expires_at, decision_note, accepted, extension, message, reminded_at,
       suppressed_in_security_hub, updated_at, version)
     VALUES (@id, @source, @status, @scope, @reason, @owner_id, @owner, @requester_id, @requester, @approver,
       @created_at, @decided_at, @expires_at, @decision_note, @accepted, @extension, @message, @reminded_at,
       @suppressed_in_security_hub, @updated_at, @version)`,
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

  const fromRow = (row: ExceptionRow): RiskException => {
    const what = `risk exception ${row.id}`;
    return parseStored(
      RiskExceptionSchema,
      {
        id: row.id,
        source: row.source,
        status: row.status,
        scope: fromJsonText(row.scope, `scope of ${what}`),
        reason: row.reason,
        owner: fromJsonText(row.owner, `owner of ${what}`),
        requester: fromJsonText(row.requester, `requester of ${what}`),
        approver: fromJsonText(row.approver, `approver of ${what}`),
        createdAt: row.created_at,
        decidedAt: row.decided_at,
        expiresAt: row.expires_at,
        decisionNote: row.decision_note,
        accepted: fromJsonText(row.accepted, `accepted findings of ${what}`),
        extension: fromJsonText(row.extension, `extension of ${what}`),
        message: fromJsonText(row.message, `message of ${what}`),
        remindedAt: row.reminded_at,
        suppressedInSecurityHub: fromJsonText(row.suppressed_in_security_hub, `Security Hub ids of ${what}`),
        updatedAt: row.updated_at,
        version: row.version,
      },
      what,
    );
  };

  const load = (id: string): RiskException | null => {
    const row = selectException.get(id);
    return row ? fromRow(row) : null;
  };

  /**
   * Whether the row, as it is now, carries its seal. Always true without a key (the store then
   * writes no seals). A row not sealed by this store (or changed since) is never re-sealed, so a
   * change cloudsec makes to it cannot launder an edit made outside it.
   */
  const sealIntact = (row: ExceptionRow): boolean =>
    auditKey === undefined || exceptionSealMatches(fromRow(row), row.seal ?? null, auditKey);

  /** Inside the caller's transaction, right after the store changed the row. */
  const reseal = (id: string, intact: boolean): RiskException => {
    const exception = load(id)!;
    setSeal.run(auditKey !== undefined && intact ? sealException(exception, auditKey) : null, id);
    return exception;
  };

  const create = db.transaction((row: Omit<ExceptionRow, 'seal'>): RiskException => {
    insertException.run(row);
    return reseal(row.id, true);
  });

  const transition = db.transaction(
    (id: string, from: readonly ExceptionStatus[], to: ExceptionStatus, patch: ExceptionPatch) => {
      const row = selectException.get(id);
      if (!row || !from.includes(row.status as ExceptionStatus)) return null;
      const intact = sealIntact(row);
      const expiresAt = patched(patch.expiresAt, row.expires_at, toIso);
      // A reminder is for one expiry: a new expiry (an extension) is reminded again.
      const remindedAtNow = expiresAt === row.expires_at ? row.reminded_at : null;
      const next: ExceptionUpdate = {
        id,
        previous_status: row.status,
        status: to,
        approver: patched(patch.approver, row.approver, jsonOrNull),
        decided_at: patched(patch.decidedAt, row.decided_at, (t) => t && toIso(t)),
        expires_at: expiresAt,
        decision_note: patched(patch.decisionNote, row.decision_note, (n) => n),
        accepted: patched(patch.accepted, row.accepted, toJsonText),
        extension: patched(patch.extension, row.extension, jsonOrNull),
        message: patched(patch.message, row.message, jsonOrNull),
        reminded_at: patched(patch.remindedAt, remindedAtNow, (t) => t && toIso(t)),
        suppressed_in_security_hub: patched(patch.suppressedInSecurityHub, row.suppressed_in_security_hub, toJsonText),
        updated_at: nowIso(ctx),
        version: row.version,
      };
      return updateException.run(next).changes === 1 ? reseal(id, intact) : null;
    },
  );

  const claim = db.transaction((id: string, expiresAt: string): boolean => {
    const row = selectException.get(id);
    if (!row) return false;
    const intact = sealIntact(row);
    if (claimReminder.run({ id, expires_at: expiresAt, now: nowIso(ctx) }).changes !== 1) return false;
    reseal(id, intact);
    return true;
  });

  const checkSeal = (exception: RiskException): ExceptionSealCheck => {
    if (auditKey === undefined) return { ok: true, sealed: false };
    const stored = selectSeal.get(exception.id);
    if (!stored) return { ok: false, reason: 'the exception is not in the database' };
    if (stored.seal === null) {
      return {
        ok: false,
        reason:
          'the exception carries no seal: cloudsec did not write it with the audit key (it was written or ' +
          'changed outside cloudsec)',
      };
    }
    return exceptionSealMatches(exception, stored.seal, auditKey)
      ? { ok: true, sealed: true }
      : { ok: false, reason: 'its seal does not match: the stored exception was changed outside cloudsec' };
  };

  return {
    createException: async (input) => {
      const parsed = NewExceptionSchema.parse(input);
      const now = nowIso(ctx);
      return create.immediate({
        id: newExceptionId(),
        source: 'slack',
        status: 'pending',
        scope: toJsonText(parsed.scope),
        reason: parsed.reason,
        owner_id: parsed.owner.id,
        owner: toJsonText(parsed.owner),
        requester_id: parsed.requester.id,
        requester: toJsonText(parsed.requester),
        approver: null,
        created_at: now,
        decided_at: null,
        expires_at: toIso(parsed.expiresAt),
        decision_note: null,
        accepted: toJsonText(parsed.accepted),
        extension: null,
        message: null,
        reminded_at: null,
        suppressed_in_security_hub: toJsonText([]),
        updated_at: now,
        version: 1,
      });
    },
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
      return listNewestFirst<ExceptionRow, ReturnType<typeof fromRow>>(
        db,
        { table: 'risk_exceptions', where, params, limit: query.limit, tieBreak: 'id' },
        fromRow,
      );
    },
    transitionException: async (id, from, to, patch = {}) => {
      const statuses = from.map((s) => ExceptionStatusSchema.parse(s));
      const target = ExceptionStatusSchema.parse(to);
      return transition.immediate(id, statuses, target, ExceptionPatchSchema.parse(patch));
    },
    claimExceptionReminder: async (id, expiresAt) => claim.immediate(id, toIso(expiresAt)),
    verifyExceptionSeal: async (exception) => checkSeal(exception),
  };
};
