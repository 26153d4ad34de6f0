import { requestDigest } from '../../src/store/request-seal';
import { aNewRequest, anActor, anAuditInput, createdRequest, manualClock, useTempStores } from '../fixtures/store';

const KEY = 'request-seal-test-key-0123456789abcdefghij';

describe('request seals in SQLite', () => {
  const stores = useTempStores();

  const open = (options: { keyed?: boolean } = {}) => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    return { clock, ...stores.open({ clock, ...(options.keyed === false ? {} : { auditKey: KEY }) }) };
  };

  it('when cloudsec creates, approves and moves a request with the key, then every state it writes is sealed', async () => {
    const { store } = open();
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
    ['status', `UPDATE remediation_requests SET status = 'approved'`],
    ['plan', `UPDATE remediation_requests SET plan = json_set(plan, '$.calls[0].input.Bucket', 'payroll')`],
    ['finding', `UPDATE remediation_requests SET finding = json_set(finding, '$.resource.id', 'payroll')`],
    ['kind', `UPDATE remediation_requests SET kind = 'undo'`],
    ['expiry', `UPDATE remediation_requests SET expires_at = '2030-01-01T00:00:00.000Z'`],
    ['approvals needed', `UPDATE remediation_requests SET required_approvals = 2`],
    [
      'approver',
      `UPDATE request_approvals SET approver_id = 'U0OTHER', approver = '{"kind":"slack-user","id":"U0OTHER"}'`,
    ],
  ])('when the %s is changed with SQL, then the seal no longer matches', async (_what, sql) => {
    const { store, path } = open();
    const created = await createdRequest(store, aNewRequest({ expiresAt: '2026-11-02T12:00:00.000Z' }));
    await store.addApproval(created.id, anActor('U0APPROVER'));

    stores.raw(path).exec(sql);

    const read = await store.getRequest(created.id);
    expect(await store.verifyRequestSeal(read!)).toEqual({
      ok: false,
      reason: expect.stringContaining('changed outside cloudsec'),
    });
  });

  it('when cloudsec moves a request edited outside it, then it does not seal the edit', async () => {
    const { store, path } = open();
    const created = await createdRequest(store, aNewRequest());
    stores.raw(path).exec(`UPDATE remediation_requests SET required_approvals = 1, justification = 'edited'`);

    await store.addApproval(created.id, anActor('U0APPROVER'));
    const moved = await store.transitionRequest(created.id, ['pending'], 'approved');

    expect(await store.verifyRequestSeal(moved!)).toMatchObject({ ok: false });
  });

  it('when a row was written without a seal (planted, or stored before seals), then it is refused with a key', async () => {
    const { store, path } = open();
    const created = await createdRequest(store, aNewRequest());
    stores.raw(path).exec('UPDATE remediation_requests SET seal = NULL');

    expect(await store.verifyRequestSeal((await store.getRequest(created.id))!)).toEqual({
      ok: false,
      reason: expect.stringContaining('carries no seal'),
    });
  });

  it('when the same file is opened with another key, then no seal matches', async () => {
    const first = open();
    const created = await createdRequest(first.store, aNewRequest());
    const other = stores.open({
      path: first.path,
      clock: first.clock,
      auditKey: 'another-key-0123456789abcdefghijklmnop',
    });

    expect(await other.store.verifyRequestSeal(created)).toMatchObject({ ok: false });
  });

  it('when there is no audit key, then rows carry no seal and there is nothing to check', async () => {
    const { store, path } = open({ keyed: false });
    const created = await createdRequest(store, aNewRequest());

    expect(await store.verifyRequestSeal(created)).toEqual({ ok: true, sealed: false });
    expect(stores.raw(path).prepare('SELECT seal FROM remediation_requests').pluck().get()).toBeNull();
  });

  it('when a request reads back, then its digest is the digest it had when created', async () => {
    const { store } = open();
    const created = await createdRequest(store, aNewRequest({ options: { note: 'x', unset: undefined } }));
    const read = await store.getRequest(created.id);
    expect(requestDigest(read!)).toBe(requestDigest(created));
    expect(requestDigest({ ...read!, requiredApprovals: 2 })).not.toBe(requestDigest(created));
  });
});

describe('verifying the audit chain from an entry', () => {
  const stores = useTempStores();

  it('when entries after it were deleted, then the slice from it is broken; a slice after the gap is not', async () => {
    const { store, path } = stores.open({ clock: manualClock(), auditKey: KEY });
    for (let n = 0; n < 5; n++) await store.appendAudit(anAuditInput({ target: `check ${n}` }));
    const raw = stores.raw(path);
    raw.exec('DROP TRIGGER audit_entries_no_delete');
    raw.exec('DELETE FROM audit_entries WHERE seq = 3');

    expect(await store.verifyAudit({ fromSeq: 2 })).toMatchObject({ ok: false, seq: 4 });
    expect(await store.verifyAudit({ fromSeq: 4 })).toMatchObject({ ok: true, count: 2, lastSeq: 5 });
    expect(await store.verifyAudit({ fromSeq: 3 })).toMatchObject({ ok: false, seq: 3 });
  });

  it('when there is no key and the entries carry HMACs, then the slice is unchecked, not OK', async () => {
    const keyed = stores.open({ clock: manualClock(), auditKey: KEY });
    for (let n = 0; n < 3; n++) await keyed.store.appendAudit(anAuditInput());
    const unkeyed = stores.open({ path: keyed.path, clock: manualClock() });

    expect(await unkeyed.store.verifyAudit({ fromSeq: 2 })).toMatchObject({ ok: false, unchecked: true, hmacs: 2 });
    expect(await unkeyed.store.verifyAudit()).toMatchObject({ ok: false, unchecked: true, count: 3, hmacs: 3, seq: 1 });
  });
});
