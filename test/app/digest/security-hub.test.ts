import {
  aDigest,
  aHubItem,
  openDigestHarness,
  readDigest,
  resources,
  type DigestHarness,
} from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

const DAY_MS = 86_400_000;
const DAY1 = '2026-11-01T09:00:00.000Z';
const day = (n: number) => new Date(Date.parse(DAY1) + (n - 1) * DAY_MS).toISOString();

const hubDigest = (scope: Record<string, unknown> = {}) =>
  aDigest({ scope: { services: ['securityhub'], sources: ['securityhub'], ...scope } });

const hubHarness = (stores: ReturnType<typeof useTempStores>, scope: Record<string, unknown> = {}) =>
  openDigestHarness(stores, { digests: [hubDigest(scope)], liveSecurityHub: true });

const lastPost = (h: DigestHarness) => readDigest(h.slack.posts[h.slack.posts.length - 1]!);
const stored = async (h: DigestHarness) =>
  (await h.store.digestItems('prod-daily', { source: 'securityhub' }))
    .map((i) => [i.resourceId, i.state] as const)
    .sort();
const modes = (h: DigestHarness) => h.securityHub.requests.map((r) => r.mode);

describe('Security Hub read incrementally', () => {
  const stores = useTempStores();

  it('when a digest first reads Security Hub, then it reads a baseline and stores every open finding', async () => {
    const h = hubHarness(stores);
    const open = [aHubItem(), aHubItem(), aHubItem({ severity: 'critical' })];
    h.securityHub.answer(open);

    await h.run(DAY1);

    expect(modes(h)).toEqual([{ kind: 'baseline' }]);
    expect(h.securityHub.requests[0]!.severities).toEqual(['critical', 'high', 'medium', 'low']);
    expect(h.estate.loads).toEqual([]);
    expect(lastPost(h).newSince.total).toBe(3);
    expect(await stored(h)).toEqual(open.map((i) => [i.resourceId, 'open']).sort());
  });

  it('when it runs again, then it reads only the changes since the last run; resolved ones leave the state, suppressed ones are not counted as fixed', async () => {
    const h = hubHarness(stores);
    const [fixed, accepted, untouched, fresh] = [aHubItem(), aHubItem(), aHubItem(), aHubItem({ severity: 'medium' })];
    h.securityHub.answer([fixed!, accepted!, untouched!]);
    await h.run(DAY1);
    h.securityHub.answer([{ ...fixed!, state: 'resolved' }, { ...accepted!, state: 'suppressed' }, fresh!]);

    await h.run(day(2));

    expect(modes(h)[1]).toEqual({ kind: 'changes', since: new Date(DAY1), until: new Date(day(2)) });
    const digest = lastPost(h);
    expect(resources(digest.resolved)).toEqual([fixed!.resourceId]);
    expect(resources(digest.suppressed)).toEqual([accepted!.resourceId]);
    expect(resources(digest.newSince)).toEqual([fresh!.resourceId]);
    expect(resources(digest.stillOpen)).toEqual([untouched!.resourceId, fresh!.resourceId].sort());
    expect(digest.counts.get('Suppressed')?.count).toBe(1);
    expect(await stored(h)).toEqual(
      [
        [accepted!.resourceId, 'suppressed'],
        [untouched!.resourceId, 'open'],
        [fresh!.resourceId, 'open'],
      ].sort(),
    );
  });

  it('when the last full read is 7 days old, then Security Hub is read in full again', async () => {
    const h = hubHarness(stores);
    const item = aHubItem();
    h.securityHub.answer([item]);
    await h.run(DAY1);
    h.securityHub.answer([]);
    await h.run(day(2));
    await h.run(day(7));
    h.securityHub.answer([item]);

    await h.run(day(8));

    expect(modes(h)).toEqual([
      { kind: 'baseline' },
      { kind: 'changes', since: new Date(DAY1), until: new Date(day(2)) },
      { kind: 'changes', since: new Date(day(2)), until: new Date(day(7)) },
      { kind: 'baseline' },
    ]);
    expect(lastPost(h).resolved.total).toBe(0);
    expect(await stored(h)).toEqual([[item.resourceId, 'open']]);
  });

  it('when a full read finds a stored finding gone, then it is resolved', async () => {
    const h = hubHarness(stores);
    const [kept, gone] = [aHubItem(), aHubItem()];
    h.securityHub.answer([kept!, gone!]);
    await h.run(DAY1);
    h.securityHub.answer([kept!]);

    await h.run(day(8));

    expect(modes(h)[1]).toEqual({ kind: 'baseline' });
    expect(resources(lastPost(h).resolved)).toEqual([gone!.resourceId]);
  });

  it('when Security Hub cannot be read, then the digest says so, nothing is resolved and the next run reads from the same point', async () => {
    const h = hubHarness(stores);
    const item = aHubItem();
    h.securityHub.answer([item]);
    await h.run(DAY1);
    h.securityHub.fail(new Error('ThrottlingException: Rate exceeded'));

    await h.run(day(2));

    const digest = lastPost(h);
    expect(digest.scanIncomplete).toBe(true);
    expect(digest.text).toContain('Security Hub: could not be read (ThrottlingException: Rate exceeded)');
    expect(digest.resolved.total).toBe(0);
    expect(await stored(h)).toEqual([[item.resourceId, 'open']]);

    h.securityHub.answer([]);
    await h.run(day(3));

    expect(modes(h)[2]).toEqual({ kind: 'changes', since: new Date(DAY1), until: new Date(day(3)) });
  });

  it('when an account could not be read in a window, then that window is read again next time', async () => {
    const h = hubHarness(stores);
    h.securityHub.answer([aHubItem()]);
    await h.run(DAY1);
    h.securityHub.answer([], {
      failures: ['staging (222222222222) us-east-1: AccessDenied on securityhub:GetFindings'],
      failedAccounts: ['222222222222'],
    });
    await h.run(day(2));
    expect(lastPost(h).text).toContain('Security Hub: staging (222222222222) us-east-1: AccessDenied');
    h.securityHub.answer([]);

    await h.run(day(3));

    expect(modes(h)[2]).toEqual({ kind: 'changes', since: new Date(DAY1), until: new Date(day(3)) });
    await h.run(day(4));
    expect(modes(h)[3]).toEqual({ kind: 'changes', since: new Date(day(3)), until: new Date(day(4)) });
  });

  it('when an account cannot be read during a full read, then its stored findings are kept, not resolved', async () => {
    const h = hubHarness(stores);
    const prod = aHubItem();
    const staging = aHubItem({ accountId: '222222222222' });
    h.securityHub.answer([prod, staging]);
    await h.run(DAY1);
    h.securityHub.answer([prod], {
      failures: ['staging (222222222222) us-east-1: AccessDenied on securityhub:GetFindings'],
      failedAccounts: ['222222222222'],
    });

    await h.run(day(8));

    expect(modes(h)[1]).toEqual({ kind: 'baseline' });
    expect(lastPost(h).scanIncomplete).toBe(true);
    expect(lastPost(h).resolved.total).toBe(0);
    expect(await stored(h)).toEqual(
      [
        [prod.resourceId, 'open'],
        [staging.resourceId, 'open'],
      ].sort(),
    );
    // The full read did not complete, so the next run reads in full again.
    h.securityHub.answer([prod, staging]);
    await h.run(day(9));
    expect(modes(h)[2]).toEqual({ kind: 'baseline' });
  });

  it('when the digest is scoped to one account, then only that account is asked for and other accounts’ findings are left out', async () => {
    const h = hubHarness(stores, { accounts: ['prod'], minSeverity: 'high' });
    const prod = aHubItem();
    h.securityHub.answer([prod, aHubItem({ accountId: '222222222222' }), aHubItem({ severity: 'medium' })]);

    await h.run(DAY1);

    expect(h.securityHub.requests[0]).toMatchObject({
      accountIds: ['111111111111'],
      severities: ['critical', 'high'],
    });
    expect(resources(lastPost(h).newSince)).toEqual([prod.resourceId]);
    expect(await stored(h)).toEqual([[prod.resourceId, 'open']]);
  });
});

describe('Security Hub for an OU-scoped digest in organization mode', () => {
  const stores = useTempStores();
  const OU = 'ou-ab12-34cd56ef';

  it('when the accounts of the OU are not known at a full read, then stored findings are kept and the digest says Security Hub was not read', async () => {
    const h = openDigestHarness(stores, {
      digests: [aDigest({ scope: { ous: [OU], services: ['securityhub'], sources: ['securityhub'] } })],
      liveSecurityHub: true,
      knownAccounts: [{ id: '111111111111', name: 'prod', ou: OU }],
    });
    const item = aHubItem();
    h.securityHub.answer([item]);
    await h.run(DAY1);
    expect(await stored(h)).toEqual([[item.resourceId, 'open']]);
    // Restarted: no full scan cached yet, so nothing says which accounts are in the OU.
    h.knownAccounts.splice(0);

    await h.run(day(8));

    const digest = lastPost(h);
    expect(digest.resolved.total).toBe(0);
    expect(digest.scanIncomplete).toBe(true);
    expect(await stored(h)).toEqual([[item.resourceId, 'open']]);
  });
});

describe('Security Hub when the scope changes', () => {
  const stores = useTempStores();
  const OU = 'ou-ab12-34cd56ef';

  it('when only some accounts of the OU are known at a full read, then the others’ stored findings are kept, not resolved', async () => {
    const digest = aDigest({ scope: { ous: [OU], services: ['securityhub'], sources: ['securityhub'] } });
    const h = openDigestHarness(stores, {
      digests: [digest],
      liveSecurityHub: true,
      knownAccounts: [
        { id: '111111111111', name: 'prod', ou: OU },
        { id: '222222222222', name: 'staging', ou: OU },
      ],
    });
    const prod = aHubItem();
    const staging = aHubItem({ accountId: '222222222222' });
    h.securityHub.answer([prod, staging]);
    await h.run(DAY1);
    h.knownAccounts.splice(1);

    await h.run(day(8));

    expect(h.securityHub.requests[1]).toMatchObject({ accountIds: ['111111111111'], mode: { kind: 'baseline' } });
    expect(lastPost(h).resolved.total).toBe(0);
    expect(await stored(h)).toEqual(
      [
        [prod.resourceId, 'open'],
        [staging.resourceId, 'open'],
      ].sort(),
    );
  });

  it('when the minimum severity is raised between two incremental reads, then stored findings below it leave the digest', async () => {
    const h = hubHarness(stores);
    const high = aHubItem({ severity: 'high' });
    const low = aHubItem({ severity: 'low' });
    h.securityHub.answer([high, low]);
    await h.run(DAY1);
    await h.store.close();

    const raised = openDigestHarness(stores, {
      digests: [hubDigest({ minSeverity: 'high' })],
      liveSecurityHub: true,
      path: h.dbPath,
    });
    raised.securityHub.answer([]);
    await raised.run(day(2));

    const digest = lastPost(raised);
    expect(raised.securityHub.requests[0]!.mode.kind).toBe('changes');
    expect(digest.resolved.total).toBe(0);
    expect(resources(digest.stillOpen)).toEqual([high.resourceId]);
    expect(digest.counts.get('Open findings')?.count).toBe(1);
    expect(await stored(raised)).toEqual([[high.resourceId, 'open']]);
  });
});
