import type { GroupMembershipCache } from '../../src/slack/usergroups';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';

describe.each(STORE_KINDS)('Slack user-group membership cache (%s)', (kind) => {
  const stores = useContractStores(kind);

  it('when a group was never cached, then it reads as null', async () => {
    const store = await stores.open();
    expect(await store.getGroupMembers('S0SECLEADS')).toBeNull();
  });

  it('when members are put, then they read back with the time they were fetched', async () => {
    const store = await stores.open();
    await store.putGroupMembers('S0SECLEADS', ['U0ANN', 'U0BOB'], new Date('2026-11-01T12:00:00Z'));
    expect(await store.getGroupMembers('S0SECLEADS')).toEqual({
      members: ['U0ANN', 'U0BOB'],
      fetchedAt: '2026-11-01T12:00:00.000Z',
    });
  });

  it('when members are put again, then the new list replaces the old one', async () => {
    const store = await stores.open();
    await store.putGroupMembers('S0SECLEADS', ['U0ANN', 'U0BOB'], '2026-11-01T12:00:00Z');
    await store.putGroupMembers('S0SECLEADS', [], '2026-11-01T13:00:00Z');
    expect(await store.getGroupMembers('S0SECLEADS')).toEqual({ members: [], fetchedAt: '2026-11-01T13:00:00.000Z' });
  });

  it('when a group is invalidated, then only that group is forgotten', async () => {
    const store = await stores.open();
    await store.putGroupMembers('S0SECLEADS', ['U0ANN'], '2026-11-01T12:00:00Z');
    await store.putGroupMembers('S0ONCALL', ['U0BOB'], '2026-11-01T12:00:00Z');
    await store.invalidateGroup('S0SECLEADS');
    await store.invalidateGroup('S0NEVERCACHED');
    expect(await store.getGroupMembers('S0SECLEADS')).toBeNull();
    expect(await store.getGroupMembers('S0ONCALL')).toMatchObject({ members: ['U0BOB'] });
  });

  it('when the user-group resolver uses the store as its cache, then the times it writes read back as the same instant', async () => {
    const store = await stores.open();
    const cache: GroupMembershipCache = store;
    const fetchedAt = new Date('2026-11-01T12:34:56.789Z');
    await cache.putGroupMembers('S0SECLEADS', ['U0ANN'], fetchedAt);
    const cached = await cache.getGroupMembers('S0SECLEADS');
    expect(new Date(cached!.fetchedAt).getTime()).toBe(fetchedAt.getTime());
  });

  it.each([
    ['not JSON', "UPDATE slack_group_members SET members = 'U0ANN'"],
    ['not a list of user ids', `UPDATE slack_group_members SET members = '{"U0ANN":true}'`],
    ['a fetch time that is not a time', "UPDATE slack_group_members SET fetched_at = 'yesterday'"],
  ])('when the stored members are %s, then reading fails loudly instead of trusting them', async (_, sql) => {
    const store = await stores.open();
    await store.putGroupMembers('S0SECLEADS', ['U0ANN'], '2026-11-01T12:00:00Z');
    await stores.exec(store, sql);

    await expect(store.getGroupMembers('S0SECLEADS')).rejects.toThrow('changed outside cloudsec');
  });
});
