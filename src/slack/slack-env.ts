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
  /**
   * SLACK_TEAM_ID: the workspace cloudsec is installed in. Requests from any other workspace are
   * refused. Unset: the team auth.test reports at start-up.
   */
  teamId: string | undefined;
  metrics: MetricsEnv;
}

/**
 * Where `GET /metrics` is served. Never openly on the Slack port: METRICS_PORT gives it a listener
 * of its own (on METRICS_HOST, loopback by default), METRICS_TOKEN requires `Authorization: Bearer`
 * wherever it is served. Neither set: metrics are not served at all.
 */
export interface MetricsEnv {
  port: number | undefined;
  host: string;
  token: string | undefined;
}

export type SlackEnv = CommonSlackEnv &
  ({ mode: 'socket'; appToken: string } | { mode: 'http'; signingSecret: string });

const BOT_TOKEN_HELP = "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page";
const APP_TOKEN_HELP =
  'an app-level token (xapp-…) with the connections:write scope, from Basic Information → App-Level Tokens';
const SIGNING_SECRET_HELP = 'the signing secret from Basic Information → App Credentials';
const PORT_HELP = 'expected a TCP port number (0-65535)';

const portNumber = () =>
  z
    .string()
    .regex(/^\d{1,5}$/, PORT_HELP)
    .transform(Number)
    .refine((n) => n <= 65535, PORT_HELP);

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
    PORT: optional(portNumber()),
    SLACK_API_URL: optional(
      z
        .string()
        .refine(isHttpUrl, 'expected an http(s) URL of the Slack Web API, e.g. https://slack-gov.com/api/')
        .transform(normaliseApiUrl),
    ),
    LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })),
    SLACK_TEAM_ID: optional(
      z
        .string()
        .regex(/^T[A-Z0-9]{2,}$/, 'expected a workspace id (T…), as in the workspace URL app.slack.com/client/T…/'),
    ),
    METRICS_PORT: optional(portNumber()),
    METRICS_HOST: optional(
      z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'expected an interface address (127.0.0.1, 0.0.0.0, ::) or a host name'),
    ),
    METRICS_TOKEN: optional(
      // Compared in constant time, but a short token is still guessable: ask for a generated one.
      z
        .string()
        .regex(
          /^[A-Za-z0-9._~+/=-]{24,}$/,
          'expected at least 24 characters of letters, digits or ._~+/=- (e.g. the output of `openssl rand -hex 24`)',
        ),
    ),
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
    teamId: e.SLACK_TEAM_ID,
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST ?? '127.0.0.1', token: e.METRICS_TOKEN },
  };
  return e.SLACK_APP_TOKEN !== undefined
    ? { ...common, mode: 'socket', appToken: e.SLACK_APP_TOKEN }
    : { ...common, mode: 'http', signingSecret: e.SLACK_SIGNING_SECRET! };
};

const SLACK_VARIABLES = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'] as const;

/** The Slack variables that are set (not empty), by name only: their values are secrets. */
export const slackVariablesSet = (env: NodeJS.ProcessEnv): string[] =>
  SLACK_VARIABLES.filter((name) => (env[name] ?? '').trim() !== '');

/**
 * What to tell someone whose Slack settings are about to be ignored because the console runs
 * instead (CLOUDSEC_DEMO left set in an env file, `--demo` added to a start script): without it, the
 * bot silently never connects and the terminal waits for input nobody will type. Null when no Slack
 * variable is set, so plain `npm run demo` stays quiet.
 */
export const consoleInsteadOfBotNotice = (
  env: NodeJS.ProcessEnv,
  why: 'CLOUDSEC_DEMO' | '--demo' | '--console',
): string | null => {
  const set = slackVariablesSet(env);
  if (set.length === 0) return null;
  const cause =
    why === 'CLOUDSEC_DEMO'
      ? 'CLOUDSEC_DEMO=1 is set, so the console demo runs on the bundled demo estate'
      : why === '--demo'
        ? '--demo was given, so the console demo runs on the bundled demo estate'
        : '--console was given, so cloudsec runs in this terminal';
  const fix = why === 'CLOUDSEC_DEMO' ? 'unset CLOUDSEC_DEMO (or set it to 0)' : `start without ${why}`;
  return `cloudsec: ${cause}; the Slack bot is not started although ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set. To run the bot, ${fix}.\n`;
};
