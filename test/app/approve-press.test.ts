import { pressApprove } from '../../src/app/remediation/approve-press';
import { PEOPLE, workflowHarness } from '../fixtures/remediation-ports';
import { useTempStores } from '../fixtures/store';

// Pressing Approve: whether it asks the requester for a break-glass reason or approves is decided by
// the use case from the stored request, not by the button handler.
describe('pressApprove', () => {
  const stores = useTempStores();

  it('when the requester presses Approve and break-glass is enabled, then a reason is asked for and nothing is approved', async () => {
    const h = workflowHarness(stores, { config: { allowSelfApproval: true } });
    const request = await h.pendingRequest({ actor: PEOPLE.approver });

    const press = await pressApprove(
      { store: h.store, config: h.deps.config },
      h.workflow,
      { actor: PEOPLE.approver, requestId: request.id },
      { canAskReason: true },
    );

    expect(press).toEqual({ kind: 'ask-break-glass-reason' });
    expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'pending', approvals: [] });
    expect(h.estate.executions).toEqual([]);
  });

  it('when the requester presses Approve where no reason can be asked for, then the workflow refuses the self-approval', async () => {
    const h = workflowHarness(stores, { config: { allowSelfApproval: true } });
    const request = await h.pendingRequest({ actor: PEOPLE.approver });

    const press = await pressApprove(
      { store: h.store, config: h.deps.config },
      h.workflow,
      { actor: PEOPLE.approver, requestId: request.id },
      { canAskReason: false },
    );

    expect(press).toMatchObject({
      kind: 'approved',
      result: { ok: false, code: 'self-approval', reason: expect.stringContaining('with a reason') },
    });
    expect(h.estate.executions).toEqual([]);
  });

  it('when break-glass is off, then the requester\u2019s press is refused for separation of duties, not asked for a reason', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest({ actor: PEOPLE.approver });

    const press = await pressApprove(
      { store: h.store, config: h.deps.config },
      h.workflow,
      { actor: PEOPLE.approver, requestId: request.id },
      { canAskReason: true },
    );

    expect(press).toMatchObject({
      kind: 'approved',
      result: { ok: false, code: 'self-approval', reason: expect.stringContaining('separation of duties') },
    });
  });

  it('when another approver presses Approve with break-glass enabled, then it is approved and executed', async () => {
    const h = workflowHarness(stores, { config: { allowSelfApproval: true } });
    const request = await h.pendingRequest();

    const press = await pressApprove(
      { store: h.store, config: h.deps.config },
      h.workflow,
      { actor: PEOPLE.approver, requestId: request.id },
      { canAskReason: true },
    );

    expect(press).toMatchObject({ kind: 'approved', result: { ok: true, outcome: 'approved' } });
    expect(h.estate.executions).toHaveLength(1);
  });

  it('when the request id names no request, then no reason is asked for and the workflow says it is not found', async () => {
    const h = workflowHarness(stores, { config: { allowSelfApproval: true } });

    const press = await pressApprove(
      { store: h.store, config: h.deps.config },
      h.workflow,
      { actor: PEOPLE.approver, requestId: 'rr_0000000000000000' },
      { canAskReason: true },
    );

    expect(press).toMatchObject({ kind: 'approved', result: { ok: false, code: 'not-found' } });
  });
});
