import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

describe.each(STORE_KINDS)('locks (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async () => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    return { clock, store: await stores.open({ clock }) };
  };

  it('when a free lock is acquired, then the holder, expiry and first fence are returned', async () => {
    const { store } = await setup();
    expect(await store.acquireLock('digest', 'a', 30_000)).toEqual({
      acquired: true,
      lock: {
        name: 'digest',
        owner: 'a',
        acquiredAt: '2026-11-01T12:00:00.000Z',
        expiresAt: '2026-11-01T12:00:30.000Z',
        fence: 1,
      },
    });
  });

  it('when another owner holds an unexpired lock, then acquiring fails and names the holder and its fence', async () => {
    const { store, clock } = await setup();
    await store.acquireLock('digest', 'a', 30_000);
    clock.advance(29_999);
    expect(await store.acquireLock('digest', 'b', 30_000)).toMatchObject({
      acquired: false,
      lock: { owner: 'a', fence: 1 },
    });
  });

  it('when the lock has expired, then another owner takes it with the next fence', async () => {
    const { store, clock } = await setup();
    await store.acquireLock('digest', 'a', 30_000);
    clock.advance(30_000);
    expect(await store.acquireLock('digest', 'b', 30_000)).toMatchObject({
      acquired: true,
      lock: { owner: 'b', acquiredAt: '2026-11-01T12:00:30.000Z', fence: 2 },
    });
    expect(await store.releaseLock('digest', 'a')).toBe(false);
  });

  it('when the holder acquires again, then the lock is renewed from now and keeps its acquisition time and fence', async () => {
    const { store, clock } = await setup();
    await store.acquireLock('digest', 'a', 30_000);
    clock.advance(20_000);
    expect(await store.acquireLock('digest', 'a', 30_000)).toMatchObject({
      acquired: true,
      lock: { acquiredAt: '2026-11-01T12:00:00.000Z', expiresAt: '2026-11-01T12:00:50.000Z', fence: 1 },
    });
  });

  it('when the holder takes its lock again only after it expired, then that is a new tenure with the next fence', async () => {
    const { store, clock } = await setup();
    await store.acquireLock('digest', 'a', 30_000);
    clock.advance(30_000);
    expect(await store.acquireLock('digest', 'a', 30_000)).toMatchObject({
      acquired: true,
      lock: { acquiredAt: '2026-11-01T12:00:30.000Z', fence: 2 },
    });
  });

  it('when released by its holder, then others can take it; a release by someone else does nothing', async () => {
    const { store } = await setup();
    await store.acquireLock('digest', 'a', 30_000);
    expect(await store.releaseLock('digest', 'b')).toBe(false);
    expect((await store.acquireLock('digest', 'b', 30_000)).acquired).toBe(false);
    expect(await store.releaseLock('digest', 'a')).toBe(true);
    expect(await store.releaseLock('digest', 'a')).toBe(false);
    expect((await store.acquireLock('digest', 'b', 30_000)).acquired).toBe(true);
  });

  it('when a lock is released and taken again, then the fence keeps counting up (it never starts over)', async () => {
    const { store } = await setup();
    await store.acquireLock('leader', 'a', 30_000);
    await store.releaseLock('leader', 'a');
    await store.acquireLock('leader', 'b', 30_000);
    await store.releaseLock('leader', 'b');
    expect(await store.acquireLock('leader', 'a', 30_000)).toMatchObject({ acquired: true, lock: { fence: 3 } });
  });

  it('when locks have different names, then they are independent', async () => {
    const { store } = await setup();
    await store.acquireLock('digest:daily', 'a', 30_000);
    expect(await store.acquireLock('digest:weekly', 'b', 30_000)).toMatchObject({ acquired: true, lock: { fence: 1 } });
  });

  it('when two processes (replicas) race for a free lock, then exactly one gets it', async () => {
    const { store, clock } = await setup();
    const other = await stores.reopen(store, { clock });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).acquireLock('leader', `replica-${i}`, 30_000)),
    );
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.lock.fence).toBe(1);
    // Every loser was told who won.
    expect(new Set(results.map((r) => r.lock.owner))).toEqual(new Set([winners[0]!.lock.owner]));
  });

  it('when a lock row predates fences (fence 0), then a renewal keeps 0 and the next change of hands makes it 1', async () => {
    const { store, clock } = await setup();
    await store.acquireLock('digest', 'a', 30_000);
    await stores.exec(store, 'UPDATE locks SET fence = 0');
    expect(await store.acquireLock('digest', 'a', 30_000)).toMatchObject({ lock: { fence: 0 } });
    clock.advance(30_000);
    expect(await store.acquireLock('digest', 'b', 30_000)).toMatchObject({ lock: { owner: 'b', fence: 1 } });
  });

  it('when the ttl is not positive, then acquiring is refused', async () => {
    const { store } = await setup();
    await expect(store.acquireLock('digest', 'a', 0)).rejects.toThrow(RangeError);
    await expect(store.acquireLock('digest', 'a', Number.NaN)).rejects.toThrow(RangeError);
  });
});
