import { PEOPLE, workflowHarness } from '../../fixtures/remediation-ports';
import { useTempStores } from '../../fixtures/store';

const HOUR = 3_600_000;

describe('denyRequest', () => {
  const stores = useTempStores();

  it('when an approver denies with a reason, then the request is denied by them, the requester is told, and nothing runs', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();

    const result = await h.workflow.deny({
      actor: PEOPLE.approver,
      requestId: request.id,
      reason: '  The bucket serves the public website; suppress instead.  ',
    });

    expect(result).toMatchObject({
      ok: true,
      request: {
        status: 'denied',
        reason: 'The bucket serves the public website; suppress instead.',
        decidedBy: { id: 'U0APPROVER' },
        finishedAt: expect.any(String),
      },
    });
    expect(h.slack.of('requestChanged')).toEqual([expect.objectContaining({ event: 'denied', status: 'denied' })]);
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({
        action: 'remediation.deny',
        outcome: 'ok',
        details: expect.objectContaining({ reason: expect.any(String) }),
      }),
    );
    expect(await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: request.id })).toMatchObject({
      ok: false,
      code: 'not-pending',
      status: 'denied',
    });
    expect(h.estate.executions).toEqual([]);
  });

  it('when no reason is given, then the denial is refused and the request stays pending', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();

    const result = await h.workflow.deny({ actor: PEOPLE.approver, requestId: request.id, reason: '   ' });

    expect(result).toMatchObject({ ok: false, code: 'invalid', reason: expect.stringContaining('reason') });
    expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'pending' });
  });

  it('when someone who may not approve denies, then it is refused and audited', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();

    const result = await h.workflow.deny({ actor: PEOPLE.viewer, requestId: request.id, reason: 'no' });

    expect(result).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'pending' });
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({
        action: 'remediation.deny',
        outcome: 'denied',
        actor: expect.objectContaining({ id: 'U0VIEWER' }),
      }),
    );
  });

  it('when the request is unknown or already decided, then the denial is refused', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });

    expect(await h.workflow.deny({ actor: PEOPLE.approver, requestId: 'nope', reason: 'stale' })).toMatchObject({
      code: 'not-found',
    });
    expect(await h.workflow.deny({ actor: PEOPLE.approver, requestId: request.id, reason: 'too late' })).toMatchObject({
      code: 'not-pending',
      status: 'succeeded',
    });
  });
});

describe('expireRequests', () => {
  const stores = useTempStores();

  it('when a pending request reaches its expiry, then the sweep expires it and the card loses its buttons', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();

    h.clock.advance(24 * HOUR - 1);
    expect(await h.workflow.expire()).toEqual([]);

    h.clock.advance(1);
    const expired = await h.workflow.expire();

    expect(expired).toEqual([
      expect.objectContaining({ id: request.id, status: 'expired', reason: expect.stringContaining('Expired') }),
    ]);
    expect(h.slack.of('requestChanged', request.id)).toEqual([expect.objectContaining({ event: 'expired' })]);
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({
        action: 'remediation.status',
        actor: expect.objectContaining({ kind: 'system' }),
        details: expect.objectContaining({ to: 'expired' }),
      }),
    );
    expect(await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id })).toMatchObject({
      code: 'not-pending',
      status: 'expired',
    });
  });

  it('when a request was already approved and executed, then the sweep leaves it alone', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });
    h.clock.advance(48 * HOUR);

    expect(await h.workflow.expire()).toEqual([]);
    expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'succeeded' });
  });

  it('when a pending request survives a restart, then the new process’s sweep expires it', async () => {
    const before = workflowHarness(stores);
    const request = await before.pendingRequest();
    const after = workflowHarness(stores, {
      clock: before.clock,
      store: stores.open({ path: before.dbPath!, clock: before.clock }).store,
    });
    before.clock.advance(25 * HOUR);

    expect(await after.workflow.expire()).toEqual([expect.objectContaining({ id: request.id, status: 'expired' })]);
    expect(after.slack.of('requestChanged', request.id)).toEqual([expect.objectContaining({ event: 'expired' })]);
  });
});
