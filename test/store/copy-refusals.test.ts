import path from 'node:path';
import Database from 'better-sqlite3';
import { CloudsecError } from '../../src/errors';
import { copySqliteToPostgres, parseSqliteSource } from '../../src/store/copy';
import { latestSchemaVersion, migrate, MIGRATIONS } from '../../src/store/migrations';
import { openPostgresStore } from '../../src/store/pg';
import { openSqliteStore } from '../../src/store/sqlite';
import { adminPool, dropSchema, newSchemaName, PG_TEST_URL } from '../fixtures/contract-stores';
import { dropAuditGuards, manualClock, tempDir } from '../fixtures/store';
import { AUDIT_KEY, seedStore } from './copy-seed';

const T0 = '2026-11-01T12:00:00.000Z';

/** The error the copy ends with, or a failure when it succeeded. */
const refusal = async (copy: Promise<unknown>): Promise<CloudsecError> => {
  try {
    await copy;
  } catch (err) {
    expect(err).toBeInstanceOf(CloudsecError);
    return err as CloudsecError;
  }
  throw new Error('expected the copy to be refused');
};

describe('db copy refusals: the target is left as it was', () => {
  const schemas: string[] = [];

  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });
  afterAll(async () => (await adminPool()).end());

  const migratedTarget = async (): Promise<string> => {
    const schema = newSchemaName();
    schemas.push(schema);
    await (await openPostgresStore({ url: PG_TEST_URL, schema, clock: manualClock(T0) })).close();
    return schema;
  };

  const seededSource = async (auditKey?: string): Promise<string> => {
    const file = path.join(tempDir(), 'cloudsec.db');
    const clock = manualClock(T0);
    const store = openSqliteStore({ path: file, clock, auditKey });
    await seedStore(store, clock);
    await store.close();
    return file;
  };

  /** Rows in every cloudsec table of the schema (schema_migrations aside). */
  const rowsIn = async (schema: string): Promise<number> => {
    const pool = await adminPool();
    const tables = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_migrations'",
      [schema],
    );
    let total = 0;
    for (const { table_name } of tables.rows) {
      total += Number((await pool.query(`SELECT COUNT(*) AS n FROM ${schema}.${table_name}`)).rows[0].n);
    }
    return total;
  };

  it('when the source chain was tampered with, then the copy is rolled back, naming the broken entry', async () => {
    const file = await seededSource(AUDIT_KEY);
    const db = new Database(file);
    dropAuditGuards(db);
    db.prepare("UPDATE audit_entries SET outcome = 'denied' WHERE seq = 2").run();
    db.close();
    const schema = await migratedTarget();

    const err = await refusal(
      copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema }, auditKey: AUDIT_KEY }),
    );
    expect(err.message).toContain('does not verify: entry #2');
    expect(err.message).toContain('nothing was copied');
    expect(await rowsIn(schema)).toBe(0);
  });

  it('when the log carries HMACs and no audit key is given, then it is not taken as verified', async () => {
    const file = await seededSource(AUDIT_KEY);
    const schema = await migratedTarget();
    const err = await refusal(copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } }));
    expect(err.message).toContain('CLOUDSEC_AUDIT_KEY is not set');
    expect(await rowsIn(schema)).toBe(0);
  });

  it('when the wrong audit key is given, then the copy is refused', async () => {
    const file = await seededSource(AUDIT_KEY);
    const schema = await migratedTarget();
    const err = await refusal(
      copySqliteToPostgres({
        from: file,
        to: { url: PG_TEST_URL, schema },
        auditKey: 'another-key-0123456789abcdef0123',
      }),
    );
    expect(err.message).toContain('does not verify: entry #1');
    expect(await rowsIn(schema)).toBe(0);
  });

  it('when the target already holds rows, then nothing is copied and its rows stay', async () => {
    const file = await seededSource();
    const schema = await migratedTarget();
    const used = await openPostgresStore({ url: PG_TEST_URL, schema, clock: manualClock(T0) });
    await used.putGroupMembers('S0OTHER', ['U0X'], new Date(T0));
    await used.close();

    const err = await refusal(copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } }));
    expect(err.message).toMatch(/is not empty \(rows in slack_group_members\)/);
    expect(await rowsIn(schema)).toBe(1);
  });

  it('when a row cannot be stored half way, then the tables copied before it are rolled back too', async () => {
    const file = await seededSource();
    // SQLite keeps text in an INTEGER column; PostgreSQL refuses it, after audit_entries and scans went in.
    const db = new Database(file);
    db.prepare("UPDATE scan_findings SET ordinal = 'first' WHERE ordinal = 0").run();
    db.close();
    const schema = await migratedTarget();

    const err = await refusal(copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } }));
    expect(err.message).toMatch(/failed and was rolled back; nothing was copied/);
    expect(await rowsIn(schema)).toBe(0);
  });

  it('when PostgreSQL cannot be reached, then the error names the URL without its password', async () => {
    const file = await seededSource();
    const err = await refusal(
      copySqliteToPostgres({
        from: file,
        to: { url: 'postgres://cloudsec:s3cret-pw@127.0.0.1:1/cloudsec', schema: 'public' },
      }),
    );
    expect(err.message).toContain('Cannot reach the database postgres://cloudsec:***@127.0.0.1:1/cloudsec');
    expect(err.message).not.toContain('s3cret-pw');
  });

  it('when the source is at an older schema version, then it is refused with the command that migrates it', async () => {
    const file = path.join(tempDir(), 'old.db');
    const db = new Database(file);
    migrate(
      db,
      file,
      () => T0,
      MIGRATIONS.filter((m) => m.version <= 8),
    );
    db.close();
    const schema = await migratedTarget();

    const err = await refusal(copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } }));
    expect(err.message).toContain(`is at schema version 8, this cloudsec's is ${latestSchemaVersion()}`);
    expect(err.message).toContain(`CLOUDSEC_DB=${file} cloudsec db migrate`);
    // Refused before anything was read: the source is still at version 8.
    const after = new Database(file, { readonly: true });
    expect((after.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(8);
    after.close();
  });

  it('when the target schema was never migrated, then it is refused and not created', async () => {
    const file = await seededSource();
    const schema = newSchemaName();
    schemas.push(schema);
    const err = await refusal(copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } }));
    expect(err.message).toContain('has no cloudsec schema yet');
    expect(err.message).toContain(`CLOUDSEC_DATABASE_SCHEMA=${schema} cloudsec db migrate`);
    const found = await (await adminPool()).query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(found.rowCount).toBe(0);
  });

  it('when the target table lacks a column the source has, then the copy is refused naming it', async () => {
    const file = await seededSource();
    const schema = await migratedTarget();
    await (await adminPool()).query(`ALTER TABLE ${schema}.alerts DROP COLUMN note`);
    const err = await refusal(copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } }));
    expect(err.message).toContain('The target table alerts has no column note');
    expect(await rowsIn(schema)).toBe(0);
  });

  it('when the source file does not exist, then it says so and creates nothing', async () => {
    const file = path.join(tempDir(), 'missing.db');
    const err = await refusal(copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema: 'public' } }));
    expect(err.message).toBe(`No SQLite database at ${file}.`);
  });
});

describe('parseSqliteSource', () => {
  it('when given sqlite:PATH, sqlite://PATH or a plain path, then it is the path; another scheme is refused', () => {
    expect(parseSqliteSource('sqlite:./data/cloudsec.db')).toBe('./data/cloudsec.db');
    expect(parseSqliteSource('sqlite:///var/lib/cloudsec/cloudsec.db')).toBe('/var/lib/cloudsec/cloudsec.db');
    expect(parseSqliteSource('/var/lib/cloudsec/cloudsec.db')).toBe('/var/lib/cloudsec/cloudsec.db');
    expect(() => parseSqliteSource('postgres://u:pw@h/db')).toThrow(
      /--from postgres:\/\/u:\*\*\*@h\/db: expected a SQLite file/,
    );
  });
});
