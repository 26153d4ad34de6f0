/**
 * The remediation workflow through the real Bolt app: a responder asks for a fix with the Remediate
 * button and a modal, an approver approves on the card, the bot writes to (simulated) AWS with the
 * write role, verifies by collecting again, and replies in the card's thread. Slack's Web API and
 * response_url are nock; AWS is the simulated estate plus the write it accepts.
 */
import nock from 'nock';
import { composeApp, noGroups } from '../../src/compose';
import { parseConfig } from '../../src/config';
import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import { makeClientFactory } from '../../src/aws/clients';
import { makeExecutor } from '../../src/aws/executor';
import { writeAccessFor } from '../../src/aws/write-access';
import { openSqliteStore } from '../../src/store/sqlite';
import { makeSlackMessenger } from '../../src/slack/messenger';
import { startSlackApp, type RunningSlackApp, createSlackWebClient } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { installFakeAws, type FakeAws } from '../fixtures/aws/fake-aws';
import { tempDbPath } from '../fixtures/app';
import {
  BOT_IDENTITY,
  BOT_TOKEN,
  RESPONSE_URL_ORIGIN,
  SIGNING_SECRET,
  TEAM_ID,
  blockAction,
  postToSlackApp,
  slashCommand,
  type SlackRequest,
} from '../fixtures/slack';

const SLACK_API = 'https://slack.test';
const BUCKET = 'cs-111111111111-b0';
const REQUESTER = 'U0ALICE001';
const APPROVER = 'U0BOB00001';
const CONFIG = `
accounts:
  - id: "111111111111"
    name: prod
    roleArn: arn:aws:iam::111111111111:role/cloudsec-read
    writeRoleArn: arn:aws:iam::111111111111:role/cloudsec-write
regions: [us-east-1]
bindings:
  - role: responder
    users: [${REQUESTER}]
  - role: approver
    users: [${APPROVER}, U0CAROL001]
remediation:
  enabled: true
  approvalsChannel: C0SECLEADS
`;

const viewSubmission = (callbackId: string, privateMetadata: string, blockId: string, value: string): SlackRequest => ({
  contentType: 'application/x-www-form-urlencoded',
  body: new URLSearchParams({
    payload: JSON.stringify({
      type: 'view_submission',
      team: { id: TEAM_ID, domain: 'cloudsec-test' },
      user: { id: REQUESTER, username: 'alice', name: 'alice', team_id: TEAM_ID },
      api_app_id: 'A0CLOUDSEC',
      token: 'deprecated-verification-token',
      trigger_id: '1.2.ghi',
      view: {
        id: 'V0MODAL',
        type: 'modal',
        callback_id: callbackId,
        private_metadata: privateMetadata,
        state: { values: { [blockId]: { value: { type: 'plain_text_input', value } } } },
        blocks: [],
      },
    }),
  }).toString(),
});

/** The Web API client posts form-encoded bodies; nock hands reply functions the raw string. */
const formBody = (body: unknown): Record<string, string> =>
  typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body as Record<string, string>);

/** Resolves when `predicate` holds, polling the event loop (no wall-clock assumptions beyond the test timeout). */
const eventually = async (predicate: () => boolean | Promise<boolean>) => {
  while (!(await predicate())) await new Promise((r) => setTimeout(r, 10));
};

describe('remediation through Slack, end to end', () => {
  let fake: FakeAws;
  let running: RunningSlackApp;
  let store: ReturnType<typeof openSqliteStore>;
  let base: string;
  const posted: { channel: string; text: string; thread_ts?: string; blocks?: string }[] = [];
  const updated: { channel: string; ts: string; text: string }[] = [];
  let openedView: { private_metadata: string; callback_id: string } | undefined;

  beforeEach(async () => {
    posted.length = 0;
    updated.length = 0;
    openedView = undefined;
    fake = installFakeAws({
      callerAccountId: '999999999999',
      organization: false,
      latencyMs: 0,
      accounts: [
        { id: '111111111111', name: 'prod', users: 2, buckets: 1, regions: ['us-east-1'], misconfigured: true },
      ],
    });
    const slackApi = nock(SLACK_API).persist();
    slackApi.post('/api/chat.postMessage').reply(200, (_uri, body) => {
      const b = formBody(body) as { channel: string; text: string; thread_ts?: string; blocks?: string };
      posted.push(b);
      return {
        ok: true,
        channel: b.channel.startsWith('U') ? 'D0ALICEDM' : b.channel,
        ts: `17000000${posted.length}.000100`,
      };
    });
    slackApi.post('/api/chat.update').reply(200, (_uri, body) => {
      updated.push(formBody(body) as { channel: string; ts: string; text: string });
      return { ok: true };
    });
    slackApi.post('/api/views.open').reply(200, (_uri, body) => {
      openedView = JSON.parse(formBody(body).view!);
      return { ok: true };
    });
    nock(RESPONSE_URL_ORIGIN).persist().post(/.*/).reply(200, 'ok');

    const config = parseConfig(CONFIG, 'cloudsec.yml');
    const clock = () => new Date();
    store = openSqliteStore({ path: tempDbPath(), clock });
    const env = readSlackEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SLACK_API_URL: `${SLACK_API}/api/`,
    });
    const logger = createLogger({ level: 'silent' });
    const writeClients = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 2 });
    const executor = makeExecutor({
      clientsFor: (id) => {
        const access = writeAccessFor(config, id);
        return access ? writeClients(access) : null;
      },
      homeRegion: 'us-east-1',
      dryRun: false,
      audit: (input) => store.appendAudit(input),
      clock,
    });
    const { app } = composeApp({
      config,
      store,
      source: makeLiveSnapshotSource({ config, homeRegion: 'us-east-1', sleep: async () => {}, clock }),
      groups: noGroups,
      clock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      metrics: { commandCompleted: () => undefined },
      messenger: makeSlackMessenger(createSlackWebClient(env, logger)),
      executor,
      dryRun: false,
    });
    running = await startSlackApp({
      app,
      env,
      logger,
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });
    base = `http://127.0.0.1:${running.port}`;
  });

  afterEach(async () => {
    await running.stop();
    fake.restore();
    nock.cleanAll();
    await store.close();
  });

  /** Runs the check, presses Remediate on the bucket's Block Public Access finding and submits the modal. */
  const requestFix = async (): Promise<string> => {
    await postToSlackApp(base, slashCommand({ text: 'check s3', userId: REQUESTER }));
    await eventually(async () => (await store.listAudit()).some((e) => e.action === 'command.check'));
    // The scan result is cached; the finding id is the one the button carries.
    let findingId = '';
    await eventually(async () => {
      const scan = await store.latestScan('s3:*:*');
      if (!scan) return false;
      const f = (await store.findingsOfScan(scan.id)).find(
        (x) => x.checkId === 's3_bucket_public_access_blocked' && x.resource.id === BUCKET,
      );
      findingId = f?.id ?? '';
      return f !== undefined;
    });
    await postToSlackApp(base, blockAction({ actionId: 'remediation.request', value: findingId, userId: REQUESTER }));
    await eventually(() => openedView !== undefined);
    expect(openedView!.callback_id).toBe('remediation.request_submit');
    const res = await postToSlackApp(
      base,
      viewSubmission(
        'remediation.request_submit',
        openedView!.private_metadata,
        'justification',
        'Public bucket with customer exports; block it now.',
      ),
    );
    expect(res.status).toBe(200);
    let requestId = '';
    await eventually(async () => {
      const [request] = await store.listRequests({});
      requestId = request?.id ?? '';
      return request !== undefined && request.message !== null;
    });
    return requestId;
  };

  it('when a request is approved by an approver, then AWS is written once, the fix is verified, and the card thread gets the result', async () => {
    const requestId = await requestFix();
    const card = posted.find((p) => p.channel === 'C0SECLEADS')!;
    expect(card.text).toMatch(/Block Public Access/);
    expect(card.blocks).toContain('remediation.approve');

    const res = await postToSlackApp(
      base,
      blockAction({ actionId: 'remediation.approve', value: requestId, userId: APPROVER }),
    );
    expect(res.status).toBe(200);
    await eventually(async () => (await store.getRequest(requestId))!.status === 'succeeded');
    expect(fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
    // The thread reply follows the status change.
    await eventually(() => posted.some((p) => p.thread_ts !== undefined && p.channel === 'C0SECLEADS'));
    const thread = posted.find((p) => p.thread_ts !== undefined && p.channel === 'C0SECLEADS');
    expect(JSON.stringify(thread)).toContain('PutPublicAccessBlock');
    expect(updated.length).toBeGreaterThan(0);
    const actions = (await store.listAudit({ requestId })).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['aws.write:started', 'aws.write:ok']));
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('when the requester presses Approve on their own request, then it is refused and nothing is written', async () => {
    const requestId = await requestFix();
    await postToSlackApp(base, blockAction({ actionId: 'remediation.approve', value: requestId, userId: REQUESTER }));
    await eventually(async () => (await store.listAudit({ requestId })).some((e) => e.outcome === 'denied'));
    expect((await store.getRequest(requestId))!.status).toBe('pending');
    expect(fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);
  });

  it('when 20 approvals arrive at once, then the fix is executed exactly once', async () => {
    const requestId = await requestFix();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postToSlackApp(
          base,
          blockAction({ actionId: 'remediation.approve', value: requestId, userId: i % 2 ? APPROVER : 'U0CAROL001' }),
        ),
      ),
    );
    await eventually(async () => ['succeeded', 'failed'].includes((await store.getRequest(requestId))!.status));
    await running.stop(); // drains every in-flight approval
    expect(fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
    expect((await store.getRequest(requestId))!.status).toBe('succeeded');
  });

  it('when a button carries a forged request id, then it is refused without touching AWS', async () => {
    await postToSlackApp(
      base,
      blockAction({ actionId: 'remediation.approve', value: '00000000-0000-4000-8000-000000000000', userId: APPROVER }),
    );
    await postToSlackApp(base, blockAction({ actionId: 'remediation.approve', value: 'drop table', userId: APPROVER }));
    await running.stop();
    expect(fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);
    expect(fake.count({ service: 's3' })).toBe(0);
  });
});
