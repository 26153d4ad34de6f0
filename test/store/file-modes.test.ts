import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { runCli } from '../fixtures/cli';
import { NOW } from '../fixtures/snapshot-builders';

/**
 * The database holds findings, remediation requests and the audit log: nobody but the user cloudsec
 * runs as should read it, whatever the umask. Modes are judged under the usual umask (022).
 */

const dirs: string[] = [];
const stores: Store[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-modes-'));
  dirs.push(dir);
  return dir;
};
let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const open = (dbPath: string) => {
  const store = openSqliteStore({ path: dbPath, clock: () => NOW });
  stores.push(store);
  return store;
};
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const write = (store: Store) =>
  store.appendAudit({ actor: { kind: 'system', id: 'test' }, action: 'test.write', outcome: 'ok' });

describe('database file modes', () => {
  it('when the store creates its folder and database, then the folder is 0700 and the database 0600', async () => {
    const dbPath = path.join(tempDir(), 'data', 'nested', 'cloudsec.db');
    const store = open(dbPath);
    await write(store);
    expect(modeOf(path.dirname(dbPath))).toBe(0o700);
    expect(modeOf(path.dirname(path.dirname(dbPath)))).toBe(0o700);
    expect(modeOf(dbPath)).toBe(0o600);
  });

  it('when the store is written to, then the -wal and -shm files are 0600 too', async () => {
    const dbPath = path.join(tempDir(), 'cloudsec.db');
    const store = open(dbPath);
    await write(store);
    expect(fs.existsSync(`${dbPath}-wal`)).toBe(true);
    expect(modeOf(`${dbPath}-wal`)).toBe(0o600);
    expect(modeOf(`${dbPath}-shm`)).toBe(0o600);
  });

  it('when an existing database and its WAL files are readable by others, then opening the store makes them 0600', async () => {
    const dbPath = path.join(tempDir(), 'cloudsec.db');
    // Made by an older version: a database in WAL mode left with its -wal and -shm (as after a crash).
    const raw = new Database(dbPath);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.chmodSync(f, 0o644);
    const store = open(dbPath);
    raw.close();
    await write(store);
    expect(modeOf(dbPath)).toBe(0o600);
    expect(modeOf(`${dbPath}-wal`)).toBe(0o600);
    expect(modeOf(`${dbPath}-shm`)).toBe(0o600);
  });

  it('when the folder already exists, then its mode is left as the operator set it', async () => {
    const dir = path.join(tempDir(), 'shared');
    fs.mkdirSync(dir, { mode: 0o750 });
    fs.chmodSync(dir, 0o750);
    open(path.join(dir, 'cloudsec.db'));
    expect(modeOf(dir)).toBe(0o750);
  });

  it('when the store is in memory, then no file is made', async () => {
    const before = fs.readdirSync(process.cwd());
    await write(open(':memory:'));
    expect(fs.readdirSync(process.cwd())).toEqual(before);
  });
});

describe('snapshot files written by the CLI', () => {
  it("when `cloudsec collect --out` makes a new file, then it is 0600 (it maps the estate's weak spots)", async () => {
    const out = path.join(tempDir(), 'snapshot.json');
    expect((await runCli(['collect', '--demo', '--out', out])).code).toBe(0);
    expect(modeOf(out)).toBe(0o600);
  });
});
