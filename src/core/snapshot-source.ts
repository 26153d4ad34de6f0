import type { AccountRef } from './access/permissions';
import type { Service, Snapshot } from './model';

/**
 * The port through which use cases get a snapshot; implemented by the live AWS source
 * (src/aws/live-source.ts) and by recorded files (src/app/snapshot-source.ts). Owned by the core so
 * that neither side imports the other.
 */

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
