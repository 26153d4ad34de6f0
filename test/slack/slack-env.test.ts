import { CloudsecError } from '../../src/errors';
import { consoleInsteadOfBotNotice, readSlackEnv } from '../../src/slack/slack-env';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from '../fixtures/slack';

const errorOf = (env: NodeJS.ProcessEnv): CloudsecError => {
  try {
    readSlackEnv(env);
  } catch (err) {
    if (err instanceof CloudsecError) return err;
    throw err;
  }
  throw new Error('expected a CloudsecError');
};

describe('readSlackEnv', () => {
  it('when an app token is set, then Socket Mode is chosen with the defaults', () => {
    expect(readSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN })).toEqual({
      mode: 'socket',
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      port: 3000,
      slackApiUrl: undefined,
      logLevel: 'info',
      teamId: undefined,
      metrics: { port: undefined, host: '127.0.0.1', token: undefined },
    });
  });

  it('when only the signing secret is set, then HTTP mode is chosen on PORT', () => {
    expect(
      readSlackEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        PORT: '8080',
        LOG_LEVEL: 'debug',
      }),
    ).toMatchObject({ mode: 'http', signingSecret: SIGNING_SECRET, port: 8080, logLevel: 'debug' });
  });

  it('when both are set, then Socket Mode wins', () => {
    expect(
      readSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET })
        .mode,
    ).toBe('socket');
  });

  it.each([
    ['https://slack-gov.com/api/', 'https://slack-gov.com/api/'],
    ['https://slack-gov.com/api', 'https://slack-gov.com/api/'],
    ['https://slack-gov.com', 'https://slack-gov.com/api/'],
    ['http://127.0.0.1:9999/mock/', 'http://127.0.0.1:9999/mock/api/'],
  ])('when SLACK_API_URL is %s, then the Web API base is %s', (given, expected) => {
    expect(
      readSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: given }).slackApiUrl,
    ).toBe(expected);
  });

  it('when empty values are set, then they count as unset', () => {
    expect(
      readSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '' }),
    ).toMatchObject({ mode: 'http', port: 3000 });
  });

  it('when nothing is set, then one config error lists the bot token and both transport choices', () => {
    const err = errorOf({});

    expect(err.code).toBe('config');
    expect(err.message).toMatch(/SLACK_BOT_TOKEN: not set/);
    expect(err.message).toMatch(/SLACK_APP_TOKEN or SLACK_SIGNING_SECRET: neither is set/);
    expect(err.message).toMatch(/Socket Mode/);
    expect(err.message).toMatch(/HTTP mode/);
  });

  it('when several values are malformed, then every one is listed and no value is echoed', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxp-user-token-not-a-bot-9876',
      SLACK_APP_TOKEN: 'xoxb-pasted-into-the-wrong-place-5432',
      PORT: '70000',
      SLACK_API_URL: 'ftp://slack.example',
      LOG_LEVEL: 'loud',
    };

    const err = errorOf(env);

    for (const name of Object.keys(env)) expect(err.message).toContain(`${name}:`);
    for (const value of Object.values(env)) expect(err.message).not.toContain(value);
  });

  it('when a token has stray quotes or spaces, then it is rejected with a reason', () => {
    const err = errorOf({ SLACK_BOT_TOKEN: '"xoxb-123-abc"', SLACK_APP_TOKEN: APP_TOKEN });

    expect(err.message).toMatch(/SLACK_BOT_TOKEN: expected the bot token/);
    expect(errorOf({ SLACK_BOT_TOKEN: 'xoxb-123 abc', SLACK_APP_TOKEN: APP_TOKEN }).message).toMatch(
      /SLACK_BOT_TOKEN: contains spaces, quotes/,
    );
  });

  it('when the signing secret is a placeholder, then it is rejected', () => {
    expect(errorOf({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: 'changeme' }).message).toMatch(
      /SLACK_SIGNING_SECRET: expected the signing secret/,
    );
  });

  it('when the metrics and workspace settings are given, then they are read', () => {
    expect(
      readSlackEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_TEAM_ID: 'T0CLOUDSEC',
        METRICS_PORT: '9464',
        METRICS_HOST: '0.0.0.0',
        METRICS_TOKEN: 'a'.repeat(32),
      }),
    ).toMatchObject({ teamId: 'T0CLOUDSEC', metrics: { port: 9464, host: '0.0.0.0', token: 'a'.repeat(32) } });
  });

  it('when the metrics and workspace settings are malformed, then each is named and no value is echoed', () => {
    const bad = {
      SLACK_TEAM_ID: 'acme-corp',
      METRICS_PORT: '99999',
      METRICS_HOST: 'my host',
      METRICS_TOKEN: 'short-secret',
    };

    const err = errorOf({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, ...bad });

    for (const name of Object.keys(bad)) expect(err.message).toContain(`${name}:`);
    expect(err.message).toMatch(/METRICS_TOKEN: expected at least 24 characters/);
    for (const value of Object.values(bad)) expect(err.message).not.toContain(value);
  });
});

describe('consoleInsteadOfBotNotice', () => {
  it('when no Slack variable is set (or only empty ones), then there is nothing to say', () => {
    expect(consoleInsteadOfBotNotice({}, 'CLOUDSEC_DEMO')).toBeNull();
    expect(consoleInsteadOfBotNotice({ SLACK_BOT_TOKEN: ' ', SLACK_APP_TOKEN: '' }, '--demo')).toBeNull();
  });

  it.each([
    ['CLOUDSEC_DEMO', /CLOUDSEC_DEMO=1 is set.*unset CLOUDSEC_DEMO/],
    ['--demo', /--demo was given.*start without --demo/],
    ['--console', /--console was given.*start without --console/],
  ] as const)(
    'when the console runs because of %s with Slack set, then it names the cause, the variables and the way out, never their values',
    (why, says) => {
      const notice = consoleInsteadOfBotNotice(
        { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET },
        why,
      )!;
      expect(notice).toMatch(says);
      expect(notice).toContain('SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET are set');
      expect(notice).not.toContain(BOT_TOKEN);
      expect(notice).not.toContain(SIGNING_SECRET);
      expect(notice.trimEnd()).not.toContain('\n');
    },
  );
});
