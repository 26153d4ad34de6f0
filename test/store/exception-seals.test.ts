import Database from 'better-sqlite3';
import { CloudsecError } from '../../src/errors';
import type { NewException, RiskException } from '../../src/core/exceptions/model';
import type { Store } from '../../src/store/store';
import { STORE_KINDS, useContractStores, type ContractStores, type StoreKind } from '../fixtures/contract-stores';
import { anActor, manualClock } from '../fixtures/store';

// Stored accepted risks that someone changed with SQL: rows that no longer parse fail loudly, naming
// the exception, and with an audit key every state cloudsec writes carries a seal that such an edit
// breaks. The rest of the exceptions contract is in exceptions.test.ts.

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

/** Sets the first element of a JSON array inside a JSON text column, in each database's own JSON functions. */
const setFirstOf = (kind: StoreKind, column: string, field: string, value: string): string =>
  kind === 'sqlite'
    ? `${column} = json_set(${column}, '$.${field}[0]', '${value}')`
    : `${column} = jsonb_set(${column}::jsonb, '{${field},0}', '"${value}"')::text`;

/**
 * An UPDATE of one exception that the table's CHECK constraints would refuse, as someone who can
 * write the database can make it anyway (SQLite: per connection; PostgreSQL: by dropping them).
 */
const forceUpdate = async (stores: ContractStores, store: Store, set: string, id: string): Promise<void> => {
  const location = stores.locationOf(store);
  if (location.kind === 'sqlite') {
    const db = new Database(location.path);
    try {
      db.pragma('ignore_check_constraints = ON');
      db.prepare(`UPDATE risk_exceptions SET ${set} WHERE id = ?`).run(id);
    } finally {
      db.close();
    }
    return;
  }
  const { rows } = await stores.exec(
    store,
    "SELECT conname FROM pg_constraint WHERE conrelid = 'risk_exceptions'::regclass AND contype = 'c'",
  );
  for (const { conname } of rows) {
    await stores.exec(store, `ALTER TABLE risk_exceptions DROP CONSTRAINT "${String(conname)}"`);
  }
  await stores.exec(store, `UPDATE risk_exceptions SET ${set} WHERE id = ?`, [id]);
};

describe.each(STORE_KINDS)('accepted risks changed outside cloudsec (%s)', (kind) => {
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
        const { store } = await setup();
        const good = await activeException(store);
        const bad = await activeException(store);
        // CHECK constraints guard the status column; someone writing the database can drop them too.
        await forceUpdate(stores, store, set, bad.id);

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
      const { store } = await setup();
      const bad = await activeException(store);
      await stores.exec(store, `UPDATE risk_exceptions SET scope = '{}' WHERE id = ?`, [bad.id]);
      const stored = async () =>
        (await stores.exec(store, 'SELECT * FROM risk_exceptions WHERE id = ?', [bad.id])).rows;
      const before = await stored();
      expect(before).toHaveLength(1);
      expect((await failureOf(store.transitionException(bad.id, ['active'], 'revoked'))).message).toContain(bad.id);
      expect((await failureOf(store.claimExceptionReminder(bad.id, bad.expiresAt))).message).toContain(bad.id);
      expect(await stored()).toEqual(before);
    });
  });

  describe('seals (with an audit key)', () => {
    it('when cloudsec creates, moves and reminds an exception, then every state it writes is sealed', async () => {
      const { store } = await setup({ auditKey: KEY });
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
      ['status', () => `status = 'active'`],
      ['scope', () => setFirstOf(kind, 'scope', 'checks', '*')],
      ['expiry', () => `expires_at = '2030-01-01T00:00:00.000Z'`],
      ['approver', () => `approver = '{"id":"U0MALLORY"}'`],
    ])('when the %s is edited with SQL, then the seal no longer matches', async (_, set) => {
      const { store } = await setup({ auditKey: KEY });
      const { id } = await store.createException(aNewException());
      expect((await stores.exec(store, `UPDATE risk_exceptions SET ${set()}`)).changes).toBe(1);
      const edited = (await store.getException(id))!;
      expect(await store.verifyExceptionSeal(edited)).toEqual({
        ok: false,
        reason: expect.stringContaining('changed outside cloudsec'),
      });
    });

    it('when a row is planted without a seal, or edited and then moved by cloudsec, then it is never sealed', async () => {
      const { store } = await setup({ auditKey: KEY });
      const { id } = await store.createException(aNewException());
      await stores.exec(store, `UPDATE risk_exceptions SET ${setFirstOf(kind, 'scope', 'accounts', '*')}`);
      const moved = await store.transitionException(id, ['pending'], 'active');
      expect(moved).not.toBeNull();
      expect(await store.verifyExceptionSeal(moved!)).toMatchObject({ ok: false, reason: /no seal/ });

      const columns = `source, status, scope, reason, owner_id, owner, requester_id, requester, approver, created_at,
        decided_at, expires_at, decision_note, accepted, extension, message, reminded_at, suppressed_in_security_hub,
        updated_at, version`;
      await stores.exec(
        store,
        `INSERT INTO risk_exceptions (id, ${columns}) SELECT 'ex_planted', ${columns} FROM risk_exceptions WHERE id = ?`,
        [id],
      );
      const planted = (await store.getException('ex_planted'))!;
      expect(await store.verifyExceptionSeal(planted)).toMatchObject({ ok: false, reason: /no seal/ });
    });

    it('when the file is opened with another key, then no seal matches; without a key there is nothing to check', async () => {
      const { store } = await setup({ auditKey: KEY });
      const created = await store.createException(aNewException());
      const otherKey = await stores.reopen(store, { auditKey: 'another-key' });
      expect(await otherKey.verifyExceptionSeal(created)).toMatchObject({ ok: false });
      const noKey = await stores.reopen(store);
      expect(await noKey.verifyExceptionSeal(created)).toEqual({ ok: true, sealed: false });
      const unsealed = await noKey.createException(aNewException());
      const seals = await stores.exec(store, 'SELECT seal FROM risk_exceptions WHERE id = ?', [unsealed.id]);
      expect(seals.rows).toEqual([{ seal: null }]);
    });
  });
});
