/**
 * Approvals are authorized when given and again right before anything is written: a request that
 * sat approved (a crash, a restart, a replica's backlog) runs only if enough of its approvers may
 * approve under the bindings and user groups of *now*.
 */
import type { Config } from '../../../src/config';
import {
  approveThenCrash,
  groupApprovers,
  OTHER_ACCOUNT_ID,
  PEOPLE,
  workflowHarness,
  type WorkflowHarness,
} from '../../fixtures/remediation-ports';
import { useTempStores } from '../../fixtures/store';

describe('approvers re-authorized before the write', () => {
  const stores = useTempStores();

  const withBindings = (
    h: WorkflowHarness,
    change: (b: Config['bindings'][number]) => Config['bindings'][number] | null,
  ) => {
    h.deps.config = {
      ...h.deps.config,
      bindings: h.deps.config.bindings.flatMap((b) => {
        const changed = change(b);
        return changed ? [changed] : [];
      }),
    };
  };
  const isApproverBinding = (b: Config['bindings'][number]) => b.users?.includes(PEOPLE.approver.userId) ?? false;

  /** Nothing was sent; the request failed naming the approvals, and the refusal is audited. */
  const expectNotRun = async (h: WorkflowHarness, requestId: string, why: RegExp) => {
    expect(h.estate.executions).toEqual([]);
    const request = await h.store.getRequest(requestId);
    expect(request?.status).toBe('failed');
    expect(request?.reason).toMatch(why);
    expect(await h.auditOf(requestId)).toContainEqual(
      expect.objectContaining({
        action: 'remediation.integrity',
        outcome: 'denied',
        details: expect.objectContaining({ code: 'approvals' }),
      }),
    );
  };

  it('when the approver’s binding is removed before the request runs, then it does not run', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    withBindings(h, (b) => (isApproverBinding(b) ? null : b));

    await h.workflow.execute(request.id);

    await expectNotRun(
      h,
      request.id,
      /0 of the 1 approval .*U0APPROVER \(alan\) may not approve on account 111111111111 now \(no-role\)/,
    );
  });

  it('when the approver’s binding is narrowed to another account, then it does not run', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    withBindings(h, (b) => (isApproverBinding(b) ? { ...b, accounts: [OTHER_ACCOUNT_ID] } : b));

    await h.workflow.execute(request.id);

    await expectNotRun(h, request.id, /\(out-of-scope\)/);
  });

  it('when a group approver has left the group before the request runs, then it does not run', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id, groupApprovers(1));
    h.deps.groups = { resolve: async () => ({ groups: [] }) };

    await h.workflow.execute(request.id);

    await expectNotRun(h, request.id, /U0LEAD01 may not approve/);
  });

  it('when a group approver is still in the group, then the request runs as approved', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id, groupApprovers(1));

    expect(await h.workflow.execute(request.id)).toMatchObject({ ok: true, request: { status: 'succeeded' } });
    expect(h.estate.executions).toHaveLength(1);
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({
        action: 'remediation.integrity',
        outcome: 'ok',
        details: expect.objectContaining({ approvers: ['U0LEAD01'] }),
      }),
    );
  });

  it('when the user groups cannot be read, then a group-granted approval does not count (fail closed)', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id, groupApprovers(1));
    h.deps.groups = {
      resolve: async () => {
        throw new Error('slack_webapi_platform_error: ratelimited');
      },
    };

    await h.workflow.execute(request.id);

    await expectNotRun(
      h,
      request.id,
      /their user groups could not be read \(slack_webapi_platform_error: ratelimited\)/,
    );
  });

  it('when the configured approvals rise to two before it runs, then one approval is not enough', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    h.deps.config = {
      ...h.deps.config,
      remediation: { ...h.deps.config.remediation, approvals: { s3_block_public_access: 2 } },
    };

    await h.workflow.execute(request.id);

    await expectNotRun(h, request.id, /1 of the 2 approvals/);
  });

  it('when break-glass is switched off before a self-approved request runs, then the self-approval no longer counts', async () => {
    const h = workflowHarness(stores, { config: { allowSelfApproval: true } });
    const request = await h.pendingRequest();
    withBindings(h, (b) => (b.users?.includes(PEOPLE.requester.userId) ? { ...b, role: 'approver' } : b));
    // Approved, then the process dies before execution starts (as approveThenCrash, with break-glass).
    const store = h.deps.store;
    h.deps.store = {
      ...store,
      transitionRequest: async (id, from, to, patch) => {
        if (to === 'executing') throw new Error('crash');
        return store.transitionRequest(id, from, to, patch);
      },
    };
    await h.workflow
      .approve({ actor: PEOPLE.requester, requestId: request.id, breakGlassReason: 'Incident, nobody else on call' })
      .catch(() => undefined);
    h.deps.store = store;
    h.deps.config = { ...h.deps.config, remediation: { ...h.deps.config.remediation, allowSelfApproval: false } };

    await h.workflow.execute(request.id);

    await expectNotRun(h, request.id, /U0REQUESTER \(rita\) asked for it, so their own approval does not count/);
  });

  it('when break-glass is still on, then a recorded self-approval runs', async () => {
    const h = workflowHarness(stores, { config: { allowSelfApproval: true } });
    const request = await h.pendingRequest();
    // Break-glass lets an approver approve their own request: the requester needs the role too.
    withBindings(h, (b) => (b.users?.includes(PEOPLE.requester.userId) ? { ...b, role: 'approver' } : b));

    const result = await h.workflow.approve({
      actor: PEOPLE.requester,
      requestId: request.id,
      breakGlassReason: 'Incident, nobody else on call',
    });

    expect(result).toMatchObject({ ok: true, request: { status: 'succeeded' } });
  });
});
