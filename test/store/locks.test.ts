import { manualClock, useTempStores } from '../fixtures/store';

describe('locks in SQLite', () => {
  const stores = useTempStores();

  const setup = () => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    return { clock, ...stores.open({ clock }) };
  };

  it('when a free lock is acquired, then the holder and expiry are returned', async () => {
    const { store } = setup();
    expect(await store.acquireLock('digest', 'a', 30_000)).toEqual({
      acquired: true,
      lock: {
        name: 'digest',
        owner: 'a',
        acquiredAt: '2026-11-01T12:00:00.000Z',
        expiresAt: '2026-11-01T12:00:30.000Z',
      },
    });
  });

  it('when another owner holds an unexpired lock, then acquiring fails and names the holder', async () => {
    const { store, clock } = setup();
    await store.acquireLock('digest', 'a', 30_000);
    clock.advance(29_999);
    expect(await store.acquireLock('digest', 'b', 30_000)).toMatchObject({ acquired: false, lock: { owner: 'a' } });
  });

  it('when the lock has expired, then another owner takes it', async () => {
    const { store, clock } = setup();
    await store.acquireLock('digest', 'a', 30_000);
    clock.advance(30_000);
    expect(await store.acquireLock('digest', 'b', 30_000)).toMatchObject({
      acquired: true,
      lock: { owner: 'b', acquiredAt: '2026-11-01T12:00:30.000Z' },
    });
    expect(await store.releaseLock('digest', 'a')).toBe(false);
  });

  it('when the holder acquires again, then the lock is renewed from now and keeps its first acquisition time', async () => {
    const { store, clock } = setup();
    await store.acquireLock('digest', 'a', 30_000);
    clock.advance(20_000);
    expect(await store.acquireLock('digest', 'a', 30_000)).toMatchObject({
      acquired: true,
      lock: { acquiredAt: '2026-11-01T12:00:00.000Z', expiresAt: '2026-11-01T12:00:50.000Z' },
    });
  });

  it('when released by its holder, then others can take it; a release by someone else does nothing', async () => {
    const { store } = setup();
    await store.acquireLock('digest', 'a', 30_000);
    expect(await store.releaseLock('digest', 'b')).toBe(false);
    expect((await store.acquireLock('digest', 'b', 30_000)).acquired).toBe(false);
    expect(await store.releaseLock('digest', 'a')).toBe(true);
    expect((await store.acquireLock('digest', 'b', 30_000)).acquired).toBe(true);
  });

  it('when locks have different names, then they are independent', async () => {
    const { store } = setup();
    await store.acquireLock('digest:daily', 'a', 30_000);
    expect((await store.acquireLock('digest:weekly', 'b', 30_000)).acquired).toBe(true);
  });

  it('when the ttl is not positive, then acquiring is refused', async () => {
    const { store } = setup();
    await expect(store.acquireLock('digest', 'a', 0)).rejects.toThrow(RangeError);
  });
});
