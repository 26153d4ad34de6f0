import fs from 'node:fs';
import { SnapshotSchema, type AccountSnapshot, type Snapshot } from '../core/model';
import type {
  SnapshotRequest as CoreSnapshotRequest,
  SnapshotSource as CoreSnapshotSource,
} from '../core/snapshot-source';
import { CloudsecError } from '../errors';
import { formatIssues } from '../config-issues';
import { accountRefOf } from './visible-findings';

/**
 * The core's port (src/core/snapshot-source.ts) with the hand-off the use cases need for estates of
 * hundreds of accounts. Declared here until the core's port carries it: the live source declares
 * the same field (src/aws/live-source.ts), so either side type-checks against the other.
 */
export interface SnapshotRequest extends CoreSnapshotRequest {
  /**
   * Told each account as soon as its collection finished; the snapshot holds what it returns in
   * the account's place. runCheck evaluates the account there and keeps only who it is, so the
   * collected data of a finished account is garbage at once rather than held until the last account
   * is done. A source may ignore it (recorded files are read whole): runCheck then evaluates the
   * accounts it was not told of after `load`.
   */
  onAccount?: (account: AccountSnapshot) => AccountSnapshot;
}

export interface SnapshotSource {
  kind: CoreSnapshotSource['kind'];
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
