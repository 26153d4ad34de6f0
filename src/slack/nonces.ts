import type { Store } from '../store/store';

/**
 * Where the Slack edge remembers what it has already run: signed requests (a replay carries the
 * same timestamp and signature) and Events API event ids (Slack's retries are signed afresh but
 * keep the event id). The store's table in production, so replicas share it.
 */
export type NonceStore = Pick<Store, 'claimNonce'>;

/**
 * A signature is accepted for 5 minutes either side of its timestamp; its nonce outlives that by a
 * minute so that replicas whose clocks differ a little still agree it was seen.
 */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;
export const SIGNATURE_NONCE_TTL_SECONDS = SIGNATURE_WINDOW_SECONDS + 60;
/** Slack retries an event up to three times, the last about 5 minutes after the first attempt. */
export const EVENT_NONCE_TTL_MS = 60 * 60 * 1000;

/**
 * One process's memory, for a Slack app started without a store (tests, tools). Bounded: past
 * `maxKeys` the oldest claims are forgotten, which at Slack's request rates means claims far older
 * than any window they protect.
 */
export const memoryNonces = (clock: () => Date = () => new Date(), maxKeys = 100_000): NonceStore => {
  const expiries = new Map<string, number>();
  return {
    claimNonce: async (key, expiresAt) => {
      const now = clock().getTime();
      const until = new Date(expiresAt).getTime();
      if (key.length === 0 || !(until > now)) throw new RangeError('a nonce needs a key and an expiry after now');
      for (const [k, t] of expiries) {
        if (t > now && expiries.size < maxKeys) break;
        expiries.delete(k);
      }
      const seen = expiries.get(key);
      if (seen !== undefined && seen > now) return false;
      expiries.delete(key);
      expiries.set(key, until);
      return true;
    },
  };
};
