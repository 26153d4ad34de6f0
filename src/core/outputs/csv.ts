import type { Finding } from '../model';
import type { ExceptionNote } from '../exceptions/model';
import { headingOf } from '../render/headline';

/**
 * The one CSV writer: `cloudsec check --format csv` and the digest's "Download all" both call it, so
 * a spreadsheet built on one reads the other. Pure: rows in, text out.
 */

/**
 * What the writer reads from a finding. `service` and `observedAt` are required: when they were
 * optional, "Download all" was handed report rows without them and wrote both columns empty.
 * `source` and `frameworks` may be absent (report rows stored before they existed).
 */
export type ExportableFinding = Pick<
  Finding,
  | 'id'
  | 'checkId'
  | 'status'
  | 'severity'
  | 'service'
  | 'accountId'
  | 'region'
  | 'resource'
  | 'title'
  | 'message'
  | 'remediationId'
  | 'evidence'
  | 'observedAt'
> &
  Partial<Pick<Finding, 'source' | 'frameworks'>>;

/** A row to write: an `ExportRow` (exceptions/model.ts) qualifies, as does a report row without an exception. */
export interface CsvRow {
  finding: ExportableFinding;
  exception?: ExceptionNote | undefined;
}

const COLUMNS: readonly [string, (r: CsvRow) => string][] = [
  ['id', ({ finding: f }) => f.id],
  ['status', ({ finding: f }) => f.status],
  ['severity', ({ finding: f }) => f.severity],
  ['check_id', ({ finding: f }) => f.checkId],
  // What is wrong for a failing finding, as on every other surface (headline.ts).
  ['title', ({ finding: f }) => headingOf(f)],
  ['source', ({ finding: f }) => f.source ?? ''],
  ['service', ({ finding: f }) => f.service],
  ['account_id', ({ finding: f }) => f.accountId],
  ['region', ({ finding: f }) => f.region],
  ['resource_type', ({ finding: f }) => f.resource.type],
  ['resource_id', ({ finding: f }) => f.resource.id],
  ['resource_arn', ({ finding: f }) => f.resource.arn ?? ''],
  ['message', ({ finding: f }) => f.message],
  ['remediation_id', ({ finding: f }) => f.remediationId ?? ''],
  ['cis', ({ finding: f }) => f.frameworks?.cis ?? ''],
  ['security_hub_control', ({ finding: f }) => f.frameworks?.securityHub ?? ''],
  [
    'missing_permission',
    ({ finding: f }) => (typeof f.evidence['missingPermission'] === 'string' ? f.evidence['missingPermission'] : ''),
  ],
  ['observed_at', ({ finding: f }) => f.observedAt],
  // Added with accepted risks (issue 14): appended, so that readers that count columns keep working.
  // Empty when no exception hides the finding.
  ['exception_id', ({ exception }) => exception?.id ?? ''],
  ['exception_reason', ({ exception }) => exception?.reason ?? ''],
  ['exception_owner', ({ exception }) => exception?.owner ?? ''],
  ['exception_expires', ({ exception }) => exception?.expiresAt ?? ''],
];

/** The header row's column names, in order. */
export const CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

/**
 * A spreadsheet opening the file must not run a resource name as a formula (CSV injection): a cell
 * starting with =, +, -, @, tab or carriage return gets a leading apostrophe, which spreadsheets show as
 * text and do not evaluate.
 */
export const defuse = (cell: string): string => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

const line = (cells: readonly string[]): string => cells.map((c) => quote(defuse(c))).join(',');

/** All rows as CSV: a header row, then one row per finding, every line ending in CRLF (RFC 4180). */
export const writeCsv = (rows: readonly CsvRow[]): string =>
  [line(CSV_COLUMNS), ...rows.map((r) => line(COLUMNS.map(([, get]) => get(r))))].join('\r\n') + '\r\n';
