import fs from 'node:fs';
import { latestSchemaVersion } from '../src/store/migrations';
import { adminPool, dropSchema, newSchemaName, PG_TEST_URL } from './fixtures/contract-stores';
import { runCli } from './fixtures/cli';
import { tempDbPath } from './fixtures/app';
import { openPostgresStore } from '../src/store/pg';
import { openSqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/store';

const LATEST = latestSchemaVersion();

describe('cloudsec db migrate | status (SQLite, CLOUDSEC_DB)', () => {
  it('when there is no file yet, then status says so (exit 1) and creates nothing', async () => {
    const file = tempDbPath();
    const run = await runCli(['db', 'status'], { env: { CLOUDSEC_DB: file } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `database: SQLite ${file}\nschema version: none, no cloudsec database there yet (latest ${LATEST}): run \`cloudsec db migrate\`\n`,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('when migrated, then the version is printed; again, it is already up to date; status then exits 0', async () => {
    const file = tempDbPath();
    const env = { CLOUDSEC_DB: file };
    const first = await runCli(['db', 'migrate'], { env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(`SQLite ${file}: schema version ${LATEST} (created).\n`);
    expect((await runCli(['db', 'migrate'], { env })).stdout).toBe(
      `SQLite ${file}: schema version ${LATEST} (already up to date).\n`,
    );
    const status = await runCli(['db', 'status'], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`schema version: ${LATEST} (up to date)`);
  });
});

/**
 * `db status` shows the streamed scans' queue: a scan no replica takes is visible to the operator
 * (accounts waiting, none being collected) without reading tables by hand. Both stores.
 */
describe.each(['sqlite', 'postgres'] as const)('cloudsec db status: the scan queue (%s)', (kind) => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });
  // The admin pool is ended by the PostgreSQL describe below, which runs after this one.

  const began = new Date('2026-12-05T09:00:00.000Z');
  const setUp = async (): Promise<{ env: Record<string, string>; store: Store }> => {
    const clock = () => began;
    if (kind === 'sqlite') {
      const file = tempDbPath();
      return { env: { CLOUDSEC_DB: file }, store: await openSqliteStore({ path: file, clock }) };
    }
    const schema = newSchemaName();
    schemas.push(schema);
    return {
      env: { CLOUDSEC_DATABASE_URL: PG_TEST_URL, CLOUDSEC_DATABASE_SCHEMA: schema },
      store: await openPostgresStore({ url: PG_TEST_URL, schema, clock }),
    };
  };
  const jobsOf = (ids: string[]) => ids.map((accountId) => ({ accountId, spec: { v: 1 } }));

  it('when a scan is running, then status counts its accounts by state and says since when; finished scans are not counted', async () => {
    const { env, store } = await setUp();
    const done = await store.beginScan({ scopeKey: 'all:*:*', generatedAt: began, jobs: jobsOf(['111111111111']) });
    await store.finishScan(done, 'complete');
    await store.beginScan({
      scopeKey: 'all:*:*',
      generatedAt: began,
      jobs: jobsOf(['222222222222', '333333333333', '444444444444']),
    });
    const claim = { worker: 'w', leaseMs: 60_000, maxAttempts: 3 };
    const first = (await store.claimScanJob(claim))!;
    await store.completeScanJob(first, { header: {}, findings: [] });
    const second = (await store.claimScanJob(claim))!;
    await store.failScanJob(second, 'broke');
    await store.claimScanJob(claim);
    await store.close();

    const run = await runCli(['db', 'status'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^scan queue: 1 scan running \(oldest began 2026-12-05T09:00:00\.\d{3}Z, .+ ago\); accounts: 0 waiting, 1 being collected, 1 done, 1 failed$/m,
    );
  });

  it('when no scan runs, then status says so', async () => {
    const { env, store } = await setUp();
    await store.close();
    const run = await runCli(['db', 'status'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^scan queue: no scan running$/m);
  });
});

describe('cloudsec db migrate | status (PostgreSQL, CLOUDSEC_DATABASE_URL)', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });
  afterAll(async () => (await adminPool()).end());

  const aSchema = () => {
    const schema = newSchemaName();
    schemas.push(schema);
    return schema;
  };
  const schemaExists = async (schema: string) =>
    ((await (await adminPool()).query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount ?? 0) > 0;

  it('when the URL is set, then PostgreSQL is used and CLOUDSEC_DB is not touched', async () => {
    const schema = aSchema();
    const file = tempDbPath();
    const env = { CLOUDSEC_DATABASE_URL: PG_TEST_URL, CLOUDSEC_DATABASE_SCHEMA: schema, CLOUDSEC_DB: file };
    const where = `PostgreSQL ${PG_TEST_URL} (schema ${schema})`;

    const before = await runCli(['db', 'status'], { env });
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`database: ${where}\nschema version: none`);
    expect(await schemaExists(schema)).toBe(false);

    const migrated = await runCli(['db', 'migrate'], { env });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toBe(`${where}: schema version ${LATEST} (created).\n`);
    expect((await runCli(['db', 'migrate'], { env })).stdout).toContain('(already up to date)');
    const versions = await (
      await adminPool()
    ).query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    expect(versions.rows.map((r) => r.version)).toEqual(Array.from({ length: LATEST }, (_, i) => i + 1));

    const after = await runCli(['db', 'status'], { env });
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(
      `database: ${where}\nschema version: ${LATEST} (up to date)\nscan queue: no scan running\n`,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('when the schema is behind, then status counts the pending migrations and exits 1', async () => {
    const schema = aSchema();
    const env = { CLOUDSEC_DATABASE_URL: PG_TEST_URL, CLOUDSEC_DATABASE_SCHEMA: schema };
    await runCli(['db', 'migrate'], { env });
    await (await adminPool()).query(`DELETE FROM ${schema}.schema_migrations WHERE version >= $1`, [LATEST - 1]);
    const run = await runCli(['db', 'status'], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`schema version: ${LATEST - 2} of ${LATEST}: 2 migrations pending`);
  });

  it('when PostgreSQL cannot be reached, then the error names the URL without the password (exit 2)', async () => {
    const url = 'postgresql://cloudsec:hunter2-secret@127.0.0.1:1/cloudsec';
    for (const command of ['status', 'migrate']) {
      const run = await runCli(['db', command], { env: { CLOUDSEC_DATABASE_URL: url } });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('postgresql://cloudsec:***@127.0.0.1:1/cloudsec');
      expect(run.stdout + run.stderr).not.toContain('hunter2');
    }
  });

  it.each([
    ['mysql://root:hunter2-secret@db/cloudsec', 'mysql://root:***@db/cloudsec is not a PostgreSQL URL'],
    ['sqlite:./data/cloudsec.db', 'sqlite:./data/cloudsec.db is not a PostgreSQL URL'],
    ['postgres://cloudsec:hunter2-secret@[db/cloudsec', 'CLOUDSEC_DATABASE_URL: is not a URL (not shown'],
    ['mysql://db/cloudsec?user=cs&password=hunter2-secret', 'mysql://db/cloudsec?user=cs&password=*** is not'],
  ])('when CLOUDSEC_DATABASE_URL is %s, then it is a config error that hides the password', async (url, message) => {
    const run = await runCli(['db', 'status'], { env: { CLOUDSEC_DATABASE_URL: url } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('when a schema is named without a URL, or a schema name is not a plain identifier, then it is refused', async () => {
    const lone = await runCli(['db', 'status'], { env: { CLOUDSEC_DATABASE_SCHEMA: 'cloudsec' } });
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain('CLOUDSEC_DATABASE_SCHEMA is set but CLOUDSEC_DATABASE_URL is not');
    const odd = await runCli(['db', 'migrate'], {
      env: { CLOUDSEC_DATABASE_URL: PG_TEST_URL, CLOUDSEC_DATABASE_SCHEMA: 'cloudsec; DROP TABLE x' },
    });
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain(
      'CLOUDSEC_DATABASE_SCHEMA: "cloudsec; DROP TABLE x" is not a plain lower-case identifier',
    );
  });
});
