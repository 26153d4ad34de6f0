import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { auditKeyNotice } from '../src/app/audit';
import { main } from '../src/main';
import { NOW } from './fixtures/snapshot-builders';
import { useTempStores } from './fixtures/store';

const KEY = 'main-audit-key-test-0123456789abcdefghijkl';

/**
 * The bot's start-up (`npm start`) without Slack settings: it stops at the Slack check, which is
 * after the audit-key check, so what it says about the key can be read without a Slack workspace.
 */
describe('starting the bot without CLOUDSEC_AUDIT_KEY', () => {
  const stores = useTempStores();

  const start = async (env: Record<string, string>) => {
    const db = stores.dbPath();
    const config = path.join(path.dirname(db), 'cloudsec.yml');
    fs.writeFileSync(config, 'bindings: []\n');
    let err = '';
    const code = await main([], {
      env: { CLOUDSEC_DB: db, CLOUDSEC_CONFIG: config, ...env },
      stdin: Readable.from([]),
      stdout: () => undefined,
      stderr: (t) => (err += t),
      clock: () => NOW,
    });
    return { code, err, dbCreated: fs.existsSync(db) };
  };

  it('when the key is missing, then the bot warns loudly before anything else', async () => {
    const run = await start({});
    expect(run.err.split('\n')[0]).toMatch(/^WARNING: CLOUDSEC_AUDIT_KEY is not set\./);
    expect(run.err).toContain('CLOUDSEC_REQUIRE_AUDIT_KEY=1');
    // It carried on to the next check (Slack settings), which is what stops it here.
    expect(run.err).toContain('Slack settings are missing');
  });

  it('when the key is missing and CLOUDSEC_REQUIRE_AUDIT_KEY=1, then it refuses to start (exit 2) and opens nothing', async () => {
    const run = await start({ CLOUDSEC_REQUIRE_AUDIT_KEY: '1' });
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      'cloudsec: CLOUDSEC_REQUIRE_AUDIT_KEY is set but CLOUDSEC_AUDIT_KEY is not: refusing to start without the audit key. ' +
        'Set CLOUDSEC_AUDIT_KEY (at least 32 characters, e.g. `openssl rand -hex 32`, kept in a secret store).\n',
    );
    expect(run.dbCreated).toBe(false);
  });

  it('when the key is set, then nothing is said about it, required or not', async () => {
    const run = await start({ CLOUDSEC_AUDIT_KEY: KEY, CLOUDSEC_REQUIRE_AUDIT_KEY: '1' });
    expect(run.err).not.toContain('CLOUDSEC_AUDIT_KEY');
    expect(run.err).toContain('Slack settings are missing');
  });

  it.each([
    ['1', true],
    ['true', true],
    ['yes', true],
    ['on', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['', false],
  ])('when CLOUDSEC_REQUIRE_AUDIT_KEY is "%s", then refusing is %s', (value, refuses) => {
    expect(auditKeyNotice(undefined, value)?.refuse).toBe(refuses);
  });
});
