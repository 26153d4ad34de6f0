import { summaryOf } from '../../../src/app/digest/build-run';
import { ConfigExceptionsSchema } from '../../../src/core/exceptions/from-config';
import { listNamed } from '../../core/render/digest/read-digest';
import {
  aBucketAllowingPlainHttp,
  aCompliantBucket,
  aDigest,
  anEstate,
  anS3Account,
  anUnversionedBucket,
  openDigestHarness,
  readDigest,
  resources,
  PROD,
  STAGING,
  type DigestHarness,
  type HarnessOptions,
} from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

// Accepted risks in digests, through the real digest use case on a real SQLite store: hidden
// findings are stored as suppressed (kept, never resolved), counted in an "accepted risks" line and
// set aside by the score; expiring, expired and stale ones are listed; findings an expired one hid
// come back as "back", not "new".

const DAY1 = '2026-11-01T09:00:00.000Z';
const DAY2 = '2026-11-02T09:00:00.000Z';
const DAY3 = '2026-11-03T09:00:00.000Z';

/** prod: app-data compliant, legacy accepts plain HTTP (medium), logs unversioned (low). */
const estate = () =>
  anEstate(
    anS3Account([aCompliantBucket('app-data'), aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')]),
  );

interface Entry {
  name: string;
  accounts?: string[];
  checks?: string[];
  resources?: string[];
  owner?: string;
  expires: string;
}

/** Accepted risks as cloudsec.yml states them (default: legacy's plain-HTTP finding in prod). */
const accepting = (...entries: Entry[]) =>
  ConfigExceptionsSchema.parse({
    accepted: entries.map((e) => ({
      name: e.name,
      scope: {
        accounts: e.accounts ?? [PROD.id],
        checks: e.checks ?? ['s3_bucket_secure_transport'],
        ...(e.resources ? { resources: e.resources } : { resources: ['legacy'] }),
      },
      reason: 'Legacy endpoint, retired in Q1',
      owner: e.owner ?? 'U0OWNER1',
      approver: 'Dana Lee',
      expires: e.expires,
    })),
  });

const harness = (stores: ReturnType<typeof useTempStores>, entries: Entry[], options: HarnessOptions = {}) => {
  const h = openDigestHarness(stores, { estate: estate(), ...options });
  h.deps.config.exceptions = accepting(...entries);
  return h;
};

const lastPost = (h: DigestHarness) => {
  const post = h.slack.posts[h.slack.posts.length - 1];
  if (!post) throw new Error('nothing was posted');
  return post;
};

const storedStates = async (h: DigestHarness, name = 'prod-daily') =>
  Object.fromEntries(
    (await h.store.digestItems(name, { source: 'cloudsec' })).map((i) => [`${i.resourceId} ${i.checkId}`, i.state]),
  );

const storedSummary = async (h: DigestHarness, scheduledFor: string) =>
  summaryOf((await h.store.digestRunHistory('prod-daily', 10)).find((r) => r.scheduledFor === scheduledFor));

describe('digest with accepted risks', () => {
  const stores = useTempStores();

  it('when an accepted risk hides a finding, then it is not new nor open, it is stored as suppressed, and the digest counts it', async () => {
    const h = harness(stores, [{ name: 'legacy-http', expires: '2026-12-15' }]);

    await h.run(DAY1);

    const digest = readDigest(lastPost(h));
    expect(resources(digest.newSince)).toEqual(['logs']);
    expect(digest.counts.get('Open findings')?.count).toBe(1);
    expect(digest.counts.get('Suppressed')?.count).toBe(1);
    expect(digest.text).toContain('Accepted risks: 1 finding hidden by 1 exception');
    expect(await storedStates(h)).toEqual({
      'legacy s3_bucket_secure_transport': 'suppressed',
      'logs s3_bucket_versioning_enabled': 'open',
    });
    expect(await storedSummary(h, DAY1)).toMatchObject({ accepted: 1, opened: 1 });
  });

  it('when a finding becomes accepted after it was open, then it is listed as suppressed, never as resolved', async () => {
    const h = openDigestHarness(stores, { estate: estate() });
    await h.run(DAY1);

    h.deps.config.exceptions = accepting({ name: 'legacy-http', expires: '2026-12-15' });
    await h.run(DAY2);

    const digest = readDigest(lastPost(h));
    expect(digest.resolved.total).toBe(0);
    expect(resources(digest.suppressed)).toEqual(['legacy']);
    expect(digest.newSince.total).toBe(0);
  });

  it('when failures are accepted, then the score sets them aside and says how many, and is the score of the rest', async () => {
    const without = openDigestHarness(stores, { estate: estate() });
    await without.run(DAY1);
    const h = harness(stores, [{ name: 'legacy-http', expires: '2026-12-15' }]);
    await h.run(DAY1);
    // The same estate with legacy's plain-HTTP check not failing at all cannot be built (a bucket
    // either has a policy or not), so the expectation is computed: set aside = left out.
    const scoreWithout = (await storedSummary(without, DAY1))!.score!;
    const scoreWith = (await storedSummary(h, DAY1))!.score!;

    expect(scoreWith).toBeGreaterThan(scoreWithout);
    expect(readDigest(lastPost(h)).headline).toContain(
      `Posture score ${scoreWith.toFixed(1)} / 100 · 1 accepted risk not counted`,
    );
    expect(readDigest(lastPost(without)).headline).not.toContain('accepted risk');
  });

  it('when an accepted risk expires within 7 days, then the digest lists it with its owner, days left and what it hides here', async () => {
    const h = harness(stores, [{ name: 'legacy-http', expires: '2026-11-03T09:00:00Z' }]);

    await h.run(DAY1);

    const text = lastPost(h)
      .message.blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''))
      .join('\n');
    expect(text).toContain('*Expiring within 7 days*: 1');
    expect(text).toContain(
      '`cfg_legacy-http` (cloudsec.yml) · owner <@U0OWNER1> · ends 2026-11-03 09:00 UTC (2 days left) · hides 1 finding',
    );
  });

  it('when an accepted risk expired since the last digest, then it is shown loudly and its finding is back, not new, with its age kept', async () => {
    const h = harness(stores, [{ name: 'legacy-http', expires: '2026-11-02' }]);
    await h.run(DAY1);

    await h.run(DAY3);

    const post = lastPost(h);
    const digest = readDigest(post);
    expect(digest.newSince.total).toBe(0);
    const back = listNamed(post.message.blocks, 'Back since last digest');
    expect(back?.total).toBe(1);
    expect(back?.items[0]?.text?.text).toContain('legacy');
    expect(post.text).toContain('1 accepted risk expired: its findings are shown again');
    expect(post.text).toContain(
      '`cfg_legacy-http` (cloudsec.yml) · owner @U0OWNER1 · ended 2026-11-02 23:59 UTC · 1 finding back',
    );
    expect(post.message.text).toContain('1 accepted risk expired.');
    expect(await storedStates(h)).toMatchObject({ 'legacy s3_bucket_secure_transport': 'open' });
    const [legacy] = (await h.store.digestItems('prod-daily', { source: 'cloudsec' })).filter(
      (i) => i.resourceId === 'legacy',
    );
    expect(legacy?.firstSeenAt).toBe(DAY1);
    expect(await storedSummary(h, DAY3)).toMatchObject({ opened: 0, reopened: 1, accepted: 0 });

    // Told once: the next digest does not repeat the expiry.
    await h.run('2026-11-04T09:00:00.000Z');
    expect(lastPost(h).text).not.toContain('accepted risk expired');
  });

  it('when an accepted risk matches nothing any more and the digest looked at all it covers, then it is reported as stale', async () => {
    const h = harness(stores, [
      { name: 'old-buckets', resources: ['old-*'], expires: '2026-12-15' },
      // Reaches IAM checks this S3 digest does not run: it cannot be called stale here.
      { name: 'iam-too', checks: ['s3_bucket_secure_transport', 'iam_*'], resources: ['old-*'], expires: '2026-12-15' },
    ]);

    await h.run(DAY1);

    const text = lastPost(h).text;
    expect(text).toContain('Stale: 1 accepted risk matches nothing any more');
    expect(text).toContain('`cfg_old-buckets`');
    expect(text).not.toContain('cfg_iam-too');
    expect(text).toContain('nothing hidden');
  });

  it('when the digest covers one account, then counts and lists are about that account only and never name an accepted risk about another', async () => {
    const stagingEstate = anEstate(
      anS3Account([aBucketAllowingPlainHttp('legacy')]),
      anS3Account([aBucketAllowingPlainHttp('legacy')], STAGING),
    );
    const h = harness(
      stores,
      [
        { name: 'both-accounts', accounts: [PROD.id, STAGING.id], expires: '2026-11-03T09:00:00Z' },
        { name: 'prod-only', accounts: [PROD.id], resources: ['*'], expires: '2026-11-02T09:00:00Z' },
      ],
      {
        estate: stagingEstate,
        digests: [
          aDigest({ scope: { accounts: [STAGING.name], services: ['s3'], sources: ['cloudsec'], minSeverity: 'low' } }),
        ],
      },
    );

    await h.run(DAY1);

    const text = lastPost(h).text;
    expect(text).toContain('1 finding hidden by 1 exception');
    expect(text).toMatch(/`cfg_both-accounts` .* hides 1 finding/);
    expect(text).not.toContain('prod-only');
    expect(text).not.toContain(PROD.id);
  });

  it('when an accepted risk was approved in Slack, then the digest applies it from the store like one from cloudsec.yml', async () => {
    const h = openDigestHarness(stores, { estate: estate() });
    const created = await h.store.createException({
      scope: { accounts: [PROD.id], checks: ['s3_bucket_versioning_enabled'] },
      reason: 'Log bucket, write-once by design',
      owner: { id: 'U0OWNER2', name: 'Olivia Owner' },
      requester: { kind: 'slack-user', id: 'U0OWNER2' },
      expiresAt: '2026-11-05T09:00:00.000Z',
      accepted: [],
    });
    await h.store.transitionException(created.id, ['pending'], 'active', {
      approver: { id: 'U0APPROVER' },
      decidedAt: DAY1,
    });

    await h.run(DAY1);

    const post = lastPost(h);
    expect(resources(readDigest(post).newSince)).toEqual(['legacy']);
    expect(post.text).toContain('Accepted risks: 1 finding hidden by 1 exception');
    expect(post.text).toContain(`\`${created.id}\` · owner @U0OWNER2`);
    expect(post.text).not.toContain('could not be read');
    expect(await storedStates(h)).toMatchObject({ 'logs s3_bucket_versioning_enabled': 'suppressed' });
  });
});
