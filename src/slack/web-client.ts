import { WebClient, type WebClientOptions } from '@slack/web-api';
import { boltLogger, type Logger } from './logger';
import type { SlackEnv } from './slack-env';

/**
 * Web API client settings shared by the Bolt app and any client the composition root builds (the
 * user-group resolver's). Retries are bounded: the client's default keeps retrying for about 30
 * minutes, far past the point where anyone is still waiting for the answer. Rate-limited calls are
 * rejected rather than parked until Retry-After, so a command never hangs on one; callers degrade
 * (the group resolver honours Retry-After itself).
 */
export const slackClientOptions = (env: SlackEnv, logger: Logger): WebClientOptions => ({
  ...(env.slackApiUrl ? { slackApiUrl: env.slackApiUrl } : {}),
  logger: boltLogger(logger),
  retryConfig: { retries: 2, maxRetryTime: 10_000 },
  rejectRateLimitedCalls: true,
  timeout: 15_000,
});

export const createSlackWebClient = (env: SlackEnv, logger: Logger): WebClient =>
  new WebClient(env.botToken, slackClientOptions(env, logger));
