/**
 * Exactly once per change, not only per request: a finding has at most one open (pending, approved
 * or executing) request per remediation, remediations and undos alike, so two modals, a replayed
 * submission or an undo racing a new fix never add up to two writes to the same resource.
 */
import { PEOPLE, workflowHarness, type WorkflowHarness } from '../../fixtures/remediation-ports';
import { useTempStores } from '../../fixtures/store';

const HOUR = 3_600_000;
const JUSTIFICATION = 'Public bucket with customer exports; close it now.';
const WHY_UNDO = 'The website broke: it needs public reads until the CDN is in place.';

const ask = (h: WorkflowHarness, actor: (typeof PEOPLE)[keyof typeof PEOPLE] = PEOPLE.requester) =>
  h.workflow.request({ actor, findingId: h.estate.finding!.id, justification: JUSTIFICATION });

/** A remediation that succeeded (the bucket now blocks public access). */
const succeededRemediation = async (h: WorkflowHarness) => {
  const request = await h.pendingRequest();
  const approved = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });
  if (!approved.ok || approved.request.status !== 'succeeded') throw new Error('expected the remediation to succeed');
  return approved.request;
};

describe('one open request per finding and remediation', () => {
  const stores = useTempStores();

  it('when the same finding is asked for again while the first request is pending, then the second is refused naming the first, its status and requester', async () => {
    const h = workflowHarness(stores);
    const first = await h.pendingRequest();

    const second = await ask(h, PEOPLE.approver);

    expect(second).toMatchObject({
      ok: false,
      code: 'already-requested',
      request: { id: first.id, status: 'pending' },
      reason: expect.stringContaining(first.id),
    });
    if (second.ok) return;
    expect(second.reason).toContain('pending');
    expect(second.reason).toContain('rita');
    expect(await h.store.listRequests()).toHaveLength(1);
    expect(h.slack.of('approvalRequested')).toHaveLength(1);
    expect(await h.store.listAudit()).toContainEqual(
      expect.objectContaining({
        action: 'remediation.request',
        outcome: 'denied',
        details: expect.objectContaining({ code: 'already-requested', existingRequestId: first.id }),
      }),
    );
  });

  it('when the modal is opened while a request is open, then the preview already points to it', async () => {
    const h = workflowHarness(stores);
    const first = await h.pendingRequest();

    const preview = await h.workflow.preview({ actor: PEOPLE.requester, findingId: h.estate.finding!.id });

    expect(preview).toMatchObject({ ok: false, code: 'already-requested', request: { id: first.id } });
  });

  it('when a modal submission is checked while a request is open, then it is refused naming it without collecting anything', async () => {
    const h = workflowHarness(stores);
    const first = await h.pendingRequest();
    const rechecks = h.estate.rechecks.length;

    const check = await h.workflow.checkRequest({ actor: PEOPLE.requester, findingId: h.estate.finding!.id });

    expect(check).toMatchObject({ ok: false, code: 'already-requested', request: { id: first.id } });
    expect(h.estate.rechecks).toHaveLength(rechecks);
    expect(await h.workflow.checkRequest({ actor: PEOPLE.requester, findingId: 'f_0000000000000000' })).toEqual({
      ok: true,
    });
  });

  it('when several submissions for the same finding run at once, then exactly one request is stored and the others point to it', async () => {
    const h = workflowHarness(stores);

    const results = await Promise.all(Array.from({ length: 5 }, () => ask(h)));

    const created = results.filter((r) => r.ok);
    expect(created).toHaveLength(1);
    const winner = created[0]!.ok ? created[0]!.request.id : '';
    for (const r of results.filter((x) => !x.ok)) {
      expect(r).toMatchObject({ ok: false, code: 'already-requested', request: { id: winner } });
    }
    expect((await h.store.listRequests()).map((r) => r.id)).toEqual([winner]);
  });

  it('when the first request was approved and executed, then approving did one write and a second request for the still-failing finding is accepted', async () => {
    const h = workflowHarness(stores);
    // The write "happens" but the check keeps failing (e.g. an account-level setting overrides it).
    h.estate.effect = () => h.estate.fail();
    const first = await h.pendingRequest();
    const done = await h.workflow.approve({ actor: PEOPLE.approver, requestId: first.id });
    expect(done).toMatchObject({ ok: true, request: { status: 'failed' } });

    const again = await ask(h);

    expect(again).toMatchObject({ ok: true, request: { status: 'pending' } });
    expect(h.estate.executions).toHaveLength(1);
  });

  it.each(['denied', 'expired', 'failed', 'no_op', 'cancelled'] as const)(
    'when the first request ended %s, then it does not block a new one',
    async (status) => {
      const h = workflowHarness(stores);
      const first = await h.pendingRequest();
      await h.store.transitionRequest(first.id, ['pending'], status, { reason: 'ended for the test' });

      const again = await ask(h);

      expect(again).toMatchObject({ ok: true, request: { status: 'pending' } });
      expect(again.ok && again.request.id).not.toBe(first.id);
    },
  );

  it('when the open request is pending past its expiry (the sweep has not run yet), then it is expired and the new request is accepted', async () => {
    const h = workflowHarness(stores);
    const first = await h.pendingRequest();
    h.clock.advance(24 * HOUR + 1);

    const again = await ask(h);

    expect(again).toMatchObject({ ok: true, request: { status: 'pending' } });
    expect(await h.store.getRequest(first.id)).toMatchObject({ status: 'expired' });
    expect(h.slack.of('requestChanged', first.id)).toContainEqual(expect.objectContaining({ event: 'expired' }));
  });

  it('when an undo of the finding’s fix is pending, then a new remediation of the same finding is refused naming the undo', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);
    const undo = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY_UNDO });
    if (!undo.ok) throw new Error(undo.reason);
    // Someone opened the bucket again by hand: the finding fails, and a fix would conflict with the undo.
    h.estate.fail();

    const fix = await ask(h);

    expect(fix).toMatchObject({ ok: false, code: 'already-requested', request: { id: undo.request.id, kind: 'undo' } });
    expect(fix.ok ? '' : fix.reason).toContain('undo');
  });

  it('when a new remediation of the finding is pending, then undoing the earlier fix is refused naming it', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);
    h.estate.fail();
    const fix = await ask(h);
    if (!fix.ok) throw new Error(fix.reason);

    const undo = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY_UNDO });

    expect(undo).toMatchObject({ ok: false, code: 'already-requested', request: { id: fix.request.id } });
    expect((await h.store.listRequests()).filter((r) => r.kind === 'undo')).toEqual([]);
  });

  it('when two undos of the same fix are asked for at once, then one is stored and the other is told an undo exists', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);

    const results = await Promise.all(
      [PEOPLE.approver, PEOPLE.secondApprover].map((actor) =>
        h.workflow.undo({ actor, requestId: original.id, justification: WHY_UNDO }),
      ),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, code: 'undo-exists' });
    expect((await h.store.listRequests()).filter((r) => r.kind === 'undo')).toHaveLength(1);
  });

  it('when an undo succeeds, then the original’s card is told it was undone; a failed undo leaves it as it was', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);
    const undo = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY_UNDO });
    if (!undo.ok) throw new Error(undo.reason);
    h.estate.effect = () => h.estate.pass();

    const failed = await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: undo.request.id });
    expect(failed).toMatchObject({ ok: true, request: { status: 'failed' } });
    expect(h.slack.of('requestUndone')).toEqual([]);

    const again = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY_UNDO });
    if (!again.ok) throw new Error(again.reason);
    h.estate.effect = () => h.estate.fail();
    const done = await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: again.request.id });

    expect(done).toMatchObject({ ok: true, request: { status: 'succeeded' } });
    expect(h.slack.of('requestUndone')).toEqual([
      expect.objectContaining({ requestId: original.id, text: again.request.id }),
    ]);
  });
});
