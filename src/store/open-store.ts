/* eslint-disable @typescript-eslint/no-require-imports -- the PostgreSQL modules load only when PostgreSQL is used (below) */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Pool } from 'pg';
import { postgresUrlProblem, readEnv, redactDatabaseUrl, schemaNameProblem } from '../config';
import { CloudsecError } from '../errors';
import type { PgQueryable } from './pg-context';
import { latestSchemaVersion, MIGRATIONS } from './migrations';
import { DEFAULT_DB_PATH, openSqliteStore } from './sqlite';
import type { Clock, Store } from './store';

/*
 * The `pg` driver and cloudsec's PostgreSQL store (pg.ts, its fifteen pg-*.ts modules and the
 * migrations' SQL) are loaded when a PostgreSQL database is first opened, not with this module:
 * a bot on SQLite — one container, the default — never needs them, and they were ~3 MB of its idle
 * heap and ~80 ms of its start-up (`npm run bench:idle`). Types come from `import type`, which loads
 * nothing; test/main-lazy-loading.test.ts keeps a static import from bringing them back.
 */
const pgDriver = (): typeof import('pg') => require('pg');
const pgStore = (): typeof import('./pg') => require('./pg');
const pgMigrations = (): typeof import('./pg-migrations') => require('./pg-migrations');

/**
 * Which database cloudsec uses, chosen from the environment: CLOUDSEC_DATABASE_URL (postgres:// or
 * postgresql://) selects PostgreSQL, for several replicas; otherwise the SQLite file at CLOUDSEC_DB.
 * The URL wins over CLOUDSEC_DB because the image sets CLOUDSEC_DB by default.
 */
export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };

export const DEFAULT_PG_SCHEMA = 'public';

/**
 * Refuses anything but a postgres:// or postgresql:// URL, naming it without its password (for
 * `db copy --to`; CLOUDSEC_DATABASE_URL is checked by the same rule in config.ts's EnvSchema).
 */
export const checkPostgresUrl = (url: string, what: string): string => {
  const problem = postgresUrlProblem(url);
  if (problem !== null) throw new CloudsecError('config', `${what} ${problem}`);
  return url;
};

export const checkSchemaName = (schema: string, what: string): string => {
  const problem = schemaNameProblem(schema);
  if (problem !== null) throw new CloudsecError('config', `${what} ${problem}`);
  return schema;
};

export interface TargetOptions {
  /**
   * The demo: always a SQLite file (CLOUDSEC_DB, else `defaultSqlitePath`), never the configured
   * PostgreSQL, so a fictional estate's scans and audit entries cannot land in a real database.
   */
  demo?: boolean;
  /** The SQLite file when CLOUDSEC_DB is not set (default ./data/cloudsec.db). */
  defaultSqlitePath?: string;
}

/** The database the environment selects (validated; nothing is opened). */
export const configuredStoreTarget = (rawEnv: NodeJS.ProcessEnv, options: TargetOptions = {}): StoreTarget => {
  // Validates both database variables (EnvSchema), the demo's too: a malformed URL is refused everywhere.
  const env = readEnv(rawEnv);
  const sqlite: StoreTarget = { kind: 'sqlite', path: env.CLOUDSEC_DB ?? options.defaultSqlitePath ?? DEFAULT_DB_PATH };
  if (options.demo) return sqlite;
  if (env.CLOUDSEC_DATABASE_URL === undefined) {
    // A schema without a URL would be silently ignored: the operator meant PostgreSQL.
    if (env.CLOUDSEC_DATABASE_SCHEMA !== undefined) {
      throw new CloudsecError(
        'config',
        'CLOUDSEC_DATABASE_SCHEMA is set but CLOUDSEC_DATABASE_URL is not: set the URL too, or unset the schema to use SQLite.',
      );
    }
    return sqlite;
  }
  return {
    kind: 'postgres',
    url: env.CLOUDSEC_DATABASE_URL,
    schema: env.CLOUDSEC_DATABASE_SCHEMA ?? DEFAULT_PG_SCHEMA,
  };
};

/** The schema version this cloudsec migrates the target's kind of database to. */
export const latestVersionFor = (target: StoreTarget): number =>
  latestSchemaVersion(target.kind === 'sqlite' ? MIGRATIONS : pgMigrations().PG_MIGRATIONS);

/** For messages and logs: never the password. */
export const describeStoreTarget = (target: StoreTarget): string =>
  target.kind === 'sqlite'
    ? `SQLite ${target.path}`
    : `PostgreSQL ${redactDatabaseUrl(target.url)} (schema ${target.schema})`;

export interface OpenConfiguredStoreOptions extends TargetOptions {
  clock: Clock;
  /** CLOUDSEC_AUDIT_KEY. */
  auditKey?: string | undefined;
  /**
   * Refuse instead of creating an empty database (a missing SQLite file, a PostgreSQL schema that
   * was never migrated): verifying a typo'd location must fail, not pass on zero entries.
   */
  mustExist?: boolean;
}

/** Opens (and migrates) the database the environment selects. */
export const openConfiguredStore = async (
  rawEnv: NodeJS.ProcessEnv,
  options: OpenConfiguredStoreOptions,
): Promise<Store> => openStoreAt(configuredStoreTarget(rawEnv, options), options);

/**
 * The configured database when there is one, else null (no SQLite file, a schema never migrated):
 * for the CLI's reads that work without the bot's state (`check`'s accepted risks, `digest
 * --preview`). Nothing is created; a database that is there but cannot be reached is an error.
 */
export const openConfiguredStoreIfPresent = async (
  rawEnv: NodeJS.ProcessEnv,
  options: Omit<OpenConfiguredStoreOptions, 'mustExist'>,
): Promise<Store | null> => {
  const target = configuredStoreTarget(rawEnv, options);
  if ((await readSchemaVersion(target)) === null) return null;
  // mustExist again: a file removed since the look must not be created afresh.
  return openStoreAt(target, { ...options, mustExist: true });
};

export const openStoreAt = async (
  target: StoreTarget,
  options: Pick<OpenConfiguredStoreOptions, 'clock' | 'auditKey' | 'mustExist'>,
): Promise<Store> => {
  if (options.mustExist && (await readSchemaVersion(target)) === null) throw noDatabaseAt(target);
  if (target.kind === 'sqlite') {
    return openSqliteStore({ path: target.path, clock: options.clock, auditKey: options.auditKey });
  }
  return pgStore().openPostgresStore({
    url: target.url,
    schema: target.schema,
    clock: options.clock,
    auditKey: options.auditKey,
  });
};

export const noDatabaseAt = (target: StoreTarget): CloudsecError =>
  new CloudsecError(
    'usage',
    target.kind === 'sqlite'
      ? `No cloudsec database at ${target.path}. Set CLOUDSEC_DB to the bot's database file.`
      : `No cloudsec database in ${describeStoreTarget(target)}: its schema was never migrated. ` +
          'Check CLOUDSEC_DATABASE_URL and CLOUDSEC_DATABASE_SCHEMA, or run `cloudsec db migrate`.',
  );

/** BIGINT and COUNT(*) as numbers, as pg.ts reads them. */
const parsers = (pg: typeof import('pg')) => ({
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
});

/** A small pool working in `schema`, configured as pg.ts configures the store's. */
export const openPgPool = (url: string, schema: string, max = 2): Pool => {
  const pg = pgDriver();
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: parsers(pg),
    options: `-c search_path=${checkSchemaName(schema, 'The schema')}`,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => undefined);
  return pool;
};

/** A connection failure, naming the database without its password. */
export const unreachable = (url: string, err: unknown): CloudsecError => {
  const e = err as { message?: string; code?: string; errors?: Array<{ message?: string }> };
  // Node reports a refused connection to every address of a name as an AggregateError without a message.
  const why = e.message || e.errors?.map((x) => x.message).join('; ') || e.code || String(err);
  return new CloudsecError(
    'config',
    `Cannot reach the database ${redactDatabaseUrl(url)}: ${why}. Check the URL and that PostgreSQL is running.`,
  );
};

/**
 * The schema version the database is at, without changing anything; null when there is no
 * cloudsec database there (no file, no schema, or never migrated).
 */
export const readSchemaVersion = async (target: StoreTarget): Promise<number | null> => {
  if (target.kind === 'sqlite') {
    if (target.path === ':memory:' || !fs.existsSync(target.path)) return null;
    let db: Database.Database;
    try {
      db = new Database(target.path, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new CloudsecError('config', `Cannot open the database ${target.path}: ${(err as Error).message}.`);
    }
    try {
      return sqliteSchemaVersion(db);
    } catch (err) {
      throw new CloudsecError('config', `Cannot read the database ${target.path}: ${(err as Error).message}.`);
    } finally {
      db.close();
    }
  }
  const pool = openPgPool(target.url, target.schema, 1);
  try {
    return await pgSchemaVersion(pool, target.schema).catch((err: unknown) => {
      throw unreachable(target.url, err);
    });
  } finally {
    await pool.end().catch(() => undefined);
  }
};

export const sqliteSchemaVersion = (db: Database.Database): number | null => {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return null;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
};

export const pgSchemaVersion = async (queryable: PgQueryable, schema: string): Promise<number | null> => {
  const found = await queryable.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    `${checkSchemaName(schema, 'The schema')}.schema_migrations`,
  ]);
  if (!found.rows[0]?.t) return null;
  const row = await queryable.query<{ v: number | null }>(`SELECT MAX(version) AS v FROM ${schema}.schema_migrations`);
  return Number(row.rows[0]?.v ?? 0);
};
