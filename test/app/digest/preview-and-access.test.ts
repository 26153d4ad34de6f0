import { authorizeDigest } from '../../../src/app/digest/authorize';
import { estateView } from '../../../src/app/account-directory';
import {
  aBucketAllowingPlainHttp,
  aCompliantBucket,
  aDigest,
  anEstate,
  anS3Account,
  anUnversionedBucket,
  digestConfig,
  DIGEST_PEOPLE,
  openDigestHarness,
  readDigest,
  resources,
  PROD,
} from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

const DAY1 = '2026-11-01T09:00:00.000Z';
const DAY2 = '2026-11-02T09:00:00.000Z';

describe('digest preview', () => {
  const stores = useTempStores();

  it('when a digest is previewed, then nothing is claimed, posted or stored, and the first scheduled run still reports everything as new', async () => {
    const h = openDigestHarness(stores, {
      estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')])),
    });

    const preview = await h.service.preview(h.service.find('prod-daily')!);

    expect(preview.kind).toBe('preview');
    expect(preview.kind === 'preview' && preview.text).toContain('NEW SINCE LAST DIGEST (2)');
    expect(h.slack.posts).toEqual([]);
    expect(h.slack.attempts).toEqual([]);
    expect(await h.store.lastDigestRun('prod-daily')).toBeNull();
    expect(await h.store.digestItems('prod-daily', { source: 'cloudsec' })).toEqual([]);
    expect((await h.audit()).filter((e) => e.action === 'digest.post')).toEqual([]);

    await h.run(DAY1);

    const digest = readDigest(h.slack.posts[0]!);
    expect(digest.headline).toContain('first digest');
    expect(resources(digest.newSince)).toEqual(['legacy', 'logs']);
  });

  it('when a digest is previewed between runs, then it shows the changes so far and the next run still reports them', async () => {
    const h = openDigestHarness(stores, {
      estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')])),
    });
    await h.run(DAY1);
    h.estate.set(anEstate(anS3Account([aCompliantBucket('legacy'), anUnversionedBucket('logs')])));

    const preview = await h.service.preview(h.service.find('prod-daily')!);
    await h.run(DAY2);

    expect(preview.kind === 'preview' && preview.text).toContain('RESOLVED SINCE LAST DIGEST (1)');
    expect(resources(readDigest(h.slack.posts[1]!).resolved)).toEqual(['legacy']);
    expect(h.slack.posts).toHaveLength(2);
  });
});

describe('who may preview or post a digest', () => {
  const everywhere = aDigest();
  const stagingOnly = aDigest({ name: 'staging-daily', scope: { accounts: ['staging'] } });
  const config = digestConfig([everywhere, stagingOnly]);
  // The accounts of DIGEST_CONFIG_YAML, listed in cloudsec.yml: the whole estate.
  const estate = estateView(config, null);
  const ask = (
    actor: (typeof DIGEST_PEOPLE)[keyof typeof DIGEST_PEOPLE],
    permission: 'findings:read' | 'digest:manage',
    digest = everywhere,
  ) => authorizeDigest({ actor, permission, digest }, estate, config);

  it('when a viewer limited to one account previews a digest covering two, then it is refused without naming the account outside their scope', () => {
    const decision = ask(DIGEST_PEOPLE.stagingViewer, 'findings:read');

    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.code).toBe('out-of-scope');
    expect(decision.reason).toContain('covers accounts outside your scope');
    expect(decision.reason).not.toContain(PROD.id);
    expect(decision.reason).not.toMatch(/\bprod\b(?!-daily)/);
  });

  it('when the same viewer previews a digest of their own account, then it is allowed', () => {
    expect(ask(DIGEST_PEOPLE.stagingViewer, 'findings:read', stagingOnly).allowed).toBe(true);
  });

  it('when an admin previews a digest covering every account, then it is allowed', () => {
    expect(ask(DIGEST_PEOPLE.admin, 'findings:read').allowed).toBe(true);
  });

  it('when someone without digest:manage asks to post a digest now, then it is refused; an admin may', () => {
    const viewer = ask(DIGEST_PEOPLE.viewer, 'digest:manage');

    expect(viewer.allowed).toBe(false);
    expect(!viewer.allowed && viewer.code).toBe('missing-permission');
    expect(viewer.reason).toContain('digest:manage');
    expect(ask(DIGEST_PEOPLE.admin, 'digest:manage').allowed).toBe(true);
  });
});
