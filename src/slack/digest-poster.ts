import fs from 'node:fs';
import { ErrorCode, WebClient } from '@slack/web-api';
import { DigestPostError, type DigestFile, type DigestPoster } from '../app/digest/ports';
import type { MessageRef } from '../app/conversation';
import { slackClientOptions } from './bolt-app';
import type { Logger } from './logger';
import type { SlackEnv } from './slack-env';

/**
 * Posts digests with the Web API. The client itself does not wait out rate limits (it is set to
 * reject them, so an interactive answer is never parked for minutes); a digest is not interactive,
 * so here a 429 waits exactly the Retry-After Slack gave, and network or 5xx failures back off and
 * try again, a bounded number of times. Errors Slack will repeat (not in the channel, no such
 * channel, bad token) fail at once with what to do about them.
 */

/**
 * The client to give the poster: the bot's settings without the client's own retries. The shared
 * client retries 5xx and network failures itself (twice, on real timers), so a poster built on it
 * would try up to three times as often as configured, on a schedule no one chose or can inject,
 * and never see the failures its backoff is for.
 */
export const createDigestWebClient = (env: SlackEnv, logger: Logger): WebClient =>
  new WebClient(env.botToken, { ...slackClientOptions(env, logger), retryConfig: { retries: 0 } });

export interface DigestPosterOptions {
  attempts?: number;
  /** Waits before the 2nd, 3rd … attempt after a failure that is not a rate limit. */
  backoffMs?: readonly number[];
  /** Longest Retry-After honoured; a longer one fails the attempt (the run is recorded and retried by catch-up). */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { what: string; attempt: number; waitMs: number; reason: string }) => void;
}

const HELP: Record<string, string> = {
  not_in_channel: 'the bot is not a member of the channel: invite it with /invite @cloudsec',
  channel_not_found: 'no such channel, or the bot cannot see it: check the digest’s channel id and invite the bot',
  is_archived: 'the channel is archived',
  invalid_auth: 'SLACK_BOT_TOKEN is not valid',
  not_authed: 'SLACK_BOT_TOKEN is missing',
  account_inactive: 'the bot token belongs to a deactivated app or workspace',
  missing_scope: 'the app lacks a scope (chat:write and files:write): reinstall it with manifest.yml',
};

type Failure =
  | { retry: false; message: string; code: string }
  | { retry: true; waitMs: number | null; message: string; code: string };

/** Failures that happen before a request reaches Slack: nothing can have been posted. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const classify = (err: unknown, maxRetryAfterMs: number, idempotent: boolean): Failure => {
  // Slack accepted the call but its answer makes no sense: trying again could post the digest twice.
  if (err instanceof DigestPostError) return { retry: false, code: err.code, message: err.message };
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e.code === ErrorCode.RateLimitedError) {
    const waitMs = Math.max(0, (e.retryAfter ?? 1) * 1000);
    return waitMs > maxRetryAfterMs
      ? {
          retry: false,
          code: 'ratelimited',
          message: `Slack asked to wait ${e.retryAfter}s, longer than cloudsec waits`,
        }
      : { retry: true, waitMs, code: 'ratelimited', message: `rate limited (Retry-After ${e.retryAfter}s)` };
  }
  if (e.code === ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    if (code === 'ratelimited') return { retry: true, waitMs: null, code, message: 'rate limited' };
    if (code === 'internal_error' || code === 'fatal_error' || code === 'service_unavailable') {
      return { retry: true, waitMs: null, code, message: `Slack answered ${code}` };
    }
    return { retry: false, code, message: `Slack answered ${code}${HELP[code] ? `: ${HELP[code]}` : ''}` };
  }
  // Node's fetch reports a refused connection as TypeError('fetch failed') with the code on `cause`.
  const original = (err as { original?: { code?: string; cause?: { code?: string } } }).original;
  const cause = original?.code ?? original?.cause?.code;
  if (!idempotent && e.code === ErrorCode.RequestError && !(cause && NOT_SENT.has(cause))) {
    // A timeout or a dropped connection after sending: Slack may have posted it, and a second post
    // would be a duplicate digest. The run is recorded as failed; the next digest carries its changes.
    return {
      retry: false,
      code: cause ?? 'request_error',
      message: `no answer from Slack (${e.message ?? cause ?? 'request error'}); it may have been posted, so it is not sent again`,
    };
  }
  return { retry: true, waitMs: null, code: e.code ?? 'error', message: e.message ?? String(err) };
};

export const makeSlackDigestPoster = (client: WebClient, options: DigestPosterOptions = {}): DigestPoster => {
  const attempts = options.attempts ?? 5;
  const backoff = options.backoffMs ?? [2_000, 10_000, 30_000, 60_000];
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10 * 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /** `idempotent`: sending twice does no harm (an upload: at worst a second copy of a file). */
  const withRetries = async <T>(what: string, idempotent: boolean, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const failure = classify(err, maxRetryAfterMs, idempotent);
        if (!failure.retry || attempt >= attempts) {
          const tried = attempt > 1 ? ` (after ${attempt} attempts)` : '';
          throw new DigestPostError(`${what}: ${failure.message}${tried}`, failure.code);
        }
        const waitMs = failure.waitMs ?? backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 0;
        options.onRetry?.({ what, attempt, waitMs, reason: failure.message });
        await sleep(waitMs);
      }
    }
  };

  return {
    post: (channel, message) =>
      withRetries('posting the digest', false, async (): Promise<MessageRef> => {
        const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never });
        if (!posted.channel || !posted.ts)
          throw new DigestPostError('Slack did not say where the digest was posted', 'no_ts');
        return { channel: posted.channel, ts: posted.ts };
      }),
    attach: (ref, file: DigestFile) =>
      withRetries(`uploading ${file.filename}`, true, async () => {
        await client.files.uploadV2({
          channel_id: ref.channel,
          thread_ts: ref.ts,
          filename: file.filename,
          title: file.title,
          // A path is read afresh on every attempt: a stream would be spent by a failed one.
          file: 'content' in file ? file.content : fs.readFileSync(file.path),
        });
      }),
  };
};
