import { DigestPostError } from '../../../src/app/digest';
import {
  aBucketAllowingPlainHttp,
  aCompliantBucket,
  anEstate,
  anS3Account,
  anUnversionedBucket,
  openDigestHarness,
  readDigest,
  resources,
} from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

const DAY1 = '2026-11-01T09:00:00.000Z';
const DAY2 = '2026-11-02T09:00:00.000Z';
const DAY3 = '2026-11-03T09:00:00.000Z';

describe('a digest whose scan failed', () => {
  const stores = useTempStores();

  it('when the snapshot cannot be loaded, then an honest "scan incomplete" digest is posted and nothing is resolved', async () => {
    const h = openDigestHarness(stores, {
      estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')])),
    });
    await h.run(DAY1);
    const stored = await h.store.digestItems('prod-daily', { source: 'cloudsec' });
    h.estate.fail(new Error('ExpiredToken: The security token included in the request is expired'));

    const outcome = await h.run(DAY2);

    expect(outcome.kind).toBe('posted');
    expect(h.slack.posts).toHaveLength(2);
    const digest = readDigest(h.slack.posts[1]!);
    expect(digest.scanIncomplete).toBe(true);
    expect(digest.text).toContain(
      'cloudsec checks: the scan failed (ExpiredToken: The security token included in the request is expired)',
    );
    expect(digest.resolved.total).toBe(0);
    expect(digest.newSince.total).toBe(0);
    expect(resources(digest.stillOpen)).toEqual(['legacy', 'logs']);
    expect(await h.store.digestItems('prod-daily', { source: 'cloudsec' })).toEqual(stored);
    expect(await h.store.lastDigestRun('prod-daily')).toMatchObject({
      scheduledFor: DAY2,
      status: 'succeeded',
      details: {
        resolved: 0,
        opened: 0,
        incomplete: [expect.stringContaining('the scan failed (ExpiredToken')],
      },
    });
  });

  it('when the scan failed, then the digest does not blame the scope for having no score', async () => {
    const h = openDigestHarness(stores, { estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy')])) });
    await h.run(DAY1);
    h.estate.fail(new Error('ExpiredToken: The security token included in the request is expired'));

    await h.run(DAY2);

    // The scope is cloudsec's own S3 checks: "Security Hub only" would be a wrong reason.
    expect(readDigest(h.slack.posts[1]!).headline).not.toContain('Security Hub only');
    expect(readDigest(h.slack.posts[1]!).headline).toContain('not computed: the scan was incomplete');
  });
});

describe('a digest Slack refused', () => {
  const stores = useTempStores();

  it('when posting fails for good, then the run is recorded as failed and audited, and the state is left as it was', async () => {
    const h = openDigestHarness(stores, { estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy')])) });
    await h.run(DAY1);
    const stored = await h.store.digestItems('prod-daily', { source: 'cloudsec' });
    const attachedBefore = h.slack.attachments.length;
    h.estate.set(anEstate(anS3Account([aCompliantBucket('legacy'), anUnversionedBucket('logs')])));
    h.slack.failPosts(new DigestPostError('channel_not_found (after 3 attempts)', 'channel_not_found'));

    const outcome = await h.run(DAY2);

    expect(outcome).toEqual({
      kind: 'failed',
      reason: 'Slack refused the digest: channel_not_found (after 3 attempts)',
    });
    expect(h.slack.attachments).toHaveLength(attachedBefore);
    expect(await h.store.lastDigestRun('prod-daily')).toMatchObject({
      scheduledFor: DAY2,
      status: 'failed',
      details: { error: 'Slack refused the digest: channel_not_found (after 3 attempts)', code: 'channel_not_found' },
    });
    const audited = (await h.audit()).filter((e) => e.action === 'digest.post');
    expect(audited.map((e) => [e.outcome, e.details.scheduledFor])).toEqual([
      ['ok', DAY1],
      ['error', DAY2],
    ]);
    expect(audited[1]!.details).toMatchObject({
      error: 'Slack refused the digest: channel_not_found (after 3 attempts)',
      code: 'channel_not_found',
    });
    expect(await h.store.digestItems('prod-daily', { source: 'cloudsec' })).toEqual(stored);
  });

  it('when a post failed, then the next digest still reports the changes the failed one would have', async () => {
    const h = openDigestHarness(stores, { estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy')])) });
    await h.run(DAY1);
    h.estate.set(anEstate(anS3Account([aCompliantBucket('legacy'), anUnversionedBucket('logs')])));
    h.slack.failPosts(new DigestPostError('ratelimited (after 5 attempts)', 'ratelimited'));
    await h.run(DAY2);
    h.slack.failPosts(null);

    const outcome = await h.run(DAY3);

    expect(outcome.kind).toBe('posted');
    expect(h.slack.posts).toHaveLength(2);
    const digest = readDigest(h.slack.posts[1]!);
    expect(resources(digest.newSince)).toEqual(['logs']);
    expect(digest.resolved.items).toEqual([{ resource: 'legacy', severity: 'medium', age: 'was open 2 days' }]);
    expect(digest.headline).toContain('since the last digest');
  });
});
