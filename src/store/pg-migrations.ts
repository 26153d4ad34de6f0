import type { Pool, PoolClient } from 'pg';
import { CloudsecError } from '../errors';
import { latestSchemaVersion, type Migration } from './migrations';
import { PG_MIGRATION_11_SCAN_JOBS } from './migration-11-scan-jobs';
import { PG_MIGRATIONS_1_TO_7 } from './pg-migrations-1-7';
import { PG_MIGRATIONS_8_TO_10 } from './pg-migrations-8-10';

/**
 * The PostgreSQL schema, version for version the same as the SQLite one (src/store/migrations.ts and
 * the migration-N-*.ts files it lists): the same tables, column names, CHECKs and (partial) unique
 * indexes, so the pg-*.ts modules run the sqlite-*.ts queries with `$n` placeholders. Times and
 * JSON stay TEXT, as in SQLite, so the row parsers are shared.
 *
 * Differences, each because SQLite gives something implicitly:
 * - `scans` and `remediation_requests` have a `rowid BIGSERIAL` column: the SQLite queries break
 *   ties on the implicit rowid (insertion order), and the PostgreSQL ones use the same ORDER BY.
 * - audit_entries' append-only guard is one plpgsql trigger (`audit_entries_append_only`, UPDATE and
 *   DELETE) plus a statement trigger refusing TRUNCATE, which SQLite does not have.
 * - Counters that only grow (the audit `seq`) are BIGINT; pg.ts parses BIGINT to a number.
 *
 * As with SQLite, a released migration is never edited: change the schema with a new one, here and
 * in SQLite together (test/store/pg-migrations.test.ts compares the two). The SQL of each version
 * lives beside this file (pg-migrations-1-7.ts, pg-migrations-8-10.ts, and from version 11 on the
 * migration-N-*.ts file that holds both dialects); this file is how they are applied.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  ...PG_MIGRATIONS_1_TO_7,
  ...PG_MIGRATIONS_8_TO_10,
  PG_MIGRATION_11_SCAN_JOBS,
];

/**
 * The advisory lock every migration transaction takes first (class id; the object id is the schema's
 * hash, so installations in different schemas of one database do not wait on each other). A hash
 * collision only makes two schemas take turns.
 */
const MIGRATION_LOCK_CLASS = 0x636c6f75; // "clou"

const appliedVersion = async (client: Pick<PoolClient, 'query'>): Promise<number> => {
  const result = await client.query<{ v: number | string | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return Number(result.rows[0]?.v ?? 0);
};

const tooNew = (where: string, found: number, latest: number): CloudsecError =>
  new CloudsecError(
    'config',
    `The database ${where} has schema version ${found}, but this cloudsec knows versions up to ${latest}. ` +
      'Upgrade cloudsec, or point CLOUDSEC_DATABASE_URL at another database.',
  );

/** Runs `fn` in one transaction holding the migration lock of the connection's schema. */
const underMigrationLock = async <T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const schema = await client.query<{ s: string | null }>('SELECT current_schema() AS s');
    const current = schema.rows[0]?.s;
    // No schema on the search path means no lock scope and nowhere to create tables: refuse.
    if (!current) throw new Error('no schema on the search path exists (was CREATE SCHEMA run?)');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, current]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
};

/**
 * CREATE SCHEMA IF NOT EXISTS, safe when replicas start at once: run bare, concurrent ones collide in
 * the catalog ("duplicate key value violates unique constraint pg_namespace_nspname_index"), so it
 * runs under the same advisory lock the migrations of that schema take.
 */
export const createPgSchema = async (pool: Pool, schema: string): Promise<void> => {
  // The name goes into SQL: plain identifiers only (pg.ts checks the same before calling).
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`"${schema}" is not a plain lower-case identifier`);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
};

/**
 * Brings the schema the pool's connections work in (their search_path) to the latest version, and
 * returns the version reached. Each migration runs in its own transaction that first takes an
 * advisory lock and re-checks the version, so replicas starting at once apply each migration once
 * (the others wait, then find it applied). Refuses a schema written by a newer cloudsec.
 */
export const migratePostgres = async (
  pool: Pool,
  where: string,
  now: () => string,
  migrations: readonly Migration[] = PG_MIGRATIONS,
): Promise<number> => {
  const latest = latestSchemaVersion(migrations);
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
  const found = await underMigrationLock(pool, async (client) => {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    return appliedVersion(client);
  });
  if (found > latest) throw tooNew(where, found, latest);

  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    if (migration.version <= found) continue;
    await underMigrationLock(pool, async (client) => {
      const current = await appliedVersion(client);
      // A newer cloudsec may have migrated past us while we waited.
      if (current > latest) throw tooNew(where, current, latest);
      if (current >= migration.version) return;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now(),
      ]);
    });
  }
  return appliedVersion(pool);
};
