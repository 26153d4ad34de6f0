import fs from 'node:fs';
import { SnapshotSchema, type Service, type Snapshot } from '../core/model';
import { CloudsecError } from '../errors';
import { formatIssues } from '../config';
import type { AccountRef } from '../core/permissions';
import { accountRefOf } from './visible-findings';

export interface SnapshotRequest {
  /** Snapshot slices to collect: what the selected checks `require` (see slicesFor in run-check.ts). */
  services: readonly Service[];
  /**
   * The services the answer is about (default: `services`). A recorded snapshot without one of
   * them cannot answer; one that lacks only a slice some of their checks read still can, and those
   * checks are reported `unknown` ("not collected in this snapshot").
   */
  reporting?: readonly Service[];
  /** Only these accounts (ids); all in scope when absent. */
  accountIds?: readonly string[];
  /**
   * Only the accounts this admits (the asker's scope: src/app/visible-findings.ts narrowingFor);
   * every account in scope when absent. Sources apply it to their list of accounts before
   * collecting any, so nothing outside the asker's scope is read.
   */
  admitAccount?: (account: AccountRef) => boolean;
  /** Only these regions for regional services; configured regions when absent. */
  regions?: readonly string[];
  /** Progress for long multi-account scans (Slack updates its message with it). */
  onProgress?: (p: { done: number; total: number; accountId: string }) => void;
}

/**
 * Where a snapshot comes from: live AWS, a file written by `cloudsec collect`, or the bundled demo
 * estate. `live` sources are judged at the current time; recorded ones at the time they were taken,
 * so a key's age in a recorded snapshot does not change as the file gets older.
 */
export interface SnapshotSource {
  kind: 'live' | 'recorded';
  load(request: SnapshotRequest): Promise<Snapshot>;
}

export const readSnapshotFile = (path: string): Snapshot => {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CloudsecError('usage', `Cannot read snapshot ${path}: ${(err as Error).message}`);
  }
  const parsed = SnapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const shown = parsed.error.issues.slice(0, 10);
    const more = parsed.error.issues.length - shown.length;
    throw new CloudsecError(
      'usage',
      `${path} is not a cloudsec snapshot:\n${formatIssues(shown, path)}${more > 0 ? `\n  … and ${more} more problems` : ''}`,
    );
  }
  return parsed.data;
};

export const recordedSnapshotSource = (path: string): SnapshotSource => ({
  kind: 'recorded',
  load: async (request) => {
    const snapshot = readSnapshotFile(path);
    const absent = (request.reporting ?? request.services).filter((s) => !snapshot.services.includes(s));
    if (absent.length > 0) {
      throw new CloudsecError(
        'usage',
        `${path} was collected for ${snapshot.services.join(', ')} only; it has no ${absent.join(', ')} data. Collect again with those services.`,
      );
    }
    const admit = request.admitAccount;
    // Recorded data is already collected: narrowing keeps the rest out of the scan and its cache.
    return admit ? { ...snapshot, accounts: snapshot.accounts.filter((a) => admit(accountRefOf(a))) } : snapshot;
  },
});
