import type { AuditEntry, AuditInput } from '../core/audit';
import { toIso } from '../core/remediations/request';
import {
  AUDIT_COLUMNS,
  AUDIT_COLUMNS_SQL,
  auditFromRow,
  auditToRow,
  sealNextAuditEntry,
  verifyAuditChain,
  type AuditRow,
} from './audit-chain';
import { pgNowIso, pgPlaceholders, type PgContext } from './pg-context';
import { positiveLimit } from './stored-values';
import type { AuditQuery, Store } from './store';

type AuditMethods = Pick<Store, 'appendAudit' | 'listAudit' | 'latestAudit' | 'verifyAudit'>;

/**
 * The advisory lock every append takes (class id; the object id is the schema's hash, so cloudsec
 * installations in different schemas of one database do not wait on each other).
 */
const AUDIT_LOCK_CLASS = 0x61756474; // "audt"

const INSERT_ENTRY = `INSERT INTO audit_entries (${AUDIT_COLUMNS_SQL}) VALUES (${pgPlaceholders(AUDIT_COLUMNS.length)})`;

/**
 * The audit log in PostgreSQL, the same chain as src/store/sqlite-audit.ts. Replicas append to one
 * log, so an append is: take the audit advisory lock, read the last entry, insert the next one,
 * commit (which releases the lock). Appenders therefore run one after another and the chain stays
 * linear; the primary key on seq is the backstop against a writer that skips the lock.
 *
 * The append runs in READ COMMITTED, not in pgTransaction's SERIALIZABLE: a SERIALIZABLE transaction
 * takes its snapshot when its first statement starts, i.e. before it waits for the lock, so after
 * the wait it would still see the last entry as it was before the previous holder committed, build
 * on it and fail (and retry) every time two appends meet. In READ COMMITTED the read after the lock
 * sees every append committed before it, which the lock makes all of them.
 */
export const makePgAudit = (ctx: PgContext): AuditMethods => {
  const { pool } = ctx;

  const appendAudit = async (input: AuditInput): Promise<AuditEntry> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [AUDIT_LOCK_CLASS]);
      const { rows } = await client.query<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1',
      );
      // The time is read under the lock too, so times never go backwards along the chain.
      const entry = sealNextAuditEntry(input, rows[0] ?? null, pgNowIso(ctx), ctx.auditKey);
      const row = auditToRow(entry);
      await client.query(
        INSERT_ENTRY,
        AUDIT_COLUMNS.map((column) => row[column]),
      );
      await client.query('COMMIT');
      return entry;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true; // the connection itself failed: do not hand it back to the pool
      });
      throw err;
    } finally {
      client.release(broken);
    }
  };

  const listAudit = async (query: AuditQuery = {}): Promise<AuditEntry[]> => {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.sinceSeq !== undefined) {
      params.push(query.sinceSeq);
      where.push(`seq >= $${params.length}`);
    }
    if (query.sinceTime !== undefined) {
      params.push(toIso(query.sinceTime));
      where.push(`time >= $${params.length}`);
    }
    if (query.requestId !== undefined) {
      params.push(query.requestId);
      where.push(`request_id = $${params.length}`);
    }
    const limit = positiveLimit(query.limit);
    const sql =
      `SELECT ${AUDIT_COLUMNS_SQL} FROM audit_entries` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY seq ${query.order === 'desc' ? 'DESC' : 'ASC'}` +
      (limit === undefined ? '' : ` LIMIT ${limit}`);
    return (await pool.query<AuditRow>(sql, params)).rows.map(auditFromRow);
  };

  return {
    appendAudit,
    listAudit,
    latestAudit: async (n) => listAudit({ order: 'desc', limit: n }),
    verifyAudit: (options) =>
      verifyAuditChain(
        {
          entryAt: async (seq) =>
            (await pool.query<AuditRow>(`SELECT ${AUDIT_COLUMNS_SQL} FROM audit_entries WHERE seq = $1`, [seq]))
              .rows[0],
          pageAfter: async (after, limit) =>
            (
              await pool.query<AuditRow>(
                `SELECT ${AUDIT_COLUMNS_SQL} FROM audit_entries WHERE seq > $1 ORDER BY seq ASC LIMIT $2`,
                [after, limit],
              )
            ).rows,
        },
        ctx.auditKey,
        options,
      ),
  };
};
