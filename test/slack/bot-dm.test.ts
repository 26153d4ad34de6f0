/**
 * "DM" means the user's DM with cloudsec. A slash command typed in a DM between two people (or a
 * Slack Connect DM with another company) arrives as `directmessage` with a D… id too; only Slack
 * knows which 1:1 conversation is the bot's, and conversations.open tells.
 */
import nock from 'nock';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { demoApp } from '../fixtures/app';
import {
  BOT_IDENTITY,
  BOT_TOKEN,
  RESPONSE_URL_ORIGIN,
  SIGNING_SECRET,
  blockAction,
  nowSeconds,
  postToSlackApp,
  slashCommand,
} from '../fixtures/slack';
import { SLACK_API, fakeWebApi, startEdgeApp, type EdgeApp, type WebApiCall } from './edge-harness';

/** Each user's DM with the bot, as conversations.open answers it. */
const BOT_DMS: Record<string, string> = { U0ALICE001: 'D0BOTALICE', U0BOB00001: 'D0BOTBOB01' };
const openAnswer = (params: Record<string, string>) => {
  const id = BOT_DMS[params['users'] ?? ''];
  return id ? { ok: true, channel: { id } } : { ok: false, error: 'user_not_found' };
};

/** Each post of a test has a distinct timestamp: the same signed request twice would be a replay. */
let tick = 0;
const post = (baseUrl: string, request: Parameters<typeof postToSlackApp>[1]) =>
  postToSlackApp(baseUrl, request, { timestamp: nowSeconds() - 60 + (tick++ % 60) });

const opens = (calls: readonly WebApiCall[]) => calls.filter((c) => c.method === 'conversations.open');

describe('which 1:1 conversation is the DM with cloudsec', () => {
  let edge: EdgeApp;
  let webApi: ReturnType<typeof fakeWebApi>;

  afterEach(async () => {
    await edge.stop();
  });

  it('when the command comes from the user’s DM with the bot, then the channel kind is dm', async () => {
    webApi = fakeWebApi({ 'conversations.open': openAnswer });
    edge = await startEdgeApp();

    await post(edge.baseUrl, slashCommand({ channelId: 'D0BOTALICE', channelName: 'directmessage' }));

    expect((await edge.app.commands.next()).channel).toEqual({ id: 'D0BOTALICE', kind: 'dm' });
    expect(opens(webApi.all).map((c) => c.params['users'])).toEqual(['U0ALICE001']);
  });

  it('when the command comes from a DM between two people, then it is not a DM with the bot (private)', async () => {
    webApi = fakeWebApi({ 'conversations.open': openAnswer });
    edge = await startEdgeApp();

    await post(edge.baseUrl, slashCommand({ channelId: 'D0ALICEBOB', channelName: 'directmessage' }));

    expect((await edge.app.commands.next()).channel).toEqual({ id: 'D0ALICEBOB', kind: 'private' });
  });

  it('when Bob runs a command in Alice’s DM with the bot id, then it is not his DM with the bot', async () => {
    webApi = fakeWebApi({ 'conversations.open': openAnswer });
    edge = await startEdgeApp();

    await post(
      edge.baseUrl,
      slashCommand({ userId: 'U0BOB00001', channelId: 'D0BOTALICE', channelName: 'directmessage' }),
    );

    expect((await edge.app.commands.next()).channel).toEqual({ id: 'D0BOTALICE', kind: 'private' });
  });

  it('when a button is pressed in a DM between two people, then the channel kind is private', async () => {
    webApi = fakeWebApi({ 'conversations.open': openAnswer });
    edge = await startEdgeApp();

    await post(
      edge.baseUrl,
      blockAction({ actionId: 'findings.page', value: 'p2', channel: { id: 'D0ALICEBOB', name: 'directmessage' } }),
    );

    expect((await edge.app.actions.next()).channel).toEqual({ id: 'D0ALICEBOB', kind: 'private' });
  });

  it('when the same user runs several commands, then conversations.open is asked once', async () => {
    webApi = fakeWebApi({ 'conversations.open': openAnswer });
    edge = await startEdgeApp();

    for (const channelId of ['D0BOTALICE', 'D0ALICEBOB', 'D0BOTALICE']) {
      await post(edge.baseUrl, slashCommand({ channelId, channelName: 'directmessage' }));
      await edge.app.commands.next();
    }

    expect(opens(webApi.all)).toHaveLength(1);
  });

  it('when the command comes from a channel, then Slack is not asked at all', async () => {
    webApi = fakeWebApi({ 'conversations.open': openAnswer });
    edge = await startEdgeApp();

    await post(edge.baseUrl, slashCommand({ channelId: 'C0SECURITY', channelName: 'security' }));

    expect((await edge.app.commands.next()).channel).toEqual({ id: 'C0SECURITY', kind: 'public' });
    expect(opens(webApi.all)).toEqual([]);
  });

  it('when conversations.open fails, then the DM is not trusted as the bot’s (private), and the next command asks again', async () => {
    let failing = true;
    webApi = fakeWebApi({
      'conversations.open': (params) => (failing ? { ok: false, error: 'internal_error' } : openAnswer(params)),
    });
    edge = await startEdgeApp();

    await post(edge.baseUrl, slashCommand({ channelId: 'D0BOTALICE', channelName: 'directmessage' }));
    const whileFailing = await edge.app.commands.next();
    failing = false;
    await post(edge.baseUrl, slashCommand({ channelId: 'D0BOTALICE', channelName: 'directmessage' }));
    const afterwards = await edge.app.commands.next();

    expect(whileFailing.channel.kind).toBe('private');
    expect(afterwards.channel.kind).toBe('dm');
    expect(opens(webApi.all)).toHaveLength(2);
  });

  it('when conversations.open answers without a channel id, then the DM is not trusted as the bot’s', async () => {
    webApi = fakeWebApi({ 'conversations.open': { ok: true, channel: {} } });
    edge = await startEdgeApp();

    await post(edge.baseUrl, slashCommand({ channelId: 'D0BOTALICE', channelName: 'directmessage' }));

    expect((await edge.app.commands.next()).channel.kind).toBe('private');
  });
});

describe('--share in a DM between two people, with the real app', () => {
  let running: RunningSlackApp;
  let close: () => Promise<void>;

  beforeEach(async () => {
    fakeWebApi({ 'conversations.open': openAnswer });
    const demo = demoApp(`
bindings:
  - role: admin
    users: [U0ALICE001]
channels:
  findings: []
  dms: true
  elsewhere: private
`);
    running = await startSlackApp({
      app: demo.app,
      env: readSlackEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        PORT: '0',
        SLACK_API_URL: `${SLACK_API}/api/`,
      }),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });
    close = async () => {
      await running.stop();
      await demo.store.close();
    };
  });

  afterEach(async () => {
    await close();
  });

  /** The answer that replaces the "checking…" placeholder on the command's response_url. */
  const finalAnswer = (path: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      nock(RESPONSE_URL_ORIGIN)
        .persist()
        .post(path)
        .reply(200, (_uri, body) => {
          const posted = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
          if (posted['replace_original'] === true || /fail|pass/i.test(JSON.stringify(posted))) resolve(posted);
          return 'ok';
        });
    });

  it('when Alice runs `check s3 --share` in her DM with Bob, then the findings are answered only to her', async () => {
    const answered = finalAnswer('/commands/alicebob');

    await post(
      `http://127.0.0.1:${running.port}`,
      slashCommand({
        text: 'check s3 --share',
        channelId: 'D0ALICEBOB',
        channelName: 'directmessage',
        responsePath: '/commands/alicebob',
      }),
    );

    expect(await answered).toMatchObject({ response_type: 'ephemeral' });
  });

  it('when Alice runs `check s3 --share` in her DM with cloudsec, then the answer is shared there', async () => {
    const answered = finalAnswer('/commands/alicebot');

    await post(
      `http://127.0.0.1:${running.port}`,
      slashCommand({
        text: 'check s3 --share',
        channelId: 'D0BOTALICE',
        channelName: 'directmessage',
        responsePath: '/commands/alicebot',
      }),
    );

    expect(await answered).toMatchObject({ response_type: 'in_channel' });
  });
});
