import { ZodError } from 'zod';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

describe.each(STORE_KINDS)('digest runs (%s)', (kind) => {
  const stores = useContractStores(kind);
  const SLOT = '2026-11-02T09:00:00Z';

  const setup = async () => {
    const clock = manualClock('2026-11-02T09:00:05.000Z');
    return { clock, store: await stores.open({ clock }) };
  };

  it('when a slot is claimed for the first time, then the claim is won and the run is running', async () => {
    const { store } = await setup();
    expect(await store.claimDigestRun('daily', SLOT, { owner: 'host-a:1' })).toEqual({
      claimed: true,
      run: {
        digestName: 'daily',
        scheduledFor: '2026-11-02T09:00:00.000Z',
        status: 'running',
        owner: 'host-a:1',
        claimedAt: '2026-11-02T09:00:05.000Z',
        attempt: 1,
        completedAt: null,
        scanId: null,
        details: {},
      },
    });
  });

  it('when many claim the same slot at once, then exactly one wins and the others see its run', async () => {
    const { store } = await setup();
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.claimDigestRun('daily', new Date(SLOT), { owner: `worker-${i}` })),
    );
    const winners = claims.filter((c) => c.claimed);
    expect(winners).toHaveLength(1);
    expect(new Set(claims.map((c) => c.run.owner))).toEqual(new Set([winners[0]!.run.owner]));
  });

  it('when the same slot of another digest or another slot is claimed, then it is a separate run', async () => {
    const { store } = await setup();
    await store.claimDigestRun('daily', SLOT);
    expect((await store.claimDigestRun('weekly', SLOT)).claimed).toBe(true);
    expect((await store.claimDigestRun('daily', '2026-11-03T09:00:00Z')).claimed).toBe(true);
  });

  it('when a run completes, then it is recorded with its scan and details, and cannot complete twice', async () => {
    const { store, clock } = await setup();
    await store.claimDigestRun('daily', SLOT, { owner: 'a' });
    const scanId = await store.saveScan({ scopeKey: 'all', generatedAt: SLOT, findings: [] });
    clock.advance(30_000);
    const completion = { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded' as const, owner: 'a' };
    expect(await store.completeDigestRun({ ...completion, scanId, details: { posted: 'C0SEC' } })).toMatchObject({
      status: 'succeeded',
      completedAt: '2026-11-02T09:00:35.000Z',
      scanId,
      details: { posted: 'C0SEC' },
    });
    expect(await store.completeDigestRun({ ...completion, status: 'failed' })).toBeNull();
    expect((await store.lastDigestRun('daily'))?.status).toBe('succeeded');
  });

  it('when someone else completes a claimed run, then it is refused and the run stays running', async () => {
    const { store } = await setup();
    await store.claimDigestRun('daily', SLOT, { owner: 'a' });
    expect(
      await store.completeDigestRun({ digestName: 'daily', scheduledFor: SLOT, status: 'succeeded', owner: 'b' }),
    ).toBeNull();
    expect((await store.lastDigestRun('daily'))?.status).toBe('running');
  });

  it('when a running claim is older than reclaimAfterMs, then one new claimant takes it over; a fresh one is kept', async () => {
    const { store, clock } = await setup();
    await store.claimDigestRun('daily', SLOT, { owner: 'dead' });
    expect((await store.claimDigestRun('daily', SLOT, { owner: 'b', reclaimAfterMs: 600_000 })).claimed).toBe(false);
    clock.advance(600_000);
    const takeover = await store.claimDigestRun('daily', SLOT, { owner: 'b', reclaimAfterMs: 600_000 });
    expect(takeover).toMatchObject({ claimed: true, run: { owner: 'b', attempt: 2 } });
    expect((await store.claimDigestRun('daily', SLOT, { owner: 'c', reclaimAfterMs: 600_000 })).claimed).toBe(false);
    // Without reclaimAfterMs a claim is never taken over, however old.
    clock.advance(86_400_000);
    expect((await store.claimDigestRun('daily', SLOT, { owner: 'c' })).claimed).toBe(false);
  });

  it('when the holder notes progress, then the run keeps it; anyone else, or a finished run, is refused', async () => {
    const { store } = await setup();
    await store.claimDigestRun('daily', SLOT, { owner: 'a' });
    expect(await store.noteDigestRunProgress('daily', SLOT, 'a', { posted: { channel: 'C0SEC', ts: '1.2' } })).toBe(
      true,
    );
    expect(await store.noteDigestRunProgress('daily', SLOT, 'b', { posted: null })).toBe(false);
    expect(await store.noteDigestRunProgress('daily', '2026-11-03T09:00:00Z', 'a', {})).toBe(false);
    expect((await store.lastDigestRun('daily'))?.details).toEqual({ posted: { channel: 'C0SEC', ts: '1.2' } });
    await store.completeDigestRun({ digestName: 'daily', scheduledFor: SLOT, status: 'failed', owner: 'a' });
    expect(await store.noteDigestRunProgress('daily', SLOT, 'a', { late: true })).toBe(false);
  });

  it('when a completion asks for running again, then it is refused and the run stays as it was', async () => {
    const { store } = await setup();
    await store.claimDigestRun('daily', SLOT, { owner: 'a' });
    const completion = { digestName: 'daily', scheduledFor: SLOT, status: 'running' as never, owner: 'a' };
    await expect(store.completeDigestRun(completion)).rejects.toBeInstanceOf(ZodError);
    expect(await store.lastDigestRun('daily')).toMatchObject({ status: 'running', completedAt: null });
  });

  it('when asking for the last run, then it is the latest scheduled slot, or null when none ran', async () => {
    const { store } = await setup();
    expect(await store.lastDigestRun('daily')).toBeNull();
    await store.claimDigestRun('daily', '2026-11-03T09:00:00Z');
    await store.claimDigestRun('daily', SLOT);
    expect((await store.lastDigestRun('daily'))?.scheduledFor).toBe('2026-11-03T09:00:00.000Z');
  });
});
