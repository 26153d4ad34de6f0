import { randomUUID } from 'node:crypto';
import { FindingSchema, type Finding } from '../core/model';
import { summarizeFindings } from './scan-summary';
import { toIso } from '../core/remediations/request';
import { ScanInputSchema, ScanRecordSchema, type ScanRecord } from './schemas';
import { fromJsonText, nowIso, parseStored, positiveLimit, toJsonText, type SqliteContext } from './sqlite-context';
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

export const makeSqliteScans = (ctx: SqliteContext): ScanMethods => {
  const { db } = ctx;
  const insertScan = db.prepare(
    'INSERT INTO scans (id, scope_key, generated_at, saved_at, finding_count, summary) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertFinding = db.prepare(
    'INSERT INTO scan_findings (scan_id, ordinal, finding_id, check_id, account_id, status, severity, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const selectScan = db.prepare<[string], ScanRow>('SELECT * FROM scans WHERE id = ?');
  // Only complete scans: a streamed scan still running (or given up) is never the latest.
  // Ties on generated_at (two scans of the same snapshot) go to the one saved last.
  const selectHistory = db.prepare<[string, number], ScanRow>(
    `SELECT * FROM scans WHERE scope_key = ? AND state = 'complete'
     ORDER BY generated_at DESC, saved_at DESC, rowid DESC LIMIT ?`,
  );
  // The account filter is one JSON array parameter, however many accounts: no parameter limit.
  const selectFindings = db.prepare<[string, number, number, string | null], { ordinal: number; body: string }>(
    `SELECT ordinal, body FROM scan_findings WHERE scan_id = ?
       AND (? = 0 OR status <> 'pass')
       AND (? = 0 OR account_id IN (SELECT value FROM json_each(?)))
     ORDER BY ordinal`,
  );

  const save = db.transaction(
    (id: string, scopeKey: string, generatedAt: string, findings: Finding[], summary: string) => {
      insertScan.run(id, scopeKey, generatedAt, nowIso(ctx), findings.length, summary);
      findings.forEach((f, i) =>
        insertFinding.run(id, i, f.id, f.checkId, f.accountId, f.status, f.severity, toJsonText(f)),
      );
    },
  );

  const scanHistory = async (scopeKey: string, limit: number): Promise<ScanRecord[]> =>
    selectHistory.all(scopeKey, positiveLimit(limit) ?? 0).map(fromRow);

  return {
    saveScan: async (input) => {
      const parsed = ScanInputSchema.parse(input);
      const id = randomUUID();
      const summary = parsed.summary ?? summarizeFindings(parsed.findings);
      save.immediate(id, parsed.scopeKey, toIso(parsed.generatedAt), parsed.findings, toJsonText(summary));
      return id;
    },
    getScan: async (scanId) => {
      const row = selectScan.get(scanId);
      return row ? fromRow(row) : null;
    },
    latestScan: async (scopeKey) => (await scanHistory(scopeKey, 1))[0] ?? null,
    scanHistory,
    findingsOfScan: async (scanId, options = {}) =>
      selectFindings
        .all(
          scanId,
          options.notPassing ? 1 : 0,
          options.accountIds ? 1 : 0,
          options.accountIds ? JSON.stringify([...options.accountIds]) : null,
        )
        .map((row) =>
          parseStored(
            FindingSchema,
            fromJsonText(row.body, `finding ${row.ordinal} of scan ${scanId}`),
            `finding ${row.ordinal} of scan ${scanId}`,
          ),
        ),
  };
};
