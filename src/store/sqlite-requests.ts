import { randomUUID } from 'node:crypto';
import { CloudsecError } from '../errors';
import {
  ActorRefSchema,
  MessageRefSchema,
  RequestPatchSchema,
  RequestStatusSchema,
  toIso,
  type RemediationRequest,
} from '../core/remediations/request';
import type { CreateRequestResult, RequestQuery } from './schemas';
import { fromJsonText, nowIso, placeholders, listNewestFirst, toJsonText, type SqliteContext } from './sqlite-context';
import {
  checkRequestSeal,
  newRequestRow,
  OPEN_STATUSES_SQL,
  REQUEST_INSERT_COLUMNS,
  requestFromRow,
  requestSealAfterChange,
  requestSealIntact,
  requestUpdate,
  type ApprovalRow,
  type NewRequestRow,
  type ParsedRequestPatch,
  type RequestRow,
  type RequestUpdate,
} from './request-rows';
import type { Store } from './store';

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
  const insertRequest = db.prepare<[NewRequestRow]>(
    `INSERT INTO remediation_requests (${REQUEST_INSERT_COLUMNS.join(', ')})
     VALUES (${REQUEST_INSERT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const selectRequest = db.prepare<[string], RequestRow>('SELECT * FROM remediation_requests WHERE id = ?');
  // The statuses spelled out as in the unique index's WHERE, so SQLite can answer from that index.
  const selectOpenForTarget = db.prepare<[string], RequestRow>(
    `SELECT * FROM remediation_requests WHERE target = ? AND status IN ${OPEN_STATUSES_SQL}
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

  const fromRow = (row: RequestRow): RemediationRequest => requestFromRow(row, selectApprovals.all(row.id));

  const load = (id: string): RemediationRequest | null => {
    const row = selectRequest.get(id);
    return row ? fromRow(row) : null;
  };

  /** Whether the row, as it is now, carries the seal of its content (see requestSealIntact). */
  const sealIntact = (row: RequestRow): boolean =>
    auditKey === undefined || requestSealIntact(fromRow(row), row.seal, auditKey);

  /** Inside the caller's transaction, right after the store changed the row. */
  const reseal = (id: string, intact: boolean): RemediationRequest => {
    const request = load(id)!;
    setSeal.run(requestSealAfterChange(request, intact, auditKey), id);
    return request;
  };
  // Reads the request and its approvals from one snapshot.
  const read = db.transaction(load);

  // Look-up and insert in one IMMEDIATE transaction: no other writer can add an open request for
  // the target in between. The unique index would refuse one anyway (and does for PostgreSQL).
  const create = db.transaction((row: NewRequestRow): CreateRequestResult => {
    if (row.undo_of !== null && !selectRequest.get(row.undo_of)) {
      throw new CloudsecError('internal', `Cannot undo request ${row.undo_of}: there is no such request.`);
    }
    const open = selectOpenForTarget.get(row.target);
    if (open) return { created: false, existing: fromRow(open) };
    insertRequest.run(row);
    return { created: true, request: reseal(row.id, true) };
  });

  const transition = db.transaction((id: string, from: readonly string[], to: string, patch: ParsedRequestPatch) => {
    const row = selectRequest.get(id);
    if (!row || !from.includes(row.status)) return null;
    const intact = sealIntact(row);
    return updateRequest.run(requestUpdate(row, to, patch, nowIso(ctx))).changes === 1 ? reseal(id, intact) : null;
  });

  const approve = db.transaction((id: string, approver: unknown, comment: string | null) => {
    const row = selectRequest.get(id);
    const current = row ? fromRow(row) : null;
    if (!row || !current) return { kind: 'not-found' as const };
    if (current.status !== 'pending') return { kind: 'not-pending' as const, request: current };
    const actor = ActorRefSchema.parse(approver);
    if (current.approvals.some((a) => a.approver.id === actor.id)) {
      return { kind: 'already-approved' as const, request: current };
    }
    const intact = requestSealIntact(current, row.seal, auditKey);
    const now = nowIso(ctx);
    insertApproval.run(id, id, actor.id, toJsonText(actor), now, comment);
    touchRequest.run(now, id);
    return { kind: 'added' as const, request: reseal(id, intact) };
  });

  return {
    rememberRequesterMessage: async (id, ref) => {
      setRequesterMessage.run(toJsonText(MessageRefSchema.parse(ref)), id);
      const row = selectRequesterMessage.get(id);
      if (!row?.requester_message) return null;
      return MessageRefSchema.parse(fromJsonText(row.requester_message, `requester message of ${id}`));
    },
    createRequest: async (input) => create.immediate(newRequestRow(input, randomUUID(), nowIso(ctx))),
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
      return listNewestFirst<RequestRow, RemediationRequest>(
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
    verifyRequestSeal: async (request) => checkRequestSeal(request, selectSeal.get(request.id), auditKey),
  };
};
