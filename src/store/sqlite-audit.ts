import {
  AuditEntrySchema,
  AuditInputSchema,
  canonicalJson,
  createChainVerifier,
  GENESIS_ANCHOR,
  GENESIS_HASH,
  redactSecrets,
  redactText,
  sealAuditEntry,
  type AuditEntry,
  type AuditInput,
  type ChainVerification,
} from '../core/audit';
import { fromJsonText, nowIso, parseStored, positiveLimit, type SqliteContext } from './sqlite-context';
import type { AuditQuery, AuditVerifyOptions, Store } from './store';
import { toIso } from '../core/remediations/request';

interface AuditRow {
  seq: number;
  time: string;
  actor_kind: string;
  actor_id: string;
  actor_name: string | null;
  action: string;
  target: string | null;
  outcome: string;
  request_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
  hmac: string | null;
}

const COLUMNS =
  'seq, time, actor_kind, actor_id, actor_name, action, target, outcome, request_id, details, prev_hash, hash, hmac';

const toRow = (e: AuditEntry): AuditRow => ({
  seq: e.seq,
  time: e.time,
  actor_kind: e.actor.kind,
  actor_id: e.actor.id,
  actor_name: e.actor.name ?? null,
  action: e.action,
  target: e.target,
  outcome: e.outcome,
  request_id: e.requestId,
  // Stored canonical, so what is read back is exactly what was hashed.
  details: canonicalJson(e.details),
  prev_hash: e.prevHash,
  hash: e.hash,
  hmac: e.hmac,
});

const fromRow = (row: AuditRow): AuditEntry =>
  parseStored(
    AuditEntrySchema,
    {
      seq: row.seq,
      time: row.time,
      actor: { kind: row.actor_kind, id: row.actor_id, ...(row.actor_name === null ? {} : { name: row.actor_name }) },
      action: row.action,
      target: row.target,
      outcome: row.outcome,
      requestId: row.request_id,
      details: fromJsonText(row.details, `details of audit entry ${row.seq}`),
      prevHash: row.prev_hash,
      hash: row.hash,
      hmac: row.hmac,
    },
    `audit entry ${row.seq}`,
  );

const VERIFY_PAGE = 1000;

type AuditMethods = Pick<Store, 'appendAudit' | 'listAudit' | 'latestAudit' | 'verifyAudit'>;

export const makeSqliteAudit = (ctx: SqliteContext): AuditMethods => {
  const { db } = ctx;
  const lastEntry = db.prepare<[], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1',
  );
  const insert = db.prepare<[AuditRow]>(
    `INSERT INTO audit_entries (${COLUMNS}) VALUES (@seq, @time, @actor_kind, @actor_id, @actor_name, @action, @target, @outcome, @request_id, @details, @prev_hash, @hash, @hmac)`,
  );

  // Reading the last hash and inserting after it must be one IMMEDIATE transaction: it takes the
  // write lock first, so two processes can never both build on the same last entry.
  const append = db.transaction((input: AuditInput): AuditEntry => {
    const parsed = AuditInputSchema.parse(input);
    const last = lastEntry.get();
    const entry = sealAuditEntry(
      {
        seq: (last?.seq ?? 0) + 1,
        time: nowIso(ctx),
        actor: parsed.actor,
        action: parsed.action,
        target: parsed.target === null ? null : redactText(parsed.target),
        outcome: parsed.outcome,
        requestId: parsed.requestId,
        details: redactSecrets(parsed.details),
        prevHash: last?.hash ?? GENESIS_HASH,
      },
      ctx.auditKey,
    );
    insert.run(toRow(entry));
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
      `SELECT ${COLUMNS} FROM audit_entries` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY seq ${query.order === 'desc' ? 'DESC' : 'ASC'}` +
      (limit === undefined ? '' : ` LIMIT ${limit}`);
    return db
      .prepare<Array<string | number>, AuditRow>(sql)
      .all(...params)
      .map(fromRow);
  };

  const page = db.prepare<[number, number], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_entries WHERE seq > ? ORDER BY seq ASC LIMIT ?`,
  );

  const entryAt = db.prepare<[number], AuditRow>(`SELECT ${COLUMNS} FROM audit_entries WHERE seq = ?`);

  // Page by page, yielding between pages, so verifying a long log does not stall a running bot.
  // Appends only ever add after the last seq, so paging by seq misses nothing.
  const verifyAudit = async (options: AuditVerifyOptions = {}): Promise<ChainVerification> => {
    let anchor = GENESIS_ANCHOR;
    let after = 0;
    if (options.fromSeq !== undefined && options.fromSeq > 1) {
      // A slice: from that entry to the newest, anchored on the previous hash the entry names.
      const first = entryAt.get(options.fromSeq);
      if (!first) return { ok: false, seq: options.fromSeq, reason: 'the entry is missing: entries were deleted' };
      anchor = { seq: first.seq, prevHash: first.prev_hash };
      after = first.seq - 1;
    }
    const verifier = createChainVerifier(ctx.auditKey, anchor);
    for (;;) {
      const rows = page.all(after, VERIFY_PAGE);
      for (const row of rows) {
        let entry: AuditEntry;
        try {
          entry = fromRow(row);
        } catch (err) {
          return verifier.fail(row.seq, `the entry cannot be read: ${(err as Error).message}`);
        }
        if (verifier.push(entry)) return verifier.result();
        after = row.seq;
      }
      if (rows.length < VERIFY_PAGE) return verifier.result();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  return {
    appendAudit: async (input) => append.immediate(input),
    listAudit,
    latestAudit: async (n) => listAudit({ order: 'desc', limit: n }),
    verifyAudit,
  };
};
