import { ZodError } from 'zod';
import type { NewException, RiskException } from '../../src/core/exceptions/model';
import { migrate, MIGRATIONS } from '../../src/store/migrations';
import type { Store } from '../../src/store/store';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { anActor, manualClock, useTempStores } from '../fixtures/store';

// What rows changed outside cloudsec read as, and the seals that show such changes, are in
// exception-seals.test.ts.

const T0 = '2026-11-01T12:00:00.000Z';
const PROD = '111111111111';

const aNewException = (over: Partial<NewException> = {}): NewException => ({
  scope: { accounts: [PROD], checks: ['s3_bucket_public_access_blocked'], resources: ['arn:aws:s3:::public-*'] },
  reason: 'Public website bucket, reviewed with the web team.',
  owner: { id: 'U0OWNER', name: 'Olivia Owner' },
  requester: anActor('U0REQUESTER'),
  expiresAt: '2026-12-01T12:00:00Z',
  accepted: [{ findingId: 'f-public-site', severity: 'medium', evidence: 'sha256:abc' }],
  ...over,
});

describe.each(STORE_KINDS)('accepted risks (exceptions) (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async (options: { auditKey?: string } = {}) => {
    const clock = manualClock(T0);
    return { clock, store: await stores.open({ clock, ...options }) };
  };

  /** Created, then approved a minute later. */
  const activeException = async (store: Store, over: Partial<NewException> = {}): Promise<RiskException> => {
    const created = await store.createException(aNewException(over));
    const active = await store.transitionException(created.id, ['pending'], 'active', {
      approver: { id: 'U0APPROVER', name: 'Aaron Approver' },
      decidedAt: T0,
    });
    if (active === null) throw new Error('expected the approval to win');
    return active;
  };

  describe('createException and getException', () => {
    it('when an exception is created, then it is a pending Slack exception with clock times and reads back equal', async () => {
      const { store } = await setup();
      const input = aNewException();
      const created = await store.createException(input);
      expect(created).toEqual({
        id: expect.stringMatching(/^ex_[0-9a-f]{24}$/),
        source: 'slack',
        status: 'pending',
        scope: input.scope,
        reason: input.reason,
        owner: input.owner,
        requester: input.requester,
        approver: null,
        createdAt: T0,
        decidedAt: null,
        // Normalized to Date#toISOString, so that expiries compare correctly as text.
        expiresAt: '2026-12-01T12:00:00.000Z',
        decisionNote: null,
        accepted: input.accepted,
        extension: null,
        message: null,
        remindedAt: null,
        suppressedInSecurityHub: [],
        updatedAt: T0,
        version: 1,
      });
      expect(await store.getException(created.id)).toEqual(created);
      expect(await store.getException('ex_missing')).toBeNull();
    });

    it('when two exceptions are created, then each gets its own id', async () => {
      const { store } = await setup();
      const a = await store.createException(aNewException());
      const b = await store.createException(aNewException());
      expect(a.id).not.toBe(b.id);
    });

    it('when the input is not a valid exception, then it is refused and nothing is stored', async () => {
      const { store } = await setup();
      await expect(store.createException(aNewException({ reason: '   ' }))).rejects.toBeInstanceOf(ZodError);
      await expect(
        store.createException(aNewException({ scope: { checks: ['s3_*'] } as NewException['scope'] })),
      ).rejects.toThrow(/accounts or OUs/);
      await expect(store.createException(aNewException({ expiresAt: 'next March' }))).rejects.toBeInstanceOf(ZodError);
      expect(await store.listExceptions()).toEqual([]);
    });
  });

  describe('listExceptions', () => {
    it('when filtering by status, owner, requester, expiry and limit, then only matching ones come, newest first', async () => {
      const { store, clock } = await setup();
      const mine = await store.createException(aNewException({ expiresAt: '2026-11-05T00:00:00.000Z' }));
      clock.advance(1_000);
      const theirs = await store.createException(
        aNewException({
          owner: { id: 'U0OTHER' },
          requester: anActor('U0OTHER'),
          expiresAt: '2026-11-20T00:00:00.000Z',
        }),
      );
      clock.advance(1_000);
      const active = await activeException(store, { expiresAt: '2026-11-03T00:00:00.000Z' });
      clock.advance(1_000);
      const revoked = await activeException(store);
      await store.transitionException(revoked.id, ['active'], 'revoked', { decisionNote: 'bucket deleted' });

      const ids = (list: RiskException[]) => list.map((e) => e.id);
      expect(ids(await store.listExceptions())).toEqual([revoked.id, active.id, theirs.id, mine.id]);
      expect(ids(await store.listExceptions({ statuses: ['pending'] }))).toEqual([theirs.id, mine.id]);
      expect(ids(await store.listExceptions({ statuses: ['active', 'revoked'] }))).toEqual([revoked.id, active.id]);
      expect(await store.listExceptions({ statuses: [] })).toEqual([]);
      expect(ids(await store.listExceptions({ ownerId: 'U0OTHER' }))).toEqual([theirs.id]);
      expect(ids(await store.listExceptions({ requesterId: 'U0REQUESTER', statuses: ['pending'] }))).toEqual([mine.id]);
      expect(ids(await store.listExceptions({ expiresBefore: '2026-11-05T00:00:00Z' }))).toEqual([active.id, mine.id]);
      expect(
        ids(await store.listExceptions({ statuses: ['active'], expiresBefore: new Date('2026-11-02T00:00:00Z') })),
      ).toEqual([]);
      expect(ids(await store.listExceptions({ limit: 2 }))).toEqual([revoked.id, active.id]);
    });

    it('when a status filter names no status, then it is refused', async () => {
      const { store } = await setup();
      await expect(store.listExceptions({ statuses: ['approved' as never] })).rejects.toBeInstanceOf(ZodError);
      await expect(store.listExceptions({ limit: -1 })).rejects.toThrow(RangeError);
    });
  });

  describe('transitionException', () => {
    it('when the status is one of `from`, then it moves, applies the patch and bumps version and updatedAt', async () => {
      const { store, clock } = await setup();
      const { id } = await store.createException(aNewException());
      clock.advance(60_000);
      const active = await store.transitionException(id, ['pending'], 'active', {
        approver: { id: 'U0APPROVER', name: 'Aaron Approver' },
        decidedAt: '2026-11-01T12:01:00Z',
        message: { channel: 'C0APPROVALS', ts: '1730462400.000100' },
      });
      expect(active).toMatchObject({
        status: 'active',
        approver: { id: 'U0APPROVER', name: 'Aaron Approver' },
        decidedAt: '2026-11-01T12:01:00.000Z',
        message: { channel: 'C0APPROVALS', ts: '1730462400.000100' },
        reason: aNewException().reason,
        updatedAt: '2026-11-01T12:01:00.000Z',
        version: 2,
      });
      expect(await store.getException(id)).toEqual(active);
    });

    it('when the status is not in `from` or the exception does not exist, then it returns null and changes nothing', async () => {
      const { store } = await setup();
      const created = await store.createException(aNewException());
      expect(await store.transitionException(created.id, ['active'], 'revoked')).toBeNull();
      expect(await store.transitionException('ex_missing', ['pending'], 'active')).toBeNull();
      expect(await store.getException(created.id)).toEqual(created);
    });

    it('when `to` is the current status, then the exception is patched in place; null clears, absent keeps', async () => {
      const { store, clock } = await setup();
      const active = await activeException(store);
      clock.advance(1_000);
      const extension = {
        requester: anActor('U0OWNER'),
        requestedAt: '2026-11-01T12:00:01.000Z',
        expiresAt: '2027-01-01T00:00:00.000Z',
        reason: 'The migration slipped a month.',
        message: null,
      };
      const patched = await store.transitionException(active.id, ['active'], 'active', {
        extension,
        suppressedInSecurityHub: ['arn:aws:securityhub:us-east-1:111111111111:finding/1'],
        accepted: [],
      });
      expect(patched).toEqual({
        ...active,
        extension,
        suppressedInSecurityHub: ['arn:aws:securityhub:us-east-1:111111111111:finding/1'],
        accepted: [],
        updatedAt: '2026-11-01T12:00:01.000Z',
        version: active.version + 1,
      });
      const cleared = await store.transitionException(active.id, ['active'], 'active', {
        extension: null,
        approver: null,
      });
      expect(cleared).toMatchObject({
        extension: null,
        approver: null,
        suppressedInSecurityHub: patched!.suppressedInSecurityHub,
      });
      expect(cleared!.version).toBe(active.version + 2);
    });

    it('when the target status or the patch is invalid, then it is refused and nothing changes', async () => {
      const { store } = await setup();
      const created = await store.createException(aNewException());
      await expect(store.transitionException(created.id, ['pending'], 'approved' as never)).rejects.toBeInstanceOf(
        ZodError,
      );
      await expect(
        store.transitionException(created.id, ['pending'], 'active', { expiresAt: 'soon' }),
      ).rejects.toBeInstanceOf(ZodError);
      expect(await store.getException(created.id)).toEqual(created);
    });

    it('when 20 approvals race through two handles on one store, then exactly one wins', async () => {
      const { store } = await setup();
      const other = await stores.reopen(store, { clock: manualClock(T0) });
      const { id } = await store.createException(aNewException());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : other).transitionException(id, ['pending'], 'active', {
            approver: { id: `U0APPROVER${i}` },
          }),
        ),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await other.getException(id)).toMatchObject({
        status: 'active',
        approver: winners[0]!.approver,
        version: 2,
      });
    });
  });

  describe('claimExceptionReminder', () => {
    it('when the owner is reminded of an active exception, then the claim succeeds once for that expiry', async () => {
      const { store, clock } = await setup();
      const active = await activeException(store);
      clock.advance(5_000);
      // The expiry spelled without milliseconds is the same instant.
      expect(await store.claimExceptionReminder(active.id, '2026-12-01T12:00:00Z')).toBe(true);
      expect(await store.claimExceptionReminder(active.id, active.expiresAt)).toBe(false);
      expect(await store.getException(active.id)).toMatchObject({
        remindedAt: '2026-11-01T12:00:05.000Z',
        updatedAt: '2026-11-01T12:00:05.000Z',
        version: active.version + 1,
      });
    });

    it('when the exception is not active, names another expiry or does not exist, then nothing is claimed', async () => {
      const { store } = await setup();
      const pending = await store.createException(aNewException());
      expect(await store.claimExceptionReminder(pending.id, pending.expiresAt)).toBe(false);
      const active = await activeException(store);
      expect(await store.claimExceptionReminder(active.id, '2026-12-02T12:00:00.000Z')).toBe(false);
      expect(await store.claimExceptionReminder('ex_missing', active.expiresAt)).toBe(false);
      expect(await store.getException(active.id)).toEqual(active);
      const revoked = await store.transitionException(active.id, ['active'], 'revoked');
      expect(await store.claimExceptionReminder(revoked!.id, revoked!.expiresAt)).toBe(false);
    });

    it('when an extension moves the expiry, then the new expiry is reminded once too, and the old one never again', async () => {
      const { store, clock } = await setup();
      const active = await activeException(store);
      expect(await store.claimExceptionReminder(active.id, active.expiresAt)).toBe(true);
      // A patch that keeps the expiry keeps the reminder.
      const kept = await store.transitionException(active.id, ['active'], 'active', {
        expiresAt: active.expiresAt,
        message: { channel: 'C0APPROVALS', ts: '1.2' },
      });
      expect(kept!.remindedAt).toBe(T0);
      clock.advance(60_000);
      const extended = await store.transitionException(active.id, ['active'], 'active', {
        expiresAt: '2027-01-01T00:00:00Z',
        extension: null,
      });
      expect(extended).toMatchObject({ expiresAt: '2027-01-01T00:00:00.000Z', remindedAt: null });
      expect(await store.claimExceptionReminder(active.id, active.expiresAt)).toBe(false);
      expect(await store.claimExceptionReminder(active.id, '2027-01-01T00:00:00.000Z')).toBe(true);
      expect(await store.claimExceptionReminder(active.id, '2027-01-01T00:00:00.000Z')).toBe(false);
    });

    it('when several handles on one store claim the same reminder, then exactly one gets it', async () => {
      const { store } = await setup();
      const other = await stores.reopen(store, { clock: manualClock(T0) });
      const active = await activeException(store);
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? store : other).claimExceptionReminder(active.id, active.expiresAt),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });
  });
});

describe('accepted risks: migration 7 (SQLite)', () => {
  const stores = useTempStores();

  it('when a database at version 6 is opened, then the exceptions table is added and the data is kept', async () => {
    const path = stores.dbPath();
    const raw = stores.raw(path);
    const atSix = MIGRATIONS.filter((m) => m.version <= 6);
    expect(migrate(raw, path, () => '2026-10-01T00:00:00.000Z', atSix)).toBe(6);
    raw
      .prepare("INSERT INTO locks (name, owner, acquired_at, expires_at) VALUES ('digest', 'other:1', ?, ?)")
      .run('2026-11-01T11:00:00.000Z', '2026-11-01T13:00:00.000Z');
    raw
      .prepare('INSERT INTO request_nonces (key, expires_at) VALUES (?, ?)')
      .run('slack:v0=abc', '2026-11-02T00:00:00.000Z');
    raw.close();

    const { store: upgraded } = stores.open({ path, clock: manualClock(T0) });
    const check = stores.raw(path);
    expect(
      check.prepare('SELECT version, applied_at FROM schema_migrations WHERE version BETWEEN 6 AND 7').all(),
    ).toEqual([
      { version: 6, applied_at: '2026-10-01T00:00:00.000Z' },
      { version: 7, applied_at: T0 },
    ]);
    expect(await upgraded.acquireLock('digest', 'me:2', 60_000)).toMatchObject({
      acquired: false,
      lock: { owner: 'other:1' },
    });
    expect(await upgraded.claimNonce('slack:v0=abc', '2026-11-02T00:00:00.000Z')).toBe(false);
    const created = await upgraded.createException(aNewException());
    expect(await upgraded.listExceptions()).toEqual([created]);
    const indexes = check
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'risk_exceptions' AND sql IS NOT NULL",
      )
      .pluck()
      .all();
    expect(indexes).toEqual(expect.arrayContaining(['risk_exceptions_status_expiry', 'risk_exceptions_expiry']));
  });
});
