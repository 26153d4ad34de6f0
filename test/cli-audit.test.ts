import fs from 'node:fs';
import Database from 'better-sqlite3';
import { runCli } from './fixtures/cli';
import { tempDbPath } from './fixtures/app';
import { openSqliteStore } from '../src/store/sqlite';

const KEY = 'k'.repeat(40);

const seed = async (file: string, times: string[], auditKey?: string) => {
  let now = times[0]!;
  const store = openSqliteStore({ path: file, clock: () => new Date(now), auditKey });
  for (const [n, time] of times.entries()) {
    now = time;
    await store.appendAudit({
      actor: { kind: 'cli', id: 'ops' },
      action: 'command.check',
      outcome: 'ok',
      target: `check ${n}`,
    });
  }
  await store.close();
};

/** An attacker with write access to the file: first removes the append-only triggers. */
const tamper = (file: string, sql: string) => {
  const db = new Database(file);
  const triggers = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'")
    .all() as { name: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
  db.exec(sql);
  db.close();
};

const TIMES = ['2026-11-01T10:00:00.000Z', '2026-11-02T10:00:00.000Z', '2026-11-03T10:00:00.000Z'];

describe('cloudsec audit verify', () => {
  it('when the chain is intact, then it says OK with the count and exits 0', async () => {
    const file = tempDbPath();
    await seed(file, TIMES);
    const run = await runCli(['audit', 'verify'], { env: { CLOUDSEC_DB: file } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Chain OK: 3 entries verified');
  });

  it('when a row was edited in the database, then it names the first broken entry and exits 1', async () => {
    const file = tempDbPath();
    await seed(file, TIMES);
    tamper(file, "UPDATE audit_entries SET outcome = 'denied' WHERE seq = 2");
    const run = await runCli(['audit', 'verify'], { env: { CLOUDSEC_DB: file } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('BROKEN at entry #2');
  });

  it('when the log was written with a key, then verifying without it fails and with it passes', async () => {
    const file = tempDbPath();
    await seed(file, TIMES, KEY);
    expect((await runCli(['audit', 'verify'], { env: { CLOUDSEC_DB: file, CLOUDSEC_AUDIT_KEY: KEY } })).code).toBe(0);
    const wrong = await runCli(['audit', 'verify'], { env: { CLOUDSEC_DB: file, CLOUDSEC_AUDIT_KEY: 'x'.repeat(40) } });
    expect(wrong.code).toBe(1);
  });

  it('when the log carries HMACs and no key is given, then it does not say OK: the HMACs could not be checked, exit 1', async () => {
    const file = tempDbPath();
    await seed(file, TIMES, KEY);
    const run = await runCli(['audit', 'verify'], { env: { CLOUDSEC_DB: file } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toContain('Chain OK');
    expect(run.stderr).toContain('Chain NOT VERIFIED');
    expect(run.stderr).toContain('3 carry HMACs and CLOUDSEC_AUDIT_KEY is not set, so the HMACs could not be checked');
  });

  it('when there is no database at CLOUDSEC_DB, then it exits 2 without creating one', async () => {
    const file = tempDbPath();
    const run = await runCli(['audit', 'verify'], { env: { CLOUDSEC_DB: file } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`No cloudsec database at ${file}`);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('when the audit key is too short, then it exits 2 saying how long it must be', async () => {
    const run = await runCli(['audit', 'verify'], { env: { CLOUDSEC_DB: tempDbPath(), CLOUDSEC_AUDIT_KEY: 'short' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CLOUDSEC_AUDIT_KEY');
    expect(run.stderr).not.toContain('short');
  });
});

describe('cloudsec audit export', () => {
  it('when exported as JSON lines, then every entry is one parseable line, oldest first, with its chain fields', async () => {
    const file = tempDbPath();
    await seed(file, TIMES);
    const run = await runCli(['audit', 'export'], { env: { CLOUDSEC_DB: file } });
    expect(run.code).toBe(0);
    const entries = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]).toMatchObject({ prevHash: entries[0].hash, action: 'command.check', target: 'check 1' });
  });

  it('when --since is given, then only entries at or after it are exported', async () => {
    const file = tempDbPath();
    await seed(file, TIMES);
    const run = await runCli(['audit', 'export', '--since', '2026-11-02T00:00:00Z', '--format', 'json'], {
      env: { CLOUDSEC_DB: file },
    });
    expect((JSON.parse(run.stdout) as { seq: number }[]).map((e) => e.seq)).toEqual([2, 3]);
  });

  it('when --since is not a time, then it exits 2', async () => {
    const file = tempDbPath();
    await seed(file, TIMES);
    const run = await runCli(['audit', 'export', '--since', 'yesterday'], { env: { CLOUDSEC_DB: file } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected an ISO-8601 time');
  });
});
