import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config';
import { composeApp, noGroups, noWriteExecutor, type LiveLaneOptions } from '../../src/compose';
import { recordedSnapshotSource } from '../../src/app/snapshot-source';
import { loadSampleEvents } from '../../src/app/detections/samples';
import { demoSnapshotPath, packageRoot } from '../../src/paths';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { DEMO_ACCOUNTS, invocation, recordingMessenger, recordingResponder } from '../fixtures/app';
import { NOW } from '../fixtures/snapshot-builders';
import { plural } from '../../src/core/render/blocks/remediation/format';

const SAMPLES_DIR = path.join(packageRoot(), 'data', 'sample-events');
const ACCESS = `bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEWER]
    accounts: [acme-staging]
`;

describe('/cloudsec demo-event', () => {
  let dir: string;
  let store: Store;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-demo-event-'));
    store = openSqliteStore({ path: path.join(dir, 'cloudsec.db'), clock: () => NOW });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const app = (liveLane: LiveLaneOptions | null) => {
    const slack = recordingMessenger();
    const { app: cloudsec } = composeApp({
      config: parseConfig(DEMO_ACCOUNTS + ACCESS, 'cloudsec.yml'),
      store,
      source: recordedSnapshotSource(demoSnapshotPath()),
      groups: noGroups,
      clock: () => NOW,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      metrics: { commandCompleted: () => undefined },
      executor: noWriteExecutor,
      dryRun: true,
      messenger: slack.messenger,
      liveLane,
    });
    const run = async (text: string, userId = 'U0ADMIN') => {
      const out = recordingResponder();
      await cloudsec.handleCommand(invocation(text, { actor: { userId } }), out.responder);
      return out;
    };
    return { run, slack };
  };
  const demo = () => app({ samples: loadSampleEvents(SAMPLES_DIR), alertChannel: 'C0ALERTS' });

  it('when asked for the list in the demo, then every bundled sample is named, privately', async () => {
    const out = await demo().run('demo-event list');
    const names = fs.readdirSync(SAMPLES_DIR).map((f) => f.replace(/\.json$/, ''));
    expect(names).toEqual(expect.arrayContaining(['bucket-made-public', 'port-22-opened', 'unauthorized-calls-burst']));
    for (const name of names) expect(out.last().text).toContain(`\`${name}\``);
    expect(out.last().visibility).toBe('ephemeral');
  });

  it('when a sample is replayed in the demo, then its cards are posted to the alert channel and the answer says so', async () => {
    const { run, slack } = demo();
    const out = await run('demo-event bucket-made-public');

    // A public bucket policy is also a bucket policy change (CIS 4.8): every alert it made has a card.
    const alerts = await store.listAlerts();
    expect(alerts.map((a) => a.detectionId)).toContain('s3_bucket_made_public');
    for (const a of alerts) expect(a).toMatchObject({ source: 'demo', accountId: '111111111111', channel: 'C0ALERTS' });
    expect(slack.posts).toHaveLength(alerts.length);
    expect(slack.posts.every((p) => p.channel === 'C0ALERTS')).toBe(true);
    expect(slack.posts.some((p) => p.text.includes('S3 bucket made public'))).toBe(true);
    const n = alerts.length;
    expect(out.last().text).toContain(
      `Replayed \`bucket-made-public\`: 1 record through the live lane.\n${plural(n, 'new alert')} (${plural(n, 'card')} posted to #C0ALERTS).`,
    );
    expect(out.last().visibility).toBe('ephemeral');
  });

  it('when the same sample is replayed again, then its records get fresh ids and count as repeats, not duplicates', async () => {
    const { run, slack } = demo();
    await run('demo-event bucket-made-public');
    const again = await run('demo-event bucket-made-public');

    const alerts = await store.listAlerts();
    expect(again.last().text).toContain(`0 new alerts; ${plural(alerts.length, 'repeat')} counted`);
    expect(alerts.every((a) => a.count === 2)).toBe(true);
    expect(slack.posts.filter((p) => p.threadTs)).toHaveLength(alerts.length);
  });

  it('when the sample name is unknown, then it says so and suggests the nearest', async () => {
    const out = await demo().run('demo-event bucket-public');
    expect(out.last().text).toContain(
      'There is no sample event named "bucket-public". Did you mean "bucket-made-public"?',
    );
  });

  it('when the user may not read alerts of the sample account, then the replay is refused and nothing is posted', async () => {
    const { run, slack } = demo();
    const out = await run('demo-event bucket-made-public', 'U0VIEWER');
    expect(out.last().text).toMatch(/Not allowed/);
    expect(slack.posts).toHaveLength(0);
    expect(await store.listAlerts()).toHaveLength(0);
  });

  it.each([
    ['the live lane is off', null],
    ['the live lane reads CloudTrail (no samples)', {}],
  ])('when %s, then demo-event refuses with the reason', async (_, liveLane) => {
    const { run, slack } = app(liveLane);
    const out = await run('demo-event bucket-made-public');
    expect(out.last().text).toContain('works only in the demo');
    expect(slack.posts).toHaveLength(0);
  });
});
