import { randomUUID } from 'node:crypto';
import { CloudsecError } from '../errors';
import {
  ActorRefSchema,
  isTerminalStatus,
  MessageRefSchema,
  NewRequestSchema,
  RemediationRequestSchema,
  RequestPatchSchema,
  RequestStatusSchema,
  toIso,
  type RemediationRequest,
} from '../core/remediations/request';
import type { CreateRequestResult, RequestQuery } from './schemas';
import {
  fromJsonText,
  nowIso,
  parseStored,
  placeholders,
  listNewestFirst,
  toJsonText,
  type SqliteContext,
} from './sqlite-context';
import { sealMatches, sealRequest, type RequestSealCheck } from './request-seal';
import type { Store } from './store';

interface RequestRow {
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

type RequestUpdate = Pick<
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

interface ApprovalRow {
  approver: string;
  approved_at: string;
  comment: string | null;
}

type RequestMethods = Pick<
  Store,
  | 'createRequest'
  | 'getRequest'
  | 'listRequests'
  | 'transitionRequest'
  | 'addApproval'
  | 'rememberRequesterMessage'
  | 'verifyRequestSeal'
>;

export const makeSqliteRequests = (ctx: SqliteContext): RequestMethods => {
  const { db } = ctx;
  const insertRequest = db.prepare<[RequestRow]>(
    `INSERT INTO remediation_requests (id, kind, undo_of, status, remediation_id, target, finding_id, account_id,
       region, requester_id, requester, finding, plan, options, justification, required_approvals, reason, result,
       decided_by, message, created_at, updated_at, expires_at, finished_at, version)
     VALUES (@id, @kind, @undo_of, @status, @remediation_id, @target, @finding_id, @account_id, @region,
       @requester_id, @requester, @finding, @plan, @options, @justification, @required_approvals, @reason, @result,
       @decided_by, @message, @created_at, @updated_at, @expires_at, @finished_at, @version)`,
  );
  const selectRequest = db.prepare<[string], RequestRow>('SELECT * FROM remediation_requests WHERE id = ?');
  // The statuses spelled out as in the unique index's WHERE, so SQLite can answer from that index.
  const selectOpenForTarget = db.prepare<[string], RequestRow>(
    `SELECT * FROM remediation_requests WHERE target = ? AND status IN ('pending','approved','executing')
     ORDER BY created_at, rowid LIMIT 1`,
  );
  const selectApprovals = db.prepare<[string], ApprovalRow>(
    'SELECT approver, approved_at, comment FROM request_approvals WHERE request_id = ? ORDER BY ordinal',
  );
  // Guarded by status and version: inside the IMMEDIATE transaction nothing else can change the
  // row, and the guard keeps the statement correct on its own (as it must be in PostgreSQL).
  const updateRequest = db.prepare<[RequestUpdate]>(
    `UPDATE remediation_requests SET status = @status, reason = @reason, result = @result, decided_by = @decided_by,
       message = @message, updated_at = @updated_at, expires_at = @expires_at, finished_at = @finished_at,
       version = @version + 1
     WHERE id = @id AND status = @previous_status AND version = @version`,
  );
  const insertApproval = db.prepare(
    `INSERT INTO request_approvals (request_id, ordinal, approver_id, approver, approved_at, comment)
     VALUES (?, (SELECT COUNT(*) + 1 FROM request_approvals WHERE request_id = ?), ?, ?, ?, ?)`,
  );
  // The first DM wins: a second one sent meanwhile is not recorded (its sender updates the first).
  const setRequesterMessage = db.prepare(
    'UPDATE remediation_requests SET requester_message = ? WHERE id = ? AND requester_message IS NULL',
  );
  const selectRequesterMessage = db.prepare<[string], { requester_message: string | null }>(
    'SELECT requester_message FROM remediation_requests WHERE id = ?',
  );
  const touchRequest = db.prepare('UPDATE remediation_requests SET updated_at = ?, version = version + 1 WHERE id = ?');
  const setSeal = db.prepare('UPDATE remediation_requests SET seal = ? WHERE id = ?');
  const selectSeal = db.prepare<[string], { seal: string | null }>(
    'SELECT seal FROM remediation_requests WHERE id = ?',
  );
  const { auditKey } = ctx;

  const fromRow = (row: RequestRow): RemediationRequest => {
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
        approvals: selectApprovals.all(row.id).map((a) => ({
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

  const load = (id: string): RemediationRequest | null => {
    const row = selectRequest.get(id);
    return row ? fromRow(row) : null;
  };

  /**
   * Whether the row, as it is now, carries the seal of its content. Always true without a key (the
   * store then writes no seals). A row that was not sealed by this store (or was changed since)
   * is never re-sealed, so a change cloudsec makes to it cannot launder an edit made outside it.
   */
  const sealIntact = (row: RequestRow): boolean =>
    auditKey === undefined || sealMatches(fromRow(row), row.seal ?? null, auditKey);

  /** Inside the caller's transaction, right after the store changed the row. */
  const reseal = (id: string, intact: boolean): RemediationRequest => {
    const request = load(id)!;
    setSeal.run(auditKey !== undefined && intact ? sealRequest(request, auditKey) : null, id);
    return request;
  };
  // Reads the request and its approvals from one snapshot.
  const read = db.transaction(load);

  // Look-up and insert in one IMMEDIATE transaction: no other writer can add an open request for
  // the target in between. The unique index would refuse one anyway (and does for PostgreSQL).
  const create = db.transaction((row: RequestRow): CreateRequestResult => {
    if (row.undo_of !== null && !selectRequest.get(row.undo_of)) {
      throw new CloudsecError('internal', `Cannot undo request ${row.undo_of}: there is no such request.`);
    }
    const open = selectOpenForTarget.get(row.target);
    if (open) return { created: false, existing: fromRow(open) };
    insertRequest.run(row);
    return { created: true, request: reseal(row.id, true) };
  });

  const transition = db.transaction(
    (id: string, from: readonly string[], to: string, patch: ReturnType<typeof RequestPatchSchema.parse>) => {
      const row = selectRequest.get(id);
      if (!row || !from.includes(row.status)) return null;
      const intact = sealIntact(row);
      const now = nowIso(ctx);
      const next = {
        id,
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
      };
      return updateRequest.run(next).changes === 1 ? reseal(id, intact) : null;
    },
  );

  const approve = db.transaction((id: string, approver: unknown, comment: string | null) => {
    const row = selectRequest.get(id);
    const current = row ? fromRow(row) : null;
    if (!row || !current) return { kind: 'not-found' as const };
    if (current.status !== 'pending') return { kind: 'not-pending' as const, request: current };
    const actor = ActorRefSchema.parse(approver);
    if (current.approvals.some((a) => a.approver.id === actor.id)) {
      return { kind: 'already-approved' as const, request: current };
    }
    const intact = sealIntact(row);
    const now = nowIso(ctx);
    insertApproval.run(id, id, actor.id, toJsonText(actor), now, comment);
    touchRequest.run(now, id);
    return { kind: 'added' as const, request: reseal(id, intact) };
  });

  const checkSeal = (request: RemediationRequest): RequestSealCheck => {
    if (auditKey === undefined) return { ok: true, sealed: false };
    const stored = selectSeal.get(request.id);
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

  return {
    rememberRequesterMessage: async (id, ref) => {
      setRequesterMessage.run(toJsonText(MessageRefSchema.parse(ref)), id);
      const row = selectRequesterMessage.get(id);
      if (!row?.requester_message) return null;
      return MessageRefSchema.parse(fromJsonText(row.requester_message, `requester message of ${id}`));
    },
    createRequest: async (input) => {
      const parsed = NewRequestSchema.parse(input);
      const now = nowIso(ctx);
      return create.immediate({
        id: randomUUID(),
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
      });
    },
    getRequest: async (id) => read(id),
    listRequests: async (query: RequestQuery = {}) => {
      const where: string[] = [];
      const params: string[] = [];
      if (query.statuses !== undefined) {
        if (query.statuses.length === 0) return [];
        where.push(`status IN (${placeholders(query.statuses.length)})`);
        params.push(...query.statuses.map((s) => RequestStatusSchema.parse(s)));
      }
      if (query.target !== undefined) {
        where.push('target = ?');
        params.push(query.target);
      }
      if (query.requesterId !== undefined) {
        where.push('requester_id = ?');
        params.push(query.requesterId);
      }
      if (query.accountId !== undefined) {
        where.push('account_id = ?');
        params.push(query.accountId);
      }
      if (query.expiresBefore !== undefined) {
        where.push('expires_at IS NOT NULL AND expires_at <= ?');
        params.push(toIso(query.expiresBefore));
      }
      // Ties (one clock instant) are broken by rowid so the order is the same every time.
      return listNewestFirst<RequestRow, ReturnType<typeof fromRow>>(
        db,
        { table: 'remediation_requests', where, params, limit: query.limit, tieBreak: 'rowid' },
        fromRow,
      );
    },
    transitionRequest: async (id, from, to, patch = {}) => {
      const statuses = from.map((s) => RequestStatusSchema.parse(s));
      const target = RequestStatusSchema.parse(to);
      return transition.immediate(id, statuses, target, RequestPatchSchema.parse(patch));
    },
    addApproval: async (id, approver, comment = null) => approve.immediate(id, approver, comment),
    verifyRequestSeal: async (request) => checkSeal(request),
  };
};
