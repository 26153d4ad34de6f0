import { WebClient } from '@slack/web-api';
import nock from 'nock';
import {
  STALE_MEMBERS_MAX_MS,
  makeGroupResolver,
  subteamIdOf,
  type GroupMembershipCache,
} from '../../src/slack/usergroups';

const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
const TTL_MS = 10 * 60_000;
const T0 = new Date('2025-03-01T09:00:00Z');

const memoryCache = () => {
  const entries = new Map<string, { members: string[]; fetchedAt: Date }>();
  const cache: GroupMembershipCache = {
    getGroupMembers: async (groupId) => entries.get(groupId) ?? null,
    putGroupMembers: async (groupId, members, fetchedAt) => {
      entries.set(groupId, { members: [...members], fetchedAt });
    },
    invalidateGroup: async (groupId) => {
      entries.delete(groupId);
    },
  };
  return { cache, entries };
};

type SlackReply = { status?: number; body: object; headers?: Record<string, string> };

/** Answers usergroups.users.list from `answers` (per group, consumed in order; the last repeats) and counts calls. */
const fakeSlack = (answers: Record<string, Array<SlackReply | (() => Promise<SlackReply>)>>) => {
  const calls: string[] = [];
  // Optional: tests that expect no call assert `calls` is empty, and would record one if made.
  nock('https://slack.com')
    .persist()
    .post('/api/usergroups.users.list')
    .optionally()
    .reply(async function (_uri, body) {
      const group = new URLSearchParams(String(body)).get('usergroup') ?? '';
      const queue = answers[group] ?? [{ body: { ok: false, error: 'no_such_subteam' } }];
      const next = queue.length > 1 ? queue.shift()! : queue[0]!;
      calls.push(group);
      const reply = typeof next === 'function' ? await next() : next;
      return [reply.status ?? 200, reply.body, reply.headers ?? {}];
    });
  return calls;
};
const members = (...users: string[]): SlackReply => ({ body: { ok: true, users } });
const slackError = (error: string): SlackReply => ({ body: { ok: false, error } });

const setup = (
  options: { rejectRateLimitedCalls?: boolean; cache?: ReturnType<typeof memoryCache>; maxStaleMs?: number } = {},
) => {
  let now = T0;
  const { cache, entries } = options.cache ?? memoryCache();
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const slack = new WebClient('xoxb-test-token', {
    retryConfig: { retries: 0 },
    ...(options.rejectRateLimitedCalls ? { rejectRateLimitedCalls: true } : {}),
  });
  const resolver = makeGroupResolver({
    slack,
    cache,
    ttlMs: TTL_MS,
    clock: () => now,
    logger: { warn: (fields, message) => warnings.push({ fields, message }) },
    retryAfterFailureMs: 60_000,
    ...(options.maxStaleMs !== undefined ? { maxStaleMs: options.maxStaleMs } : {}),
  });
  return {
    resolver,
    entries,
    warnings,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
};

describe('group membership look-up', () => {
  it('when the user is in one of the candidate groups, then only that group is returned', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE, BOB)], S0SECTEAM1: [members(BOB)] });
    const { resolver } = setup();
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS', 'S0SECTEAM1'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls.sort()).toEqual(['S0SECLEADS', 'S0SECTEAM1']);
  });

  it('when no groups are candidates, then Slack is not called', async () => {
    const calls = fakeSlack({});
    const { resolver } = setup();
    await expect(resolver.groupsOf(ALICE, [])).resolves.toEqual([]);
    expect(calls).toEqual([]);
  });

  it('when a group is named twice, then it is looked up once', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE)] });
    const { resolver } = setup();
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS', 'S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toEqual(['S0SECLEADS']);
  });

  it('when members are fetched, then they are stored with the fetch time', async () => {
    fakeSlack({ S0SECLEADS: [members(ALICE, BOB)] });
    const { resolver, entries } = setup();
    await resolver.groupsOf(BOB, ['S0SECLEADS']);
    expect(entries.get('S0SECLEADS')).toEqual({ members: [ALICE, BOB], fetchedAt: T0 });
  });

  it('when several commands ask at once, then one call serves them all', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE, BOB)] });
    const { resolver } = setup();
    const results = await Promise.all([
      resolver.groupsOf(ALICE, ['S0SECLEADS']),
      resolver.groupsOf(BOB, ['S0SECLEADS']),
      resolver.groupsOf('U0CAROL001', ['S0SECLEADS']),
    ]);
    expect(results).toEqual([['S0SECLEADS'], ['S0SECLEADS'], []]);
    expect(calls).toEqual(['S0SECLEADS']);
  });
});

describe('cache', () => {
  it('when the cached members are fresh, then no second call is made', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE)] });
    const { resolver, advance } = setup();
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    advance(TTL_MS - 1);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toEqual(['S0SECLEADS']);
  });

  it('when the cache entry has expired, then members are fetched again and the new list applies', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE), members(BOB)] });
    const { resolver, advance, entries } = setup();
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    advance(TTL_MS);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual([]);
    expect(calls).toEqual(['S0SECLEADS', 'S0SECLEADS']);
    expect(entries.get('S0SECLEADS')?.fetchedAt).toEqual(new Date(T0.getTime() + TTL_MS));
  });

  it('when another process filled the shared cache, then it is used without a call', async () => {
    const calls = fakeSlack({});
    const shared = memoryCache();
    await shared.cache.putGroupMembers('S0SECLEADS', [ALICE], T0);
    const { resolver } = setup({ cache: shared });
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toEqual([]);
  });

  it('when the store gives the fetch time as an ISO string, then freshness is still judged by it', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(BOB)] });
    const stored = { members: [ALICE], fetchedAt: T0.toISOString() };
    const cache: GroupMembershipCache = {
      getGroupMembers: async () => stored,
      putGroupMembers: async () => undefined,
      invalidateGroup: async () => undefined,
    };
    const { resolver, advance } = setup({ cache: { cache, entries: new Map() } });
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toEqual([]);
    advance(TTL_MS);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual([]);
    expect(calls).toEqual(['S0SECLEADS']);
  });

  it('when the group is invalidated, then the next look-up fetches it again', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE), members(BOB)] });
    const { resolver } = setup();
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    await resolver.invalidate('S0SECLEADS');
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual([]);
    expect(calls).toEqual(['S0SECLEADS', 'S0SECLEADS']);
  });

  it('when a group changes while its members are being fetched, then the answer read before the change is not cached', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = fakeSlack({
      S0SECLEADS: [async () => (await gate, members(ALICE)), members(BOB)],
    });
    const { resolver } = setup();
    const first = resolver.groupsOf(ALICE, ['S0SECLEADS']);
    await new Promise((resolve) => setImmediate(resolve));
    await resolver.onSubteamEvent({ type: 'subteam_members_changed', subteam_id: 'S0SECLEADS' });
    release();
    await expect(first).resolves.toEqual(['S0SECLEADS']);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual([]);
    expect(calls).toEqual(['S0SECLEADS', 'S0SECLEADS']);
  });
});

describe('subteam events', () => {
  it.each([
    ['subteam_members_changed', { type: 'subteam_members_changed', subteam_id: 'S0SECLEADS', added_users: [BOB] }],
    ['subteam_updated', { type: 'subteam_updated', subteam: { id: 'S0SECLEADS', users: [BOB] } }],
  ])('when %s arrives, then the group is fetched again on next use', async (_type, event) => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE), members(BOB)] });
    const { resolver } = setup();
    await resolver.groupsOf(BOB, ['S0SECLEADS']);
    await resolver.onSubteamEvent(event);
    await expect(resolver.groupsOf(BOB, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toHaveLength(2);
  });

  it.each([[{ type: 'subteam_self_added', subteam_id: 'S0SECLEADS' }], [{ type: 'message', text: 'hi' }], [null]])(
    'when an unrelated event %j arrives, then the cache is kept',
    async (event) => {
      const calls = fakeSlack({ S0SECLEADS: [members(ALICE)] });
      const { resolver } = setup();
      await resolver.groupsOf(ALICE, ['S0SECLEADS']);
      await resolver.onSubteamEvent(event);
      await resolver.groupsOf(ALICE, ['S0SECLEADS']);
      expect(calls).toHaveLength(1);
      expect(subteamIdOf(event)).toBeUndefined();
    },
  );
});

describe('Slack API errors', () => {
  it.each(['missing_scope', 'no_such_subteam', 'plan_upgrade_required', 'invalid_auth'])(
    'when Slack answers %s and nothing is cached, then the group counts as not containing the user and a warning is logged',
    async (error) => {
      fakeSlack({ S0SECLEADS: [slackError(error)], S0SECTEAM1: [members(ALICE)] });
      const { resolver, warnings } = setup();
      const result = await resolver.resolve(ALICE, ['S0SECLEADS', 'S0SECTEAM1']);
      expect(result.groups).toEqual(['S0SECTEAM1']);
      expect(result.warnings).toEqual([
        expect.objectContaining({ groupId: 'S0SECLEADS', code: error, usedStaleMembers: false }),
      ]);
      expect(warnings).toEqual([
        {
          fields: { groupId: 'S0SECLEADS', code: error, usedStaleMembers: false },
          message: expect.stringContaining(error),
        },
      ]);
    },
  );

  it('when a refresh fails and a stale entry exists, then the stale members are used and kept', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE), slackError('missing_scope')] });
    const { resolver, advance, entries } = setup();
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    advance(TTL_MS + 1);
    const result = await resolver.resolve(ALICE, ['S0SECLEADS']);
    expect(result.groups).toEqual(['S0SECLEADS']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'missing_scope',
        usedStaleMembers: true,
        message: expect.stringContaining(T0.toISOString()),
      }),
    ]);
    expect(entries.get('S0SECLEADS')).toEqual({ members: [ALICE], fetchedAt: T0 });
    expect(calls).toHaveLength(2);
  });

  it('when a refresh fails and the cached members are older than the 24 h cap, then they are not used', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE), slackError('missing_scope')] });
    const { resolver, advance } = setup();
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    advance(STALE_MEMBERS_MAX_MS);
    const result = await resolver.resolve(ALICE, ['S0SECLEADS']);
    expect(result.groups).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'missing_scope',
        usedStaleMembers: false,
        message: expect.stringContaining('too old to be used'),
      }),
    ]);
    expect(calls).toHaveLength(2);
  });

  it('when a refresh fails and the cached members are just inside the cap, then they are still used', async () => {
    fakeSlack({ S0SECLEADS: [members(ALICE), slackError('ratelimited')] });
    const { resolver, advance } = setup();
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    advance(STALE_MEMBERS_MAX_MS - 1);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
  });

  it('when Slack stays unreachable, then stale members stop counting once the cap passes, even between retries', async () => {
    const calls = fakeSlack({ S0SECLEADS: [members(ALICE), slackError('missing_scope')] });
    const { resolver, advance } = setup({ maxStaleMs: TTL_MS + 30_000 });
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    advance(TTL_MS + 1);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    // Still inside the retry delay (60 s) of that failure, so Slack is not asked; but past the cap.
    advance(30_000);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual([]);
    expect(calls).toHaveLength(2);
  });

  it('when the cached fetch time lies in the future, then the entry is neither fresh nor usable as stale', async () => {
    const calls = fakeSlack({ S0SECLEADS: [slackError('missing_scope')] });
    const shared = memoryCache();
    await shared.cache.putGroupMembers('S0SECLEADS', [ALICE], new Date(T0.getTime() + 365 * 24 * 3_600_000));
    const { resolver } = setup({ cache: shared });
    const result = await resolver.resolve(ALICE, ['S0SECLEADS']);
    expect(result.groups).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ usedStaleMembers: false })]);
    expect(calls).toEqual(['S0SECLEADS']);
  });

  it('when another replica stored members a few seconds ahead of this clock, then they are still fresh', async () => {
    const calls = fakeSlack({});
    const shared = memoryCache();
    await shared.cache.putGroupMembers('S0SECLEADS', [ALICE], new Date(T0.getTime() + 5_000));
    const { resolver } = setup({ cache: shared });
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toEqual([]);
  });

  it('when the cached fetch time cannot be read and Slack fails, then the cached members are not used', async () => {
    fakeSlack({ S0SECLEADS: [slackError('missing_scope')] });
    const cache: GroupMembershipCache = {
      getGroupMembers: async () => ({ members: [ALICE], fetchedAt: 'not a time' }),
      putGroupMembers: async () => undefined,
      invalidateGroup: async () => undefined,
    };
    const { resolver } = setup({ cache: { cache, entries: new Map() } });
    await expect(resolver.resolve(ALICE, ['S0SECLEADS'])).resolves.toEqual({
      groups: [],
      warnings: [expect.objectContaining({ usedStaleMembers: false })],
    });
  });

  it('when a look-up failed, then Slack is not asked again until the retry delay has passed', async () => {
    const calls = fakeSlack({ S0SECLEADS: [slackError('missing_scope'), members(ALICE)] });
    const { resolver, advance } = setup();
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    advance(59_999);
    const during = await resolver.resolve(ALICE, ['S0SECLEADS']);
    expect(during).toEqual({ groups: [], warnings: [expect.objectContaining({ code: 'missing_scope' })] });
    expect(calls).toHaveLength(1);
    advance(1);
    await expect(resolver.resolve(ALICE, ['S0SECLEADS'])).resolves.toEqual({ groups: ['S0SECLEADS'], warnings: [] });
    expect(calls).toHaveLength(2);
  });

  it('when Slack rate-limits with a long Retry-After, then the group is not asked for before it', async () => {
    const calls = fakeSlack({
      S0SECLEADS: [
        { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': '300' } },
        members(ALICE),
      ],
    });
    const { resolver, advance } = setup({ rejectRateLimitedCalls: true });
    await expect(resolver.resolve(ALICE, ['S0SECLEADS'])).resolves.toEqual({
      groups: [],
      warnings: [expect.objectContaining({ code: 'ratelimited' })],
    });
    advance(299_000);
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    expect(calls).toHaveLength(1);
    advance(1_000);
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toHaveLength(2);
  });

  it('when Slack answers with an HTTP error, then the warning carries the status', async () => {
    fakeSlack({ S0SECLEADS: [{ status: 503, body: { ok: false } }] });
    const { resolver } = setup();
    const result = await resolver.resolve(ALICE, ['S0SECLEADS']);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'http_503' })]);
  });

  it('when Slack answers ok without a users list, then the response is treated as a failure', async () => {
    fakeSlack({ S0SECLEADS: [{ body: { ok: true } }] });
    const { resolver } = setup();
    await expect(resolver.resolve(ALICE, ['S0SECLEADS'])).resolves.toEqual({
      groups: [],
      warnings: [expect.objectContaining({ code: 'unexpected_response' })],
    });
  });

  it('when the group is invalidated after a failure, then Slack is asked again at once', async () => {
    const calls = fakeSlack({ S0SECLEADS: [slackError('missing_scope'), members(ALICE)] });
    const { resolver } = setup();
    await resolver.groupsOf(ALICE, ['S0SECLEADS']);
    await resolver.invalidate('S0SECLEADS');
    await expect(resolver.groupsOf(ALICE, ['S0SECLEADS'])).resolves.toEqual(['S0SECLEADS']);
    expect(calls).toHaveLength(2);
  });
});

afterEach(() => {
  nock.cleanAll();
});
