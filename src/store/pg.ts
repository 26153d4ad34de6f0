import { Pool, types as pgTypes } from 'pg';
import { redactDatabaseUrl } from '../config';
import { CloudsecError, isCloudsecError } from '../errors';
import type { PgContext } from './pg-context';
import { createPgSchema, migratePostgres } from './pg-migrations';
import { makePgAccounts } from './pg-accounts';
import { makePgAlerts } from './pg-alerts';
import { makePgAudit } from './pg-audit';
import { makePgDigestState } from './pg-digest-state';
import { makePgDigests } from './pg-digests';
import { makePgExceptions } from './pg-exceptions';
import { makePgGroups } from './pg-groups';
import { makePgLocks } from './pg-locks';
import { makePgNonces } from './pg-nonces';
import { makePgRequests } from './pg-requests';
import { makePgScans } from './pg-scans';
import { makePgScanJobs } from './pg-scan-jobs';
import type { Clock, Store } from './store';

export interface PostgresStoreOptions {
  /** CLOUDSEC_DATABASE_URL: `postgres://user:password@host:5432/database`. */
  url: string;
  clock: Clock;
  /** CLOUDSEC_AUDIT_KEY: entries get an HMAC and verification requires it. */
  auditKey?: string | undefined;
  /**
   * The schema cloudsec's tables live in (created if missing; default `public`). Tests give each run
   * its own; an installation can share a database with other software by naming one.
   */
  schema?: string;
  /** Connections per process (default 10). */
  poolSize?: number;
}

/** A schema name we put into SQL: plain identifiers only, so no quoting games are possible. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** BIGINT and COUNT(*) arrive as strings by default; every one cloudsec stores fits a double exactly. */
const parsers = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? (value: string) => Number(value)
      : pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser,
};

/**
 * The URL without its passwords (userinfo and `?password=`-like parameters), for messages. It lives
 * with the validation of CLOUDSEC_DATABASE_URL in config.ts, whose messages need it too.
 */
export { redactDatabaseUrl };

/**
 * Opens (creating and migrating as needed) the PostgreSQL store: the same Store contract as SQLite,
 * for several replicas sharing one database. Every write runs in a SERIALIZABLE transaction retried
 * on conflict (pg-context.ts), which is what SQLite's IMMEDIATE transactions give a single file.
 */
export const openPostgresStore = async (options: PostgresStoreOptions): Promise<Store> => {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new CloudsecError('config', `The database schema "${schema}" is not a plain lower-case identifier.`);
  }
  const where = redactDatabaseUrl(options.url);
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types: parsers,
    // Every connection works in cloudsec's schema, whatever the server's default search path.
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection the server dropped must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  try {
    // Under the migrations' advisory lock: replicas starting together on a new schema would collide.
    await createPgSchema(pool, schema);
    await migratePostgres(pool, where, () => options.clock().toISOString());
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (isCloudsecError(err)) throw err;
    throw new CloudsecError(
      'config',
      `Cannot use the database ${where}: ${(err as Error).message}. Check CLOUDSEC_DATABASE_URL and that PostgreSQL is running.`,
    );
  }

  const ctx: PgContext = { pool, clock: options.clock, auditKey: options.auditKey || undefined };
  let closed = false;
  return {
    ...makePgAudit(ctx),
    ...makePgScans(ctx),
    ...makePgScanJobs(ctx),
    ...makePgRequests(ctx),
    ...makePgExceptions(ctx),
    ...makePgDigests(ctx),
    ...makePgDigestState(ctx),
    ...makePgLocks(ctx),
    ...makePgGroups(ctx),
    ...makePgNonces(ctx),
    ...makePgAccounts(ctx),
    ...makePgAlerts(ctx),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
};
