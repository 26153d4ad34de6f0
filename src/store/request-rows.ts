import type { z } from 'zod';
import {
  isTerminalStatus,
  NewRequestSchema,
  RemediationRequestSchema,
  RequestPatchSchema,
  RequestStatusSchema,
  toIso,
  type RemediationRequest,
} from '../core/remediations/request';
import { sealMatches, sealRequest, type RequestSealCheck } from './request-seal';
import { fromJsonText, parseStored, toJsonText } from './stored-values';

/**
 * The rows of `remediation_requests` and `request_approvals` (migrations 1, 2, 3 and 6) and how
 * requests are made from them, changed by a transition and sealed, the same for SQLite and
 * PostgreSQL: both keep JSON as text and times as ISO text, so only the SQL around these differs.
 */

export interface RequestRow {
  id: string;
  kind: string;
  undo_of: string | null;
  status: string;
  remediation_id: string;
  target: string;
  finding_id: string;
  account_id: string;
  region: string;
  requester_id: string;
  requester: string;
  finding: string;
  plan: string;
  options: string;
  justification: string;
  required_approvals: number;
  reason: string | null;
  result: string;
  decided_by: string | null;
  message: string | null;
  requester_message?: string | null;
  /** Migration 6: the HMAC seal (request-seal.ts); null without an audit key. */
  seal?: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  finished_at: string | null;
  version: number;
}

/** What createRequest inserts: every column but the requester's DM and the seal (written after). */
export type NewRequestRow = Omit<RequestRow, 'requester_message' | 'seal'>;

/** The columns an INSERT names, in order. */
export const REQUEST_INSERT_COLUMNS = [
  'id',
  'kind',
  'undo_of',
  'status',
  'remediation_id',
  'target',
  'finding_id',
  'account_id',
  'region',
  'requester_id',
  'requester',
  'finding',
  'plan',
  'options',
  'justification',
  'required_approvals',
  'reason',
  'result',
  'decided_by',
  'message',
  'created_at',
  'updated_at',
  'expires_at',
  'finished_at',
  'version',
] as const satisfies ReadonlyArray<keyof NewRequestRow>;

// A column added to NewRequestRow but not to the list above would silently never be written: refuse to compile.
type UnlistedColumn = Exclude<keyof NewRequestRow, (typeof REQUEST_INSERT_COLUMNS)[number]>;
const everyColumnListed: [UnlistedColumn] extends [never] ? true : UnlistedColumn = true;
void everyColumnListed;

/** What a transition writes, guarded by the status and version it read. */
export type RequestUpdate = Pick<
  RequestRow,
  | 'id'
  | 'status'
  | 'reason'
  | 'result'
  | 'decided_by'
  | 'message'
  | 'updated_at'
  | 'expires_at'
  | 'finished_at'
  | 'version'
> & { previous_status: string };

export interface ApprovalRow {
  approver: string;
  approved_at: string;
  comment: string | null;
}

/** The open statuses as the unique index's WHERE spells them (so a look-up can use that index). */
export const OPEN_STATUSES_SQL = "('pending','approved','executing')";

/** The request a row and its approvals (in ordinal order) hold; a row that does not fit names the request. */
export const requestFromRow = (row: RequestRow, approvals: readonly ApprovalRow[]): RemediationRequest => {
  const what = `remediation request ${row.id}`;
  return parseStored(
    RemediationRequestSchema,
    {
      id: row.id,
      kind: row.kind,
      undoOf: row.undo_of,
      status: row.status,
      remediationId: row.remediation_id,
      target: row.target,
      finding: fromJsonText(row.finding, `finding of ${what}`),
      plan: fromJsonText(row.plan, `plan of ${what}`),
      options: fromJsonText(row.options, `options of ${what}`),
      justification: row.justification,
      requester: fromJsonText(row.requester, `requester of ${what}`),
      requiredApprovals: row.required_approvals,
      approvals: approvals.map((a) => ({
        approver: fromJsonText(a.approver, `approval of ${what}`),
        at: a.approved_at,
        comment: a.comment,
      })),
      reason: row.reason,
      result: fromJsonText(row.result, `result of ${what}`),
      decidedBy: fromJsonText(row.decided_by, `decider of ${what}`),
      message: fromJsonText(row.message, `message of ${what}`),
      requesterMessage: fromJsonText(row.requester_message ?? null, `requester message of ${what}`),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      expiresAt: row.expires_at,
      finishedAt: row.finished_at,
      version: row.version,
    },
    what,
  );
};

/** The row of a new request: pending, no decision, version 1, times from the store's clock. */
export const newRequestRow = (input: unknown, id: string, now: string): NewRequestRow => {
  const parsed = NewRequestSchema.parse(input);
  return {
    id,
    kind: parsed.kind,
    undo_of: parsed.undoOf,
    status: 'pending',
    remediation_id: parsed.remediationId,
    target: parsed.target,
    finding_id: parsed.finding.id,
    account_id: parsed.finding.accountId,
    region: parsed.finding.region,
    requester_id: parsed.requester.id,
    requester: toJsonText(parsed.requester),
    finding: toJsonText(parsed.finding),
    plan: toJsonText(parsed.plan),
    options: toJsonText(parsed.options),
    justification: parsed.justification,
    required_approvals: parsed.requiredApprovals,
    reason: null,
    result: toJsonText(null),
    decided_by: null,
    message: null,
    created_at: now,
    updated_at: now,
    expires_at: parsed.expiresAt === null ? null : toIso(parsed.expiresAt),
    finished_at: null,
    version: 1,
  };
};

export type ParsedRequestPatch = z.infer<typeof RequestPatchSchema>;

/**
 * The update a transition of `row` to `to` makes: fields the patch has are replaced (null clears),
 * absent ones kept; a final status stamps `finished_at` once, an open one clears it.
 */
export const requestUpdate = (row: RequestRow, to: string, patch: ParsedRequestPatch, now: string): RequestUpdate => ({
  id: row.id,
  previous_status: row.status,
  status: to,
  reason: patch.reason === undefined ? row.reason : patch.reason,
  result: 'result' in patch ? toJsonText(patch.result) : row.result,
  decided_by: patch.decidedBy === undefined ? row.decided_by : patch.decidedBy && toJsonText(patch.decidedBy),
  message: patch.message === undefined ? row.message : patch.message && toJsonText(patch.message),
  updated_at: now,
  expires_at: patch.expiresAt === undefined ? row.expires_at : patch.expiresAt && toIso(patch.expiresAt),
  finished_at: isTerminalStatus(RequestStatusSchema.parse(to)) ? (row.finished_at ?? now) : null,
  version: row.version,
});

/**
 * Whether a row, as it is now, carries the seal of its content. Always true without a key (the
 * store then writes no seals). A row that was not sealed by the store (or was changed since) is
 * never re-sealed, so a change cloudsec makes to it cannot launder an edit made outside it.
 */
export const requestSealIntact = (
  request: RemediationRequest,
  seal: string | null | undefined,
  auditKey: string | undefined,
): boolean => auditKey === undefined || sealMatches(request, seal ?? null, auditKey);

/** The seal to store after the store changed a row: none without a key, or when the row was not intact. */
export const requestSealAfterChange = (
  request: RemediationRequest,
  intact: boolean,
  auditKey: string | undefined,
): string | null => (auditKey !== undefined && intact ? sealRequest(request, auditKey) : null);

/** verifyRequestSeal's answer, given the row's stored seal (undefined: the row is gone). */
export const checkRequestSeal = (
  request: RemediationRequest,
  stored: { seal: string | null } | undefined,
  auditKey: string | undefined,
): RequestSealCheck => {
  if (auditKey === undefined) return { ok: true, sealed: false };
  if (!stored) return { ok: false, reason: 'the request is no longer in the database' };
  if (stored.seal === null) {
    return {
      ok: false,
      reason:
        'the request carries no seal: cloudsec did not write it with the audit key (it was written outside ' +
        'cloudsec, changed outside it, or stored before this version)',
    };
  }
  return sealMatches(request, stored.seal, auditKey)
    ? { ok: true, sealed: true }
    : { ok: false, reason: 'its seal does not match: the stored request was changed outside cloudsec' };
};
