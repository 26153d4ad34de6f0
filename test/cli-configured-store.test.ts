import fs from 'node:fs';
import path from 'node:path';
import { makeDigestService } from '../src/app/digest';
import { recordedSnapshotSource } from '../src/app/snapshot-source';
import { loadConfig } from '../src/config';
import { demoConfigPath, demoSnapshotPath } from '../src/paths';
import type { Store } from '../src/store/store';
import { runCli } from './fixtures/cli';
import {
  adminPool,
  dropSchema,
  newSchemaName,
  PG_TEST_URL,
  STORE_KINDS,
  useContractStores,
  type StoreKind,
  type StoreLocation,
} from './fixtures/contract-stores';
import { NOW } from './fixtures/snapshot-builders';
import { tempDir } from './fixtures/store';

// `cloudsec check` (its accepted risks) and `digest --preview` (its delta) read the database the
// environment selects: PostgreSQL with CLOUDSEC_DATABASE_URL, else the SQLite file at CLOUDSEC_DB.
// With no database there they go on without it, as they always did for a missing file.

const PROD = '111111111111';

const dirs: string[] = [];
const aDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
const schemas: string[] = [];
// Runs after useContractStores' own afterEach; its afterAll then ends the pool dropSchema used.
afterEach(async () => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

/**
 * The environment naming `location`. For PostgreSQL CLOUDSEC_DB names a file that is not there: what
 * is found must have come from the schema.
 */
const envFor = (location: StoreLocation): Record<string, string> =>
  location.kind === 'sqlite'
    ? { CLOUDSEC_DB: location.path }
    : {
        CLOUDSEC_DATABASE_URL: location.url,
        CLOUDSEC_DATABASE_SCHEMA: location.schema,
        CLOUDSEC_DB: path.join(aDir(), 'not-this.db'),
      };

/** A location of `kind` where no cloudsec database has ever been. */
const nowhere = (kind: StoreKind): StoreLocation => {
  if (kind === 'sqlite') return { kind, path: path.join(aDir(), 'no-such.db') };
  const schema = newSchemaName();
  schemas.push(schema);
  return { kind, url: PG_TEST_URL, schema };
};

const exists = async (location: StoreLocation): Promise<boolean> =>
  location.kind === 'sqlite'
    ? fs.existsSync(location.path)
    : ((await (await adminPool()).query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [location.schema])).rowCount ??
        0) > 0;

/** The demo estate as a recorded snapshot, judged with a cloudsec.yml that accepts nothing. */
const check = async (env: Record<string, string>, ...args: string[]) => {
  const config = path.join(aDir(), 'cloudsec.yml');
  fs.writeFileSync(config, 'regions: [us-east-1]\n');
  return runCli(['check', 's3', '--snapshot', demoSnapshotPath(), '--config', config, ...args], { env });
};

const preview = (env: Record<string, string>) =>
  runCli(['digest', '--preview', 'prod-high', '--snapshot', demoSnapshotPath(), '--config', demoConfigPath()], {
    env,
  });

/** One accepted risk approved in Slack: partner-share's S3 findings (three fail in the demo). */
const acceptPartnerShare = async (store: Store): Promise<string> => {
  const created = await store.createException({
    scope: { accounts: [PROD], checks: ['s3_*'], resources: ['partner-share'] },
    reason: 'Partner integration, contract ends in November',
    owner: { id: 'U0OWNER2', name: 'Olivia Owner' },
    requester: { kind: 'slack-user', id: 'U0OWNER2' },
    expiresAt: '2026-11-15T00:00:00.000Z',
    accepted: [],
  });
  await store.transitionException(created.id, ['pending'], 'active', {
    approver: { id: 'U0APPROVER' },
    decidedAt: NOW.toISOString(),
  });
  return created.id;
};

/** The bot's scheduled run of the demo's prod-high digest, stored in `store`. */
const runDigest = async (store: Store): Promise<void> => {
  const config = loadConfig(demoConfigPath()).config;
  const service = makeDigestService({
    config,
    store,
    clock: () => NOW,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    source: recordedSnapshotSource(demoSnapshotPath()),
    securityHub: null,
    poster: { post: async (channel) => ({ channel, ts: '1.000' }), attach: async () => undefined },
    chart: () => Buffer.alloc(0),
    knownAccounts: async () => (config.accounts ?? []).map((a) => ({ id: a.id, name: a.name })),
    remediationEnabled: false,
    owner: 'test',
  });
  await service.run(service.find('prod-high')!, new Date('2026-10-31T08:30:00Z'), 'scheduled');
};

describe.each(STORE_KINDS)('the CLI reads the configured database (%s)', (kind) => {
  const stores = useContractStores(kind);

  it('when the database holds an accepted risk, then check hides its findings and names it', async () => {
    const store = await stores.open({ clock: () => NOW });
    const id = await acceptPartnerShare(store);
    const env = envFor(stores.locationOf(store));

    const text = await check(env);
    const json = (await check(env, '--format', 'json')).json() as {
      findings: { status: string; resource: { id: string } }[];
      acceptedRisks: { exceptions: { source: string; id: string; hides: number }[] };
    };

    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`3 accepted risks hidden (database: ${id})`);
    expect(json.acceptedRisks.exceptions).toEqual([expect.objectContaining({ source: 'slack', id, hides: 3 })]);
    expect(json.findings.some((f) => f.resource.id === 'partner-share' && f.status === 'fail')).toBe(false);
  });

  it('when the database holds an earlier digest run, then the preview is the delta against it and stores nothing', async () => {
    const store = await stores.open({ clock: () => NOW });
    await runDigest(store);
    const runsBefore = await store.digestRunHistory('prod-high', 10);
    expect(runsBefore).toHaveLength(1);

    const run = await preview(envFor(stores.locationOf(store)));

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 new, 0 resolved since the last digest');
    expect(run.stdout).not.toContain('first digest');
    expect(await store.digestRunHistory('prod-high', 10)).toEqual(runsBefore);
  });

  it('when there is no database there, then check uses cloudsec.yml alone, the preview is a first run, and nothing is created', async () => {
    const location = nowhere(kind);
    const env = envFor(location);

    const checked = await check(env);
    const previewed = await preview(env);

    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/^18 failing/m);
    expect(checked.stdout).not.toContain('accepted risk');
    expect(previewed.code).toBe(0);
    expect(previewed.stdout).toContain('first digest, nothing to compare with yet');
    expect(await exists(location)).toBe(false);
  });
});

describe('the configured PostgreSQL cannot be reached', () => {
  // Going on without it would show findings the team accepted as if nobody had looked: refuse instead.
  it('when check or the preview needs it, then they fail (exit 2) naming it without the password', async () => {
    const env = { CLOUDSEC_DATABASE_URL: 'postgres://cloudsec:hunter2@127.0.0.1:1/cloudsec?password=hunter3' };

    for (const run of [await check(env), await preview(env)]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'Cannot reach the database postgres://cloudsec:***@127.0.0.1:1/cloudsec?password=***',
      );
      expect(run.stdout + run.stderr).not.toMatch(/hunter/);
    }
  });
});
