/**
 * What the bot loads only when it is used, beyond the AWS SDK and the chart renderer
 * (test/aws/lazy-loading.test.ts): the PostgreSQL driver and cloudsec's PostgreSQL store when a
 * PostgreSQL database is first used (src/store/open-store.ts; a bot on SQLite never needs them),
 * and the detections catalog when there is a live lane or rule settings to check (src/main.ts,
 * src/compose.ts). `npm run bench:idle` measures the footprint. As there, each watched module is
 * replaced by itself, recording that it was loaded, and every test starts from an empty registry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Pool } from 'pg';
import type * as MainModule from '../src/main';
import type * as OpenStoreModule from '../src/store/open-store';
import { PG_TEST_URL, newSchemaName } from './fixtures/contract-stores';

/** Watched modules: name for the report → path as this file requires it. */
const WATCHED: Record<string, string> = {
  pg: 'pg',
  'src/store/pg': '../src/store/pg',
  'src/store/pg-migrations': '../src/store/pg-migrations',
  'src/core/detections': '../src/core/detections',
  'src/core/checks': '../src/core/checks',
};

const loaded = new Set<string>();

beforeEach(() => {
  loaded.clear();
  jest.resetModules();
  for (const [name, request] of Object.entries(WATCHED))
    jest.doMock(request, () => {
      loaded.add(name);
      return jest.requireActual(request);
    });
});

afterEach(() => {
  for (const request of Object.values(WATCHED)) jest.dontMock(request);
});

const fresh = <T extends object>(file: string): T => {
  let module: T | undefined;
  jest.isolateModules(() => {
    module = jest.requireActual<T>(file);
  });
  return module!;
};

const clock = () => new Date('2026-03-01T08:00:00Z');

describe('lazy loading of the PostgreSQL store', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-lazy-pg-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loading the bot (src/main, with everything it imports) loads neither pg, the PostgreSQL store, the detections catalog nor the checks catalog', () => {
    fresh<object>('../src/main');
    expect([...loaded]).toEqual([]);
  }, 120_000);

  it('a bot on SQLite opens, migrates and reads its database without loading them', async () => {
    const { configuredStoreTarget, openStoreAt, readSchemaVersion, latestVersionFor } =
      fresh<typeof OpenStoreModule>('../src/store/open-store');
    const target = configuredStoreTarget({ CLOUDSEC_DB: path.join(dir, 'cloudsec.db') });
    expect(target.kind).toBe('sqlite');
    const store = await openStoreAt(target, { clock });
    try {
      await store.appendAudit({
        actor: { kind: 'system', id: 'test' },
        action: 'config.load',
        outcome: 'ok',
        target: null,
        details: {},
      });
    } finally {
      await store.close();
    }
    expect(await readSchemaVersion(target)).toBe(latestVersionFor(target));
    expect([...loaded]).toEqual([]);
  });

  it('a PostgreSQL database loads them when first used, and works', async () => {
    const { configuredStoreTarget, openStoreAt, readSchemaVersion, latestVersionFor } =
      fresh<typeof OpenStoreModule>('../src/store/open-store');
    const schema = newSchemaName();
    const target = configuredStoreTarget({ CLOUDSEC_DATABASE_URL: PG_TEST_URL, CLOUDSEC_DATABASE_SCHEMA: schema });
    expect([...loaded]).toEqual([]);
    // The migrations' version alone needs their list, not the driver.
    const latest = latestVersionFor(target);
    expect([...loaded]).toEqual(['src/store/pg-migrations']);
    try {
      // A schema never migrated: no cloudsec database there (read through the driver, loaded now).
      expect(await readSchemaVersion(target)).toBeNull();
      expect([...loaded].sort()).toEqual(['pg', 'src/store/pg-migrations']);
      const store = await openStoreAt(target, { clock });
      await store.close();
      expect([...loaded].sort()).toEqual(['pg', 'src/store/pg', 'src/store/pg-migrations']);
      expect(await readSchemaVersion(target)).toBe(latest);
    } finally {
      const admin = new Pool({ connectionString: PG_TEST_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
    }
  });
});

describe('lazy loading of the detections catalog', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-lazy-detections-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The bot's start-up without Slack settings: it stops there, after the config checks. */
  const start = async (yaml: string) => {
    const { main } = fresh<typeof MainModule>('../src/main');
    const config = path.join(dir, 'cloudsec.yml');
    fs.writeFileSync(config, yaml);
    let err = '';
    const code = await main([], {
      env: { CLOUDSEC_DB: path.join(dir, 'cloudsec.db'), CLOUDSEC_CONFIG: config },
      stdin: Readable.from([]),
      stdout: () => undefined,
      stderr: (t) => (err += t),
      clock,
    });
    return { code, err };
  };

  it('a bot without rule settings starts without it', async () => {
    const run = await start('bindings: []\n');
    // Past the config checks: stopped by the missing Slack settings.
    expect(run.err).toContain('Slack settings are missing');
    expect([...loaded]).toEqual([]);
  }, 120_000);

  it('rule settings are still checked against it: a misspelt rule id is refused at start', async () => {
    const run = await start('bindings: []\ndetections:\n  rules:\n    no-such-detection:\n      enabled: false\n');
    expect(run.code).toBe(2);
    expect(run.err).toContain('cloudsec.yml detections: detections.rules.no-such-detection: no detection has this id');
    expect([...loaded]).toEqual(['src/core/detections']);
  }, 120_000);
});

describe('lazy loading of the checks catalog', () => {
  it('is loaded by the first finding headed, and heads it from the catalog', () => {
    const { problemTitle } = fresh<typeof import('../src/core/render/headline')>('../src/core/render/headline');
    expect([...loaded]).toEqual([]);
    const { CHECKS } = jest.requireActual<typeof import('../src/core/checks')>('../src/core/checks');
    const check = CHECKS.find((c) => c.failTitle !== c.title)!;
    // A row stored with the desired state as its title is headed with what is wrong.
    expect(problemTitle({ checkId: check.id, title: check.title })).toBe(check.failTitle);
    expect([...loaded]).toEqual(['src/core/checks']);
  });

  it('a replica’s job worker is set up without it; the catalog loads once, on first use', () => {
    const { processJobScans } = fresh<typeof import('../src/schedule/job-scans')>('../src/schedule/job-scans');
    const jobs = processJobScans({
      store: {} as never,
      collector: {} as never,
      config: { checks: undefined as never, concurrency: { accounts: 2, regions: 2, calls: 2, inFlight: 2 } },
      clock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    expect(typeof jobs).toBe('object');
    expect([...loaded]).toEqual([]);
    const { checkCatalog } = fresh<typeof import('../src/core/checks/catalog')>('../src/core/checks/catalog');
    expect(checkCatalog().length).toBeGreaterThan(50);
    expect(checkCatalog()).toBe(checkCatalog());
    expect([...loaded]).toEqual(['src/core/checks']);
  });
});
