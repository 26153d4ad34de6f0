import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { copySqliteToPostgres } from '../../src/store/copy';
import { openPostgresStore } from '../../src/store/pg';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { adminPool, dropSchema, newSchemaName, PG_TEST_URL } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';
import { aNewRequest, manualClock, tempDir } from '../fixtures/store';
import { AUDIT_KEY, NONCE, readEverything, seedStore } from './copy-seed';

const T0 = '2026-11-01T12:00:00.000Z';

describe('db copy: a SQLite install into PostgreSQL', () => {
  const schemas: string[] = [];
  const open: Store[] = [];

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });
  afterAll(async () => (await adminPool()).end());

  const migratedTarget = async (): Promise<string> => {
    const schema = newSchemaName();
    schemas.push(schema);
    const store = await openPostgresStore({ url: PG_TEST_URL, schema, clock: manualClock(T0) });
    await store.close();
    return schema;
  };

  const pgStore = async (schema: string, clock = manualClock(T0)) => {
    const store = await openPostgresStore({ url: PG_TEST_URL, schema, clock, auditKey: AUDIT_KEY });
    open.push(store);
    return store;
  };

  const pgRows = async (sql: string) => (await (await adminPool()).query(sql)).rows as Array<Record<string, unknown>>;

  /** A seeded SQLite file, with gaps in the rowids of scans and requests (as deleted rows leave). */
  const seededSource = async () => {
    const file = path.join(tempDir(), 'cloudsec.db');
    const clock = manualClock(T0);
    const store = openSqliteStore({ path: file, clock, auditKey: AUDIT_KEY });
    const seeded = await seedStore(store, clock);
    await store.close();
    const db = new Database(file);
    db.exec('UPDATE scans SET rowid = rowid * 10; UPDATE remediation_requests SET rowid = rowid * 10;');
    db.close();
    return { file, seeded };
  };

  it('when a filled install is copied, then every list and get of the copy equals the source and the chain verifies', async () => {
    const { file, seeded } = await seededSource();
    const schema = await migratedTarget();

    const result = await copySqliteToPostgres({
      from: `sqlite:${file}`,
      to: { url: PG_TEST_URL, schema },
      auditKey: AUDIT_KEY,
    });

    const source = openSqliteStore({ path: file, clock: manualClock(T0), auditKey: AUDIT_KEY });
    open.push(source);
    const target = await pgStore(schema);
    const expected = await readEverything(source, seeded);
    expect(expected.verification).toMatchObject({ ok: true, count: 3 });
    expect(expected.requests).toHaveLength(5);
    expect(expected.alerts).toHaveLength(2);
    // The seals (HMACs over each row) are part of what must survive: they check out in the source.
    expect([...expected.requestSeals, ...expected.exceptionSeals]).toEqual(
      Array.from({ length: 7 }, () => ({ ok: true, sealed: true })),
    );
    expect(await readEverything(target, seeded)).toEqual(expected);
    expect(result.audit).toEqual({ entries: 3, lastSeq: 3 });

    // Every table, counted in both databases.
    const db = new Database(file, { readonly: true });
    const counts = result.tables.map(({ table }) => ({
      table,
      rows: (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n,
    }));
    db.close();
    expect(result.tables).toEqual(counts);
    expect(result.tables.find((t) => t.table === 'scan_findings')?.rows).toBe(4);
    expect(new Set(result.tables.map((t) => t.table))).toEqual(
      new Set(
        (
          await pgRows(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' AND table_name <> 'schema_migrations'`,
          )
        ).map((r) => r.table_name),
      ),
    );
    // Parents first: a request's approvals after it, a scan's findings after it.
    const order = result.tables.map((t) => t.table);
    expect(order.indexOf('remediation_requests')).toBeLessThan(order.indexOf('request_approvals'));
    expect(order.indexOf('scans')).toBeLessThan(order.indexOf('scan_findings'));
    expect(order.indexOf('scans')).toBeLessThan(order.indexOf('digest_runs'));
  });

  it('when copied, then the audit rows and the rowid ordering columns are byte for byte the source', async () => {
    const { file } = await seededSource();
    const schema = await migratedTarget();
    await copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema }, auditKey: AUDIT_KEY });

    const db = new Database(file, { readonly: true });
    const audit = db.prepare('SELECT seq, prev_hash, hash, hmac, details FROM audit_entries ORDER BY seq').all();
    const requests = db.prepare('SELECT rowid, id, seal FROM remediation_requests ORDER BY rowid').all();
    const scans = db.prepare('SELECT rowid, id FROM scans ORDER BY rowid').all();
    db.close();
    expect(requests.map((r) => (r as { rowid: number }).rowid)).toEqual([10, 20, 30, 40, 50]);
    expect(
      await pgRows(`SELECT seq::int AS seq, prev_hash, hash, hmac, details FROM ${schema}.audit_entries ORDER BY seq`),
    ).toEqual(audit);
    expect(
      await pgRows(`SELECT rowid::int AS rowid, id, seal FROM ${schema}.remediation_requests ORDER BY rowid`),
    ).toEqual(requests);
    expect(await pgRows(`SELECT rowid::int AS rowid, id FROM ${schema}.scans ORDER BY rowid`)).toEqual(scans);
  });

  it('when the copy is used, then new rows come after the copied ones and claims made before still hold', async () => {
    const { file } = await seededSource();
    const schema = await migratedTarget();
    await copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema }, auditKey: AUDIT_KEY });
    // The seeding clock stood at T0 + 1 min when the requests were made; a new one at the same instant.
    const clock = manualClock(T0);
    clock.advance(60_000);
    const target = await pgStore(schema, clock);

    const fresh = await target.createRequest(aNewRequest({ justification: 'after the copy' }));
    expect(fresh.created).toBe(true);
    // Same created_at as the copied requests: the tie-break is the rowid, which must be past theirs.
    expect((await target.listRequests())[0]?.id).toBe(fresh.created ? fresh.request.id : null);
    const [row] = await pgRows(
      `SELECT rowid::int AS rowid FROM ${schema}.remediation_requests WHERE justification = 'after the copy'`,
    );
    expect(row?.rowid).toBe(51);

    expect(await target.claimNonce(NONCE, new Date('2026-11-01T13:00:00Z'))).toBe(false);
    expect((await target.acquireLock('leader', 'host-new:1', 60_000)).acquired).toBe(false);
    const next = await target.appendAudit({
      actor: { kind: 'system', id: 'bot' },
      action: 'config.load',
      outcome: 'ok',
      target: null,
    });
    expect(next.seq).toBe(4);
    expect(await target.verifyAudit()).toMatchObject({ ok: true, count: 4 });
  });

  it('when a streamed scan is in progress, then the copy keeps its state, jobs and findings, and its queue goes on', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'cloudsec.db');
    const source = openSqliteStore({ path: file, clock: manualClock(T0) });
    const claim = { worker: 'host-a:1', leaseMs: 60_000, maxAttempts: 3 };
    const jobs = ['111111111111', '222222222222', '333333333333'].map((accountId) => ({
      accountId,
      spec: { accountId },
    }));
    const scanId = await source.beginScan({ scopeKey: 'all:*:*', generatedAt: T0, jobs });
    const done = (await source.claimScanJob(claim))!;
    const findings = [aFinding({ id: 'f-a', accountId: done.accountId, status: 'fail' })];
    await source.completeScanJob(done, { header: { accountId: done.accountId }, findings });
    const held = (await source.claimScanJob(claim))!;
    const before = { scan: await source.getScan(scanId), jobs: await source.scanJobs(scanId) };
    await source.close();
    const schema = await migratedTarget();

    const result = await copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } });
    fs.rmSync(dir, { recursive: true, force: true });

    expect(result.tables.find((t) => t.table === 'scan_jobs')?.rows).toBe(3);
    const target = await pgStore(schema);
    expect({ scan: await target.getScan(scanId), jobs: await target.scanJobs(scanId) }).toEqual(before);
    expect(before.scan?.state).toBe('running');
    expect(await target.findingsOfScan(scanId)).toEqual(findings);
    expect(await target.latestScan('all:*:*')).toBeNull();
    // The copied claim still fences; the queue continues with the account nobody took yet.
    expect(await target.renewScanJob(held, 60_000)).toBe(true);
    expect(await target.claimScanJob(claim)).toMatchObject({ scanId, accountId: '333333333333', attempt: 1 });
  });

  it('when the source is empty but migrated, then the copy succeeds with zero rows everywhere', async () => {
    const file = path.join(tempDir(), 'cloudsec.db');
    await openSqliteStore({ path: file, clock: manualClock(T0) }).close();
    const schema = await migratedTarget();
    const result = await copySqliteToPostgres({ from: file, to: { url: PG_TEST_URL, schema } });
    expect(result.tables.length).toBeGreaterThan(10);
    expect(result.tables.every((t) => t.rows === 0)).toBe(true);
    expect(result.audit).toEqual({ entries: 0, lastSeq: 0 });
  });

  it('when batches are small, then a table larger than one batch arrives whole and in order', async () => {
    const file = path.join(tempDir(), 'cloudsec.db');
    const store = openSqliteStore({ path: file, clock: manualClock(T0) });
    for (let i = 0; i < 23; i += 1) {
      await store.appendAudit({
        actor: { kind: 'cli', id: 'ops' },
        action: 'command.check',
        outcome: 'ok',
        target: `n${i}`,
      });
    }
    await store.close();
    const schema = await migratedTarget();
    const tables: string[] = [];
    const result = await copySqliteToPostgres({
      from: file,
      to: { url: PG_TEST_URL, schema },
      batchRows: 5,
      onTable: (table, rows) => tables.push(`${table}:${rows}`),
    });
    expect(result.audit).toEqual({ entries: 23, lastSeq: 23 });
    expect(tables).toContain('audit_entries:23');
    const targets = await pgRows(`SELECT target FROM ${schema}.audit_entries ORDER BY seq`);
    expect(targets.map((r) => r.target)).toEqual(Array.from({ length: 23 }, (_, i) => `n${i}`));
  });
});
