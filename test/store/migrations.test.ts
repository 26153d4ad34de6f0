import fs from 'node:fs';
import path from 'node:path';
import { CloudsecError } from '../../src/errors';
import { latestSchemaVersion, MIGRATIONS } from '../../src/store/migrations';
import { openSqliteStore } from '../../src/store/sqlite';
import { anAuditInput, manualClock, useTempStores } from '../fixtures/store';

describe('opening the SQLite store', () => {
  const stores = useTempStores();

  const versions = (file: string) =>
    stores.raw(file).prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();

  it('when the file does not exist, then its directory is created and every migration is applied once', async () => {
    const file = path.join(path.dirname(stores.dbPath()), 'nested', 'deeper', 'cloudsec.db');
    const { store } = stores.open({ path: file });
    await store.appendAudit(anAuditInput());
    expect(fs.existsSync(file)).toBe(true);
    expect(versions(file)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('when the store is opened, then the file is in WAL mode so readers do not block the writer', () => {
    const { path: file } = stores.open();
    expect(stores.raw(file).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('when an existing file is opened again, then nothing is re-applied and the data is kept', async () => {
    const first = stores.open();
    await first.store.appendAudit(anAuditInput());
    await first.store.close();
    const again = stores.open({ path: first.path });
    expect(versions(first.path)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await again.store.verifyAudit()).toMatchObject({ ok: true, count: 1 });
  });

  it('when the file was written by a newer cloudsec, then opening refuses with the versions and the path', () => {
    const { store, path: file } = stores.open();
    void store.close();
    const raw = stores.raw(file);
    const newer = latestSchemaVersion() + 1;
    raw
      .prepare(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', '2030-01-01T00:00:00.000Z')",
      )
      .run(newer);
    raw.close();
    let error: unknown;
    try {
      openSqliteStore({ path: file, clock: manualClock() });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CloudsecError);
    expect((error as CloudsecError).code).toBe('config');
    expect((error as CloudsecError).message).toContain(`schema version ${newer}`);
    expect((error as CloudsecError).message).toContain(file);
  });

  it('when the file is not a database, then opening fails with a config error naming it', () => {
    const file = stores.dbPath();
    fs.writeFileSync(file, 'this is not sqlite, just text long enough to be read as a header '.repeat(10));
    expect(() => openSqliteStore({ path: file, clock: manualClock() })).toThrow(
      expect.objectContaining({ code: 'config', message: expect.stringContaining(file) }),
    );
  });

  it('when the store is closed, then further calls reject', async () => {
    const { store } = stores.open();
    await store.close();
    await expect(store.latestAudit(1)).rejects.toThrow();
  });
});
