/**
 * Bounded exponential back-off: `baseMs`, twice that, four times, … never more than `maxMs`. No
 * jitter: one consumer per queue and one poller per account and region are all that wait here, so
 * there is no crowd of callers to spread, and a fixed schedule keeps tests exact.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** The wait before attempt `failures + 1`, after `failures` (≥ 1) failures in a row. */
export const backoffDelay = (failures: number, backoff: Backoff): number =>
  Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
