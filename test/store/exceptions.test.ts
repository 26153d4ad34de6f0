import { ZodError } from 'zod';
import { CloudsecError } from '../../src/errors';
import type { NewException, RiskException } from '../../src/core/exceptions/model';
import { migrate, MIGRATIONS } from '../../src/store/migrations';
import type { Store } from '../../src/store/store';
import { anActor, manualClock, useTempStores } from '../fixtures/store';

const T0 = '2026-11-01T12:00:00.000Z';
const PROD = '111111111111';
const KEY = 'exceptions-audit-key';

const aNewException = (over: Partial<NewException> = {}): NewException => ({
  scope: { accounts: [PROD], checks: ['s3_bucket_public_access_blocked'], resources: ['arn:aws:s3:::public-*'] },
  reason: 'Public website bucket, reviewed with the web team.',
  owner: { id: 'U0OWNER', name: 'Olivia Owner' },
  requester: anActor('U0REQUESTER'),
  expiresAt: '2026-12-01T12:00:00Z',
  accepted: [{ findingId: 'f-public-site', severity: 'medium', evidence: 'sha256:abc' }],
  ...over,
});

/** The error a read gives, or a failure when it gave none. */
const failureOf = async (read: Promise<unknown>): Promise<CloudsecError> => {
  try {
    await read;
  } catch (err) {
    expect(err).toBeInstanceOf(CloudsecError);
    return err as CloudsecError;
  }
  throw new Error('expected the read to fail');
};

describe('accepted risks (exceptions) in SQLite', () => {
  const stores = useTempStores();

  const setup = (options: { auditKey?: string } = {}) => {
    const clock = manualClock(T0);
    return { clock, ...stores.open({ clock, ...options }) };
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
      const { store } = setup();
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
      const { store } = setup();
      const a = await store.createException(aNewException());
      const b = await store.createException(aNewException());
      expect(a.id).not.toBe(b.id);
    });

    it('when the input is not a valid exception, then it is refused and nothing is stored', async () => {
      const { store } = setup();
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
      const { store, clock } = setup();
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
      const { store } = setup();
      await expect(store.listExceptions({ statuses: ['approved' as never] })).rejects.toBeInstanceOf(ZodError);
      await expect(store.listExceptions({ limit: -1 })).rejects.toThrow(RangeError);
    });
  });

  describe('transitionException', () => {
    it('when the status is one of `from`, then it moves, applies the patch and bumps version and updatedAt', async () => {
      const { store, clock } = setup();
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
      const { store } = setup();
      const created = await store.createException(aNewException());
      expect(await store.transitionException(created.id, ['active'], 'revoked')).toBeNull();
      expect(await store.transitionException('ex_missing', ['pending'], 'active')).toBeNull();
      expect(await store.getException(created.id)).toEqual(created);
    });

    it('when `to` is the current status, then the exception is patched in place; null clears, absent keeps', async () => {
      const { store, clock } = setup();
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
      const { store } = setup();
      const created = await store.createException(aNewException());
      await expect(store.transitionException(created.id, ['pending'], 'approved' as never)).rejects.toBeInstanceOf(
        ZodError,
      );
      await expect(
        store.transitionException(created.id, ['pending'], 'active', { expiresAt: 'soon' }),
      ).rejects.toBeInstanceOf(ZodError);
      expect(await store.getException(created.id)).toEqual(created);
    });

    it('when 20 approvals race through two handles on one file, then exactly one wins', async () => {
      const { store, path } = setup();
      const other = stores.open({ path, clock: manualClock(T0) }).store;
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
      const { store, clock } = setup();
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
      const { store } = setup();
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
      const { store, clock } = setup();
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

    it('when several handles on one file claim the same reminder, then exactly one gets it', async () => {
      const { store, path } = setup();
      const other = stores.open({ path, clock: manualClock(T0) }).store;
      const active = await activeException(store);
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? store : other).claimExceptionReminder(active.id, active.expiresAt),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('rows changed outside cloudsec', () => {
    it.each([
      ['a scope that is not JSON', `scope = '{"accounts": ['`, /scope of risk exception ex_\w+ is not JSON/],
      [
        'a scope of the wrong shape',
        `scope = '{"accounts":["${PROD}"]}'`,
        /risk exception ex_\w+ is invalid \(scope\.checks/,
      ],
      ['an expiry that is not a time', `expires_at = 'next March'`, /risk exception ex_\w+ is invalid \(expiresAt/],
      ['a status that is not a status', `status = 'approved'`, /risk exception ex_\w+ is invalid \(status/],
      ['an owner that is not JSON', `owner = 'Olivia'`, /owner of risk exception ex_\w+ is not JSON/],
    ])(
      'when a row has %s, then reading it fails naming the exception and never returns it',
      async (_, set, pattern) => {
        const { store, path } = setup();
        const good = await activeException(store);
        const bad = await activeException(store);
        const raw = stores.raw(path);
        // CHECK constraints guard the status column; someone writing the file can drop them too.
        if (set.startsWith('status')) raw.pragma('ignore_check_constraints = ON');
        raw.prepare(`UPDATE risk_exceptions SET ${set} WHERE id = ?`).run(bad.id);

        const one = await failureOf(store.getException(bad.id));
        expect(one.code).toBe('internal');
        expect(one.message).toMatch(pattern);
        expect(one.message).toContain(bad.id);
        expect(one.message).toContain('changed outside cloudsec');

        const list = await failureOf(store.listExceptions());
        expect(list.message).toContain(bad.id);
        // The good row still reads on its own.
        expect(await store.getException(good.id)).toEqual(good);
      },
    );

    it('when a corrupted row is transitioned or reminded, then it fails and the row is left as it was', async () => {
      const { store, path } = setup();
      const bad = await activeException(store);
      const raw = stores.raw(path);
      raw.prepare(`UPDATE risk_exceptions SET scope = '{}' WHERE id = ?`).run(bad.id);
      const before = raw.prepare('SELECT * FROM risk_exceptions WHERE id = ?').get(bad.id);
      expect((await failureOf(store.transitionException(bad.id, ['active'], 'revoked'))).message).toContain(bad.id);
      expect((await failureOf(store.claimExceptionReminder(bad.id, bad.expiresAt))).message).toContain(bad.id);
      expect(raw.prepare('SELECT * FROM risk_exceptions WHERE id = ?').get(bad.id)).toEqual(before);
    });
  });

  describe('seals (with an audit key)', () => {
    it('when cloudsec creates, moves and reminds an exception, then every state it writes is sealed', async () => {
      const { store } = setup({ auditKey: KEY });
      const created = await store.createException(aNewException());
      expect(await store.verifyExceptionSeal(created)).toEqual({ ok: true, sealed: true });
      const active = await activeException(store);
      expect(await store.verifyExceptionSeal(active)).toEqual({ ok: true, sealed: true });
      await store.claimExceptionReminder(active.id, active.expiresAt);
      const reminded = (await store.getException(active.id))!;
      expect(await store.verifyExceptionSeal(reminded)).toEqual({ ok: true, sealed: true });
      // What the caller holds must be what is stored: the state before the reminder is not.
      expect(await store.verifyExceptionSeal(active)).toMatchObject({ ok: false });
    });

    it.each([
      ['status', `UPDATE risk_exceptions SET status = 'active'`],
      ['scope', `UPDATE risk_exceptions SET scope = json_set(scope, '$.checks[0]', '*')`],
      ['expiry', `UPDATE risk_exceptions SET expires_at = '2030-01-01T00:00:00.000Z'`],
      ['approver', `UPDATE risk_exceptions SET approver = '{"id":"U0MALLORY"}'`],
    ])('when the %s is edited with SQL, then the seal no longer matches', async (_, sql) => {
      const { store, path } = setup({ auditKey: KEY });
      const { id } = await store.createException(aNewException());
      stores.raw(path).exec(sql);
      const edited = (await store.getException(id))!;
      expect(await store.verifyExceptionSeal(edited)).toEqual({
        ok: false,
        reason: expect.stringContaining('changed outside cloudsec'),
      });
    });

    it('when a row is planted without a seal, or edited and then moved by cloudsec, then it is never sealed', async () => {
      const { store, path } = setup({ auditKey: KEY });
      const { id } = await store.createException(aNewException());
      const raw = stores.raw(path);
      raw.exec(`UPDATE risk_exceptions SET scope = json_set(scope, '$.accounts[0]', '*')`);
      const moved = await store.transitionException(id, ['pending'], 'active');
      expect(moved).not.toBeNull();
      expect(await store.verifyExceptionSeal(moved!)).toMatchObject({ ok: false, reason: /no seal/ });

      raw.exec(`INSERT INTO risk_exceptions SELECT 'ex_planted', source, 'active', scope, reason, owner_id, owner,
        requester_id, requester, approver, created_at, decided_at, expires_at, decision_note, accepted, extension,
        message, reminded_at, suppressed_in_security_hub, updated_at, version, NULL FROM risk_exceptions WHERE id = '${id}'`);
      const planted = (await store.getException('ex_planted'))!;
      expect(await store.verifyExceptionSeal(planted)).toMatchObject({ ok: false, reason: /no seal/ });
    });

    it('when the file is opened with another key, then no seal matches; without a key there is nothing to check', async () => {
      const { store, path } = setup({ auditKey: KEY });
      const created = await store.createException(aNewException());
      const otherKey = stores.open({ path, auditKey: 'another-key' }).store;
      expect(await otherKey.verifyExceptionSeal(created)).toMatchObject({ ok: false });
      const noKey = stores.open({ path }).store;
      expect(await noKey.verifyExceptionSeal(created)).toEqual({ ok: true, sealed: false });
      const unsealed = await noKey.createException(aNewException());
      expect(
        stores.raw(path).prepare('SELECT seal FROM risk_exceptions WHERE id = ?').pluck().get(unsealed.id),
      ).toBeNull();
    });
  });

  describe('migration 7', () => {
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
});
