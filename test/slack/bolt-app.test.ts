import nock from 'nock';
import type { ActionInvocation, CloudsecApp, CommandInvocation, Responder } from '../../src/app/conversation';
import type { HomeView, MessagePayload } from '../../src/core/render/blocks';
import { CloudsecError } from '../../src/errors';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics, type PrometheusMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { WEB_API_SCOPES } from '../../src/slack/web-api-scopes';
import { stopDuringKeptAliveRequest } from '../fixtures/keep-alive-stop';
import {
  BOT_IDENTITY,
  BOT_TOKEN,
  RESPONSE_URL_ORIGIN,
  SIGNING_SECRET,
  TEAM_ID,
  blockAction,
  eventCallback,
  nowSeconds,
  postToSlackApp,
  signedHeaders,
  slashCommand,
  urlVerification,
} from '../fixtures/slack';

const SLACK_API = 'https://slack.test';

const deferred = <T = void>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

/** Calls in arrival order; `next()` hands out each one once, waiting for it if it has not come yet. */
const callQueue = <T>() => {
  const items: T[] = [];
  const waiters: Array<(item: T) => void> = [];
  let cursor = 0;
  return {
    all: items,
    push(item: T) {
      items.push(item);
      const waiter = waiters.shift();
      if (waiter) waiter(items[cursor++]!);
    },
    next(): Promise<T> {
      if (cursor < items.length) return Promise.resolve(items[cursor++]!);
      return new Promise<T>((resolve) => waiters.push(resolve));
    },
  };
};

const HOME: HomeView = { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Posture*' } }] };
const message = (text: string): MessagePayload => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }],
});

type CommandBehaviour = (invocation: CommandInvocation, responder: Responder) => Promise<void>;
type ActionBehaviour = (invocation: ActionInvocation, responder: Responder) => Promise<void>;

const fakeApp = () => {
  const commands = callQueue<CommandInvocation>();
  const actions = callQueue<ActionInvocation>();
  const homeViews = callQueue<string>();
  const subteamEvents = callQueue<unknown>();
  let onCommand: CommandBehaviour = async () => undefined;
  let onAction: ActionBehaviour = async () => undefined;
  let commandsFinished = 0;
  const app: CloudsecApp = {
    actionIds: ['findings.page', 'remediation.request'],
    callbackIds: [],
    handleViewSubmission: async () => ({ errors: {} }),
    handleCommand: async (invocation, responder) => {
      commands.push(invocation);
      await onCommand(invocation, responder);
      commandsFinished += 1;
    },
    handleAction: async (invocation, responder) => {
      actions.push(invocation);
      await onAction(invocation, responder);
    },
    homeView: async (actor) => {
      homeViews.push(actor.userId);
      return HOME;
    },
    handleSubteamEvent: async (event) => subteamEvents.push(event),
  };
  return {
    app,
    commands,
    actions,
    homeViews,
    subteamEvents,
    commandsFinished: () => commandsFinished,
    onCommand: (b: CommandBehaviour) => (onCommand = b),
    onAction: (b: ActionBehaviour) => (onAction = b),
  };
};

interface WebApiCall {
  method: string;
  params: Record<string, string>;
  authorization: string | undefined;
}

/** The Slack Web API at SLACK_API_URL. A method missing from WEB_API_SCOPES gets an error and fails the test. */
const fakeWebApi = (answers: Record<string, object> = {}) => {
  const calls = callQueue<WebApiCall>();
  // A catch-all recording every call: a test asserts the calls it expects (or none) on what is
  // recorded, so the catch-all itself may go unused (optional).
  nock(SLACK_API)
    .persist()
    .post(/^\/api\/[\w.]+$/)
    .optionally()
    .reply(function (uri, body) {
      const method = uri.replace('/api/', '');
      const raw = typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString();
      const header = this.req.headers['authorization'];
      calls.push({
        method,
        params: Object.fromEntries(new URLSearchParams(raw)),
        authorization: Array.isArray(header) ? header[0] : header,
      });
      if (!(method in WEB_API_SCOPES)) return [200, { ok: false, error: 'method_not_in_WEB_API_SCOPES' }];
      return [200, answers[method] ?? { ok: true }];
    });
  return calls;
};

/** The next POST to a response_url path, as parsed JSON. */
const responseUrlPost = (path: string) => {
  const posted = deferred<Record<string, unknown>>();
  nock(RESPONSE_URL_ORIGIN)
    .post(path)
    .reply(200, (_uri, body) => {
      posted.resolve((typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>);
      return 'ok';
    });
  return posted.promise;
};

const silentLogger = () => createLogger({ level: 'silent' });

let running: RunningSlackApp | undefined;
let baseUrl: string;
let fake: ReturnType<typeof fakeApp>;
let webApi: ReturnType<typeof fakeWebApi>;
let metrics: PrometheusMetrics;

const start = async () => {
  fake = fakeApp();
  metrics = createMetrics();
  running = await startSlackApp({
    app: fake.app,
    env: readSlackEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SLACK_API_URL: `${SLACK_API}/api/`,
    }),
    logger: silentLogger(),
    metrics,
    botIdentity: BOT_IDENTITY,
    host: '127.0.0.1',
  });
  baseUrl = `http://127.0.0.1:${running.port}`;
};

beforeEach(async () => {
  webApi = fakeWebApi({
    'chat.postMessage': { ok: true, channel: 'D0ALICEDM', ts: '1700000100.000100' },
    'conversations.open': { ok: true, channel: { id: 'D0ALICEDM' } },
    'files.getUploadURLExternal': {
      ok: true,
      upload_url: 'https://files.slack.test/upload/v1/ABC',
      file_id: 'F0EXPORT',
    },
    'files.completeUploadExternal': { ok: true, files: [{ id: 'F0EXPORT', title: 'findings.csv' }] },
  });
  await start();
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  expect(webApi.all.filter((c) => !(c.method in WEB_API_SCOPES)).map((c) => c.method)).toEqual([]);
});

describe('slash commands', () => {
  it('when a signed /cloudsec command arrives, then it is acked with an empty 200 and the app gets the parsed invocation', async () => {
    const res = await postToSlackApp(baseUrl, slashCommand({ text: ' check s3 prod ' }));

    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const invocation = await fake.commands.next();
    expect(invocation).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      actor: { userId: 'U0ALICE001', userName: 'alice', teamId: TEAM_ID },
      channel: { id: 'C0SECURITY', kind: 'public' },
      text: 'check s3 prod',
      triggerId: '1.2.abc',
    });
  });

  it.each([
    ['D0ALICEDM', 'directmessage', 'dm'],
    ['D0ALICEBOB', 'directmessage', 'private'],
    ['C0PRIVATE1', 'privategroup', 'private'],
    ['G0LEGACY01', 'secret-stuff', 'private'],
    ['C0GENERAL1', 'general', 'public'],
  ])('when the command comes from %s (%s), then the channel kind is %s', async (channelId, channelName, kind) => {
    await postToSlackApp(baseUrl, slashCommand({ channelId, channelName }));

    expect((await fake.commands.next()).channel).toEqual({ id: channelId, kind });
  });

  it('when two commands arrive, then each gets its own request id', async () => {
    // Two requests, not one sent twice: Slack signs each with its own timestamp.
    await postToSlackApp(baseUrl, slashCommand(), { timestamp: nowSeconds() - 1 });
    await postToSlackApp(baseUrl, slashCommand(), { timestamp: nowSeconds() });

    const [a, b] = [await fake.commands.next(), await fake.commands.next()];
    expect(a.requestId).not.toBe(b.requestId);
  });

  it('when the app is still working (slow AWS), then the ack has already arrived', async () => {
    const awsAnswered = deferred();
    fake.onCommand(async (_inv, responder) => {
      await awsAnswered.promise;
      await responder.send(message('done'), { replace: true });
    });
    const posted = responseUrlPost('/commands/T0CLOUDSEC/1/abc');

    const res = await postToSlackApp(baseUrl, slashCommand());

    expect(res.status).toBe(200);
    await fake.commands.next();
    expect(fake.commandsFinished()).toBe(0);
    awsAnswered.resolve();
    expect(await posted).toMatchObject({ replace_original: true, text: 'done' });
  });

  it('when the app sends an answer, then it goes to the response_url as ephemeral with the blocks', async () => {
    const answer = message('*3 failing* findings');
    fake.onCommand((_inv, responder) => responder.send(answer));
    const posted = responseUrlPost('/commands/T0CLOUDSEC/1/abc');

    await postToSlackApp(baseUrl, slashCommand());

    expect(await posted).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: answer.text,
      blocks: answer.blocks,
    });
  });

  it('when the app shares an answer in the channel, replacing its placeholder, then the post says so', async () => {
    fake.onCommand((_inv, responder) => responder.send(message('shared'), { visibility: 'in_channel', replace: true }));
    const posted = responseUrlPost('/commands/T0CLOUDSEC/1/abc');

    await postToSlackApp(baseUrl, slashCommand());

    expect(await posted).toMatchObject({ response_type: 'in_channel', replace_original: true });
  });

  it('when the app fails unexpectedly, then the user gets a short ephemeral message with a reference and no internals', async () => {
    fake.onCommand(async () => {
      throw new Error('ECONNRESET at /srv/cloudsec/src/aws/collect.ts:42 token=xoxb-9-secret');
    });
    const posted = responseUrlPost('/commands/T0CLOUDSEC/1/abc');

    await postToSlackApp(baseUrl, slashCommand());

    const invocation = await fake.commands.next();
    const body = await posted;
    const text = JSON.stringify(body);
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(text).toContain(invocation.requestId);
    expect(text).not.toMatch(/ECONNRESET|collect\.ts|xoxb|at \//);
  });

  it('when the app fails after posting a "scanning…" placeholder, then the error replaces the placeholder', async () => {
    // Both posts expected before the command is sent: nock answers them in order, and the error
    // follows the placeholder's answer at once (registering it after the first post raced it).
    const placeholder = responseUrlPost('/commands/T0CLOUDSEC/1/abc');
    const error = responseUrlPost('/commands/T0CLOUDSEC/1/abc');
    fake.onCommand(async (_inv, responder) => {
      await responder.send(message('Scanning…'));
      throw new Error('boom');
    });

    await postToSlackApp(baseUrl, slashCommand());
    expect(JSON.stringify(await placeholder)).toContain('Scanning…');

    expect(await error).toMatchObject({ response_type: 'ephemeral', replace_original: true });
  });

  it('when the app fails with a user-facing CloudsecError, then its message is shown', async () => {
    fake.onCommand(async () => {
      throw new CloudsecError('config', 'No account is configured for "prod".');
    });
    const posted = responseUrlPost('/commands/T0CLOUDSEC/1/abc');

    await postToSlackApp(baseUrl, slashCommand());

    expect(JSON.stringify(await posted)).toContain('No account is configured for \\"prod\\".');
  });

  it('when the app uploads a file, then it goes to the user’s DM through the three-step upload', async () => {
    const uploaded = deferred<string>();
    nock('https://files.slack.test')
      .post('/upload/v1/ABC')
      .reply(200, (_uri, body) => {
        uploaded.resolve(typeof body === 'string' ? body : JSON.stringify(body));
        return 'OK';
      });
    const content = 'id,severity\nf1,high\n';
    const done = deferred();
    fake.onCommand(async (_inv, responder) => {
      await responder.upload({ filename: 'findings.csv', title: 'All findings', content });
      done.resolve();
    });

    await postToSlackApp(baseUrl, slashCommand());
    await done.promise;

    expect(webApi.all.map((c) => c.method)).toEqual([
      'conversations.open',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [open, getUrl, complete] = webApi.all;
    expect(open!.params['users']).toBe('U0ALICE001');
    expect(getUrl!.params).toMatchObject({ filename: 'findings.csv', length: String(Buffer.byteLength(content)) });
    expect(await uploaded.promise).toContain('f1,high');
    expect(complete!.params['channel_id']).toBe('D0ALICEDM');
    expect(JSON.parse(complete!.params['files']!)).toEqual([{ id: 'F0EXPORT', title: 'All findings' }]);
    expect(complete!.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });
});

describe('request verification', () => {
  it('when the signature was made with another secret, then the answer is 401 and nothing runs', async () => {
    const res = await postToSlackApp(baseUrl, slashCommand(), { secret: 'f'.repeat(32) });

    expect(res.status).toBe(401);
    expect(fake.commands.all).toEqual([]);
  });

  it('when the body was changed after signing, then the answer is 401 and nothing runs', async () => {
    const signed = slashCommand({ text: 'whoami' });
    const res = await fetch(`${baseUrl}/slack/events`, {
      method: 'POST',
      headers: signedHeaders(signed),
      body: signed.body.replace('whoami', 'check+all'),
    });

    expect(res.status).toBe(401);
    expect(fake.commands.all).toEqual([]);
  });

  it('when the timestamp is more than 5 minutes old, then the answer is 401 and nothing runs', async () => {
    const res = await postToSlackApp(baseUrl, slashCommand(), { timestamp: nowSeconds() - 5 * 60 - 30 });

    expect(res.status).toBe(401);
    expect(fake.commands.all).toEqual([]);
  });

  it('when a button press is unsigned, then the answer is 401 and nothing runs', async () => {
    const request = blockAction({ actionId: 'findings.page', value: 'p2' });
    const res = await fetch(`${baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': request.contentType },
      body: request.body,
    });

    expect(res.status).toBe(401);
    expect(fake.actions.all).toEqual([]);
  });

  it('when Slack verifies the request URL, then the challenge is echoed', async () => {
    const res = await postToSlackApp(baseUrl, urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'));

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });
});

describe('button presses', () => {
  it('when a registered button is pressed, then it is acked and the app gets the action id and value', async () => {
    const res = await postToSlackApp(baseUrl, blockAction({ actionId: 'remediation.request', value: 'finding-42' }));

    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await fake.actions.next()).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      actor: { userId: 'U0ALICE001', userName: 'alice', teamId: TEAM_ID },
      channel: { id: 'C0SECURITY', kind: 'public' },
      actionId: 'remediation.request',
      value: 'finding-42',
      triggerId: '1.2.def',
    });
  });

  it('when the app answers a button on a message, then the answer replaces that message through its response_url', async () => {
    fake.onAction((_inv, responder) => responder.send(message('page 2'), { replace: true }));
    const posted = responseUrlPost('/actions/T0CLOUDSEC/2/def');

    await postToSlackApp(baseUrl, blockAction({ actionId: 'findings.page', value: 'p2' }));

    expect(await posted).toMatchObject({ response_type: 'ephemeral', replace_original: true, text: 'page 2' });
  });

  it('when a button in App Home is pressed, then answers go to the user’s DM and replace edits that DM message', async () => {
    const done = deferred();
    fake.onAction(async (_inv, responder) => {
      await responder.send(message('Request sent'));
      await responder.send(message('Request approved'), { replace: true });
      done.resolve();
    });

    await postToSlackApp(baseUrl, blockAction({ actionId: 'remediation.request', value: 'f-1', channel: null }));
    await done.promise;

    expect((await fake.actions.next()).channel).toBeNull();
    const [post, update] = webApi.all;
    expect(post).toMatchObject({ method: 'chat.postMessage', params: { channel: 'U0ALICE001', text: 'Request sent' } });
    expect(update).toMatchObject({
      method: 'chat.update',
      params: { channel: 'D0ALICEDM', ts: '1700000100.000100', text: 'Request approved' },
    });
    expect(JSON.parse(update!.params['blocks']!)).toEqual(message('Request approved').blocks);
  });
});

describe('events', () => {
  it('when a user opens the home tab, then the app’s home view is published for that user', async () => {
    const res = await postToSlackApp(
      baseUrl,
      eventCallback({ type: 'app_home_opened', user: 'U0BOB00001', tab: 'home', channel: 'D0BOBDM' }),
    );
    const publish = await webApi.next();

    expect(res.status).toBe(200);
    expect(publish.method).toBe('views.publish');
    expect(publish.params['user_id']).toBe('U0BOB00001');
    expect(JSON.parse(publish.params['view']!)).toEqual(HOME);
    expect(publish.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it('when a user opens the messages tab, then nothing is published', async () => {
    await postToSlackApp(baseUrl, eventCallback({ type: 'app_home_opened', user: 'U0ALICE001', tab: 'messages' }));
    await postToSlackApp(baseUrl, eventCallback({ type: 'app_home_opened', user: 'U0BOB00001', tab: 'home' }));
    await webApi.next();

    expect(fake.homeViews.all).toEqual(['U0BOB00001']);
    expect(webApi.all).toHaveLength(1);
  });

  it.each(['subteam_updated', 'subteam_members_changed'])(
    'when Slack sends %s, then the app gets the event',
    async (type) => {
      const event =
        type === 'subteam_updated' ? { type, subteam: { id: 'S0ADMINS' } } : { type, subteam_id: 'S0ADMINS' };

      const res = await postToSlackApp(baseUrl, eventCallback(event));

      expect(res.status).toBe(200);
      expect(await fake.subteamEvents.next()).toMatchObject(event);
    },
  );
});

describe('health and metrics', () => {
  it('when the app is running, then /healthz answers 200 ok', async () => {
    const res = await fetch(`${baseUrl}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('when no metrics setting is given, then /metrics is not served on the Slack port (test/slack/ops-endpoints.test.ts)', async () => {
    const res = await fetch(`${baseUrl}/metrics`);

    expect(res.status).toBe(404);
  });

  it('when a request is refused at the edge, then the refusal is counted by reason', async () => {
    await postToSlackApp(baseUrl, slashCommand(), { timestamp: nowSeconds() + 10 * 60 });

    expect(await metrics.expose()).toMatch(/^cloudsec_slack_requests_refused_total\{reason="stale"\} 1$/m);
  });

  it('when the app stops while a kept-alive connection is in the middle of a request, then that request is answered with Connection: close, the connection ends and the stop completes', async () => {
    let stopDone = false;
    const answers = await stopDuringKeptAliveRequest(running!.port, '/healthz', () =>
      running!.stop().then(() => (stopDone = true)),
    );

    expect(answers).toHaveLength(2);
    expect(answers[0]).not.toMatch(/\r\nconnection: close\r\n/i);
    expect(answers[1]).toMatch(/\r\nconnection: close\r\n/i);
    expect(stopDone).toBe(true);
  });

  it('when the app has stopped, then nothing answers on its port', async () => {
    await running!.stop();

    await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
  });
});

describe('start-up', () => {
  const envWithoutIdentity = () =>
    readSlackEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SLACK_API_URL: `${SLACK_API}/api/`,
    });

  it('when the bot ids are not given, then auth.test supplies them', async () => {
    nock.cleanAll();
    webApi = fakeWebApi({
      'auth.test': { ok: true, user_id: 'U0FROMAUTH', bot_id: 'B0FROMAUTH', team_id: 'T0FROMAUTH' },
    });
    const other = await startSlackApp({
      app: fakeApp().app,
      env: envWithoutIdentity(),
      logger: silentLogger(),
      metrics: createMetrics(),
      host: '127.0.0.1',
    });
    await other.stop();

    expect(other.botIdentity).toEqual({ botUserId: 'U0FROMAUTH', botId: 'B0FROMAUTH', teamId: 'T0FROMAUTH' });
    expect(webApi.all.map((c) => c.method)).toEqual(['auth.test']);
  });

  it('when the workspace is in an Enterprise Grid org, then auth.test’s enterprise id is kept', async () => {
    nock.cleanAll();
    webApi = fakeWebApi({
      'auth.test': { ok: true, user_id: 'U0B', bot_id: 'B0B', team_id: 'T0GRIDWS', enterprise_id: 'E0GRIDORG' },
    });
    const other = await startSlackApp({
      app: fakeApp().app,
      env: envWithoutIdentity(),
      logger: silentLogger(),
      metrics: createMetrics(),
      host: '127.0.0.1',
    });
    await other.stop();

    expect(other.botIdentity).toMatchObject({ teamId: 'T0GRIDWS', enterpriseId: 'E0GRIDORG' });
  });

  it('when SLACK_TEAM_ID names another workspace than the token’s, then start-up fails naming both', async () => {
    const failure = startSlackApp({
      app: fakeApp().app,
      env: { ...envWithoutIdentity(), teamId: 'T0ELSEWHERE' },
      logger: silentLogger(),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });

    await expect(failure).rejects.toMatchObject({
      code: 'config',
      message: expect.stringMatching(
        /SLACK_TEAM_ID is T0ELSEWHERE, but SLACK_BOT_TOKEN belongs to workspace T0CLOUDSEC/,
      ),
    });
  });

  it('when no workspace is known (auth.test named none, no SLACK_TEAM_ID), then start-up fails rather than accept any', async () => {
    const { teamId: _none, ...withoutTeam } = BOT_IDENTITY;
    const failure = startSlackApp({
      app: fakeApp().app,
      env: envWithoutIdentity(),
      logger: silentLogger(),
      metrics: createMetrics(),
      botIdentity: withoutTeam,
      host: '127.0.0.1',
    });

    await expect(failure).rejects.toMatchObject({ code: 'config', message: expect.stringContaining('SLACK_TEAM_ID') });
  });

  it('when METRICS_PORT is taken, then start-up fails with a config error naming METRICS_PORT', async () => {
    const taken = running!.port;
    const env = { ...envWithoutIdentity(), metrics: { port: taken, host: '127.0.0.1', token: undefined } };

    const failure = startSlackApp({
      app: fakeApp().app,
      env,
      logger: silentLogger(),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });

    await expect(failure).rejects.toMatchObject({
      code: 'config',
      message: `METRICS_PORT ${taken} is already in use. Set METRICS_PORT to a free port.`,
    });
  });

  it('when PORT is taken, then start-up fails with a config error naming PORT', async () => {
    const taken = running!.port;
    const env = { ...envWithoutIdentity(), port: taken };

    const failure = startSlackApp({
      app: fakeApp().app,
      env,
      logger: silentLogger(),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });

    await expect(failure).rejects.toMatchObject({
      code: 'config',
      message: `PORT ${taken} is already in use. Set PORT to a free port.`,
    });
  });

  it('when Slack rejects the bot token, then start-up fails naming the setting but not its value', async () => {
    nock.cleanAll();
    webApi = fakeWebApi({ 'auth.test': { ok: false, error: 'invalid_auth' } });

    const failure = startSlackApp({
      app: fakeApp().app,
      env: envWithoutIdentity(),
      logger: silentLogger(),
      metrics: createMetrics(),
      host: '127.0.0.1',
    });

    await expect(failure).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
    await expect(failure).rejects.toMatchObject({ code: 'credentials' });
    await failure.catch((err: Error) => expect(err.message).not.toContain(BOT_TOKEN));
  });
});
