/**
 * The whole bot: a real Bolt app on a loopback port, the real commands, authorization, store and
 * AWS collectors (answered by the simulated estate with a delay), Slack's Web API and response_url
 * intercepted by nock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { composeApp, noGroups, noWriteExecutor } from '../../src/compose';
import { parseConfig } from '../../src/config';
import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import { openSqliteStore } from '../../src/store/sqlite';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { installFakeAws, type FakeAws } from '../fixtures/aws/fake-aws';
import { silentMessenger } from '../fixtures/app';
import {
  BOT_IDENTITY,
  BOT_TOKEN,
  RESPONSE_URL_ORIGIN,
  SIGNING_SECRET,
  eventCallback,
  postToSlackApp,
  slashCommand,
} from '../fixtures/slack';

const SLACK_API = 'https://slack.test';
const MANAGEMENT = '111111111111';
const WORKLOADS = '222222222222';
/** Services whose calls read an account's resources (listing accounts and assuming roles do not). */
const COLLECTING = ['iam', 's3', 's3control', 'ec2', 'cloudtrail', 'securityhub'];
const collectedFrom = (fake: FakeAws, accountId: string) =>
  fake.calls.filter((c) => c.accountId === accountId && COLLECTING.includes(c.service)).length;
const CONFIG = `
organization:
  roleName: cloudsec-read
bindings:
  - role: admin
    users: [U0ALICE001]
  - role: viewer
    users: [U0VIEW0001]
    accounts: [workloads]
channels:
  findings: [C0SECURITY]
accessHelp: "#sec-leads"
`;

interface Posted {
  response_type?: string;
  replace_original?: boolean;
  text: string;
  blocks: unknown[];
}

describe('the Slack bot end to end', () => {
  let fake: FakeAws;
  let running: RunningSlackApp;
  let baseUrl: string;
  let store: ReturnType<typeof openSqliteStore>;
  let dir: string;

  beforeEach(async () => {
    fake = installFakeAws({
      callerAccountId: '111111111111',
      organization: true,
      latencyMs: 150,
      accounts: [
        { id: '111111111111', name: 'management', users: 3, buckets: 2, regions: ['us-east-1'], misconfigured: true },
        { id: '222222222222', name: 'workloads', users: 3, buckets: 2, regions: ['us-east-1'] },
      ],
    });
    const config = parseConfig(CONFIG, 'cloudsec.yml');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-bot-e2e-'));
    store = openSqliteStore({ path: path.join(dir, 'cloudsec.db'), clock: () => new Date() });
    const { app } = composeApp({
      config,
      store,
      source: makeLiveSnapshotSource({ config, homeRegion: 'us-east-1', sleep: async () => {} }),
      groups: noGroups,
      clock: () => new Date(),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      metrics: { commandCompleted: () => undefined },
      executor: noWriteExecutor,
      dryRun: false,
      messenger: silentMessenger,
    });
    const env = readSlackEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SLACK_API_URL: `${SLACK_API}/api/`,
    });
    running = await startSlackApp({
      app,
      env,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });
    baseUrl = `http://127.0.0.1:${running.port}`;
  });

  afterEach(async () => {
    await running.stop();
    fake.restore();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const collectResponses = (path: string, expected: number) => {
    const posted: Posted[] = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    nock(RESPONSE_URL_ORIGIN)
      .post(path, (body: Posted) => {
        posted.push(body);
        if (posted.length === expected) done();
        return true;
      })
      .times(expected)
      .reply(200, 'ok');
    return { posted, all };
  };

  it('when /cloudsec check s3 arrives, then it is acknowledged before AWS answers, and the answer replaces the scanning message', async () => {
    const { posted, all } = collectResponses('/commands/T0CLOUDSEC/1/abc', 2);
    const ack = await postToSlackApp(baseUrl, slashCommand({ text: 'check s3' }));
    expect(ack.status).toBe(200);
    // The scan needs many delayed AWS answers; at ack time the answer cannot have been posted.
    expect(posted.filter((p) => p.replace_original === true)).toHaveLength(0);
    await all;
    expect(posted[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(posted[0]!.text).toContain('Scanning s3');
    expect(posted[1]).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    const answer = JSON.stringify(posted[1]!.blocks);
    expect(answer).toContain('management');
    expect(answer).toContain('2 accounts'); // the clean account was scanned too
    expect(answer).toMatch(/failing/);
    expect(fake.count({ service: 's3' })).toBeGreaterThan(0);
    expect(fake.unhandled).toEqual([]);
    const [entry] = await store.latestAudit(1);
    expect(entry).toMatchObject({ action: 'command.check', outcome: 'allowed', actor: { id: 'U0ALICE001' } });
  });

  it('when someone without a role runs a check, then they are refused and AWS is never called', async () => {
    const { posted, all } = collectResponses('/commands/T0CLOUDSEC/1/abc', 1);
    const ack = await postToSlackApp(baseUrl, slashCommand({ text: 'check iam', userId: 'U0MALLORY1' }));
    expect(ack.status).toBe(200);
    await all;
    expect(JSON.stringify(posted[0])).toContain('#sec-leads');
    expect(fake.total).toBe(0);
  });

  it('when the signature is wrong, then the request gets 401 and nothing runs', async () => {
    const ack = await postToSlackApp(baseUrl, slashCommand({ text: 'check s3' }), {
      secret: 'not-the-secret-0000000000000000',
    });
    expect(ack.status).toBe(401);
    expect(fake.total).toBe(0);
    expect(await store.latestAudit(1)).toEqual([]);
  });

  it('when the home tab is opened, then views.publish receives the posture of the accounts the user may see', async () => {
    let published: { user_id: string; view: string } | undefined;
    const publishedOnce = new Promise<void>((resolve) => {
      nock(SLACK_API)
        .post('/api/views.publish', (body: { user_id: string; view: string }) => {
          published = body;
          resolve();
          return true;
        })
        .reply(200, { ok: true });
    });
    const res = await postToSlackApp(
      baseUrl,
      eventCallback({ type: 'app_home_opened', user: 'U0ALICE001', channel: 'D0ALICE', tab: 'home' }),
    );
    expect(res.status).toBe(200);
    await publishedOnce;
    expect(published!.user_id).toBe('U0ALICE001');
    const view = typeof published!.view === 'string' ? published!.view : JSON.stringify(published!.view);
    expect(view).toContain('"type":"home"');
    expect(view).toContain('management');
  });

  it('when a viewer scoped to one account runs check all --fresh, then only that account is collected and shown', async () => {
    const { posted, all } = collectResponses('/commands/T0CLOUDSEC/1/abc', 2);
    const ack = await postToSlackApp(baseUrl, slashCommand({ text: 'check all --fresh', userId: 'U0VIEW0001' }));
    expect(ack.status).toBe(200);
    await all;
    const answer = JSON.stringify(posted[1]!.blocks);
    expect(answer).toContain('1 account');
    expect(answer).not.toContain(MANAGEMENT);
    // The management account is the caller's own: scanning it would need no role, only reads.
    expect(collectedFrom(fake, WORKLOADS)).toBeGreaterThan(0);
    expect(collectedFrom(fake, MANAGEMENT)).toBe(0);
    expect(fake.assumeRoleRequests.map((r) => r.roleArn)).toEqual([`arn:aws:iam::${WORKLOADS}:role/cloudsec-read`]);
    expect(fake.unhandled).toEqual([]);
  });

  it('when someone without a role opens the home tab, then nothing is scanned and the view says how to get access', async () => {
    let published: { user_id: string; view: unknown } | undefined;
    const publishedOnce = new Promise<void>((resolve) => {
      nock(SLACK_API)
        .post('/api/views.publish', (body: { user_id: string; view: unknown }) => {
          published = body;
          resolve();
          return true;
        })
        .reply(200, { ok: true });
    });
    const res = await postToSlackApp(
      baseUrl,
      eventCallback({ type: 'app_home_opened', user: 'U0MALLORY1', channel: 'D0MALLORY', tab: 'home' }),
    );
    expect(res.status).toBe(200);
    await publishedOnce;
    const view = typeof published!.view === 'string' ? published!.view : JSON.stringify(published!.view);
    expect(view).toContain('"type":"home"');
    expect(view).toContain('#sec-leads');
    expect(view).toContain('whoami');
    expect(fake.total).toBe(0);
  });
});
