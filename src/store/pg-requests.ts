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
import {
  isUniqueViolation,
  pgNowIso,
  pgPlaceholders,
  pgTransaction,
  type PgContext,
  type PgQueryable,
} from './pg-context';
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
} from './request-rows';
import type { ApprovalResult, CreateRequestResult, RequestQuery } from './schemas';
import { fromJsonText, positiveLimit, toJsonText } from './stored-values';
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

const INSERT_REQUEST = `INSERT INTO remediation_requests (${REQUEST_INSERT_COLUMNS.join(', ')})
  VALUES (${pgPlaceholders(REQUEST_INSERT_COLUMNS.length)})`;

/**
 * How often createRequest or addApproval runs again after a unique index refused its insert: once
 * is enough (the second run finds the row that won), a few more cover a winner that was itself
 * closed and replaced in between.
 */
const UNIQUE_REFUSAL_ATTEMPTS = 4;

/**
 * Remediation requests in PostgreSQL, with the same behaviour as src/store/sqlite-requests.ts. Every
 * read-then-write (create, transition, approve) runs in one SERIALIZABLE transaction (pgTransaction):
 * of replicas racing over one request, PostgreSQL lets one commit and fails the others, whose retry
 * reads what the winner wrote; the status- and version-guarded UPDATE keeps each statement correct
 * on its own. The partial unique index on open targets (migration 3) holds one open request per
 * target whoever writes the row; createRequest turns its refusal into the winner's request.
 */
export const makePgRequests = (ctx: PgContext): RequestMethods => {
  const { pool, auditKey } = ctx;

  const approvalsOf = async (db: PgQueryable, id: string): Promise<ApprovalRow[]> =>
    (
      await db.query<ApprovalRow>(
        'SELECT approver, approved_at, comment FROM request_approvals WHERE request_id = $1 ORDER BY ordinal',
        [id],
      )
    ).rows;

  const fromRow = async (db: PgQueryable, row: RequestRow): Promise<RemediationRequest> =>
    requestFromRow(row, await approvalsOf(db, row.id));

  const selectRow = async (db: PgQueryable, id: string): Promise<RequestRow | undefined> =>
    (await db.query<RequestRow>('SELECT * FROM remediation_requests WHERE id = $1', [id])).rows[0];

  const load = async (db: PgQueryable, id: string): Promise<RemediationRequest | null> => {
    const row = await selectRow(db, id);
    return row ? fromRow(db, row) : null;
  };

  /** Inside the caller's transaction, right after the store changed the row. */
  const reseal = async (db: PgQueryable, id: string, intact: boolean): Promise<RemediationRequest> => {
    const request = (await load(db, id))!;
    await db.query('UPDATE remediation_requests SET seal = $1 WHERE id = $2', [
      requestSealAfterChange(request, intact, auditKey),
      id,
    ]);
    return request;
  };

  const create = (row: NewRequestRow): Promise<CreateRequestResult> =>
    pgTransaction(ctx, async (client) => {
      if (row.undo_of !== null && !(await selectRow(client, row.undo_of))) {
        throw new CloudsecError('internal', `Cannot undo request ${row.undo_of}: there is no such request.`);
      }
      // The statuses spelled out as in the unique index's WHERE, so PostgreSQL can use that index.
      const { rows } = await client.query<RequestRow>(
        `SELECT * FROM remediation_requests WHERE target = $1 AND status IN ${OPEN_STATUSES_SQL}
         ORDER BY created_at, rowid LIMIT 1`,
        [row.target],
      );
      if (rows[0]) return { created: false, existing: await fromRow(client, rows[0]) };
      await client.query(
        INSERT_REQUEST,
        REQUEST_INSERT_COLUMNS.map((column) => row[column]),
      );
      return { created: true, request: await reseal(client, row.id, true) };
    });

  const transition = (id: string, from: readonly string[], to: string, patch: ParsedRequestPatch) =>
    pgTransaction(ctx, async (client) => {
      const row = await selectRow(client, id);
      if (!row || !from.includes(row.status)) return null;
      const intact = auditKey === undefined || requestSealIntact(await fromRow(client, row), row.seal, auditKey);
      const next = requestUpdate(row, to, patch, pgNowIso(ctx));
      const { rowCount } = await client.query(
        `UPDATE remediation_requests SET status = $1, reason = $2, result = $3, decided_by = $4, message = $5,
           updated_at = $6, expires_at = $7, finished_at = $8, version = $9 + 1
         WHERE id = $10 AND status = $11 AND version = $9`,
        [
          next.status,
          next.reason,
          next.result,
          next.decided_by,
          next.message,
          next.updated_at,
          next.expires_at,
          next.finished_at,
          next.version,
          next.id,
          next.previous_status,
        ],
      );
      return rowCount === 1 ? reseal(client, id, intact) : null;
    });

  const approve = (id: string, approver: unknown, comment: string | null): Promise<ApprovalResult> =>
    pgTransaction(ctx, async (client) => {
      const row = await selectRow(client, id);
      if (!row) return { kind: 'not-found' as const };
      const current = await fromRow(client, row);
      if (current.status !== 'pending') return { kind: 'not-pending' as const, request: current };
      const actor = ActorRefSchema.parse(approver);
      if (current.approvals.some((a) => a.approver.id === actor.id)) {
        return { kind: 'already-approved' as const, request: current };
      }
      const intact = requestSealIntact(current, row.seal, auditKey);
      const now = pgNowIso(ctx);
      await client.query(
        `INSERT INTO request_approvals (request_id, ordinal, approver_id, approver, approved_at, comment)
         VALUES ($1, (SELECT COUNT(*) + 1 FROM request_approvals WHERE request_id = $1), $2, $3, $4, $5)`,
        [id, actor.id, toJsonText(actor), now, comment],
      );
      await client.query('UPDATE remediation_requests SET updated_at = $1, version = version + 1 WHERE id = $2', [
        now,
        id,
      ]);
      return { kind: 'added' as const, request: await reseal(client, id, intact) };
    });

  /**
   * Runs `attempt` again when a unique index refused its insert: a concurrent writer committed the
   * row this one's look-up could not see yet, and the next run's look-up does (PostgreSQL usually
   * reports such a collision as a serialization failure, which pgTransaction retries itself).
   */
  const againOnUniqueViolation = async <T>(attempt: () => Promise<T>): Promise<T> => {
    for (let n = 1; ; n += 1) {
      try {
        return await attempt();
      } catch (err) {
        if (!isUniqueViolation(err) || n >= UNIQUE_REFUSAL_ATTEMPTS) throw err;
      }
    }
  };

  return {
    rememberRequesterMessage: async (id, ref) => {
      // The first DM wins: a second one sent meanwhile is not recorded (its sender updates the first).
      await pool.query(
        'UPDATE remediation_requests SET requester_message = $1 WHERE id = $2 AND requester_message IS NULL',
        [toJsonText(MessageRefSchema.parse(ref)), id],
      );
      const { rows } = await pool.query<{ requester_message: string | null }>(
        'SELECT requester_message FROM remediation_requests WHERE id = $1',
        [id],
      );
      const stored = rows[0]?.requester_message;
      if (!stored) return null;
      return MessageRefSchema.parse(fromJsonText(stored, `requester message of ${id}`));
    },
    createRequest: async (input) => {
      const row = newRequestRow(input, randomUUID(), pgNowIso(ctx));
      return againOnUniqueViolation(() => create(row));
    },
    // The request and its approvals from one snapshot.
    getRequest: async (id) => pgTransaction(ctx, (client) => load(client, id)),
    listRequests: async (query: RequestQuery = {}) => {
      const limit = positiveLimit(query.limit);
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown): string => {
        params.push(value);
        return `$${params.length}`;
      };
      if (query.statuses !== undefined) {
        if (query.statuses.length === 0) return [];
        const statuses = query.statuses.map((s) => RequestStatusSchema.parse(s));
        where.push(`status IN (${statuses.map(param).join(', ')})`);
      }
      if (query.target !== undefined) where.push(`target = ${param(query.target)}`);
      if (query.requesterId !== undefined) where.push(`requester_id = ${param(query.requesterId)}`);
      if (query.accountId !== undefined) where.push(`account_id = ${param(query.accountId)}`);
      if (query.expiresBefore !== undefined) {
        where.push(`expires_at IS NOT NULL AND expires_at <= ${param(toIso(query.expiresBefore))}`);
      }
      const sql =
        'SELECT * FROM remediation_requests' +
        (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
        // Ties (one clock instant) are broken by insertion order so the order is the same every time.
        ' ORDER BY created_at DESC, rowid DESC' +
        (limit === undefined ? '' : ` LIMIT ${param(limit)}`);
      // Requests and their approvals from one snapshot, the approvals of all of them in one query.
      return pgTransaction(ctx, async (client) => {
        const { rows } = await client.query<RequestRow>(sql, params);
        if (rows.length === 0) return [];
        const approvals = await client.query<ApprovalRow & { request_id: string }>(
          `SELECT request_id, approver, approved_at, comment FROM request_approvals
           WHERE request_id = ANY($1::text[]) ORDER BY request_id, ordinal`,
          [rows.map((r) => r.id)],
        );
        const byRequest = new Map<string, ApprovalRow[]>();
        for (const a of approvals.rows) {
          const list = byRequest.get(a.request_id) ?? [];
          list.push(a);
          byRequest.set(a.request_id, list);
        }
        return rows.map((row) => requestFromRow(row, byRequest.get(row.id) ?? []));
      });
    },
    transitionRequest: async (id, from, to, patch = {}) => {
      const statuses = from.map((s) => RequestStatusSchema.parse(s));
      const target = RequestStatusSchema.parse(to);
      return transition(id, statuses, target, RequestPatchSchema.parse(patch));
    },
    // An insert refused on (request, approver) is one approver approving twice at once: the next
    // run answers `already-approved`.
    addApproval: async (id, approver, comment = null) => againOnUniqueViolation(() => approve(id, approver, comment)),
    verifyRequestSeal: async (request) => {
      const { rows } = await pool.query<{ seal: string | null }>(
        'SELECT seal FROM remediation_requests WHERE id = $1',
        [request.id],
      );
      return checkRequestSeal(request, rows[0], auditKey);
    },
  };
};
