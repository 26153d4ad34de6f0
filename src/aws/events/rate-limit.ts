import type { Clock, Sleep } from './types';

/**
 * A rate limiter shared by every LookupEvents call: CloudTrail allows 2 requests per second per
 * account per region for LookupEvents (CloudTrail API reference, LookupEvents; "CloudTrail quotas"),
 * and the poller's pages, the next poll and `/cloudsec who` all draw on that one allowance. Past it
 * AWS answers ThrottlingException, and every caller of that account and region is slowed.
 *
 * Each key gets its own schedule, kept as a generic cell rate algorithm: a call takes the next free
 * slot (at least `1000 / ratePerSecond` ms after the previous one), reserved synchronously before any
 * wait, so callers that arrive together queue up instead of all passing. With `burst: 1` (the
 * default) no window of one second ever holds more than `ratePerSecond` calls; a larger burst lets
 * that many calls through at once after a quiet spell, at the price of that strictness.
 */

export interface RateLimiter {
  /** Resolves when a call for this account and region may be sent. */
  wait(accountId: string, region: string): Promise<void>;
}

export interface RateLimiterOptions {
  ratePerSecond: number;
  burst?: number;
  clock: Clock;
  sleep: Sleep;
}

/** LookupEvents' documented quota. */
export const LOOKUP_EVENTS_REQUESTS_PER_SECOND = 2;

export const makeRateLimiter = (options: RateLimiterOptions): RateLimiter => {
  if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
  const interval = 1000 / options.ratePerSecond;
  const burst = Math.max(1, Math.floor(options.burst ?? 1));
  /** Per key: the theoretical time (ms) the next call would be sent at an even pace. */
  const next = new Map<string, number>();

  return {
    wait: async (accountId, region) => {
      const key = `${accountId}/${region}`;
      const now = options.clock().getTime();
      const tat = Math.max(next.get(key) ?? now, now);
      const sendAt = tat - (burst - 1) * interval;
      next.set(key, tat + interval);
      if (sendAt > now) await options.sleep(sendAt - now);
    },
  };
};

/** The limiter the live lane uses: LookupEvents' 2 requests per second per account and region. */
export const makeLookupEventsLimiter = (deps: { clock: Clock; sleep: Sleep }): RateLimiter =>
  makeRateLimiter({ ratePerSecond: LOOKUP_EVENTS_REQUESTS_PER_SECOND, ...deps });
