import { writeCsv, type ExportableFinding } from '../../outputs/csv';
import { headingOf } from '../headline';

// The CSV writer lives in src/core/outputs (one writer per format, shared with the CLI); these
// names stay importable from here for the digest's CSV and older importers.
export { defuse, quote, type ExportableFinding } from '../../outputs/csv';

/**
 * All findings as CSV (header row, CRLF line ends), for the "Download all" button and file uploads:
 * the shared writer, with no accepted risks (its exception columns stay empty).
 */
export const findingsToCsv = (findings: readonly ExportableFinding[]): string =>
  writeCsv(findings.map((finding) => ({ finding })));

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
