import { SocketModeReceiver } from '@slack/bolt';
import nock from 'nock';
import type { CloudsecApp, CommandInvocation } from '../../src/app/conversation';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { APP_TOKEN, BOT_IDENTITY, BOT_TOKEN, TEAM_ID } from '../fixtures/slack';

/**
 * Socket Mode without a network: either the receiver's start is held by the test (so the client is
 * built but never connects), or apps.connections.open is answered by nock.
 */

const SLACK_API = 'https://slack.test';

const deferred = <T = void>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

const socketEnv = () =>
  readSlackEnv({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    PORT: '0',
    SLACK_API_URL: `${SLACK_API}/api/`,
  });

const fakeApp = () => {
  const received = deferred<CommandInvocation>();
  const app: CloudsecApp = {
    actionIds: [],
    callbackIds: [],
    handleViewSubmission: async () => ({ errors: {} }),
    handleCommand: async (invocation) => received.resolve(invocation),
    handleAction: async () => undefined,
    homeView: async () => ({ type: 'home', blocks: [] }),
    handleSubteamEvent: async () => undefined,
  };
  return { app, received: received.promise };
};

/** Holds SocketModeReceiver#start until the test says the socket is connected; records the receiver. */
const holdSocketStart = () => {
  const connected = deferred();
  const receivers: SocketModeReceiver[] = [];
  jest.spyOn(SocketModeReceiver.prototype, 'start').mockImplementation(function (this: SocketModeReceiver) {
    receivers.push(this);
    return connected.promise.then(() => ({ ok: true }));
  });
  return { connect: () => connected.resolve(), receivers };
};

const health = async (port: number) => (await fetch(`http://127.0.0.1:${port}/healthz`)).status;

let running: RunningSlackApp | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  jest.restoreAllMocks();
});

const startHeld = (app: CloudsecApp) => {
  const hold = holdSocketStart();
  const listening = deferred<number>();
  const starting = startSlackApp({
    app,
    env: socketEnv(),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    botIdentity: BOT_IDENTITY,
    host: '127.0.0.1',
    onListening: listening.resolve,
  });
  return { hold, starting, port: listening.promise };
};

describe('Socket Mode', () => {
  it('when the socket is still connecting, then /healthz on PORT answers 503, and 200 once connected', async () => {
    const { hold, starting, port } = startHeld(fakeApp().app);

    const whileConnecting = await health(await port);
    hold.connect();
    running = await starting;

    expect(whileConnecting).toBe(503);
    expect(running).toMatchObject({ mode: 'socket', port: await port });
    expect(await health(running.port)).toBe(200);
    expect(hold.receivers).toHaveLength(1);
  });

  it('when a slash command arrives over the socket, then it is acked with no payload and reaches the app', async () => {
    // Slack confirms D0ALICEDM is Alice's DM with the bot (any other 1:1 conversation is not "a DM").
    nock(SLACK_API)
      .post('/api/conversations.open')
      .reply(200, { ok: true, channel: { id: 'D0ALICEDM' } });
    const { app, received } = fakeApp();
    const { hold, starting } = startHeld(app);
    hold.connect();
    running = await starting;
    const ack = jest.fn().mockResolvedValue(undefined);

    hold.receivers[0]!.client.emit('slack_event', {
      ack,
      envelope_id: 'env-1',
      type: 'slash_commands',
      body: {
        token: 'deprecated',
        team_id: TEAM_ID,
        channel_id: 'D0ALICEDM',
        channel_name: 'directmessage',
        user_id: 'U0ALICE001',
        user_name: 'alice',
        command: '/cloudsec',
        text: 'whoami',
        response_url: 'https://hooks.slack.test/commands/1',
        trigger_id: '1.2.3',
        api_app_id: 'A0CLOUDSEC',
      },
      accepts_response_payload: true,
    });

    expect(await received).toMatchObject({
      actor: { userId: 'U0ALICE001' },
      channel: { id: 'D0ALICEDM', kind: 'dm' },
      text: 'whoami',
    });
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack.mock.calls[0]![0]).toBeUndefined();
  });

  it('when the socket drops and reconnects, then /healthz follows it', async () => {
    const { hold, starting } = startHeld(fakeApp().app);
    hold.connect();
    running = await starting;
    const client = hold.receivers[0]!.client;

    client.emit('reconnecting');
    const whileReconnecting = await health(running.port);
    client.emit('connected');

    expect(whileReconnecting).toBe(503);
    expect(await health(running.port)).toBe(200);
  });

  it('when stopped, then the health server on PORT is closed', async () => {
    const { hold, starting } = startHeld(fakeApp().app);
    hold.connect();
    running = await starting;
    const { port } = running;

    await running.stop();

    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('when started, then the socket client asks SLACK_API_URL for a connection with the app token, and a rejected token fails start-up clearly', async () => {
    const asked = jest.fn();
    nock(SLACK_API)
      .post('/api/apps.connections.open')
      .matchHeader('authorization', `Bearer ${APP_TOKEN}`)
      .reply(200, () => {
        asked();
        return { ok: false, error: 'invalid_auth' };
      });

    const failure = startSlackApp({
      app: fakeApp().app,
      env: socketEnv(),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });

    await expect(failure).rejects.toMatchObject({ code: 'credentials' });
    await expect(failure).rejects.toThrow(/SLACK_APP_TOKEN \(invalid_auth\)/);
    await failure.catch((err: Error) => expect(err.message).not.toContain(APP_TOKEN));
    expect(asked).toHaveBeenCalledTimes(1);
  });
});
