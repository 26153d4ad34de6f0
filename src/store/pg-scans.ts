import { randomUUID } from 'node:crypto';
import { FindingSchema } from '../core/model';
import { toIso } from '../core/remediations/request';
import { pgNowIso, pgTransaction, type PgContext } from './pg-context';
import { summarizeFindings } from './scan-summary';
import { ScanInputSchema, ScanRecordSchema, type ScanRecord } from './schemas';
import { fromJsonText, parseStored, positiveLimit, toJsonText } from './stored-values';
import type { Store } from './store';

interface ScanRow {
  id: string;
  scope_key: string;
  generated_at: string;
  saved_at: string;
  finding_count: number;
  summary: string;
  state: string;
}

const INSERT_COLUMNS = 'id, scope_key, generated_at, saved_at, finding_count, summary';
const SCAN_COLUMNS = `${INSERT_COLUMNS}, state`;

const fromRow = (row: ScanRow): ScanRecord =>
  parseStored(
    ScanRecordSchema,
    {
      id: row.id,
      scopeKey: row.scope_key,
      generatedAt: row.generated_at,
      savedAt: row.saved_at,
      findingCount: row.finding_count,
      summary: fromJsonText(row.summary, `summary of scan ${row.id}`),
      state: row.state,
    },
    `scan ${row.id}`,
  );

type ScanMethods = Pick<Store, 'saveScan' | 'getScan' | 'latestScan' | 'scanHistory' | 'findingsOfScan'>;

/**
 * Scans in PostgreSQL, the same as src/store/sqlite-scans.ts. A scan and all its findings are saved
 * in one transaction (the findings in one INSERT from arrays, however many there are), so a scan
 * that fails part-way leaves nothing. `rowid` (BIGSERIAL, pg-migrations.ts) is SQLite's insertion
 * order, the last tie-break of the history.
 */
export const makePgScans = (ctx: PgContext): ScanMethods => {
  const { pool } = ctx;

  const scanHistory = async (scopeKey: string, limit: number): Promise<ScanRecord[]> => {
    // Only complete scans: a streamed scan still running (or given up) is never the latest.
    // Ties on generated_at (two scans of the same snapshot) go to the one saved last.
    const { rows } = await pool.query<ScanRow>(
      `SELECT ${SCAN_COLUMNS} FROM scans WHERE scope_key = $1 AND state = 'complete'
       ORDER BY generated_at DESC, saved_at DESC, rowid DESC LIMIT $2`,
      [scopeKey, positiveLimit(limit) ?? 0],
    );
    return rows.map(fromRow);
  };

  return {
    saveScan: async (input) => {
      const parsed = ScanInputSchema.parse(input);
      const id = randomUUID();
      const summary = toJsonText(parsed.summary ?? summarizeFindings(parsed.findings));
      const generatedAt = toIso(parsed.generatedAt);
      await pgTransaction(ctx, async (client) => {
        await client.query(`INSERT INTO scans (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
          id,
          parsed.scopeKey,
          generatedAt,
          pgNowIso(ctx),
          parsed.findings.length,
          summary,
        ]);
        if (parsed.findings.length === 0) return;
        const f = parsed.findings;
        await client.query(
          `INSERT INTO scan_findings (scan_id, ordinal, finding_id, check_id, account_id, status, severity, body)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
          [
            id,
            f.map((_, i) => i),
            f.map((x) => x.id),
            f.map((x) => x.checkId),
            f.map((x) => x.accountId),
            f.map((x) => x.status),
            f.map((x) => x.severity),
            f.map((x) => toJsonText(x)),
          ],
        );
      });
      return id;
    },
    getScan: async (scanId) => {
      const { rows } = await pool.query<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans WHERE id = $1`, [scanId]);
      return rows[0] ? fromRow(rows[0]) : null;
    },
    latestScan: async (scopeKey) => (await scanHistory(scopeKey, 1))[0] ?? null,
    scanHistory,
    findingsOfScan: async (scanId, options = {}) => {
      // The account filter is one array parameter, however many accounts: no parameter limit.
      const { rows } = await pool.query<{ ordinal: number; body: string }>(
        `SELECT ordinal, body FROM scan_findings WHERE scan_id = $1
           AND (NOT $2::boolean OR status <> 'pass')
           AND ($3::text[] IS NULL OR account_id = ANY($3::text[]))
         ORDER BY ordinal`,
        [scanId, options.notPassing === true, options.accountIds ? [...options.accountIds] : null],
      );
      return rows.map((row) =>
        parseStored(
          FindingSchema,
          fromJsonText(row.body, `finding ${row.ordinal} of scan ${scanId}`),
          `finding ${row.ordinal} of scan ${scanId}`,
        ),
      );
    },
  };
};
