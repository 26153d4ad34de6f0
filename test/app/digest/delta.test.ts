import { scoreText } from '../../../src/core/render/digest/format';
import { summaryOf } from '../../../src/app/digest/build-run';
import { known } from '../../../src/core/model';
import {
  aBucketAllowingPlainHttp,
  aBucketWithVersioningRefused,
  aCompliantBucket,
  aDigest,
  anEstate,
  anS3Account,
  anUnencryptedBucket,
  anUnreachableAccount,
  anUnversionedBucket,
  openDigestHarness,
  readDigest,
  resources,
  PROD,
  STAGING,
  type DigestHarness,
} from '../../fixtures/digest-harness';
import { aRootRow, anIamSlice } from '../../fixtures/snapshot-builders';
import { useTempStores } from '../../fixtures/store';

const DAY1 = '2026-11-01T09:00:00.000Z';
const DAY3 = '2026-11-03T09:00:00.000Z';

const lastPost = (h: DigestHarness) => {
  const post = h.slack.posts[h.slack.posts.length - 1];
  if (!post) throw new Error('nothing was posted');
  return readDigest(post);
};

const storedIds = async (h: DigestHarness, name = 'prod-daily') => {
  const items = await h.store.digestItems(name, { source: 'cloudsec' });
  return items.map((i) => i.resourceId).sort();
};

const storedScore = async (h: DigestHarness, scheduledFor: string) => {
  const runs = await h.store.digestRunHistory('prod-daily', 10);
  return summaryOf(runs.find((r) => r.scheduledFor === scheduledFor))?.score ?? null;
};

/** prod: app-data compliant, legacy accepts plain HTTP (medium), logs unversioned (low). */
const firstEstate = () =>
  anEstate(
    anS3Account([aCompliantBucket('app-data'), aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')]),
  );

describe('digest delta across runs', () => {
  const stores = useTempStores();

  it('when a digest runs for the first time, then every open finding is new and there is nothing to compare with', async () => {
    const h = openDigestHarness(stores, { estate: firstEstate() });

    const outcome = await h.run(DAY1);

    expect(outcome.kind).toBe('posted');
    expect(h.slack.posts).toHaveLength(1);
    expect(h.slack.posts[0]!.channel).toBe('C0SECURITY');
    const digest = lastPost(h);
    expect(digest.headline).toContain('first digest, nothing to compare with yet');
    expect(digest.newSince.total).toBe(2);
    expect(resources(digest.newSince)).toEqual(['legacy', 'logs']);
    expect(digest.resolved.total).toBe(0);
    expect(digest.stillOpen.total).toBe(2);
    expect(digest.counts.get('Open findings')?.count).toBe(2);
    expect(await storedIds(h)).toEqual(['legacy', 'logs']);
    expect(await h.store.lastDigestRun('prod-daily')).toMatchObject({
      scheduledFor: DAY1,
      status: 'succeeded',
      details: { opened: 2, resolved: 0 },
    });
  });

  it('when one finding is fixed and one new problem appears, then exactly 1 is resolved and 1 is new, and the old one keeps its age', async () => {
    const h = openDigestHarness(stores, { estate: firstEstate() });
    await h.run(DAY1);
    h.estate.set(
      anEstate(
        anS3Account([
          aCompliantBucket('app-data'),
          aCompliantBucket('legacy'),
          anUnversionedBucket('logs'),
          anUnversionedBucket('tmp'),
        ]),
      ),
    );

    await h.run(DAY3);

    const digest = lastPost(h);
    expect(digest.resolved).toEqual({
      total: 1,
      items: [{ resource: 'legacy', severity: 'medium', age: 'was open 2 days' }],
      more: 0,
    });
    expect(digest.newSince.total).toBe(1);
    expect(resources(digest.newSince)).toEqual(['tmp']);
    // Oldest first: logs was first seen at the first run, tmp just now.
    expect(digest.stillOpen).toEqual({
      total: 2,
      items: [
        { resource: 'logs', severity: 'low', age: 'open 2 days' },
        { resource: 'tmp', severity: 'low', age: 'open less than a day' },
      ],
      more: 0,
    });
    expect(digest.counts.get('Open findings')).toEqual({ count: 2, change: 'no change' });
    const [before, after] = [await storedScore(h, DAY1), await storedScore(h, DAY3)];
    expect(before).not.toBeNull();
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    const arrow = after! > before! ? '▲' : '▼';
    expect(digest.headline).toBe(
      `Posture score ${scoreText(after!)} / 100 · ${arrow} ${Math.abs(after! - before!).toFixed(1)} points since the last digest`,
    );
    const stored = await h.store.digestItems('prod-daily', { source: 'cloudsec' });
    expect(stored.map((i) => [i.resourceId, i.firstSeenAt, i.lastSeenAt]).sort()).toEqual([
      ['logs', DAY1, DAY3],
      ['tmp', DAY3, DAY3],
    ]);
  });

  it('when severity counts move, then each count shows its exact change since the last digest', async () => {
    const h = openDigestHarness(stores, { estate: firstEstate() });
    await h.run(DAY1);
    h.estate.set(
      anEstate(
        anS3Account([
          aCompliantBucket('legacy'),
          anUnversionedBucket('logs'),
          anUnversionedBucket('tmp'),
          anUnencryptedBucket('exports'),
        ]),
      ),
    );

    await h.run(DAY3);

    const { counts } = lastPost(h);
    expect(counts.get('Open findings')).toEqual({ count: 3, change: '▲ 1' });
    // Medium: legacy fixed, exports new. Low: logs kept, tmp new.
    expect([...counts].find(([label]) => label.endsWith('Medium'))?.[1]).toEqual({ count: 1, change: 'no change' });
    expect([...counts].find(([label]) => label.endsWith('Low'))?.[1]).toEqual({ count: 2, change: '▲ 1' });
  });

  it('when a check is refused this time (unknown), then the findings it reported before are neither resolved nor new', async () => {
    const h = openDigestHarness(stores, { estate: firstEstate() });
    await h.run(DAY1);
    h.estate.set(
      anEstate(
        anS3Account([
          aCompliantBucket('app-data'),
          aBucketAllowingPlainHttp('legacy'),
          aBucketWithVersioningRefused('logs'),
        ]),
      ),
    );

    await h.run(DAY3);

    const digest = lastPost(h);
    expect(digest.resolved.total).toBe(0);
    expect(digest.newSince.total).toBe(0);
    expect(digest.stillOpen.items).toContainEqual({ resource: 'logs', severity: 'low', age: 'open 2 days' });
    const logs = (await h.store.digestItems('prod-daily', { source: 'cloudsec' })).find((i) => i.resourceId === 'logs');
    expect(logs).toMatchObject({ state: 'open', firstSeenAt: DAY1 });
  });

  it('when an account cannot be entered, then its stored findings are kept and the digest says the scan is incomplete', async () => {
    const h = openDigestHarness(stores, {
      estate: anEstate(
        anS3Account([aBucketAllowingPlainHttp('legacy')]),
        anS3Account([anUnencryptedBucket('staging-data')], STAGING),
      ),
    });
    await h.run(DAY1);
    h.estate.set(anEstate(anS3Account([aBucketAllowingPlainHttp('legacy')]), anUnreachableAccount(STAGING)));

    const outcome = await h.run(DAY3);

    const digest = lastPost(h);
    expect(digest.scanIncomplete).toBe(true);
    expect(digest.text).toContain('staging (222222222222): could not enter the account');
    expect(digest.resolved.total).toBe(0);
    expect(resources(digest.stillOpen)).toEqual(['legacy', 'staging-data']);
    expect(await storedIds(h)).toEqual(['legacy', 'staging-data']);
    expect(outcome.kind === 'posted' && outcome.run?.details.incomplete).toEqual([
      expect.stringContaining('staging (222222222222): could not enter the account'),
    ]);
  });
});

describe('digest state across a restart', () => {
  const stores = useTempStores();

  it('when the process restarts between runs, then the next run continues the delta from the stored state', async () => {
    const first = openDigestHarness(stores, { estate: firstEstate(), owner: 'host-a:100' });
    await first.run(DAY1);
    const scoreBefore = await storedScore(first, DAY1);
    await first.store.close();

    // A new process: a new connection, new fakes, nothing carried over in memory.
    const second = openDigestHarness(stores, {
      path: first.dbPath,
      owner: 'host-a:200',
      estate: anEstate(anS3Account([aCompliantBucket('legacy'), anUnversionedBucket('logs')])),
    });
    await second.run(DAY3);

    const digest = lastPost(second);
    expect(digest.headline).not.toContain('first digest');
    expect(digest.headline).toContain('since the last digest');
    expect(digest.newSince.total).toBe(0);
    expect(digest.resolved.items).toEqual([{ resource: 'legacy', severity: 'medium', age: 'was open 2 days' }]);
    expect(digest.stillOpen.items).toEqual([{ resource: 'logs', severity: 'low', age: 'open 2 days' }]);
    expect(digest.counts.get('Open findings')).toEqual({ count: 1, change: '▼ 1' });
    expect(second.slack.posts).toHaveLength(1);
    const runs = await second.store.digestRunHistory('prod-daily', 10);
    expect(runs.map((r) => [r.scheduledFor, r.status])).toEqual([
      [DAY3, 'succeeded'],
      [DAY1, 'succeeded'],
    ]);
    expect(scoreBefore).not.toBeNull();
  });
});

describe('digest scope', () => {
  const stores = useTempStores();

  it('when a finding is below the digest’s minimum severity, then it is neither listed nor counted', async () => {
    const h = openDigestHarness(stores, {
      digests: [aDigest({ scope: { services: ['s3'], sources: ['cloudsec'], minSeverity: 'medium' } })],
      estate: firstEstate(),
    });

    await h.run(DAY1);

    const digest = lastPost(h);
    expect(resources(digest.newSince)).toEqual(['legacy']);
    expect(digest.counts.get('Open findings')?.count).toBe(1);
    expect(digest.text).not.toContain('logs');
    expect(await storedIds(h)).toEqual(['legacy']);
  });

  it('when a service is outside the scope, then its failing checks are not in the digest', async () => {
    const rootWithoutMfa = anIamSlice({ credentialReport: known([aRootRow({ mfaActive: false })]) });
    const h = openDigestHarness(stores, {
      estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy')], PROD, { iam: rootWithoutMfa })),
    });

    await h.run(DAY1);

    expect(h.estate.loads.map((l) => l.services)).toEqual([['s3']]);
    const digest = lastPost(h);
    expect(resources(digest.newSince)).toEqual(['legacy']);
    expect((await h.store.digestItems('prod-daily', { source: 'cloudsec' })).map((i) => i.service)).toEqual(['s3']);
  });

  it('when an account is outside the scope, then its findings are not in the digest', async () => {
    const h = openDigestHarness(stores, {
      digests: [aDigest({ scope: { accounts: ['prod'], services: ['s3'], sources: ['cloudsec'] } })],
      estate: anEstate(
        anS3Account([aBucketAllowingPlainHttp('legacy')]),
        anS3Account([anUnencryptedBucket('staging-data')], STAGING),
      ),
    });

    await h.run(DAY1);

    const digest = lastPost(h);
    expect(resources(digest.newSince)).toEqual(['legacy']);
    expect(digest.text).not.toContain('staging');
    expect(digest.text).not.toContain(STAGING.id);
    expect(await storedIds(h)).toEqual(['legacy']);
  });

  it('when the scope is narrowed in the config, then stored findings it no longer covers are dropped without being reported as resolved', async () => {
    const wide = aDigest({ scope: { services: ['s3'], sources: ['cloudsec'], minSeverity: 'low' } });
    const estate = anEstate(
      anS3Account([aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')]),
      anS3Account([anUnencryptedBucket('staging-data')], STAGING),
    );
    const before = openDigestHarness(stores, { digests: [wide], estate });
    await before.run(DAY1);
    expect(await storedIds(before)).toEqual(['legacy', 'logs', 'staging-data']);
    await before.store.close();

    const narrow = aDigest({
      scope: { accounts: ['prod'], services: ['s3'], sources: ['cloudsec'], minSeverity: 'medium' },
    });
    const after = openDigestHarness(stores, { digests: [narrow], estate, path: before.dbPath });
    await after.run(DAY3);

    const digest = lastPost(after);
    expect(digest.resolved.total).toBe(0);
    expect(digest.newSince.total).toBe(0);
    expect(digest.stillOpen.items).toEqual([{ resource: 'legacy', severity: 'medium', age: 'open 2 days' }]);
    expect(digest.counts.get('Open findings')?.count).toBe(1);
    expect(await storedIds(after)).toEqual(['legacy']);
  });
});

describe('digest scope in organization mode (accounts known only from scans)', () => {
  const stores = useTempStores();
  const OU = 'ou-ab12-34cd56ef';
  const OTHER_OU = 'ou-ab12-99zz88yy';
  const orgEstate = () =>
    anEstate(
      anS3Account([aBucketAllowingPlainHttp('legacy')], PROD, { ou: OU }),
      anS3Account([anUnencryptedBucket('staging-data')], STAGING, { ou: OTHER_OU }),
    );

  it('when an OU-scoped digest runs again and no account is configured, then the findings it stored are not reported as new again', async () => {
    const h = openDigestHarness(stores, {
      digests: [aDigest({ scope: { ous: [OU], services: ['s3'], sources: ['cloudsec'] } })],
      estate: orgEstate(),
      knownAccounts: [],
    });
    await h.run(DAY1);
    expect(resources(lastPost(h).newSince)).toEqual(['legacy']);

    await h.run(DAY3);

    const digest = lastPost(h);
    expect(digest.newSince.total).toBe(0);
    expect(digest.stillOpen.items).toEqual([{ resource: 'legacy', severity: 'medium', age: 'open 2 days' }]);
    expect((await h.store.digestItems('prod-daily', { source: 'cloudsec' }))[0]?.firstSeenAt).toBe(DAY1);
  });

  it('when a digest scoped by account name runs again and no account is configured, then its findings keep their age', async () => {
    const h = openDigestHarness(stores, {
      digests: [aDigest({ scope: { accounts: ['prod'], services: ['s3'], sources: ['cloudsec'] } })],
      estate: orgEstate(),
      knownAccounts: [],
    });
    await h.run(DAY1);

    await h.run(DAY3);

    expect(lastPost(h).newSince.total).toBe(0);
    expect(lastPost(h).stillOpen.items).toEqual([{ resource: 'legacy', severity: 'medium', age: 'open 2 days' }]);
  });
});
