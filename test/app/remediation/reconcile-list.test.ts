import {
  approveThenCrash,
  OTHER_ACCOUNT_ID,
  PEOPLE,
  workflowHarness,
  type WorkflowHarness,
} from '../../fixtures/remediation-ports';
import { aFinding } from '../../fixtures/remediation-builders';
import { aNewRequest, createdRequest, anActor, useTempStores } from '../../fixtures/store';

const MINUTE = 60_000;

/** What a process killed mid-execution leaves behind: a request stuck in `executing`. */
const interruptedRequest = async (h: WorkflowHarness) => {
  const request = await h.pendingRequest();
  await h.store.transitionRequest(request.id, ['pending'], 'approved');
  return (await h.store.transitionRequest(request.id, ['approved'], 'executing'))!;
};

/** The same database opened by a new process, with its own (fresh) fakes. */
const restart = (stores: ReturnType<typeof useTempStores>, before: WorkflowHarness) =>
  workflowHarness(stores, {
    clock: before.clock,
    store: stores.open({ path: before.dbPath!, clock: before.clock }).store,
  });

describe('reconcileInterrupted', () => {
  const stores = useTempStores();

  it('when a request was left executing and the check now passes, then it is marked succeeded without executing again', async () => {
    const before = workflowHarness(stores);
    const request = await interruptedRequest(before);
    const after = restart(stores, before);
    after.estate.pass();

    const report = await after.workflow.reconcile();

    expect(report.reconciled).toEqual([
      expect.objectContaining({ id: request.id, status: 'succeeded', reason: 'interrupted; verified after restart' }),
    ]);
    expect(after.estate.executions).toEqual([]);
    expect(after.slack.of('resultPosted', request.id)).toHaveLength(1);
    expect(await after.auditOf(request.id)).toContainEqual(
      expect.objectContaining({ action: 'remediation.reconcile', outcome: 'ok' }),
    );
  });

  it('when a request was left executing and the check still fails, then it is marked failed "interrupted" without executing', async () => {
    const before = workflowHarness(stores);
    const request = await interruptedRequest(before);
    const after = restart(stores, before);

    const report = await after.workflow.reconcile();

    expect(report.reconciled).toEqual([
      expect.objectContaining({
        id: request.id,
        status: 'failed',
        reason: expect.stringMatching(/^interrupted \(the check fails: /),
      }),
    ]);
    expect(after.estate.executions).toEqual([]);
    expect(await after.store.getRequest(request.id)).toMatchObject({ result: { interrupted: true } });
  });

  it('when another replica may still be executing it, then a request changed recently is left alone', async () => {
    const h = workflowHarness(stores);
    const request = await interruptedRequest(h);
    h.clock.advance(5 * MINUTE);

    expect((await h.workflow.reconcile({ olderThanMs: 10 * MINUTE })).reconciled).toEqual([]);
    expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'executing' });

    h.clock.advance(5 * MINUTE);
    expect((await h.workflow.reconcile({ olderThanMs: 10 * MINUTE })).reconciled).toHaveLength(1);
  });

  it('when a request was left approved (nothing sent yet), then it is executed once', async () => {
    const before = workflowHarness(stores);
    const request = await before.pendingRequest();
    await approveThenCrash(before, request.id);
    const after = restart(stores, before);

    const [first, second] = await Promise.all([after.workflow.reconcile(), after.workflow.reconcile()]);

    expect([...first.resumed, ...second.resumed].filter((r) => r.ok)).toEqual([
      expect.objectContaining({ request: expect.objectContaining({ id: request.id, status: 'succeeded' }) }),
    ]);
    expect(after.estate.executions).toHaveLength(1);
  });
});

describe('listRequests', () => {
  const stores = useTempStores();

  /** One request by the requester on the prod account (succeeded), one by someone else on staging (pending). */
  const twoAccounts = async (h: WorkflowHarness) => {
    const prod = await h.pendingRequest();
    await h.workflow.approve({ actor: PEOPLE.approver, requestId: prod.id });
    const staging = await createdRequest(
      h.store,
      aNewRequest({
        finding: aFinding({ id: 'f_staging', accountId: OTHER_ACCOUNT_ID }),
        requester: anActor('U0OTHER'),
      }),
    );
    return { prod, staging };
  };

  it('when an approver lists all, then requests on every account they may see are listed, newest first', async () => {
    const h = workflowHarness(stores);
    const { prod, staging } = await twoAccounts(h);

    const result = await h.workflow.list({ actor: PEOPLE.approver, filter: 'all' });

    expect(result).toMatchObject({ ok: true, requests: [{ id: staging.id }, { id: prod.id }] });
  });

  it('when someone scoped to one account lists all, then requests about other accounts are not shown', async () => {
    const h = workflowHarness(stores);
    const { staging } = await twoAccounts(h);

    const result = await h.workflow.list({ actor: PEOPLE.stagingApprover, filter: 'all' });

    expect(result).toMatchObject({ ok: true, requests: [{ id: staging.id }] });
    expect(result.ok && result.requests).toHaveLength(1);
  });

  it('when filtering by pending or mine, then only those are listed', async () => {
    const h = workflowHarness(stores);
    const { prod, staging } = await twoAccounts(h);

    const pending = await h.workflow.list({ actor: PEOPLE.viewer, filter: 'pending' });
    const mine = await h.workflow.list({ actor: PEOPLE.requester, filter: 'mine' });

    expect(pending.ok && pending.requests.map((r) => r.id)).toEqual([staging.id]);
    expect(mine.ok && mine.requests.map((r) => r.id)).toEqual([prod.id]);
  });

  it('when someone with no role lists, then it is refused and audited', async () => {
    const h = workflowHarness(stores);
    await twoAccounts(h);

    const result = await h.workflow.list({ actor: PEOPLE.stranger, filter: 'all' });

    expect(result).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(await h.store.latestAudit(1)).toEqual([
      expect.objectContaining({
        action: 'remediation.list',
        outcome: 'denied',
        actor: expect.objectContaining({ id: 'U0STRANGER' }),
      }),
    ]);
  });
});
