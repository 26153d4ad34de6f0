import { known, missing, type Fact } from '../core/model';
import { errorName, toCollectError, type CallMeta } from './errors';

/**
 * Runs one collection step and turns failure into data: the scan goes on, and the checks that need
 * this value report `unknown` with the permission named. `states` maps AWS error names that describe
 * a configuration state ("no such configuration") to the value they stand for.
 * The SDK has already retried throttling (adaptive retry mode) before an error reaches here.
 */
export const attempt = async <T>(
  meta: CallMeta,
  fn: () => Promise<T>,
  states: Record<string, () => T> = {},
): Promise<Fact<T>> => {
  try {
    return known(await fn());
  } catch (err) {
    const state = states[errorName(err)];
    if (state) return known(state());
    return missing(toCollectError(meta, err));
  }
};
