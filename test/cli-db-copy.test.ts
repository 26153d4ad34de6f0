import path from 'node:path';
import { latestSchemaVersion } from '../src/store/migrations';
import { openSqliteStore } from '../src/store/sqlite';
import { adminPool, dropSchema, newSchemaName, PG_TEST_URL } from './fixtures/contract-stores';
import { runCli } from './fixtures/cli';
import { manualClock, tempDir } from './fixtures/store';
import { AUDIT_KEY, seedStore } from './store/copy-seed';

/**
 * The move from one node to replicas as an operator runs it: `db migrate` the new PostgreSQL schema,
 * `db copy` the SQLite file into it, then `audit verify` against PostgreSQL.
 */
describe('cloudsec db copy, then audit verify on PostgreSQL', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });
  afterAll(async () => (await adminPool()).end());

  const seededFile = async (): Promise<string> => {
    const file = path.join(tempDir(), 'cloudsec.db');
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    const store = openSqliteStore({ path: file, clock, auditKey: AUDIT_KEY });
    await seedStore(store, clock);
    await store.close();
    return file;
  };

  const migratedSchema = async (): Promise<{ schema: string; pgEnv: Record<string, string> }> => {
    const schema = newSchemaName();
    schemas.push(schema);
    const pgEnv = {
      CLOUDSEC_DATABASE_URL: PG_TEST_URL,
      CLOUDSEC_DATABASE_SCHEMA: schema,
      CLOUDSEC_AUDIT_KEY: AUDIT_KEY,
    };
    expect((await runCli(['db', 'migrate'], { env: pgEnv })).code).toBe(0);
    return { schema, pgEnv };
  };

  it('when copied with the URL and schema given, then it prints the count of every table and the chain, and verify passes there', async () => {
    const file = await seededFile();
    const { schema, pgEnv } = await migratedSchema();

    const copy = await runCli(['db', 'copy', '--from', `sqlite:${file}`, '--to', PG_TEST_URL, '--to-schema', schema], {
      env: { CLOUDSEC_AUDIT_KEY: AUDIT_KEY },
    });
    expect(copy.stderr).toContain('copied audit_entries: 3 rows\n');
    expect(copy.code).toBe(0);
    const lines = copy.stdout.split('\n');
    expect(lines[0]).toBe(
      `Copied ${file} to PostgreSQL ${PG_TEST_URL} (schema ${schema}), schema version ${latestSchemaVersion()}:`,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}audit_entries +3$/),
        expect.stringMatching(/^ {2}remediation_requests +5$/),
        expect.stringMatching(/^ {2}request_approvals +1$/),
        expect.stringMatching(/^ {2}alerts +2$/),
        expect.stringMatching(/^ {2}digest_runs +2$/),
        'Audit chain verified in the copy: 3 entries (last #3).',
      ]),
    );
    expect(copy.stdout).toContain(`CLOUDSEC_DATABASE_SCHEMA=${schema}`);

    const verify = await runCli(['audit', 'verify'], { env: pgEnv });
    expect(verify).toMatchObject({ code: 0, stderr: '' });
    expect(verify.stdout).toBe('Chain OK: 3 entries verified (last #3).\n');
    const exported = await runCli(['audit', 'export'], { env: pgEnv });
    expect(
      exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([1, 2, 3]);
  });

  it('when --to is left out, then CLOUDSEC_DATABASE_URL and CLOUDSEC_DATABASE_SCHEMA are the target', async () => {
    const file = await seededFile();
    const { pgEnv } = await migratedSchema();
    const copy = await runCli(['db', 'copy', '--from', file], { env: pgEnv });
    expect(copy.code).toBe(0);
    expect((await runCli(['audit', 'verify'], { env: pgEnv })).code).toBe(0);
    // Copying again into the now filled target is refused.
    const again = await runCli(['db', 'copy', '--from', file], { env: pgEnv });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not empty');
  });

  it('when no target is given at all, or --to is not PostgreSQL, then it is a usage error that copies nothing', async () => {
    const file = await seededFile();
    const none = await runCli(['db', 'copy', '--from', file], { env: {} });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--to: give the PostgreSQL URL, or set CLOUDSEC_DATABASE_URL');
    const mysql = await runCli(['db', 'copy', '--from', file, '--to', 'mysql://root:hunter2-secret@db/x'], { env: {} });
    expect(mysql.code).toBe(2);
    expect(mysql.stderr).toContain('--to mysql://root:***@db/x is not a PostgreSQL URL');
    expect(mysql.stderr).not.toContain('hunter2');
    expect((await runCli(['db', 'copy'], { env: {} })).code).toBe(2);
  });

  it('when the PostgreSQL chain is edited after the copy, then audit verify there names the entry and exits 1', async () => {
    const file = await seededFile();
    const { schema, pgEnv } = await migratedSchema();
    expect((await runCli(['db', 'copy', '--from', file], { env: pgEnv })).code).toBe(0);
    const pool = await adminPool();
    await pool.query(`DROP TRIGGER audit_entries_append_only ON ${schema}.audit_entries`);
    await pool.query(`UPDATE ${schema}.audit_entries SET outcome = 'error' WHERE seq = 2`);

    const verify = await runCli(['audit', 'verify'], { env: pgEnv });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('BROKEN at entry #2');
    // Without the key, a keyed chain is never called OK.
    const keyless = { ...pgEnv, CLOUDSEC_AUDIT_KEY: '' };
    expect(await runCli(['audit', 'verify'], { env: keyless })).toMatchObject({ code: 1, stdout: '' });
  });

  it('when the PostgreSQL schema was never migrated, then audit verify exits 2 and creates nothing', async () => {
    const schema = newSchemaName();
    schemas.push(schema);
    const run = await runCli(['audit', 'verify'], {
      env: { CLOUDSEC_DATABASE_URL: PG_TEST_URL, CLOUDSEC_DATABASE_SCHEMA: schema },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`No cloudsec database in PostgreSQL ${PG_TEST_URL} (schema ${schema})`);
    const found = await (await adminPool()).query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(found.rowCount).toBe(0);
  });

  it('when verifying against an unreachable PostgreSQL, then it says where without the password (exit 2)', async () => {
    const run = await runCli(['audit', 'verify'], {
      env: { CLOUDSEC_DATABASE_URL: 'postgres://cloudsec:hunter2-secret@127.0.0.1:1/cloudsec' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Cannot reach the database postgres://cloudsec:***@127.0.0.1:1/cloudsec');
    expect(run.stderr).not.toContain('hunter2');
  });
});
