import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

describe.each(STORE_KINDS)('request nonces (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async () => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    return { clock, store: await stores.open({ clock }) };
  };
  const inMinutes = (clock: () => Date, minutes: number) => new Date(clock().getTime() + minutes * 60_000);

  it('when a key is claimed for the first time, then the claim succeeds', async () => {
    const { store, clock } = await setup();

    expect(await store.claimNonce('sig:1700000000:v0=abc', inMinutes(clock, 6))).toBe(true);
  });

  it('when the same key is claimed again before it expires, then the claim fails', async () => {
    const { store, clock } = await setup();
    await store.claimNonce('sig:1700000000:v0=abc', inMinutes(clock, 6));
    clock.advance(5 * 60_000);

    expect(await store.claimNonce('sig:1700000000:v0=abc', inMinutes(clock, 6))).toBe(false);
  });

  it('when another key is claimed, then it does not collide', async () => {
    const { store, clock } = await setup();
    await store.claimNonce('sig:1700000000:v0=abc', inMinutes(clock, 6));

    expect(await store.claimNonce('sig:1700000000:v0=abd', inMinutes(clock, 6))).toBe(true);
  });

  it('when the earlier claim has expired, then the key may be claimed again', async () => {
    const { store, clock } = await setup();
    await store.claimNonce('event:T0:Ev1', inMinutes(clock, 60));
    clock.advance(60 * 60_000);

    expect(await store.claimNonce('event:T0:Ev1', inMinutes(clock, 60))).toBe(true);
    expect(await store.claimNonce('event:T0:Ev1', inMinutes(clock, 60))).toBe(false);
  });

  it('when claims expire, then their rows are deleted by later claims (the table does not grow without end)', async () => {
    const { store, clock } = await setup();
    for (let i = 0; i < 50; i += 1) await store.claimNonce(`sig:${i}`, inMinutes(clock, 6));
    clock.advance(7 * 60_000);

    await store.claimNonce('sig:fresh', inMinutes(clock, 6));

    const { rows } = await stores.exec(store, 'SELECT key FROM request_nonces');
    expect(rows.map((row) => row.key)).toEqual(['sig:fresh']);
  });

  it('when two processes (replicas) claim the same key at once, then exactly one succeeds', async () => {
    const { store, clock } = await setup();
    const other = await stores.reopen(store, { clock });

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).claimNonce('sig:race', inMinutes(clock, 6))),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('when replicas race to take over one expired key, then exactly one succeeds', async () => {
    const { store, clock } = await setup();
    const other = await stores.reopen(store, { clock });
    await store.claimNonce('event:T0:Ev1', inMinutes(clock, 1));
    clock.advance(60_000);

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).claimNonce('event:T0:Ev1', inMinutes(clock, 1))),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('when the expiry is not after now, then the claim is refused as a programming error', async () => {
    const { store, clock } = await setup();

    await expect(store.claimNonce('sig:x', clock())).rejects.toThrow(RangeError);
    await expect(store.claimNonce('', inMinutes(clock, 1))).rejects.toThrow(RangeError);
  });
});
