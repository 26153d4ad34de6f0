import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CloudsecError, isCloudsecError } from '../errors';
import { migrate } from './migrations';
import { makeSqliteAudit } from './sqlite-audit';
import type { SqliteContext } from './sqlite-context';
import { makeSqliteDigestState } from './sqlite-digest-state';
import { makeSqliteDigests } from './sqlite-digests';
import { makeSqliteGroups } from './sqlite-groups';
import { makeSqliteLocks } from './sqlite-locks';
import { makeSqliteNonces } from './sqlite-nonces';
import { makeSqliteRequests } from './sqlite-requests';
import { makeSqliteScans } from './sqlite-scans';
import type { Clock, Store } from './store';

/** Where the database lives when CLOUDSEC_DB is not set (relative to the working directory). */
export const DEFAULT_DB_PATH = './data/cloudsec.db';

export interface SqliteStoreOptions {
  /** A file path; its directory is created. `:memory:` works for throwaway stores (one process only). */
  path: string;
  clock: Clock;
  /** CLOUDSEC_AUDIT_KEY: entries get an HMAC and verification requires it. */
  auditKey?: string | undefined;
  /** How long a writer waits for another process's transaction before failing. */
  busyTimeoutMs?: number;
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
    if (location !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
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
    ...makeSqliteRequests(ctx),
    ...makeSqliteDigests(ctx),
    ...makeSqliteDigestState(ctx),
    ...makeSqliteLocks(ctx),
    ...makeSqliteGroups(ctx),
    ...makeSqliteNonces(ctx),
    close: async () => {
      if (db.open) db.close();
    },
  };
};
