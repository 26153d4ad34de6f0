import { memoryNonces } from '../../src/slack/nonces';
import { manualClock } from '../fixtures/store';

describe('memoryNonces (a Slack app started without a store)', () => {
  const start = new Date('2026-11-01T12:00:00.000Z');
  const later = (clock: () => Date, ms: number) => new Date(clock().getTime() + ms);

  it('when a key is claimed twice before it expires, then only the first claim succeeds', async () => {
    const clock = manualClock(start);
    const nonces = memoryNonces(clock);

    expect(await nonces.claimNonce('sig:1', later(clock, 60_000))).toBe(true);
    clock.advance(59_999);
    expect(await nonces.claimNonce('sig:1', later(clock, 60_000))).toBe(false);
  });

  it('when the claim has expired, then the key may be claimed again', async () => {
    const clock = manualClock(start);
    const nonces = memoryNonces(clock);
    await nonces.claimNonce('sig:1', later(clock, 60_000));
    clock.advance(60_000);

    expect(await nonces.claimNonce('sig:1', later(clock, 60_000))).toBe(true);
  });

  it('when more keys than the bound are claimed, then the oldest are forgotten and the newest still refused', async () => {
    const clock = manualClock(start);
    const nonces = memoryNonces(clock, 3);
    for (const key of ['a', 'b', 'c', 'd']) await nonces.claimNonce(key, later(clock, 60_000));

    expect(await nonces.claimNonce('d', later(clock, 60_000))).toBe(false);
    expect(await nonces.claimNonce('a', later(clock, 60_000))).toBe(true);
  });

  it('when the expiry is not after now, then the claim is refused as a programming error', async () => {
    const clock = manualClock(start);

    await expect(memoryNonces(clock).claimNonce('x', clock())).rejects.toThrow(RangeError);
  });
});
