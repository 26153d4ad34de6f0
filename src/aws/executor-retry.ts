import type { SdkCommand } from './executor-commands';

/**
 * Keeps the SDK's retries of a write to throttling only.
 *
 * The SDK also retries "transient" failures: 5xx answers, timeouts and dropped connections. For a
 * read that is harmless; for a write AWS may well have applied the first attempt before the
 * connection dropped, and a blind second attempt then runs twice (or fails confusingly, as revoking
 * an already revoked rule does). A throttled request was refused before it ran, so only that is
 * safe to repeat.
 *
 * Two middlewares on the command: the inner one (inside the SDK's retry loop) hides any other
 * failure behind an error the retry strategy classifies as a client error, which it never retries;
 * the outer one (outside the loop) hands the original error back, so callers and the client's
 * metrics see AWS's own error.
 */

/** Deliberately bare: no `$metadata`, `$retryable`, `code` or `cause`, which the SDK inspects to decide on a retry. */
class NotRetried extends Error {
  override readonly name = 'CloudsecNotRetried';
  constructor(readonly original: unknown) {
    super('a write is retried only when it was throttled');
  }
}

/** The SDK's own throttling classification, for the errors the executor can meet. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);

export const isThrottled = (err: unknown): boolean => {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown }; $retryable?: { throttling?: unknown } };
  return (
    (typeof e?.name === 'string' && THROTTLING.has(e.name)) ||
    e?.$metadata?.httpStatusCode === 429 ||
    e?.$retryable?.throttling === true
  );
};

type Handler = (args: unknown) => Promise<unknown>;

const hideFromRetry =
  (next: Handler): Handler =>
  async (args) => {
    try {
      return await next(args);
    } catch (err) {
      throw isThrottled(err) ? err : new NotRetried(err);
    }
  };

const unwrap =
  (next: Handler): Handler =>
  async (args) => {
    try {
      return await next(args);
    } catch (err) {
      throw err instanceof NotRetried ? err.original : err;
    }
  };

export const retryOnlyWhenThrottled = <C extends SdkCommand>(command: C): C => {
  // The retry middleware is `finalizeRequest`/high: `low` in that step runs inside it, `build` outside.
  command.middlewareStack.add((next: Handler) => hideFromRetry(next), {
    step: 'finalizeRequest',
    priority: 'low',
    name: 'cloudsecHideFromRetry',
  });
  command.middlewareStack.add((next: Handler) => unwrap(next), {
    step: 'build',
    priority: 'high',
    name: 'cloudsecUnwrapNotRetried',
  });
  return command;
};
