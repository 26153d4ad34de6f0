import type { AuditEntry, AuditInput } from '../core/audit';
import {
  AUDIT_COLUMNS_SQL,
  auditFromRow,
  auditToRow,
  sealNextAuditEntry,
  verifyAuditChain,
  type AuditRow,
} from './audit-chain';
import { nowIso, positiveLimit, type SqliteContext } from './sqlite-context';
import type { AuditQuery, Store } from './store';
import { toIso } from '../core/remediations/request';

type AuditMethods = Pick<Store, 'appendAudit' | 'listAudit' | 'latestAudit' | 'verifyAudit'>;

export const makeSqliteAudit = (ctx: SqliteContext): AuditMethods => {
  const { db } = ctx;
  const lastEntry = db.prepare<[], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1',
  );
  const insert = db.prepare<[AuditRow]>(
    `INSERT INTO audit_entries (${AUDIT_COLUMNS_SQL}) VALUES (@seq, @time, @actor_kind, @actor_id, @actor_name, @action, @target, @outcome, @request_id, @details, @prev_hash, @hash, @hmac)`,
  );

  // Reading the last hash and inserting after it must be one IMMEDIATE transaction: it takes the
  // write lock first, so two processes can never both build on the same last entry.
  const append = db.transaction((input: AuditInput): AuditEntry => {
    const entry = sealNextAuditEntry(input, lastEntry.get() ?? null, nowIso(ctx), ctx.auditKey);
    insert.run(auditToRow(entry));
    return entry;
  });

  const listAudit = async (query: AuditQuery = {}): Promise<AuditEntry[]> => {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.sinceSeq !== undefined) {
      where.push('seq >= ?');
      params.push(query.sinceSeq);
    }
    if (query.sinceTime !== undefined) {
      where.push('time >= ?');
      params.push(toIso(query.sinceTime));
    }
    if (query.requestId !== undefined) {
      where.push('request_id = ?');
      params.push(query.requestId);
    }
    const limit = positiveLimit(query.limit);
    const sql =
      `SELECT ${AUDIT_COLUMNS_SQL} FROM audit_entries` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY seq ${query.order === 'desc' ? 'DESC' : 'ASC'}` +
      (limit === undefined ? '' : ` LIMIT ${limit}`);
    return db
      .prepare<Array<string | number>, AuditRow>(sql)
      .all(...params)
      .map(auditFromRow);
  };

  const page = db.prepare<[number, number], AuditRow>(
    `SELECT ${AUDIT_COLUMNS_SQL} FROM audit_entries WHERE seq > ? ORDER BY seq ASC LIMIT ?`,
  );
  const entryAt = db.prepare<[number], AuditRow>(`SELECT ${AUDIT_COLUMNS_SQL} FROM audit_entries WHERE seq = ?`);

  return {
    appendAudit: async (input) => append.immediate(input),
    listAudit,
    latestAudit: async (n) => listAudit({ order: 'desc', limit: n }),
    verifyAudit: (options) =>
      verifyAuditChain(
        { entryAt: async (seq) => entryAt.get(seq), pageAfter: async (after, limit) => page.all(after, limit) },
        ctx.auditKey,
        options,
      ),
  };
};
