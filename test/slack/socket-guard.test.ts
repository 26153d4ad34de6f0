/**
 * Socket Mode has no signatures (the socket is authenticated), but the workspace rule and the
 * once-per-event rule hold there too: Slack redelivers an event with `retry_attempt`, and payloads
 * from another workspace arrive over the same socket.
 */
import { SocketModeReceiver } from '@slack/bolt';
import type { CloudsecApp, CommandInvocation } from '../../src/app/conversation';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { APP_TOKEN, BOT_IDENTITY, BOT_TOKEN, TEAM_ID } from '../fixtures/slack';
import { callQueue, SLACK_API, sleep } from './edge-harness';

let running: RunningSlackApp | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  jest.restoreAllMocks();
});

const start = async () => {
  const receivers: SocketModeReceiver[] = [];
  jest.spyOn(SocketModeReceiver.prototype, 'start').mockImplementation(function (this: SocketModeReceiver) {
    receivers.push(this);
    return Promise.resolve({ ok: true });
  });
  const commands = callQueue<CommandInvocation>();
  const subteamEvents = callQueue<unknown>();
  const app: CloudsecApp = {
    actionIds: [],
    callbackIds: [],
    handleViewSubmission: async () => ({ errors: {} }),
    handleCommand: async (invocation) => commands.push(invocation),
    handleAction: async () => undefined,
    homeView: async () => ({ type: 'home', blocks: [] }),
    handleSubteamEvent: async (event) => subteamEvents.push(event),
  };
  running = await startSlackApp({
    app,
    env: readSlackEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      PORT: '0',
      SLACK_API_URL: `${SLACK_API}/api/`,
    }),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    botIdentity: BOT_IDENTITY,
    host: '127.0.0.1',
  });
  return { client: receivers[0]!.client, commands, subteamEvents };
};

const command = (teamId: string, text: string) => ({
  token: 'deprecated',
  team_id: teamId,
  channel_id: 'C0SECURITY',
  channel_name: 'security',
  user_id: 'U0ALICE001',
  user_name: 'alice',
  command: '/cloudsec',
  text,
  response_url: 'https://hooks.slack.test/commands/1',
  trigger_id: '1.2.3',
  api_app_id: 'A0CLOUDSEC',
});

const event = (retryAttempt: number) => ({
  type: 'events_api',
  envelope_id: `env-event-${retryAttempt}`,
  retry_attempt: retryAttempt,
  retry_reason: retryAttempt > 0 ? 'timeout' : '',
  accepts_response_payload: false,
  body: {
    team_id: TEAM_ID,
    api_app_id: 'A0CLOUDSEC',
    type: 'event_callback',
    event_id: 'Ev0SOCKET01',
    event_time: 1700000002,
    event: { type: 'subteam_members_changed', subteam_id: 'S0ADMINS', event_ts: '1700000002.000300' },
    authorizations: [{ team_id: TEAM_ID, user_id: BOT_IDENTITY.botUserId, is_bot: true }],
  },
});

describe('Socket Mode guards', () => {
  it('when a command comes over the socket from another workspace, then it is acked and never reaches the app', async () => {
    const { client, commands } = await start();
    const foreignAck = jest.fn().mockResolvedValue(undefined);
    const ownAck = jest.fn().mockResolvedValue(undefined);

    client.emit('slack_event', {
      ack: foreignAck,
      envelope_id: 'env-1',
      type: 'slash_commands',
      body: command('T0OTHERORG', 'check all'),
      accepts_response_payload: true,
    });
    client.emit('slack_event', {
      ack: ownAck,
      envelope_id: 'env-2',
      type: 'slash_commands',
      body: command(TEAM_ID, 'whoami'),
      accepts_response_payload: true,
    });

    expect((await commands.next()).text).toBe('whoami');
    await sleep(100);
    expect(commands.all.map((c) => c.text)).toEqual(['whoami']);
    expect(foreignAck).toHaveBeenCalledTimes(1);
  });

  it('when Slack redelivers an event over the socket (retry_attempt 1), then it is handled once', async () => {
    const { client, subteamEvents } = await start();

    for (const attempt of [0, 1])
      client.emit('slack_event', { ack: jest.fn().mockResolvedValue(undefined), ...event(attempt) });

    await subteamEvents.next();
    await sleep(100);
    expect(subteamEvents.all).toHaveLength(1);
  });
});
