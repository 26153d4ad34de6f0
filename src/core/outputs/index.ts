import type { ExportRow } from '../exceptions/model';
import { writeCsv } from './csv';
import { writeOcsf, type OcsfContext } from './ocsf';

/**
 * Findings as data: one pure writer per format, shared by the CLI (`cloudsec check --format …`) and
 * Slack's "Download all". Each takes the findings with the accepted risk that hides them, if any.
 */

export { writeCsv, CSV_COLUMNS, defuse, quote, type CsvRow, type ExportableFinding } from './csv';
export {
  writeOcsf,
  toOcsf,
  OCSF_VERSION,
  OCSF_CLASS,
  OCSF_CATEGORY,
  type OcsfContext,
  type OcsfComplianceFinding,
} from './ocsf';

/** What any writer may need besides the rows (the OCSF writer's context is the widest). */
export type ExportContext = OcsfContext;

/** File formats with a writer here. (asff: added with src/core/outputs/asff.ts.) */
export const EXPORT_FORMATS = ['ocsf', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const WRITERS: Record<ExportFormat, (rows: readonly ExportRow[], ctx: ExportContext) => string> = {
  ocsf: writeOcsf,
  csv: (rows) => writeCsv(rows),
  // asff: (rows, ctx) => writeAsff(rows, …),  ← the ASFF writer joins here
};

/** The text of `rows` in `format`. */
export const writeExport = (format: ExportFormat, rows: readonly ExportRow[], ctx: ExportContext): string =>
  WRITERS[format](rows, ctx);
