import type { WebClient } from '@slack/web-api';
import { CloudsecError } from '../errors';
import type { BotIdentity } from './bolt-app';
import { maskSecrets } from './logger';
import type { SlackEnv } from './slack-env';

/**
 * Start-up failures worded for the person deploying: which setting is wrong and what to set it to,
 * as CloudsecErrors whose codes make the process exit 2 (fix your settings) or 3 (Slack trouble).
 */

/** Slack error codes that mean the token itself is wrong, as opposed to Slack being unreachable. */
const REJECTED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'team_disabled',
  'user_removed_from_team',
]);

const slackErrorCode = (err: unknown): string | undefined => {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
};

const errorText = (err: unknown) => maskSecrets(err instanceof Error ? err.message : String(err));

/** auth.test: checks SLACK_BOT_TOKEN and learns the bot's ids (Bolt needs them to ignore its own events) and its workspace. */
export const verifyBotToken = async (client: WebClient): Promise<BotIdentity> => {
  let result;
  try {
    result = await client.auth.test();
  } catch (err) {
    const code = slackErrorCode(err);
    if (code && REJECTED_TOKEN.has(code))
      throw new CloudsecError(
        'credentials',
        `Slack rejected SLACK_BOT_TOKEN (${code}). Set it to the app's current bot token (xoxb-…).`,
      );
    throw new CloudsecError(
      'internal',
      `Could not reach the Slack Web API at ${client.slackApiUrl}: ${errorText(err)}`,
    );
  }
  if (!result.user_id || !result.bot_id)
    throw new CloudsecError('credentials', 'SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id).');
  // The workspace (and Grid org) the token belongs to: requests from anywhere else are refused.
  return {
    botUserId: result.user_id,
    botId: result.bot_id,
    ...(result.team_id ? { teamId: result.team_id } : {}),
    ...(result.enterprise_id ? { enterpriseId: result.enterprise_id } : {}),
  };
};

export const describeStartError = (err: unknown, env: SlackEnv): Error => {
  const code = slackErrorCode(err);
  if (env.mode === 'socket' && code && REJECTED_TOKEN.has(code))
    return new CloudsecError(
      'credentials',
      `Slack rejected SLACK_APP_TOKEN (${code}). Set it to an app-level token (xapp-…) with the connections:write scope.`,
    );
  if ((err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE')
    return new CloudsecError('config', `PORT ${env.port} is already in use. Set PORT to a free port.`);
  return new CloudsecError(
    'internal',
    `The Slack app could not start (${env.mode === 'socket' ? 'Socket Mode' : 'HTTP mode'}): ${errorText(err)}`,
  );
};
