import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';
import { aNewRequest, createdRequest, anActor, manualClock } from '../fixtures/store';

describe.each(STORE_KINDS)('remediation requests (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async () => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    return { clock, store: await stores.open({ clock }) };
  };

  it('when a request is created, then it is pending, without approvals, and reads back equal', async () => {
    const { store } = await setup();
    const input = aNewRequest({ expiresAt: '2026-11-02T12:00:00Z', options: { note: 'x' } });
    const created = await createdRequest(store, input);
    expect(created).toMatchObject({
      kind: 'remediate',
      undoOf: null,
      status: 'pending',
      remediationId: input.remediationId,
      finding: input.finding,
      plan: input.plan,
      options: { note: 'x' },
      justification: input.justification,
      requester: input.requester,
      requiredApprovals: 1,
      approvals: [],
      reason: null,
      result: null,
      decidedBy: null,
      message: null,
      createdAt: '2026-11-01T12:00:00.000Z',
      updatedAt: '2026-11-01T12:00:00.000Z',
      expiresAt: '2026-11-02T12:00:00.000Z',
      finishedAt: null,
      version: 1,
    });
    expect(await store.getRequest(created.id)).toEqual(created);
    expect(await store.getRequest('no-such-request')).toBeNull();
  });

  it('when an undo names a request that does not exist, then it is refused', async () => {
    const { store } = await setup();
    await expect(createdRequest(store, aNewRequest({ kind: 'undo', undoOf: 'missing' }))).rejects.toThrow(
      /no such request/,
    );
    const original = await createdRequest(store, aNewRequest());
    const undo = await createdRequest(store, aNewRequest({ kind: 'undo', undoOf: original.id }));
    expect(undo).toMatchObject({ kind: 'undo', undoOf: original.id });
  });

  describe('transitionRequest', () => {
    it('when the status is one of `from`, then it moves, applies the patch and bumps version and updatedAt', async () => {
      const { store, clock } = await setup();
      const { id } = await createdRequest(store, aNewRequest());
      clock.advance(60_000);
      const approved = await store.transitionRequest(id, ['pending'], 'approved', {
        message: { channel: 'C0APPROVALS', ts: '1730462400.000100' },
      });
      expect(approved).toMatchObject({
        status: 'approved',
        message: { channel: 'C0APPROVALS', ts: '1730462400.000100' },
        updatedAt: '2026-11-01T12:01:00.000Z',
        finishedAt: null,
        version: 2,
      });
      expect(await store.getRequest(id)).toEqual(approved);
    });

    it('when the status is not in `from`, then it returns null and changes nothing', async () => {
      const { store } = await setup();
      const created = await createdRequest(store, aNewRequest());
      expect(
        await store.transitionRequest(created.id, ['approved', 'executing'], 'succeeded', { reason: 'x' }),
      ).toBeNull();
      expect(await store.transitionRequest(created.id, [], 'approved')).toBeNull();
      expect(await store.transitionRequest('no-such-request', ['pending'], 'approved')).toBeNull();
      expect(await store.getRequest(created.id)).toEqual(created);
    });

    it('when a request reaches a final status, then finishedAt is set and kept by later in-place patches', async () => {
      const { store, clock } = await setup();
      const { id } = await createdRequest(store, aNewRequest());
      await store.transitionRequest(id, ['pending'], 'approved');
      await store.transitionRequest(id, ['approved'], 'executing');
      clock.advance(5_000);
      const done = await store.transitionRequest(id, ['executing'], 'failed', {
        reason: 'AccessDenied on PutPublicAccessBlock',
        result: { calls: [{ command: 'PutPublicAccessBlock', ok: false }] },
      });
      expect(done).toMatchObject({
        status: 'failed',
        reason: 'AccessDenied on PutPublicAccessBlock',
        result: { calls: [{ command: 'PutPublicAccessBlock', ok: false }] },
        finishedAt: '2026-11-01T12:00:05.000Z',
        version: 4,
      });
      clock.advance(5_000);
      const patched = await store.transitionRequest(id, ['failed'], 'failed', {
        message: { channel: 'C1', ts: '1.2' },
      });
      expect(patched).toMatchObject({ finishedAt: '2026-11-01T12:00:05.000Z', reason: done!.reason, version: 5 });
    });

    it('when a patch sets a field to null, then it is cleared; when a field is absent, then it is kept', async () => {
      const { store } = await setup();
      const { id } = await createdRequest(store, aNewRequest({ expiresAt: '2026-11-02T00:00:00Z' }));
      await store.transitionRequest(id, ['pending'], 'pending', { reason: 'first', decidedBy: anActor('U0LEAD') });
      const after = await store.transitionRequest(id, ['pending'], 'denied', { expiresAt: null });
      expect(after).toMatchObject({ reason: 'first', decidedBy: anActor('U0LEAD'), expiresAt: null });
    });

    it('when 20 approvals race for the same pending request, then exactly one wins', async () => {
      const { store } = await setup();
      const { id } = await createdRequest(store, aNewRequest());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transitionRequest(id, ['pending'], 'approved', { decidedBy: anActor(`U0APPROVER${i}`) }),
        ),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await store.getRequest(id)).toMatchObject({
        status: 'approved',
        version: 2,
        decidedBy: winners[0]!.decidedBy,
      });
    });

    it('when the target status is not a status, then it is refused', async () => {
      const { store } = await setup();
      const { id } = await createdRequest(store, aNewRequest());
      await expect(store.transitionRequest(id, ['pending'], 'done' as never)).rejects.toThrow();
      expect((await store.getRequest(id))!.status).toBe('pending');
    });
  });

  describe('addApproval', () => {
    it('when approvers approve a pending request, then each is recorded once, in order, with the clock time', async () => {
      const { store, clock } = await setup();
      const { id } = await createdRequest(store, aNewRequest({ requiredApprovals: 2 }));
      const first = await store.addApproval(id, anActor('U0ONE'), 'looks right');
      clock.advance(1000);
      const again = await store.addApproval(id, anActor('U0ONE'));
      const second = await store.addApproval(id, anActor('U0TWO'));
      expect(first.kind).toBe('added');
      expect(again.kind).toBe('already-approved');
      expect(second).toMatchObject({
        kind: 'added',
        request: {
          status: 'pending',
          approvals: [
            { approver: anActor('U0ONE'), at: '2026-11-01T12:00:00.000Z', comment: 'looks right' },
            { approver: anActor('U0TWO'), at: '2026-11-01T12:00:01.000Z', comment: null },
          ],
        },
      });
    });

    it('when the request is no longer pending or does not exist, then no approval is recorded', async () => {
      const { store } = await setup();
      const { id } = await createdRequest(store, aNewRequest());
      await store.transitionRequest(id, ['pending'], 'cancelled');
      expect(await store.addApproval(id, anActor())).toMatchObject({ kind: 'not-pending', request: { approvals: [] } });
      expect(await store.addApproval('no-such-request', anActor())).toEqual({ kind: 'not-found' });
    });
  });

  describe('listRequests', () => {
    it('when filtering by status, requester, account and expiry, then only matching requests come, newest first', async () => {
      const { store, clock } = await setup();
      const a = await createdRequest(
        store,
        aNewRequest({ requester: anActor('U0ANN'), expiresAt: '2026-11-01T13:00:00Z' }),
      );
      clock.advance(1000);
      const b = await createdRequest(
        store,
        aNewRequest({ requester: anActor('U0BOB'), finding: aFinding({ accountId: '222222222222' }) }),
      );
      clock.advance(1000);
      const c = await createdRequest(
        store,
        aNewRequest({ requester: anActor('U0ANN'), expiresAt: '2026-11-03T00:00:00Z' }),
      );
      await store.transitionRequest(b.id, ['pending'], 'denied');

      const ids = async (q: Parameters<typeof store.listRequests>[0]) => (await store.listRequests(q)).map((r) => r.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ statuses: ['pending'] })).toEqual([c.id, a.id]);
      expect(await ids({ statuses: ['denied', 'expired'] })).toEqual([b.id]);
      expect(await ids({ statuses: [] })).toEqual([]);
      expect(await ids({ requesterId: 'U0ANN', limit: 1 })).toEqual([c.id]);
      expect(await ids({ accountId: '222222222222' })).toEqual([b.id]);
      expect(await ids({ statuses: ['pending'], expiresBefore: '2026-11-02T00:00:00Z' })).toEqual([a.id]);
    });

    it('when requests are made at one clock instant, then the later one comes first, every time', async () => {
      const { store } = await setup();
      const made = [];
      for (let n = 0; n < 5; n++) made.push((await createdRequest(store, aNewRequest())).id);
      await store.addApproval(made[2]!, anActor('U0ONE'));
      const listed = await store.listRequests();
      expect(listed.map((r) => r.id)).toEqual([...made].reverse());
      expect((await store.listRequests({ limit: 2 })).map((r) => r.id)).toEqual([made[4], made[3]]);
      // Each request comes with its own approvals.
      expect(listed.map((r) => r.approvals.length)).toEqual([0, 0, 1, 0, 0]);
    });
  });

  describe('rememberRequesterMessage', () => {
    it('when two DMs are remembered, then the first stays and both callers get it back', async () => {
      const { store } = await setup();
      const { id, version } = await createdRequest(store, aNewRequest());
      const first = { channel: 'D0REQUESTER', ts: '1730462400.000100' };
      expect(await store.rememberRequesterMessage(id, first)).toEqual(first);
      expect(await store.rememberRequesterMessage(id, { channel: 'D0REQUESTER', ts: '2.0' })).toEqual(first);
      // Not a status change: the request is otherwise as it was.
      expect(await store.getRequest(id)).toMatchObject({ requesterMessage: first, version });
      expect(await store.rememberRequesterMessage('no-such-request', first)).toBeNull();
    });
  });

  describe('rows changed outside cloudsec', () => {
    it('when a stored request does not parse, then reading it fails naming it, alone or in a list', async () => {
      const { store } = await setup();
      const good = await createdRequest(store, aNewRequest());
      const bad = await createdRequest(store, aNewRequest());
      await stores.exec(store, 'UPDATE remediation_requests SET plan = \'{"calls": [\' WHERE id = ?', [bad.id]);

      const message = new RegExp(`plan of remediation request ${bad.id} is not JSON.*changed outside cloudsec`);
      await expect(store.getRequest(bad.id)).rejects.toThrow(message);
      await expect(store.listRequests()).rejects.toThrow(message);
      await expect(store.transitionRequest(bad.id, ['pending'], 'approved')).rejects.toThrow(bad.id);
      expect((await stores.exec(store, 'SELECT status FROM remediation_requests WHERE id = ?', [bad.id])).rows).toEqual(
        [{ status: 'pending' }],
      );
      expect(await store.getRequest(good.id)).toEqual(good);
    });
  });
});
