import { requestDigest } from '../../src/store/request-seal';
import { STORE_KINDS, useContractStores, type StoreKind } from '../fixtures/contract-stores';
import { aNewRequest, anActor, anAuditInput, createdRequest, manualClock } from '../fixtures/store';

const KEY = 'request-seal-test-key-0123456789abcdefghij';

/** Sets one field inside a JSON text column, in each database's own JSON functions. */
const setJsonField = (kind: StoreKind, column: string, path: string[], value: string): string =>
  kind === 'sqlite'
    ? `${column} = json_set(${column}, '$.${path.join('.').replace(/\.(\d+)/g, '[$1]')}', '${value}')`
    : `${column} = jsonb_set(${column}::jsonb, '{${path.join(',')}}', '"${value}"')::text`;

describe.each(STORE_KINDS)('request seals (%s)', (kind) => {
  const stores = useContractStores(kind);

  const open = async (options: { keyed?: boolean } = {}) => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    return { clock, store: await stores.open({ clock, ...(options.keyed === false ? {} : { auditKey: KEY }) }) };
  };

  it('when cloudsec creates, approves and moves a request with the key, then every state it writes is sealed', async () => {
    const { store } = await open();
    const created = await createdRequest(store, aNewRequest());
    expect(await store.verifyRequestSeal(created)).toEqual({ ok: true, sealed: true });

    const added = await store.addApproval(created.id, anActor('U0APPROVER'));
    expect(added.kind === 'added' && (await store.verifyRequestSeal(added.request))).toEqual({
      ok: true,
      sealed: true,
    });
    const approved = await store.transitionRequest(created.id, ['pending'], 'approved');
    expect(await store.verifyRequestSeal(approved!)).toEqual({ ok: true, sealed: true });
    const executing = await store.transitionRequest(created.id, ['approved'], 'executing');
    expect(await store.verifyRequestSeal(executing!)).toEqual({ ok: true, sealed: true });
    // A state the row has left no longer matches its seal: an old copy cannot be passed off as current.
    expect(await store.verifyRequestSeal(approved!)).toMatchObject({ ok: false });
  });

  it.each([
    ['status', () => `UPDATE remediation_requests SET status = 'approved'`],
    [
      'plan',
      () =>
        `UPDATE remediation_requests SET ${setJsonField(kind, 'plan', ['calls', '0', 'input', 'Bucket'], 'payroll')}`,
    ],
    [
      'finding',
      () => `UPDATE remediation_requests SET ${setJsonField(kind, 'finding', ['resource', 'id'], 'payroll')}`,
    ],
    ['kind', () => `UPDATE remediation_requests SET kind = 'undo'`],
    ['expiry', () => `UPDATE remediation_requests SET expires_at = '2030-01-01T00:00:00.000Z'`],
    ['approvals needed', () => `UPDATE remediation_requests SET required_approvals = 2`],
    [
      'approver',
      () => `UPDATE request_approvals SET approver_id = 'U0OTHER', approver = '{"kind":"slack-user","id":"U0OTHER"}'`,
    ],
  ])('when the %s is changed with SQL, then the seal no longer matches', async (_what, sql) => {
    const { store } = await open();
    const created = await createdRequest(store, aNewRequest({ expiresAt: '2026-11-02T12:00:00.000Z' }));
    await store.addApproval(created.id, anActor('U0APPROVER'));

    expect((await stores.exec(store, sql())).changes).toBe(1);

    const read = await store.getRequest(created.id);
    expect(await store.verifyRequestSeal(read!)).toEqual({
      ok: false,
      reason: expect.stringContaining('changed outside cloudsec'),
    });
  });

  it('when cloudsec moves a request edited outside it, then it does not seal the edit', async () => {
    const { store } = await open();
    const created = await createdRequest(store, aNewRequest());
    await stores.exec(store, `UPDATE remediation_requests SET required_approvals = 1, justification = 'edited'`);

    await store.addApproval(created.id, anActor('U0APPROVER'));
    const moved = await store.transitionRequest(created.id, ['pending'], 'approved');

    expect(await store.verifyRequestSeal(moved!)).toMatchObject({ ok: false });
  });

  it('when a row was written without a seal (planted, or stored before seals), then it is refused with a key', async () => {
    const { store } = await open();
    const created = await createdRequest(store, aNewRequest());
    await stores.exec(store, 'UPDATE remediation_requests SET seal = NULL');

    expect(await store.verifyRequestSeal((await store.getRequest(created.id))!)).toEqual({
      ok: false,
      reason: expect.stringContaining('carries no seal'),
    });
  });

  it('when the same data is opened with another key, then no seal matches', async () => {
    const first = await open();
    const created = await createdRequest(first.store, aNewRequest());
    const other = await stores.reopen(first.store, {
      clock: first.clock,
      auditKey: 'another-key-0123456789abcdefghijklmnop',
    });

    expect(await other.verifyRequestSeal(created)).toMatchObject({ ok: false });
  });

  it('when there is no audit key, then rows carry no seal and there is nothing to check', async () => {
    const { store } = await open({ keyed: false });
    const created = await createdRequest(store, aNewRequest());

    expect(await store.verifyRequestSeal(created)).toEqual({ ok: true, sealed: false });
    expect((await stores.exec(store, 'SELECT seal FROM remediation_requests')).rows).toEqual([{ seal: null }]);
  });

  it('when a request reads back, then its digest is the digest it had when created', async () => {
    const { store } = await open();
    const created = await createdRequest(store, aNewRequest({ options: { note: 'x', unset: undefined } }));
    const read = await store.getRequest(created.id);
    expect(requestDigest(read!)).toBe(requestDigest(created));
    expect(requestDigest({ ...read!, requiredApprovals: 2 })).not.toBe(requestDigest(created));
  });
});

describe.each(STORE_KINDS)('verifying the audit chain from an entry (%s)', (kind) => {
  const stores = useContractStores(kind);

  it('when entries after it were deleted, then the slice from it is broken; a slice after the gap is not', async () => {
    const store = await stores.open({ clock: manualClock(), auditKey: KEY });
    for (let n = 0; n < 5; n++) await store.appendAudit(anAuditInput({ target: `check ${n}` }));
    await stores.dropAuditGuards(store);
    expect((await stores.exec(store, 'DELETE FROM audit_entries WHERE seq = 3')).changes).toBe(1);

    expect(await store.verifyAudit({ fromSeq: 2 })).toMatchObject({ ok: false, seq: 4 });
    expect(await store.verifyAudit({ fromSeq: 4 })).toMatchObject({ ok: true, count: 2, lastSeq: 5 });
    expect(await store.verifyAudit({ fromSeq: 3 })).toMatchObject({ ok: false, seq: 3 });
  });

  it('when there is no key and the entries carry HMACs, then the slice is unchecked, not OK', async () => {
    const keyed = await stores.open({ clock: manualClock(), auditKey: KEY });
    for (let n = 0; n < 3; n++) await keyed.appendAudit(anAuditInput());
    const unkeyed = await stores.reopen(keyed, { clock: manualClock() });

    expect(await unkeyed.verifyAudit({ fromSeq: 2 })).toMatchObject({ ok: false, unchecked: true, hmacs: 2 });
    expect(await unkeyed.verifyAudit()).toMatchObject({ ok: false, unchecked: true, count: 3, hmacs: 3, seq: 1 });
  });
});
