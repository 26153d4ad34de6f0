/**
 * Sliding windows of counting rules (sign-in failures, unauthorized calls): per dedup key, the
 * times of its most recent matching records, so "N records of the same key within W minutes" can
 * be answered exactly, at the boundary too.
 *
 * Memory stays flat whatever the traffic: a key keeps at most `keep` times (its threshold: more
 * never changes the answer), a key whose window has passed is dropped, and beyond `maxKeys` keys
 * (or `maxTimes` times in all) the least recently updated keys are dropped first. Dropping a key
 * early can only delay an alert (its count starts again), never invent one.
 *
 * Time is the caller's: a record's time in milliseconds. Records may arrive out of order (SQS does
 * not keep order; LookupEvents pages overlap), so each key's times stay sorted and the window is
 * anchored at the key's newest record.
 */

export interface CountingWindowsOptions {
  /** Keys kept at most (default 50,000). */
  maxKeys?: number;
  /** Times kept in all keys together (default 1,000,000): bounds memory when thresholds are high. */
  maxTimes?: number;
}

export interface CountingWindows {
  /**
   * Counts one record of `key` at `atMs` and answers how many records of the key fall within
   * `windowMs` of its newest one (this one included when it is not older than the window).
   * At most `keep` are counted.
   */
  add(key: string, atMs: number, windowMs: number, keep: number): number;
  /** Keys held now (for tests and the benchmark). */
  size(): number;
  /** Times held now in all keys. */
  timesHeld(): number;
}

interface KeyWindow {
  /** Ascending. */
  times: number[];
  windowMs: number;
}

export const DEFAULT_MAX_COUNTING_KEYS = 50_000;
const DEFAULT_MAX_TIMES = 1_000_000;

/** Inserts into an ascending array (it holds a threshold's worth of times: a linear scan is fine). */
const insertSorted = (times: number[], at: number): void => {
  let i = times.length;
  while (i > 0 && times[i - 1]! > at) i -= 1;
  times.splice(i, 0, at);
};

export const makeCountingWindows = (options: CountingWindowsOptions = {}): CountingWindows => {
  const maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_COUNTING_KEYS);
  const maxTimes = Math.max(1, options.maxTimes ?? DEFAULT_MAX_TIMES);
  /** Insertion order = least recently updated first (a key is re-inserted on each update). */
  const windows = new Map<string, KeyWindow>();
  let held = 0;
  /** The newest record time seen: windows that ended before it can go. */
  let highWater = Number.NEGATIVE_INFINITY;

  const drop = (key: string, w: KeyWindow) => {
    held -= w.times.length;
    windows.delete(key);
  };

  /** Drops keys from the least recently updated end while their window has passed. */
  const dropExpired = () => {
    for (const [key, w] of windows) {
      const newest = w.times[w.times.length - 1] ?? Number.NEGATIVE_INFINITY;
      if (newest + w.windowMs > highWater) break;
      drop(key, w);
    }
  };

  const dropOldestWhileOver = () => {
    for (const [key, w] of windows) {
      if (windows.size <= maxKeys && held <= maxTimes) break;
      drop(key, w);
    }
  };

  return {
    add(key, atMs, windowMs, keep) {
      if (atMs > highWater) highWater = atMs;
      const existing = windows.get(key);
      const w: KeyWindow = existing ?? { times: [], windowMs };
      if (existing) windows.delete(key);
      w.windowMs = windowMs;
      windows.set(key, w);

      const before = w.times.length;
      insertSorted(w.times, atMs);
      const newest = w.times[w.times.length - 1]!;
      // Outside the window anchored at the newest record: older than `newest - windowMs`, or exactly there.
      let firstInside = 0;
      while (firstInside < w.times.length && w.times[firstInside]! <= newest - windowMs) firstInside += 1;
      const overflow = Math.max(0, w.times.length - firstInside - Math.max(1, keep));
      w.times.splice(0, firstInside + overflow);
      held += w.times.length - before;

      const count = w.times.length;
      dropExpired();
      dropOldestWhileOver();
      return count;
    },
    size: () => windows.size,
    timesHeld: () => held,
  };
};
