import fs from 'node:fs';
import path from 'node:path';
import { resolveHomeRegion } from './aws/clients';
import type { ExportRow } from './core/exceptions/model';
import type { Snapshot } from './core/model';
import { writeExport } from './core/outputs';
import { renderAsff } from './core/outputs/asff';
import type { CheckReport } from './core/render/report';
import { renderAcceptedRisksText, renderCheckText } from './core/render/text';
import { packageRoot } from './paths';

/** `cloudsec check --format` values. */
export const CHECK_FORMATS = ['text', 'json', 'ocsf', 'asff', 'csv'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** cloudsec's version for OCSF metadata, from its package.json; `unknown` rather than a guess. */
const productVersion = (): string => {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
    const version = (pkg as { version?: unknown } | null)?.version;
    return typeof version === 'string' && version !== '' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
};

export interface CheckAnswer {
  /** What is shown: findings hidden by accepted risks are under `report.acceptedRisks`. */
  report: CheckReport;
  /** Every finding, a hidden one carrying its exception (the file formats write them all). */
  rows: readonly ExportRow[];
  snapshot: Pick<Snapshot, 'accounts'>;
  now: Date;
}

/** The text `cloudsec check` prints in `format`: the report (text, json) or a file format's writer. */
export const checkOutput = async (format: CheckFormat, answer: CheckAnswer): Promise<string> => {
  const { report, rows, snapshot, now } = answer;
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'asff':
      // Account-wide findings go to the home region, as `publish` sends them (us-east-1 without one).
      return renderAsff(rows, {
        now,
        partition: snapshot.accounts[0]?.partition ?? 'aws',
        homeRegion: (await resolveHomeRegion()) ?? 'us-east-1',
      });
    case 'ocsf':
    case 'csv':
      return writeExport(format, rows, {
        now,
        productVersion: productVersion(),
        accountNames: new Map(snapshot.accounts.map((a) => [a.accountId, a.accountName])),
      });
    default:
      return renderCheckText(report) + renderAcceptedRisksText(report);
  }
};
