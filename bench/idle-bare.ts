/**
 * The baseline of bench/idle.ts: a bare Bolt app in HTTP mode, as the Bolt docs start one, with the
 * same token, signing secret and fake Slack Web API as cloudsec gets. Bolt checks the token with
 * auth.test when the App is built, as cloudsec does at start-up. Not run directly: bench/idle.ts
 * transpiles it and runs it with plain node, the way it runs cloudsec's compiled dist.
 */
import { App, LogLevel } from '@slack/bolt';

const required = (name: string): string => {
  const value = process.env[name];
  // A missing setting would start Bolt with its defaults and measure something else.
  if (!value) throw new Error(`idle-bare: ${name} is not set`);
  return value;
};

const main = async () => {
  const app = new App({
    token: required('SLACK_BOT_TOKEN'),
    signingSecret: required('SLACK_SIGNING_SECRET'),
    clientOptions: { slackApiUrl: required('SLACK_API_URL') },
    logLevel: LogLevel.WARN,
  });
  await app.start({ port: Number(required('PORT')), host: '127.0.0.1' });
  const stop = () => {
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

main().catch((err: unknown) => {
  process.stderr.write(`idle-bare: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
