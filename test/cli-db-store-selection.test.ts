import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../src/main';
import { configuredStoreTarget } from '../src/store/open-store';
import { adminPool, dropSchema, newSchemaName, PG_TEST_URL } from './fixtures/contract-stores';
import { NOW } from './fixtures/snapshot-builders';
import { tempDir } from './fixtures/store';

/** The process opens the database the environment selects (src/store/open-store.ts, wired in src/main.ts). */
describe('choosing the store from the environment', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });
  afterAll(async () => (await adminPool()).end());

  /** The console (`--console`, or `--demo`) with nothing typed: it opens the store, records config.load, ends. */
  const runConsole = async (argv: string[], env: Record<string, string>) => {
    const dir = tempDir();
    const config = path.join(dir, 'cloudsec.yml');
    fs.writeFileSync(config, 'bindings: []\n');
    let err = '';
    const code = await main(argv, {
      env: { CLOUDSEC_CONFIG: config, CLOUDSEC_DB: path.join(dir, 'cloudsec.db'), ...env },
      stdin: Readable.from([]),
      stdout: () => undefined,
      stderr: (t) => (err += t),
      clock: () => NOW,
    });
    return { code, err, sqliteCreated: fs.existsSync(path.join(dir, 'cloudsec.db')) };
  };

  it('when CLOUDSEC_DATABASE_URL is set, then the process works in PostgreSQL and records which database, without the file', async () => {
    const schema = newSchemaName();
    schemas.push(schema);
    const run = await runConsole(['--console'], {
      CLOUDSEC_DATABASE_URL: PG_TEST_URL,
      CLOUDSEC_DATABASE_SCHEMA: schema,
    });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.sqliteCreated).toBe(false);
    const entries = await (await adminPool()).query(`SELECT action, details FROM ${schema}.audit_entries ORDER BY seq`);
    expect(entries.rows[0]?.action).toBe('config.load');
    expect(JSON.parse(entries.rows[0]?.details as string)).toMatchObject({
      demo: false,
      store: `PostgreSQL ${PG_TEST_URL} (schema ${schema})`,
    });
  });

  it('when the demo runs with CLOUDSEC_DATABASE_URL set, then its fictional estate stays in SQLite', async () => {
    const schema = newSchemaName();
    schemas.push(schema);
    const run = await runConsole(['--demo'], { CLOUDSEC_DATABASE_URL: PG_TEST_URL, CLOUDSEC_DATABASE_SCHEMA: schema });
    expect(run.code).toBe(0);
    expect(run.sqliteCreated).toBe(true);
    const found = await (await adminPool()).query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(found.rowCount).toBe(0);
  });

  it('when the URL has another scheme, then the process refuses to start (exit 2), naming it without the password', async () => {
    const run = await runConsole(['--console'], {
      CLOUDSEC_DATABASE_URL: 'mysql://cloudsec:hunter2-secret@db:3306/cloudsec',
    });
    expect(run.code).toBe(2);
    expect(run.err).toContain('CLOUDSEC_DATABASE_URL: mysql://cloudsec:***@db:3306/cloudsec is not a PostgreSQL URL');
    expect(run.err).not.toContain('hunter2');
    expect(run.sqliteCreated).toBe(false);
  });

  it('when nothing names a database, then it is SQLite at CLOUDSEC_DB, else the default file; blank values are unset', () => {
    expect(configuredStoreTarget({ CLOUDSEC_DB: '/var/lib/cloudsec/cloudsec.db' })).toEqual({
      kind: 'sqlite',
      path: '/var/lib/cloudsec/cloudsec.db',
    });
    expect(configuredStoreTarget({ CLOUDSEC_DATABASE_URL: '  ' })).toEqual({
      kind: 'sqlite',
      path: './data/cloudsec.db',
    });
    expect(configuredStoreTarget({}, { defaultSqlitePath: './data/demo.db' })).toEqual({
      kind: 'sqlite',
      path: './data/demo.db',
    });
    expect(
      configuredStoreTarget({
        CLOUDSEC_DATABASE_URL: 'postgresql://u:p@db/cloudsec',
        CLOUDSEC_DB: '/var/lib/cloudsec/cloudsec.db',
      }),
    ).toEqual({ kind: 'postgres', url: 'postgresql://u:p@db/cloudsec', schema: 'public' });
  });
});
