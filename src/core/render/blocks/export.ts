import type { Finding } from '../../model';
import type { RenderableFinding } from './finding';
import { headingOf } from '../headline';

/**
 * The export reads what a check report carries. `service` and `observedAt` are required: when they
 * were optional, "Download all" was handed report rows without them and wrote both columns empty.
 */
export type ExportableFinding = RenderableFinding &
  Pick<Finding, 'observedAt' | 'service'> &
  Partial<Pick<Finding, 'source' | 'frameworks'>>;

const COLUMNS: readonly [string, (f: ExportableFinding) => string][] = [
  ['id', (f) => f.id],
  ['status', (f) => f.status],
  ['severity', (f) => f.severity],
  ['check_id', (f) => f.checkId],
  // What is wrong for a failing finding, as on every other surface (headline.ts).
  ['title', (f) => headingOf(f)],
  ['source', (f) => f.source ?? ''],
  ['service', (f) => f.service],
  ['account_id', (f) => f.accountId],
  ['region', (f) => f.region],
  ['resource_type', (f) => f.resource.type],
  ['resource_id', (f) => f.resource.id],
  ['resource_arn', (f) => f.resource.arn ?? ''],
  ['message', (f) => f.message],
  ['remediation_id', (f) => f.remediationId ?? ''],
  ['cis', (f) => f.frameworks?.cis ?? ''],
  ['security_hub_control', (f) => f.frameworks?.securityHub ?? ''],
  [
    'missing_permission',
    (f) => (typeof f.evidence['missingPermission'] === 'string' ? f.evidence['missingPermission'] : ''),
  ],
  ['observed_at', (f) => f.observedAt],
];

/**
 * A spreadsheet opening the file must not run a resource name as a formula (CSV injection): a cell
 * starting with =, +, -, @, tab or carriage return gets a leading apostrophe, which spreadsheets show as
 * text and do not evaluate.
 */
export const defuse = (cell: string): string => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** All findings as CSV (header row, CRLF line ends), for the "Download all" button and file uploads. */
export const findingsToCsv = (findings: readonly ExportableFinding[]): string =>
  [COLUMNS.map(([name]) => name), ...findings.map((f) => COLUMNS.map(([, get]) => defuse(get(f))))]
    .map((row) => row.map(quote).join(','))
    .join('\r\n') + '\r\n';

/** All findings as pretty-printed JSON, same fields as `cloudsec check --format json`. */
export const findingsToJson = (findings: readonly ExportableFinding[]): string =>
  JSON.stringify(
    findings.map((f) => ({
      id: f.id,
      checkId: f.checkId,
      ...(f.source ? { source: f.source } : {}),
      status: f.status,
      severity: f.severity,
      service: f.service,
      accountId: f.accountId,
      region: f.region,
      resource: f.resource,
      title: headingOf(f),
      message: f.message,
      remediationId: f.remediationId,
      ...(f.frameworks ? { frameworks: f.frameworks } : {}),
      evidence: f.evidence,
      observedAt: f.observedAt,
    })),
    null,
    2,
  ) + '\n';
