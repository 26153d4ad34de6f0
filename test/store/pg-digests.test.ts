import type { DigestItem } from '../../src/core/digest/model';
import { useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

/**
 * Two replicas (two stores, each with its own connection pool, on one PostgreSQL schema) racing over
 * digest runs: exactly one posts each scheduled digest. The same contract on one store is in
 * digests.test.ts and digest-state.test.ts.
 */
describe('digest runs shared by replicas in PostgreSQL', () => {
  const stores = useContractStores('postgres');
  const SLOT = '2026-11-02T09:00:00.000Z';
  const RECLAIM = 600_000;

  const twoReplicas = async (clock = manualClock('2026-11-02T09:00:05.000Z')) => {
    const a = await stores.open({ clock });
    return { clock, replicas: [a, await stores.reopen(a, { clock })] as const };
  };

  it('when two replicas claim the same slot at once, then exactly one wins and both see its run', async () => {
    const { replicas } = await twoReplicas();

    const claims = await Promise.all(
      replicas.map((store, r) => store.claimDigestRun('daily', SLOT, { owner: `replica-${r}` })),
    );

    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    expect(claims[0]!.run).toEqual(claims[1]!.run);
  });

  it('when two replicas claim 20 slots at once, each many times, then every slot has exactly one winner', async () => {
    const { replicas } = await twoReplicas();
    const slots = Array.from({ length: 20 }, (_, i) => new Date(Date.parse(SLOT) + i * 3_600_000).toISOString());

    const claims = await Promise.all(
      replicas.flatMap((store, r) =>
        slots.flatMap((slot) =>
          [1, 2].map(async (n) => ({
            slot,
            claim: await store.claimDigestRun('hourly', slot, { owner: `r${r}-${n}` }),
          })),
        ),
      ),
    );

    for (const slot of slots) {
      const ofSlot = claims.filter((c) => c.slot === slot);
      expect(ofSlot.filter((c) => c.claim.claimed)).toHaveLength(1);
      expect(new Set(ofSlot.map((c) => c.claim.run.owner)).size).toBe(1);
    }
  });

  it('when two replicas take over one stale claim at once, then exactly one of them gets it', async () => {
    const { clock, replicas } = await twoReplicas();
    await replicas[0].claimDigestRun('daily', SLOT, { owner: 'crashed' });
    clock.advance(RECLAIM);

    const claims = await Promise.all(
      replicas.map((store, r) =>
        store.claimDigestRun('daily', SLOT, { owner: `replica-${r}`, reclaimAfterMs: RECLAIM }),
      ),
    );

    const winners = claims.filter((c) => c.claimed);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.run).toMatchObject({ attempt: 2, owner: expect.stringMatching(/^replica-/) });
    expect(await replicas[1].lastDigestRun('daily')).toEqual(winners[0]!.run);
  });

  it('when the owner completes with state while another replica reads it, then the reader sees all of it or none', async () => {
    const { replicas } = await twoReplicas();
    await replicas[0].claimDigestRun('daily', SLOT, { owner: 'a' });
    const item = (n: number): DigestItem => ({
      findingId: `f_${String(n).padStart(6, '0')}`,
      source: 'cloudsec',
      checkId: 's3_bucket_public_access_blocked',
      service: 's3',
      severity: 'high',
      accountId: '111111111111',
      region: 'us-east-1',
      resourceType: 'AwsS3Bucket',
      resourceId: `bucket-${n}`,
      resourceArn: null,
      title: 'S3 bucket blocks public access',
      message: `Bucket bucket-${n} does not block public access.`,
      remediationId: null,
      state: 'open',
      firstSeenAt: SLOT,
      lastSeenAt: SLOT,
    });
    // More than one INSERT batch, so a reader between two batches would see a part.
    const upserts = Array.from({ length: 1_500 }, (_, i) => item(i));

    let done = false;
    const completing = replicas[0]
      .completeDigestRunWithState(
        { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded', owner: 'a' },
        { upserts, removals: [] },
      )
      .finally(() => {
        done = true;
      });
    // The other replica keeps reading until the completion is done: never a part of the delta.
    const seen = new Set<number>();
    while (!done) seen.add((await replicas[1].digestItemCounts('daily')).open.high);

    expect(await completing).toMatchObject({ status: 'succeeded' });
    expect([...seen].filter((n) => n !== 0 && n !== 1_500)).toEqual([]);
    expect((await replicas[1].digestItemCounts('daily')).open.high).toBe(1_500);
  });
});
