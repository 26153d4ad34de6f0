import { ZodError } from 'zod';
import type { DigestItem } from '../../src/core/digest/model';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

const SLOT = '2026-11-20T09:00:00.000Z';
const NEXT = '2026-11-21T09:00:00.000Z';

const anItem = (n: number, over: Partial<DigestItem> = {}): DigestItem => ({
  findingId: `f_${String(n).padStart(16, '0')}`,
  source: 'cloudsec',
  checkId: 's3_bucket_public_access_blocked',
  service: 's3',
  severity: 'high',
  accountId: '111111111111',
  region: 'us-east-1',
  resourceType: 'AwsS3Bucket',
  resourceId: `bucket-${n}`,
  resourceArn: `arn:aws:s3:::bucket-${n}`,
  title: 'S3 bucket blocks public access',
  message: `Bucket bucket-${n} does not block public access.`,
  remediationId: 's3_block_public_access',
  state: 'open',
  firstSeenAt: '2026-11-01T09:00:00.000Z',
  lastSeenAt: SLOT,
  ...over,
});

describe.each(STORE_KINDS)('digest state (%s)', (kind) => {
  const stores = useContractStores(kind);

  it('when a claimed run completes with a delta, then the items are stored and the run is finished together', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT, { owner: 'a' });

    const run = await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded', owner: 'a', details: { score: 80 } },
      { upserts: [anItem(1), anItem(2, { state: 'suppressed' })], removals: [] },
    );

    expect(run).toMatchObject({ status: 'succeeded', details: { score: 80 } });
    expect(await store.digestItems('daily', { source: 'cloudsec' })).toEqual([
      anItem(1),
      anItem(2, { state: 'suppressed' }),
    ]);
  });

  it('when the run is not this owner’s running run, then nothing of the delta is applied', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT, { owner: 'a' });

    const run = await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded', owner: 'b' },
      { upserts: [anItem(1)], removals: [] },
    );
    const unclaimed = await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: NEXT, status: 'succeeded' },
      { upserts: [anItem(2)], removals: [] },
    );

    expect(run).toBeNull();
    expect(unclaimed).toBeNull();
    expect(await store.digestItems('daily', { source: 'cloudsec' })).toEqual([]);
  });

  it('when an item of the delta is invalid, then neither the run nor any item is stored', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT, { owner: 'a' });

    const completion = store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded', owner: 'a' },
      { upserts: [anItem(1), anItem(2, { severity: 'urgent' as never })], removals: [] },
    );

    await expect(completion).rejects.toBeInstanceOf(ZodError);
    expect(await store.lastDigestRun('daily')).toMatchObject({ status: 'running', completedAt: null });
    expect(await store.digestItems('daily', { source: 'cloudsec' })).toEqual([]);
  });

  it('when one delta upserts a finding twice and removes one it upserts, then the last upsert wins and removals win over upserts', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT);

    await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded' },
      {
        upserts: [anItem(1), anItem(2), anItem(1, { severity: 'low' }), anItem(3)],
        removals: [anItem(3).findingId],
      },
    );

    expect(await store.digestItems('daily', { source: 'cloudsec' })).toEqual([
      anItem(1, { severity: 'low' }),
      anItem(2),
    ]);
  });

  it('when a later run updates and removes items, then first-seen times are what the run gave and removals are gone', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT);
    await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded' },
      { upserts: [anItem(1), anItem(2)], removals: [] },
    );
    await store.claimDigestRun('daily', NEXT);

    await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: NEXT, status: 'succeeded' },
      { upserts: [anItem(1, { severity: 'critical', lastSeenAt: NEXT })], removals: [anItem(2).findingId] },
    );

    expect(await store.digestItems('daily', { source: 'cloudsec' })).toEqual([
      anItem(1, { severity: 'critical', lastSeenAt: NEXT }),
    ]);
  });

  it('when items are asked for by id, then only those of that digest come back, across batches', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    for (const name of ['daily', 'weekly']) {
      await store.claimDigestRun(name, SLOT);
      await store.completeDigestRunWithState(
        { digestName: name, scheduledFor: SLOT, status: 'succeeded' },
        { upserts: Array.from({ length: 1_200 }, (_, i) => anItem(i)), removals: [] },
      );
    }
    const wanted = [...Array.from({ length: 1_100 }, (_, i) => anItem(i * 2).findingId), 'f_unknown'];

    const found = await store.digestItems('daily', { ids: wanted });

    expect(found).toHaveLength(600);
    expect(new Set(found.map((f) => f.findingId))).toEqual(
      new Set(Array.from({ length: 600 }, (_, i) => anItem(i * 2).findingId)),
    );
  });

  it('when counting, then open items are counted by severity overall and per account, suppressed apart', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT);
    await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded' },
      {
        upserts: [
          anItem(1, { severity: 'critical' }),
          anItem(2),
          anItem(3, { accountId: '222222222222' }),
          anItem(4, { accountId: '222222222222', state: 'suppressed' }),
        ],
        removals: [],
      },
    );

    const counts = await store.digestItemCounts('daily');

    expect(counts.open).toEqual({ critical: 1, high: 2, medium: 0, low: 0, informational: 0 });
    expect(counts.suppressed).toBe(1);
    expect(counts.byAccount).toEqual([
      { accountId: '111111111111', open: { critical: 1, high: 1, medium: 0, low: 0, informational: 0 }, suppressed: 0 },
      { accountId: '222222222222', open: { critical: 0, high: 1, medium: 0, low: 0, informational: 0 }, suppressed: 1 },
    ]);
    expect(await store.digestItemCounts('never-ran')).toEqual({
      open: { critical: 0, high: 0, medium: 0, low: 0, informational: 0 },
      suppressed: 0,
      byAccount: [],
    });
  });

  it('when asking for the oldest open items, then they come oldest first, most severe first among equals, suppressed left out', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT);
    await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded' },
      {
        upserts: [
          anItem(1, { firstSeenAt: '2026-11-10T09:00:00.000Z' }),
          anItem(2, { firstSeenAt: '2026-10-01T09:00:00.000Z', severity: 'low' }),
          anItem(3, { firstSeenAt: '2026-10-01T09:00:00.000Z', severity: 'critical' }),
          anItem(4, { firstSeenAt: '2026-09-01T09:00:00.000Z', state: 'suppressed' }),
        ],
        removals: [],
      },
    );

    const oldest = await store.oldestOpenDigestItems('daily', 2);

    expect(oldest.map((i) => i.resourceId)).toEqual(['bucket-3', 'bucket-2']);
  });

  it('when visiting every item, then each is seen once, page by page, and the count is returned', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    await store.claimDigestRun('daily', SLOT);
    await store.completeDigestRunWithState(
      { digestName: 'daily', scheduledFor: SLOT, status: 'succeeded' },
      { upserts: Array.from({ length: 2_345 }, (_, i) => anItem(i)), removals: [] },
    );
    const seen: string[] = [];

    const count = await store.eachDigestItem('daily', async (item) => {
      seen.push(item.findingId);
    });

    expect(count).toBe(2_345);
    // Each item once, in finding id order (the ids are zero-padded, so that is their number order).
    expect(seen).toEqual(Array.from({ length: 2_345 }, (_, i) => anItem(i).findingId));
    expect(await store.eachDigestItem('never-ran', () => undefined)).toBe(0);
  });

  it('when asking for the run history, then the latest runs of that digest come newest first', async () => {
    const store = await stores.open({ clock: manualClock(SLOT) });
    for (const at of ['2026-11-18T09:00:00.000Z', '2026-11-19T09:00:00.000Z', SLOT]) {
      await store.claimDigestRun('daily', at);
      await store.completeDigestRun({ digestName: 'daily', scheduledFor: at, status: 'succeeded' });
    }
    await store.claimDigestRun('weekly', NEXT);

    const runs = await store.digestRunHistory('daily', 2);

    expect(runs.map((r) => r.scheduledFor)).toEqual([SLOT, '2026-11-19T09:00:00.000Z']);
  });
});
