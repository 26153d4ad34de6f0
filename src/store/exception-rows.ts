import { randomBytes } from 'node:crypto';
import {
  NewExceptionSchema,
  RiskExceptionSchema,
  type ExceptionPatch,
  type RiskException,
} from '../core/exceptions/model';
import { toIso } from '../core/remediations/request';
import { exceptionSealMatches, sealException, type ExceptionSealCheck } from './exception-seal';
import { fromJsonText, parseStored, toJsonText } from './stored-values';

/**
 * The rows of `risk_exceptions` (migration 7) and how exceptions are made from them, changed by a
 * transition and sealed, the same for SQLite and PostgreSQL: both keep JSON as text and times as
 * ISO text, so only the SQL around these differs between the two stores.
 */

/** A row of `risk_exceptions`. JSON columns are parsed with the core's schemas on read. */
export interface ExceptionRow {
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

/** What createException inserts: every column but the seal (written once the row reads back). */
export type NewExceptionRow = Omit<ExceptionRow, 'seal'>;

/** The columns an INSERT names, in order. */
export const EXCEPTION_INSERT_COLUMNS = [
  'id',
  'source',
  'status',
  'scope',
  'reason',
  'owner_id',
  'owner',
  'requester_id',
  'requester',
  'approver',
  'created_at',
  'decided_at',
  'expires_at',
  'decision_note',
  'accepted',
  'extension',
  'message',
  'reminded_at',
  'suppressed_in_security_hub',
  'updated_at',
  'version',
] as const satisfies ReadonlyArray<keyof NewExceptionRow>;

// A column added to NewExceptionRow but not to the list above would silently never be written: refuse to compile.
type UnlistedColumn = Exclude<keyof NewExceptionRow, (typeof EXCEPTION_INSERT_COLUMNS)[number]>;
const everyColumnListed: [UnlistedColumn] extends [never] ? true : UnlistedColumn = true;
void everyColumnListed;

/** What a transition writes, guarded by the status and version it read. */
export type ExceptionUpdate = Omit<
  ExceptionRow,
  'source' | 'scope' | 'reason' | 'owner_id' | 'owner' | 'requester_id' | 'requester' | 'created_at' | 'seal'
> & { previous_status: string };

/** `ex_` and 96 random bits in hex: unguessable, short enough to read out in Slack. */
export const newExceptionId = (): string => `ex_${randomBytes(12).toString('hex')}`;

/** JSON text for a nullable JSON column. */
const jsonOrNull = (value: unknown): string | null => (value === null ? null : toJsonText(value));

/** The patched value when the patch has the field, else the row's: absent fields are left as they are. */
const patched = <T, R>(value: T | undefined, current: R, store: (v: T) => R): R =>
  value === undefined ? current : store(value);

/** The exception a row holds; a row that does not fit is an `internal` error naming the exception. */
export const exceptionFromRow = (row: ExceptionRow): RiskException => {
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

/** The row of a new exception made from Slack: pending, undecided, version 1, times from the clock. */
export const newExceptionRow = (input: unknown, now: string): NewExceptionRow => {
  const parsed = NewExceptionSchema.parse(input);
  return {
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
    // Date#toISOString, so that expiries compare correctly as text.
    expires_at: toIso(parsed.expiresAt),
    decision_note: null,
    accepted: toJsonText(parsed.accepted),
    extension: null,
    message: null,
    reminded_at: null,
    suppressed_in_security_hub: toJsonText([]),
    updated_at: now,
    version: 1,
  };
};

/** The update a transition of `row` to `to` makes: fields the patch has are replaced, absent ones kept. */
export const exceptionUpdate = (row: ExceptionRow, to: string, patch: ExceptionPatch, now: string): ExceptionUpdate => {
  const expiresAt = patched(patch.expiresAt, row.expires_at, toIso);
  // A reminder is for one expiry: a new expiry (an extension) is reminded again.
  const remindedAtNow = expiresAt === row.expires_at ? row.reminded_at : null;
  return {
    id: row.id,
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
    updated_at: now,
    version: row.version,
  };
};

/**
 * Whether the row, as it is now, carries its seal. Always true without a key (the store then
 * writes no seals). A row not sealed by the store (or changed since) is never re-sealed, so a
 * change cloudsec makes to it cannot launder an edit made outside it. Throws (naming the
 * exception) for a row that does not parse, before anything is changed.
 */
export const exceptionSealIntact = (row: ExceptionRow, auditKey: string | undefined): boolean =>
  auditKey === undefined || exceptionSealMatches(exceptionFromRow(row), row.seal ?? null, auditKey);

/** The seal to store after the store changed a row: none without a key, or when the row was not intact. */
export const exceptionSealAfterChange = (
  exception: RiskException,
  intact: boolean,
  auditKey: string | undefined,
): string | null => (auditKey !== undefined && intact ? sealException(exception, auditKey) : null);

/** verifyExceptionSeal's answer, given the row's stored seal (undefined: the row is gone). */
export const checkExceptionSeal = (
  exception: RiskException,
  stored: { seal: string | null } | undefined,
  auditKey: string | undefined,
): ExceptionSealCheck => {
  if (auditKey === undefined) return { ok: true, sealed: false };
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
