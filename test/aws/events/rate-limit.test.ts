import { makeLookupEventsLimiter, makeRateLimiter } from '../../../src/aws/events/rate-limit';

/**
 * A virtual timeline: sleep(ms) parks the caller until the clock reaches now + ms; run() moves the
 * clock to the next parked caller, one at a time, until nobody waits.
 */
const virtualTime = () => {
  let now = 0;
  const parked: Array<{ at: number; wake: () => void }> = [];
  const settle = () => new Promise((r) => setImmediate(r));
  return {
    clock: () => new Date(now),
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => parked.push({ at: now + ms, wake })),
    run: async () => {
      await settle();
      while (parked.length > 0) {
        parked.sort((a, b) => a.at - b.at);
        const next = parked.shift()!;
        now = Math.max(now, next.at);
        next.wake();
        await settle();
      }
    },
  };
};

/** The most calls in any one-second window [t, t + 1000). */
const busiestSecond = (times: number[]) =>
  Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));

describe('makeRateLimiter', () => {
  it('when 10 calls for one account and region arrive at once, then they go out at 2 a second, never more', async () => {
    const time = virtualTime();
    const limiter = makeLookupEventsLimiter(time);
    const sentAt: number[] = [];
    const calls = Array.from({ length: 10 }, () =>
      limiter.wait('111111111111', 'eu-west-1').then(() => sentAt.push(time.now())),
    );

    await time.run();
    await Promise.all(calls);

    expect(busiestSecond(sentAt)).toBe(2);
    expect(sentAt).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500]);
  });

  it('when two regions are called at once, then each has its own allowance', async () => {
    const time = virtualTime();
    const limiter = makeLookupEventsLimiter(time);
    const sentAt: Record<string, number[]> = { 'eu-west-1': [], 'us-east-1': [] };
    const calls = ['eu-west-1', 'us-east-1', 'eu-west-1', 'us-east-1'].map((region) =>
      limiter.wait('111111111111', region).then(() => sentAt[region]!.push(time.now())),
    );
    await time.run();
    await Promise.all(calls);
    expect(sentAt).toEqual({ 'eu-west-1': [0, 500], 'us-east-1': [0, 500] });
  });

  it('when calls come after a quiet spell, then they do not wait', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = makeLookupEventsLimiter({ clock: () => new Date(now), sleep: async (ms) => void waits.push(ms) });
    await limiter.wait('111111111111', 'eu-west-1');
    now = 10_000;
    await limiter.wait('111111111111', 'eu-west-1');
    await limiter.wait('111111111111', 'eu-west-1');
    expect(waits).toEqual([500]);
  });

  it('when a burst is allowed, then that many go at once and the pace holds after', async () => {
    const time = virtualTime();
    const limiter = makeRateLimiter({ ratePerSecond: 2, burst: 3, ...time });
    const sentAt: number[] = [];
    const calls = Array.from({ length: 5 }, () => limiter.wait('a', 'r').then(() => sentAt.push(time.now())));
    await time.run();
    await Promise.all(calls);
    expect(sentAt).toEqual([0, 0, 0, 500, 1000]);
  });

  it('when the rate is not positive, then it refuses to make a limiter', () => {
    expect(() => makeRateLimiter({ ratePerSecond: 0, clock: () => new Date(0), sleep: async () => {} })).toThrow(
      RangeError,
    );
  });
});
