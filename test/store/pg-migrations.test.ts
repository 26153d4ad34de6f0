import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { CloudsecError } from '../../src/errors';
import { latestSchemaVersion, migrate, MIGRATIONS } from '../../src/store/migrations';
import { createPgSchema, migratePostgres, PG_MIGRATIONS } from '../../src/store/pg-migrations';
import { adminPool, dropSchema, newSchemaName, PG_TEST_URL } from '../fixtures/contract-stores';
import { tempDir } from '../fixtures/store';

/**
 * The PostgreSQL migrations against the real server, each test in a schema of its own: they reach
 * the latest version, stay in step with the SQLite ones (versions, names, tables, columns, indexes),
 * apply each migration once when replicas start together, refuse a newer schema, and keep the audit
 * table append-only. migratePostgres is called directly, on a pool set up the way pg.ts sets one up.
 */
describe('PostgreSQL migrations', () => {
  const NOW = '2026-11-01T12:00:00.000Z';
  const WHERE = 'postgres://postgres@127.0.0.1:5432/test';
  const pools: Pool[] = [];
  const schemas: string[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.end();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await (await adminPool()).end();
  });

  /** A pool whose connections work in `schema`, as pg.ts sets one up (closed after the test). */
  const poolOn = (schema: string): Pool => {
    const pool = new Pool({ connectionString: PG_TEST_URL, max: 2, options: `-c search_path=${schema}` });
    pool.on('error', () => undefined);
    pools.push(pool);
    return pool;
  };

  /** A new, empty schema (dropped after the test) and a pool on it. */
  const newSchema = async (create = true): Promise<{ schema: string; pool: Pool }> => {
    const schema = newSchemaName();
    schemas.push(schema);
    if (create) await (await adminPool()).query(`CREATE SCHEMA ${schema}`);
    return { schema, pool: poolOn(schema) };
  };

  const migrated = async (): Promise<{ schema: string; pool: Pool }> => {
    const opened = await newSchema();
    await migratePostgres(opened.pool, WHERE, () => NOW);
    return opened;
  };

  const recorded = async (pool: Pool) =>
    (
      await pool.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      )
    ).rows;

  /** A fresh SQLite file migrated by src/store/migrations.ts: the schema PostgreSQL must match. */
  const sqliteSchema = (): Database.Database => {
    const dir = tempDir();
    dirs.push(dir);
    const db = new Database(path.join(dir, 'cloudsec.db'));
    migrate(db, 'sqlite', () => NOW);
    return db;
  };

  type Column = { name: string; type: string; notNull: boolean };

  const sqliteTables = (db: Database.Database): Map<string, Column[]> => {
    const names = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    return new Map(
      names.map((table) => {
        const info = db.pragma(`table_info(${table})`) as Array<{
          name: string;
          type: string;
          notnull: number;
          pk: number;
        }>;
        // SQLite lets a primary key column hold NULL unless declared NOT NULL; PostgreSQL never does.
        const columns = info.map((c) => ({
          name: c.name,
          type: c.type.toLowerCase(),
          notNull: c.notnull === 1 || c.pk > 0,
        }));
        return [table, columns] as const;
      }),
    );
  };

  const pgTables = async (pool: Pool, schema: string): Promise<Map<string, Column[]>> => {
    const { rows } = await pool.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const tables = new Map<string, Column[]>();
    for (const row of rows) {
      const columns = tables.get(row.table_name) ?? [];
      // INTEGER and BIGINT are both SQLite's INTEGER (pg.ts parses BIGINT to a number).
      const type = row.data_type === 'bigint' ? 'integer' : row.data_type;
      columns.push({ name: row.column_name, type, notNull: row.is_nullable === 'NO' });
      tables.set(row.table_name, columns);
    }
    return tables;
  };

  it('when the migrations are compared, then PostgreSQL has the same versions and names as SQLite', () => {
    expect(latestSchemaVersion(PG_MIGRATIONS)).toBe(latestSchemaVersion(MIGRATIONS));
    expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('when a schema is new, then every migration is applied once, in order, and opening again applies none', async () => {
    const { pool } = await newSchema();

    expect(await migratePostgres(pool, WHERE, () => NOW)).toBe(latestSchemaVersion(MIGRATIONS));
    expect(await recorded(pool)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(await migratePostgres(pool, WHERE, () => '2030-01-01T00:00:00.000Z')).toBe(latestSchemaVersion(MIGRATIONS));
    const stamps = await pool.query<{ applied_at: string }>('SELECT DISTINCT applied_at FROM schema_migrations');
    expect(stamps.rows).toEqual([{ applied_at: NOW }]);
  });

  it('when a migrated schema is compared with a SQLite file, then the tables and columns are the same but rowid', async () => {
    const { schema, pool } = await migrated();
    const sqlite = sqliteSchema();
    try {
      const expected = sqliteTables(sqlite);
      const actual = await pgTables(pool, schema);

      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      // SQLite's implicit rowid is a real column in PostgreSQL, only where queries order by it.
      const withRowid = [...actual].filter(([, columns]) => columns.some((c) => c.name === 'rowid')).map(([t]) => t);
      expect(withRowid.sort()).toEqual(['remediation_requests', 'scans']);
      for (const [table, columns] of expected) {
        expect({ table, columns: actual.get(table)!.filter((c) => c.name !== 'rowid') }).toEqual({ table, columns });
      }
    } finally {
      sqlite.close();
    }
  });

  it('when a migrated schema is compared with a SQLite file, then it has the same named indexes, unique where SQLite has', async () => {
    const { schema, pool } = await migrated();
    const sqlite = sqliteSchema();
    try {
      const expected = (
        sqlite
          .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
          .all() as Array<{ name: string; sql: string }>
      ).map((i) => ({ name: i.name, unique: i.sql.startsWith('CREATE UNIQUE'), partial: / WHERE /i.test(i.sql) }));
      const { rows } = await pool.query<{ name: string; def: string }>(
        `SELECT indexname AS name, indexdef AS def FROM pg_indexes
         WHERE schemaname = $1 AND indexname NOT LIKE '%_pkey' ORDER BY indexname`,
        [schema],
      );
      const actual = rows.map((i) => ({
        name: i.name,
        unique: i.def.startsWith('CREATE UNIQUE'),
        partial: / WHERE /i.test(i.def),
      }));
      expect(actual).toEqual(expected);
    } finally {
      sqlite.close();
    }
  });

  it('when two open requests are written for one target, then the partial unique index refuses the second', async () => {
    const { pool } = await migrated();
    const insert = (id: string, status: string) =>
      pool.query(
        `INSERT INTO remediation_requests (id, kind, status, remediation_id, finding_id, account_id, region, requester_id,
           requester, finding, plan, options, justification, required_approvals, result, created_at, updated_at, version, target)
         VALUES ($1, 'remediate', $2, 'r', 'f', '111111111111', 'eu-west-1', 'U1', '{}', '{}', '{}', '{}', 'j', 1, '{}', $3, $3, 1, 'T')`,
        [id, status, NOW],
      );

    await insert('a', 'pending');
    await insert('b', 'succeeded'); // closed requests do not count
    await expect(insert('c', 'approved')).rejects.toMatchObject({ code: '23505' });
    await expect(insert('d', 'nonsense')).rejects.toMatchObject({ code: '23514' }); // the status CHECK
    const order = await pool.query<{ id: string; rowid: number }>(
      'SELECT id, rowid FROM remediation_requests ORDER BY rowid',
    );
    expect(order.rows.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('when version 3 finds requests stored before it, then it computes their targets and closes duplicates as SQLite does', async () => {
    const { pool } = await newSchema();
    await migratePostgres(
      pool,
      WHERE,
      () => NOW,
      PG_MIGRATIONS.filter((m) => m.version <= 2),
    );
    const finding = JSON.stringify({ resource: { arn: 'arn:aws:s3:::app-data', type: 'AwsS3Bucket', id: 'app-data' } });
    const insert = (id: string, status: string, at: string, findingText = finding) =>
      pool.query(
        `INSERT INTO remediation_requests (id, kind, status, remediation_id, finding_id, account_id, region, requester_id,
           requester, finding, plan, options, justification, required_approvals, result, created_at, updated_at, version)
         VALUES ($1, 'remediate', $2, 's3_block', 'f', '111111111111', 'eu-west-1', 'U1', '{}', $4, '{}', '{}', 'j', 1, '{}', $3, $3, 1)`,
        [id, status, at, findingText],
      );
    await insert('old-pending', 'pending', '2026-01-01T00:00:00.000Z');
    await insert('executing', 'executing', '2026-01-02T00:00:00.000Z');
    await insert('new-pending', 'pending', '2026-01-03T00:00:00.000Z');
    await insert('garbled', 'pending', '2026-01-04T00:00:00.000Z', 'not json');

    await migratePostgres(pool, WHERE, () => NOW);

    const { rows } = await pool.query<{
      id: string;
      status: string;
      target: string;
      reason: string | null;
      version: number;
    }>('SELECT id, status, target, reason, version FROM remediation_requests ORDER BY rowid');
    expect(rows).toEqual([
      expect.objectContaining({
        id: 'old-pending',
        status: 'cancelled',
        target: 's3_block|111111111111|arn:aws:s3:::app-data',
        version: 2,
      }),
      {
        id: 'executing',
        status: 'executing',
        target: 's3_block|111111111111|arn:aws:s3:::app-data',
        reason: null,
        version: 1,
      },
      expect.objectContaining({ id: 'new-pending', status: 'cancelled', version: 2 }),
      { id: 'garbled', status: 'pending', target: 'unreadable|garbled', reason: null, version: 1 },
    ]);
    expect(rows[0]!.reason).toContain('request executing for the same change was already open');

    // The same rows through the SQLite migrations end the same way.
    const dir = tempDir();
    dirs.push(dir);
    const sqlite = new Database(path.join(dir, 'cloudsec.db'));
    try {
      migrate(
        sqlite,
        'sqlite',
        () => NOW,
        MIGRATIONS.filter((m) => m.version <= 2),
      );
      const sqliteInsert = sqlite.prepare(
        `INSERT INTO remediation_requests (id, kind, status, remediation_id, finding_id, account_id, region, requester_id,
           requester, finding, plan, options, justification, required_approvals, result, created_at, updated_at, version)
         VALUES (?, 'remediate', ?, 's3_block', 'f', '111111111111', 'eu-west-1', 'U1', '{}', ?, '{}', '{}', 'j', 1, '{}', ?, ?, 1)`,
      );
      sqliteInsert.run('old-pending', 'pending', finding, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      sqliteInsert.run('executing', 'executing', finding, '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
      sqliteInsert.run('new-pending', 'pending', finding, '2026-01-03T00:00:00.000Z', '2026-01-03T00:00:00.000Z');
      sqliteInsert.run('garbled', 'pending', 'not json', '2026-01-04T00:00:00.000Z', '2026-01-04T00:00:00.000Z');
      migrate(sqlite, 'sqlite', () => NOW);
      expect(
        sqlite.prepare('SELECT id, status, target, reason, version FROM remediation_requests ORDER BY rowid').all(),
      ).toEqual(rows);
    } finally {
      sqlite.close();
    }
  });

  it('when three replicas open one new schema at once, then each migration is applied exactly once', async () => {
    const { schema } = await newSchema();
    const replicas = [poolOn(schema), poolOn(schema), poolOn(schema)];
    await Promise.all(replicas.map((pool) => pool.query('SELECT 1'))); // connected, so they really race
    let stamps = 0;

    const reached = await Promise.all(
      replicas.map((pool) => migratePostgres(pool, WHERE, () => `${NOW}#${(stamps += 1)}`)),
    );

    expect(reached).toEqual(replicas.map(() => latestSchemaVersion(MIGRATIONS)));
    expect(await recorded(replicas[0]!)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(stamps).toBe(MIGRATIONS.length); // now() is only asked for a migration actually applied
  });

  it('when three replicas create one new schema at once, then none fails (a bare CREATE SCHEMA IF NOT EXISTS would)', async () => {
    const { schema } = await newSchema(false);
    const replicas = [poolOn(schema), poolOn(schema), poolOn(schema)];

    // Connected first, so the three CREATE SCHEMA statements really do meet.
    await Promise.all(replicas.map((pool) => pool.query('SELECT 1')));
    await Promise.all(replicas.map((pool) => createPgSchema(pool, schema)));
    const reached = await Promise.all(replicas.map((pool) => migratePostgres(pool, WHERE, () => NOW)));

    expect(reached).toEqual(replicas.map(() => latestSchemaVersion(MIGRATIONS)));
    await expect(createPgSchema(replicas[0]!, 'bad-name; DROP SCHEMA public')).rejects.toThrow(/plain lower-case/);
  });

  it('when the schema was written by a newer cloudsec, then migrating refuses with both versions and changes nothing', async () => {
    const { pool } = await migrated();
    const newer = latestSchemaVersion(MIGRATIONS) + 1;
    await pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', $2)", [
      newer,
      NOW,
    ]);

    const error = await migratePostgres(pool, WHERE, () => NOW).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(CloudsecError);
    expect(error).toMatchObject({ code: 'config' });
    const message = (error as CloudsecError).message;
    expect(message).toContain(`schema version ${newer}`);
    expect(message).toContain(`up to ${newer - 1}`);
    expect(message).toContain(WHERE);
    expect(message).toMatch(/Upgrade cloudsec.*CLOUDSEC_DATABASE_URL/);
    expect((await recorded(pool)).length).toBe(newer);
  });

  it('when the search path names no existing schema, then migrating fails instead of working elsewhere', async () => {
    const { pool } = await newSchema(false);
    await expect(migratePostgres(pool, WHERE, () => NOW)).rejects.toThrow(/no schema on the search path/);
  });

  it('when audit entries are updated, deleted or truncated, then the triggers refuse; dropped by name, they stop', async () => {
    const { pool } = await migrated();
    await pool.query(
      `INSERT INTO audit_entries (seq, time, actor_kind, actor_id, action, outcome, details, prev_hash, hash)
       VALUES (1, $1, 'user', 'U1', 'check:run', 'ok', '{}', 'p', 'h')`,
      [NOW],
    );

    await expect(pool.query("UPDATE audit_entries SET outcome = 'denied'")).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM audit_entries')).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE audit_entries')).rejects.toThrow(/append-only/);
    expect((await pool.query('SELECT outcome FROM audit_entries')).rows).toEqual([{ outcome: 'ok' }]);

    // test/fixtures/contract-stores.ts drops the row trigger by this name for its tamper tests.
    await pool.query('DROP TRIGGER audit_entries_append_only ON audit_entries');
    await pool.query("UPDATE audit_entries SET outcome = 'denied'");
    expect((await pool.query('SELECT outcome FROM audit_entries')).rows).toEqual([{ outcome: 'denied' }]);
  });
});
