import { makeDigestService } from '../src/app/digest';
import { recordedSnapshotSource } from '../src/app/snapshot-source';
import { loadConfig } from '../src/config';
import { demoConfigPath, demoSnapshotPath } from '../src/paths';
import { runCli } from './fixtures/cli';
import { NOW } from './fixtures/snapshot-builders';
import { useTempStores } from './fixtures/store';

describe('cloudsec digest --preview', () => {
  const stores = useTempStores();

  it('when previewing a demo digest, then it prints the digest as text and exits 0', async () => {
    const run = await runCli(['digest', '--preview', 'prod-high', '--demo']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Posture digest: prod-high (DEMO)');
    expect(run.stdout).toContain('Scope: accounts acme-prod');
    expect(run.stdout).toContain('first digest, nothing to compare with yet');
    expect(run.stdout).toMatch(/NEW SINCE LAST DIGEST \(\d+\)/);
    // minSeverity high: nothing medium or low is listed.
    expect(run.stdout).not.toMatch(/\[(MEDIUM|LOW)\]/);
  });

  it('when the digest name is unknown, then it exits 2 naming the digests there are', async () => {
    const run = await runCli(['digest', '--preview', 'prod-hgih', '--demo']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No digest named "prod-hgih". Digests: security-daily, prod-high.');
  });

  it('when --preview is missing, then it is a usage error', async () => {
    const run = await runCli(['digest', '--demo']);

    expect(run.code).toBe(2);
  });

  it('when the bot’s database holds an earlier run, then the preview is the delta against it and stores nothing', async () => {
    const { store, path: dbPath } = stores.open({ clock: () => NOW });
    const config = loadConfig(demoConfigPath()).config;
    const posted: string[] = [];
    const service = makeDigestService({
      config,
      store,
      clock: () => NOW,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      source: recordedSnapshotSource(demoSnapshotPath()),
      securityHub: null,
      poster: {
        post: async (channel, message) => {
          posted.push(message.text);
          return { channel, ts: '1.000' };
        },
        attach: async () => undefined,
      },
      chart: () => Buffer.alloc(0),
      knownAccounts: async () => (config.accounts ?? []).map((a) => ({ id: a.id, name: a.name })),
      remediationEnabled: false,
      owner: 'test',
    });
    await service.run(service.find('prod-high')!, new Date('2026-10-31T08:30:00Z'), 'scheduled');
    const runsBefore = await store.digestRunHistory('prod-high', 10);

    const run = await runCli(
      ['digest', '--preview', 'prod-high', '--snapshot', demoSnapshotPath(), '--config', demoConfigPath()],
      { env: { CLOUDSEC_DB: dbPath } },
    );

    expect(posted).toHaveLength(1);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 new, 0 resolved since the last digest');
    expect(run.stdout).not.toContain('first digest');
    expect(await store.digestRunHistory('prod-high', 10)).toEqual(runsBefore);
  });
});
