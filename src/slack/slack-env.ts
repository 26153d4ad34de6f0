import { z } from 'zod';
import { CloudsecError } from '../errors';

/**
 * The Slack settings, read from the environment. Socket Mode when an app-level token is set (no
 * public URL needed), otherwise HTTP mode, which needs the signing secret to verify requests.
 *
 * Error messages name the variable and what belongs in it, never the value: a half-pasted token in
 * a log is still a leaked token.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface CommonSlackEnv {
  botToken: string;
  /** 0 picks a free port (tests); the bound one is reported by startSlackApp. */
  port: number;
  /** Web API base, always ending in `/api/`; undefined means Slack's default (https://slack.com/api/). */
  slackApiUrl: string | undefined;
  logLevel: LogLevel;
}
export type SlackEnv = CommonSlackEnv &
  ({ mode: 'socket'; appToken: string } | { mode: 'http'; signingSecret: string });

const BOT_TOKEN_HELP = "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page";
const APP_TOKEN_HELP =
  'an app-level token (xapp-…) with the connections:write scope, from Basic Information → App-Level Tokens';
const SIGNING_SECRET_HELP = 'the signing secret from Basic Information → App Credentials';

/** Unset and empty are the same thing: `SLACK_APP_TOKEN=` in an env file means "not using it". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const token = (prefix: string, help: string) =>
  z
    .string()
    .refine((v) => v.startsWith(prefix), {
      message: `expected ${help}; the value set does not start with ${prefix}`,
      abort: true,
    })
    .refine((v) => /^[A-Za-z0-9-]+$/.test(v), 'contains spaces, quotes or other characters no Slack token has');

const SlackEnvSchema = z
  .object({
    SLACK_BOT_TOKEN: optional(token('xoxb-', BOT_TOKEN_HELP)),
    SLACK_APP_TOKEN: optional(token('xapp-', APP_TOKEN_HELP)),
    SLACK_SIGNING_SECRET: optional(
      // Slack's secrets are 32 hex characters today; only reject what cannot be one (placeholders, stray spaces).
      z.string().regex(/^[A-Za-z0-9]{16,}$/, `expected ${SIGNING_SECRET_HELP} (letters and digits only)`),
    ),
    PORT: optional(
      z
        .string()
        .regex(/^\d{1,5}$/, 'expected a TCP port number (0-65535)')
        .transform(Number)
        .refine((n) => n <= 65535, 'expected a TCP port number (0-65535)'),
    ),
    SLACK_API_URL: optional(
      z
        .string()
        .refine(isHttpUrl, 'expected an http(s) URL of the Slack Web API, e.g. https://slack-gov.com/api/')
        .transform(normaliseApiUrl),
    ),
    LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN === undefined)
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: `not set: ${BOT_TOKEN_HELP}` });
    if (env.SLACK_APP_TOKEN === undefined && env.SLACK_SIGNING_SECRET === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_APP_TOKEN or SLACK_SIGNING_SECRET'],
        message:
          `neither is set: for Socket Mode set SLACK_APP_TOKEN to ${APP_TOKEN_HELP}; ` +
          `for HTTP mode (request URL https://<host>/slack/events) set SLACK_SIGNING_SECRET to ${SIGNING_SECRET_HELP}, and PORT`,
      });
  });

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
  } catch {
    return false;
  }
}

/** The Web API client appends method names to the base, so it must end in `/api/`: `https://slack-gov.com` works too. */
export function normaliseApiUrl(value: string): string {
  const url = new URL(value);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${path.endsWith('/api') ? path : `${path}/api`}/`;
  return url.toString();
}

export const readSlackEnv = (env: NodeJS.ProcessEnv): SlackEnv => {
  const parsed = SlackEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.map(String).join('.')}: ${i.message}`);
    throw new CloudsecError('config', `Slack settings are missing or invalid. Set:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const common: CommonSlackEnv = {
    botToken: e.SLACK_BOT_TOKEN!,
    port: e.PORT ?? 3000,
    slackApiUrl: e.SLACK_API_URL,
    logLevel: e.LOG_LEVEL ?? 'info',
  };
  return e.SLACK_APP_TOKEN !== undefined
    ? { ...common, mode: 'socket', appToken: e.SLACK_APP_TOKEN }
    : { ...common, mode: 'http', signingSecret: e.SLACK_SIGNING_SECRET! };
};
