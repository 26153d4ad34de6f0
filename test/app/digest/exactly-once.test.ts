import type { DigestOutcome } from '../../../src/app/digest';
import { startDigestScheduler, type DigestScheduler } from '../../../src/schedule/digest-scheduler';
import {
  aBucketAllowingPlainHttp,
  anEstate,
  anS3Account,
  anUnversionedBucket,
  openDigestHarness,
  readDigest,
  type DigestHarness,
} from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

const DAY1 = '2026-11-01T09:00:00.000Z';
const DAY2 = '2026-11-02T09:00:00.000Z';

const estate = () => anEstate(anS3Account([aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')]));
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Wires a harness to a real scheduler the way src/main.ts does; remembers each outcome. */
const schedule = (h: DigestHarness, outcomes: { owner: string; scheduledFor: string; kind: string }[]) =>
  startDigestScheduler({
    digests: h.service.digests(),
    runDue: async (name, scheduledFor, reason) => {
      const digest = h.service.find(name)!;
      const outcome: DigestOutcome = await h.service.run(
        digest,
        scheduledFor,
        reason === 'catch-up' ? 'catch-up' : 'scheduled',
      );
      outcomes.push({ owner: h.deps.owner, scheduledFor: scheduledFor.toISOString(), kind: outcome.kind });
    },
    lastScheduledFor: (name) => h.service.lastScheduledFor(name),
    clock: () => new Date(),
    log: silent,
  });

const allPosts = (...hs: DigestHarness[]) => hs.flatMap((h) => h.slack.posts);

describe('exactly one post per scheduled time', () => {
  const stores = useTempStores();

  it('when two replicas run the same scheduled time at once, then one posts and the other skips without posting', async () => {
    const a = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100' });
    const b = openDigestHarness(stores, { estate: estate(), owner: 'host-b:200', path: a.dbPath, clock: a.clock });
    // Both replicas get going before either has posted.
    const releaseA = a.slack.holdPosts();
    const releaseB = b.slack.holdPosts();

    const running = [a.run(DAY1), b.run(DAY1)];
    const loser = await Promise.race(running);
    releaseA();
    releaseB();
    const outcomes = await Promise.all(running);

    expect(loser.kind).toBe('skipped');
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['posted', 'skipped']);
    expect(allPosts(a, b)).toHaveLength(1);
    const winner = a.slack.posts.length === 1 ? a : b;
    // The one that skipped was told who had the run, still going at the time.
    expect(loser).toMatchObject({ run: { owner: winner.deps.owner, status: 'running' } });
    expect(await a.store.lastDigestRun('prod-daily')).toMatchObject({
      scheduledFor: DAY1,
      status: 'succeeded',
      attempt: 1,
      owner: winner.deps.owner,
    });
    const audited = (await a.audit()).filter((e) => e.action === 'digest.post');
    expect(audited).toHaveLength(1);
  });

  it('when a scheduled time was already posted, then running it again later posts nothing', async () => {
    const a = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100' });
    const b = openDigestHarness(stores, { estate: estate(), owner: 'host-b:200', path: a.dbPath, clock: a.clock });
    await a.run(DAY1);

    const again = await b.run(DAY1, { now: '2026-11-01T09:05:00.000Z' });

    expect(again).toMatchObject({ kind: 'skipped', run: { status: 'succeeded', owner: 'host-a:100' } });
    expect(allPosts(a, b)).toHaveLength(1);
  });
});

describe('two schedulers sharing one store', () => {
  const stores = useTempStores();
  const schedulers: DigestScheduler[] = [];

  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    jest.useRealTimers();
  });

  it('when both fire every 09:00 tick, then each scheduled time is posted exactly once', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-01T08:59:00.000Z') });
    const now = () => new Date();
    const a = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100', clock: now });
    const b = openDigestHarness(stores, { estate: estate(), owner: 'host-b:200', clock: now, path: a.dbPath });
    const outcomes: { owner: string; scheduledFor: string; kind: string }[] = [];
    schedulers.push(schedule(a, outcomes), schedule(b, outcomes));
    await Promise.all(schedulers.map((s) => s.catchUp));

    await jest.advanceTimersByTimeAsync(Date.parse('2026-11-02T09:30:00.000Z') - Date.now());

    const posts = allPosts(a, b);
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => /As of ([^·]+)/.exec(p.text)?.[1]?.trim())).toEqual([
      'Sun, 1 Nov 2026, 09:00 (UTC)',
      'Mon, 2 Nov 2026, 09:00 (UTC)',
    ]);
    // The second day's digest is a delta against the first, whichever replica posted it.
    expect(readDigest(posts[1]!).newSince.total).toBe(0);
    expect(readDigest(posts[1]!).stillOpen.total).toBe(2);
    for (const at of [DAY1, DAY2]) {
      expect(
        outcomes
          .filter((o) => o.scheduledFor === at)
          .map((o) => o.kind)
          .sort(),
      ).toEqual(['posted', 'skipped']);
    }
    const runs = await a.store.digestRunHistory('prod-daily', 10);
    expect(runs.map((r) => [r.scheduledFor, r.status])).toEqual([
      [DAY2, 'succeeded'],
      [DAY1, 'succeeded'],
    ]);
  });
});

describe('catch-up after downtime', () => {
  const stores = useTempStores();
  const schedulers: DigestScheduler[] = [];

  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    jest.useRealTimers();
  });

  it('when the bot was down over today’s 09:00 and starts at 10:00, then today’s digest runs once, and not again on the next start', async () => {
    jest.useFakeTimers({ now: new Date(DAY1) });
    const now = () => new Date();
    const before = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100', clock: now });
    await before.run(DAY1);
    await before.store.close();

    // Down from yesterday's run until today 10:00.
    jest.setSystemTime(new Date('2026-11-02T10:00:00.000Z'));
    const started = openDigestHarness(stores, {
      estate: estate(),
      owner: 'host-a:200',
      clock: now,
      path: before.dbPath,
    });
    const outcomes: { owner: string; scheduledFor: string; kind: string }[] = [];
    const first = schedule(started, outcomes);
    schedulers.push(first);
    await first.catchUp;

    expect(outcomes).toEqual([{ owner: 'host-a:200', scheduledFor: DAY2, kind: 'posted' }]);
    expect(started.slack.posts).toHaveLength(1);
    expect(started.slack.posts[0]!.text).toContain('As of Mon, 2 Nov 2026, 09:00 (UTC)');
    expect(readDigest(started.slack.posts[0]!).headline).toContain('since the last digest');
    const audited = (await started.audit()).filter((e) => e.action === 'digest.post');
    expect(audited.map((e) => e.details)).toEqual([
      expect.objectContaining({ scheduledFor: DAY1, mode: 'scheduled' }),
      expect.objectContaining({ scheduledFor: DAY2, mode: 'catch-up' }),
    ]);
    await first.stop();
    schedulers.splice(0);
    await started.store.close();

    jest.setSystemTime(new Date('2026-11-02T10:05:00.000Z'));
    const restarted = openDigestHarness(stores, {
      estate: estate(),
      owner: 'host-a:300',
      clock: now,
      path: before.dbPath,
    });
    const second = schedule(restarted, outcomes);
    schedulers.push(second);
    await second.catchUp;

    expect(restarted.slack.posts).toHaveLength(0);
    expect(outcomes).toHaveLength(1);
    const runs = await restarted.store.digestRunHistory('prod-daily', 10);
    expect(runs.map((r) => r.scheduledFor)).toEqual([DAY2, DAY1]);
  });
});

describe('a run taken over from a process that stopped', () => {
  const stores = useTempStores();

  it('when the process had posted but not recorded the run, then the replica that takes it over does not post again', async () => {
    const a = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100' });
    // host-a claims the run and posts, then dies before recording anything else.
    await a.store.claimDigestRun('prod-daily', new Date(DAY1), { owner: 'host-a:100' });
    await a.store.noteDigestRunProgress('prod-daily', new Date(DAY1), 'host-a:100', {
      posted: { channel: 'C0SECURITY', ts: '1700000000.000100' },
    });
    const b = openDigestHarness(stores, { estate: estate(), owner: 'host-b:200', path: a.dbPath });

    const outcome = await b.run(DAY1, { now: '2026-11-01T10:00:00.000Z' });

    expect(outcome).toMatchObject({ kind: 'posted', run: { status: 'succeeded', owner: 'host-b:200', attempt: 2 } });
    expect(b.slack.posts).toHaveLength(0);
    expect(outcome.kind === 'posted' && outcome.run?.details).toMatchObject({
      recovered: true,
      message: { channel: 'C0SECURITY', ts: '1700000000.000100' },
    });
    // Its state is stored, so the next digest compares with it.
    const next = await b.run(DAY2);
    expect(next.kind === 'posted' && next.built.summary.opened).toBe(0);
  });

  it('when the process had not posted yet, then the replica that takes it over posts it once', async () => {
    const a = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100' });
    await a.store.claimDigestRun('prod-daily', new Date(DAY1), { owner: 'host-a:100' });
    const b = openDigestHarness(stores, { estate: estate(), owner: 'host-b:200', path: a.dbPath });

    const early = await b.run(DAY1, { now: '2026-11-01T09:10:00.000Z' });
    const late = await b.run(DAY1, { now: '2026-11-01T10:00:00.000Z' });

    expect(early.kind).toBe('skipped');
    expect(late.kind).toBe('posted');
    expect(b.slack.posts).toHaveLength(1);
  });
});

describe('resuming runs a stopped process abandoned', () => {
  const stores = useTempStores();

  it('when a claim is older than the reclaim time, then another process finishes it once; a fresh one is left alone', async () => {
    const a = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100' });
    await a.store.claimDigestRun('prod-daily', new Date(DAY1), { owner: 'host-a:100' });
    const b = openDigestHarness(stores, { estate: estate(), owner: 'host-b:200', path: a.dbPath });
    const clock = b.clock as unknown as { set(t: string): void };

    clock.set('2026-11-01T09:20:00.000Z');
    const tooEarly = await b.service.resumeAbandoned();
    clock.set('2026-11-01T09:31:00.000Z');
    const resumed = await b.service.resumeAbandoned();
    const again = await b.service.resumeAbandoned();

    expect(tooEarly).toEqual([]);
    expect(resumed.map((o) => o.kind)).toEqual(['posted']);
    expect(again).toEqual([]);
    expect(b.slack.posts).toHaveLength(1);
    expect((await b.store.lastDigestRun('prod-daily'))?.status).toBe('succeeded');
  });

  it('when this process holds the claim itself, then it is not taken over', async () => {
    const a = openDigestHarness(stores, { estate: estate(), owner: 'host-a:100' });
    await a.store.claimDigestRun('prod-daily', new Date(DAY1), { owner: 'host-a:100' });
    (a.clock as unknown as { set(t: string): void }).set('2026-11-01T12:00:00.000Z');

    expect(await a.service.resumeAbandoned()).toEqual([]);
    expect(a.slack.posts).toHaveLength(0);
  });
});
