import { PEOPLE, workflowHarness, type WorkflowHarness } from '../../fixtures/remediation-ports';
import { aNewRequest, createdRequest, useTempStores } from '../../fixtures/store';

const HOUR = 3_600_000;
const WHY = 'The website broke: it needs public reads until the CDN is in place.';

/** A remediation that succeeded (the bucket now blocks public access). */
const succeededRemediation = async (h: WorkflowHarness) => {
  const request = await h.pendingRequest();
  const approved = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });
  if (!approved.ok || approved.request.status !== 'succeeded') throw new Error('expected the remediation to succeed');
  return approved.request;
};

describe('requestUndo', () => {
  const stores = useTempStores();

  it('when an approver asks within the window, then an undo request restoring the recorded state goes through approval and runs', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);
    h.clock.advance(23 * HOUR);

    const asked = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });

    if (!asked.ok) throw new Error(asked.reason);
    expect(asked.request).toMatchObject({
      kind: 'undo',
      undoOf: original.id,
      status: 'pending',
      remediationId: 's3_block_public_access',
      requiredApprovals: 1,
      message: { channel: 'C0APPROVALS' },
    });
    expect(asked.request.plan.calls).toEqual([
      expect.objectContaining({
        command: 'PutPublicAccessBlock',
        input: expect.objectContaining({
          Bucket: 'app-data',
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: false,
          },
        }),
      }),
    ]);
    expect(h.estate.executions).toHaveLength(1);

    // Undoing brings the finding back: that is what verifies an undo.
    h.estate.effect = () => h.estate.fail();
    expect(await h.workflow.approve({ actor: PEOPLE.approver, requestId: asked.request.id })).toMatchObject({
      code: 'self-approval',
    });
    const done = await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: asked.request.id });

    expect(done).toMatchObject({
      ok: true,
      request: { status: 'succeeded', result: { verification: { outcome: 'failed' } } },
    });
    expect(h.estate.executions).toHaveLength(2);
    expect(h.estate.executions[1]!.calls).toEqual(asked.request.plan.calls);
  });

  it('when the window has closed, then the undo is refused and audited', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);
    h.clock.advance(24 * HOUR + 1);

    const result = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });

    expect(result).toMatchObject({ ok: false, code: 'undo-window-closed', reason: expect.stringContaining('24 h') });
    expect(await h.auditOf(original.id)).toContainEqual(
      expect.objectContaining({ action: 'remediation.undo_request', outcome: 'denied' }),
    );
    expect((await h.store.listRequests()).filter((r) => r.kind === 'undo')).toEqual([]);
  });

  it('when someone without remediation:undo asks, then it is refused', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);

    const result = await h.workflow.undo({ actor: PEOPLE.requester, requestId: original.id, justification: WHY });

    expect(result).toMatchObject({
      ok: false,
      code: 'not-allowed',
      reason: expect.stringContaining('remediation:undo'),
    });
  });

  it('when an undo is already pending, then a second one is refused', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);
    const first = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });

    const second = await h.workflow.undo({ actor: PEOPLE.secondApprover, requestId: original.id, justification: WHY });

    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, code: 'undo-exists' });
  });

  it('when the request did not succeed or is itself an undo, then there is nothing to undo', async () => {
    const h = workflowHarness(stores);
    // Another change, still pending (a request of its own target: the estate's finding gets the fix below).
    const pending = await createdRequest(h.store, aNewRequest());
    const original = await succeededRemediation(h);
    const undo = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });
    if (!undo.ok) throw new Error(undo.reason);

    expect(await h.workflow.undo({ actor: PEOPLE.approver, requestId: pending.id, justification: WHY })).toMatchObject({
      code: 'not-undoable',
      status: 'pending',
    });
    expect(
      await h.workflow.undo({ actor: PEOPLE.approver, requestId: undo.request.id, justification: WHY }),
    ).toMatchObject({
      code: 'not-undoable',
      reason: expect.stringContaining('cannot itself be undone'),
    });
  });

  it('when the remediation was a dry run and dry run is now off, then it cannot be undone for real', async () => {
    const h = workflowHarness(stores, { dryRun: true });
    const original = await succeededRemediation(h);
    h.deps.dryRun = false;

    const result = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });

    expect(result).toMatchObject({ ok: false, code: 'not-undoable', reason: expect.stringContaining('dry run') });
  });

  it('when the resource changed again since the remediation, then the approved undo fails without sending anything', async () => {
    const h = workflowHarness(stores);
    const original = await succeededRemediation(h);
    const undo = await h.workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });
    if (!undo.ok) throw new Error(undo.reason);
    h.estate.fail('Bucket app-data does not block public access: blockPublicAcls off.');

    const result = await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: undo.request.id });

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'failed', reason: expect.stringContaining('changed since the remediation') },
    });
    expect(h.estate.executions).toHaveLength(1);
  });
});
