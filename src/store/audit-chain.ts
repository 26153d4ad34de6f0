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
import { fromJsonText, parseStored } from './stored-values';
import type { AuditVerifyOptions } from './store';

/**
 * The audit chain as both databases store it: one row shape, how the next entry is sealed onto the
 * last one, and the page-by-page verification walk. The SQLite and PostgreSQL modules differ only
 * in how they keep two appenders from building on the same last entry.
 */

export interface AuditRow {
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

export const AUDIT_COLUMNS = [
  'seq',
  'time',
  'actor_kind',
  'actor_id',
  'actor_name',
  'action',
  'target',
  'outcome',
  'request_id',
  'details',
  'prev_hash',
  'hash',
  'hmac',
] as const satisfies ReadonlyArray<keyof AuditRow>;

export const AUDIT_COLUMNS_SQL = AUDIT_COLUMNS.join(', ');

export const auditToRow = (e: AuditEntry): AuditRow => ({
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

export const auditFromRow = (row: AuditRow): AuditEntry =>
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

/**
 * The entry that follows `last` (null: the log is empty), secrets redacted, hashed and (with a key)
 * HMAC'd. The caller must hold whatever makes `last` really the last entry until it has inserted.
 */
export const sealNextAuditEntry = (
  input: AuditInput,
  last: { seq: number; hash: string } | null,
  time: string,
  auditKey: string | undefined,
): AuditEntry => {
  const parsed = AuditInputSchema.parse(input);
  return sealAuditEntry(
    {
      seq: (last?.seq ?? 0) + 1,
      time,
      actor: parsed.actor,
      action: parsed.action,
      target: parsed.target === null ? null : redactText(parsed.target),
      outcome: parsed.outcome,
      requestId: parsed.requestId,
      details: redactSecrets(parsed.details),
      prevHash: last?.hash ?? GENESIS_HASH,
    },
    auditKey,
  );
};

/** Rows read per page while verifying. */
export const AUDIT_VERIFY_PAGE = 1000;

export interface AuditChainReader {
  /** The row with this seq, if any. */
  entryAt(seq: number): Promise<AuditRow | undefined>;
  /** Up to `limit` rows with seq > `after`, in seq order. */
  pageAfter(after: number, limit: number): Promise<AuditRow[]>;
}

/**
 * Walks the chain page by page, yielding between pages, so verifying a long log does not stall a
 * running bot. Appends only ever add after the last seq, so paging by seq misses nothing.
 */
export const verifyAuditChain = async (
  reader: AuditChainReader,
  auditKey: string | undefined,
  options: AuditVerifyOptions = {},
): Promise<ChainVerification> => {
  let anchor = GENESIS_ANCHOR;
  let after = 0;
  if (options.fromSeq !== undefined && options.fromSeq > 1) {
    // A slice: from that entry to the newest, anchored on the previous hash the entry names.
    const first = await reader.entryAt(options.fromSeq);
    if (!first) return { ok: false, seq: options.fromSeq, reason: 'the entry is missing: entries were deleted' };
    anchor = { seq: first.seq, prevHash: first.prev_hash };
    after = first.seq - 1;
  }
  const verifier = createChainVerifier(auditKey, anchor);
  for (;;) {
    const rows = await reader.pageAfter(after, AUDIT_VERIFY_PAGE);
    for (const row of rows) {
      let entry: AuditEntry;
      try {
        entry = auditFromRow(row);
      } catch (err) {
        return verifier.fail(row.seq, `the entry cannot be read: ${(err as Error).message}`);
      }
      if (verifier.push(entry)) return verifier.result();
      after = row.seq;
    }
    if (rows.length < AUDIT_VERIFY_PAGE) return verifier.result();
    await new Promise((resolve) => setImmediate(resolve));
  }
};
