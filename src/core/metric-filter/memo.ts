/**
 * Results of reading and judging filter patterns, kept per process. An organization's accounts
 * mostly carry the same CIS metric filters (deployed from one template), and each account × region
 * is judged against fourteen requirements: without this, a scan parsed and normalised the same few
 * patterns thousands of times (in a profile of `npm run bench:scan:org`, ~300 of the ~640 ms cloudsec
 * spent in its own code).
 *
 * The functions memoised are pure, so a kept result is the result. Results are frozen, because
 * every caller now shares them. The table is bounded: when full it starts again, so a hostile
 * estate with ever-new patterns costs at most the work it cost before, never unbounded memory.
 */
const MAX_ENTRIES = 2_000;

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

/** `fn` memoised on the string `keyOf` gives for its arguments. */
export const memoised = <A extends unknown[], R>(
  keyOf: (...args: A) => string,
  fn: (...args: A) => R,
): ((...args: A) => R) => {
  const kept = new Map<string, R>();
  return (...args: A): R => {
    const key = keyOf(...args);
    const hit = kept.get(key);
    if (hit !== undefined || kept.has(key)) return hit as R;
    const result = deepFreeze(fn(...args));
    if (kept.size >= MAX_ENTRIES) kept.clear();
    kept.set(key, result);
    return result;
  };
};
