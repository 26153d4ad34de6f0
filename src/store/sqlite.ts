import Database from 'better-sqlite3';
import { CloudsecError, isCloudsecError } from '../errors';
import { migrate } from './migrations';
import { prepareDatabaseFiles } from './sqlite-file-modes';
import { makeSqliteAlerts } from './sqlite-alerts';
import { makeSqliteAudit } from './sqlite-audit';
import { makeSqliteAccounts } from './sqlite-accounts';
import type { SqliteContext } from './sqlite-context';
import { makeSqliteDigestState } from './sqlite-digest-state';
import { makeSqliteDigests } from './sqlite-digests';
import { makeSqliteExceptions } from './sqlite-exceptions';
import { makeSqliteGroups } from './sqlite-groups';
import { makeSqliteLocks } from './sqlite-locks';
import { makeSqliteNonces } from './sqlite-nonces';
import { makeSqliteRequests } from './sqlite-requests';
import { makeSqliteScans } from './sqlite-scans';
import { makeSqliteScanJobs } from './sqlite-scan-jobs';
import type { Clock, Store } from './store';

/** Where the database lives when CLOUDSEC_DB is not set (relative to the working directory). */
export const DEFAULT_DB_PATH = './data/cloudsec.db';

export interface SqliteStoreOptions {
  /** A file path; a missing directory is created 0700, the files 0600. `:memory:` works for throwaway stores (one process only). */
  path: string;
  clock: Clock;
  /** CLOUDSEC_AUDIT_KEY: entries get an HMAC and verification requires it. */
  auditKey?: string | undefined;
  /** How long a writer waits for another process's transaction before failing. */
  busyTimeoutMs?: number;
  /** Told when the database's files are readable by others and that cannot be fixed (default: a process warning). */
  warn?: (message: string) => void;
}

/**
 * Opens (creating and migrating as needed) the SQLite store. Several processes may share the file:
 * WAL lets readers run beside the single writer, `busy_timeout` makes writers queue instead of
 * failing, and every write is an IMMEDIATE transaction so it takes the write lock before it reads
 * what it will change. `synchronous = FULL` keeps committed audit entries across power loss too.
 */
export const openSqliteStore = (options: SqliteStoreOptions): Store => {
  const location = options.path;
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  let db: Database.Database;
  try {
    // Folder 0700, files 0600: findings, requests and the audit log are nobody else's to read.
    const warn = options.warn ?? ((message: string) => process.emitWarning(message, 'CloudsecWarning'));
    for (const problem of prepareDatabaseFiles(location)) warn(problem);
    db = new Database(location, { timeout: busyTimeoutMs });
  } catch (err) {
    throw new CloudsecError(
      'config',
      `Cannot open the database ${location}: ${(err as Error).message}. Set CLOUDSEC_DB to a writable file.`,
    );
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, location, () => options.clock().toISOString());
  } catch (err) {
    db.close();
    if (isCloudsecError(err)) throw err;
    throw new CloudsecError('config', `Cannot use the database ${location}: ${(err as Error).message}.`);
  }

  const ctx: SqliteContext = { db, clock: options.clock, auditKey: options.auditKey || undefined };
  return {
    ...makeSqliteAudit(ctx),
    ...makeSqliteScans(ctx),
    ...makeSqliteScanJobs(ctx),
    ...makeSqliteRequests(ctx),
    ...makeSqliteExceptions(ctx),
    ...makeSqliteDigests(ctx),
    ...makeSqliteDigestState(ctx),
    ...makeSqliteLocks(ctx),
    ...makeSqliteGroups(ctx),
    ...makeSqliteNonces(ctx),
    ...makeSqliteAccounts(ctx),
    ...makeSqliteAlerts(ctx),
    close: async () => {
      if (db.open) db.close();
    },
  };
};
