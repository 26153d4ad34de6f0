import { known } from '../../../src/core/model';
import { PEOPLE, workflowHarness } from '../../fixtures/remediation-ports';
import { SAMPLES } from '../../fixtures/remediation-builders';
import { anAccount, anS3Slice, NOW } from '../../fixtures/snapshot-builders';
import { useTempStores } from '../../fixtures/store';

const HOUR = 3_600_000;
const JUSTIFICATION = 'Public bucket with customer exports; close it now.';

describe('requestRemediation', () => {
  const stores = useTempStores();

  it('when a responder asks with a justification, then a pending request holds the fresh plan and the card it was posted as', async () => {
    const h = workflowHarness(stores);
    const sample = SAMPLES['s3_block_public_access']!();

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: sample.finding.id,
      justification: `  ${JUSTIFICATION}  `,
    });

    if (!result.ok) throw new Error(result.reason);
    const stored = await h.store.getRequest(result.request.id);
    expect(stored).toMatchObject({
      status: 'pending',
      kind: 'remediate',
      remediationId: 's3_block_public_access',
      justification: JUSTIFICATION,
      requester: { kind: 'slack-user', id: PEOPLE.requester.userId, name: 'rita' },
      requiredApprovals: 1,
      expiresAt: new Date(NOW.getTime() + 24 * HOUR).toISOString(),
      message: { channel: 'C0APPROVALS' },
    });
    expect(stored!.plan.calls).toEqual([
      expect.objectContaining({
        service: 's3',
        command: 'PutPublicAccessBlock',
        input: expect.objectContaining({ Bucket: 'app-data' }),
      }),
    ]);
    expect(h.slack.of('approvalRequested')).toHaveLength(1);
    expect(h.estate.rechecks).toHaveLength(1);
    expect(await h.auditOf(result.request.id)).toEqual([
      expect.objectContaining({ action: 'remediation.request', outcome: 'ok' }),
    ]);
  });

  it.each([
    ['missing', ''],
    ['too short', 'fix it'],
    ['too long', 'x'.repeat(2001)],
  ])('when the justification is %s, then nothing is stored and the refusal is audited', async (_, justification) => {
    const h = workflowHarness(stores);

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: h.estate.finding!.id,
      justification,
    });

    expect(result).toMatchObject({ ok: false, code: 'invalid', reason: expect.stringMatching(/justification/) });
    expect(await h.store.listRequests()).toEqual([]);
    expect(await h.store.listAudit()).toEqual([
      expect.objectContaining({
        action: 'remediation.request',
        outcome: 'denied',
        details: expect.objectContaining({ code: 'invalid' }),
      }),
    ]);
  });

  it('when a viewer asks, then it is refused with the policy reason and nothing is re-collected', async () => {
    const h = workflowHarness(stores);

    const result = await h.workflow.request({
      actor: PEOPLE.viewer,
      findingId: h.estate.finding!.id,
      justification: JUSTIFICATION,
    });

    expect(result).toMatchObject({
      ok: false,
      code: 'not-allowed',
      reason: expect.stringContaining('remediation:request'),
    });
    expect(h.estate.rechecks).toEqual([]);
    expect(await h.store.listRequests()).toEqual([]);
    expect((await h.store.listAudit())[0]).toMatchObject({ outcome: 'denied', details: { code: 'not-allowed' } });
  });

  it('when the finding id is not in the latest scans, then it is refused as not found', async () => {
    const h = workflowHarness(stores);

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: 'f_forged',
      justification: JUSTIFICATION,
    });

    expect(result).toMatchObject({ ok: false, code: 'finding-not-found' });
  });

  it('when the finding passes on a fresh collection, then there is nothing to request', async () => {
    const h = workflowHarness(stores);
    const finding = h.estate.finding!;
    h.estate.pass();

    const result = await h.workflow.request({ actor: PEOPLE.requester, finding, justification: JUSTIFICATION });

    expect(result).toMatchObject({ ok: false, code: 'not-failing', reason: expect.stringContaining('now passes') });
    expect(await h.store.listRequests()).toEqual([]);
  });

  it('when the fresh collection cannot support a plan, then the remediation’s reason is given', async () => {
    const h = workflowHarness(stores);
    h.estate.account = anAccount({ s3: anS3Slice({ buckets: known([]) }) });

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: h.estate.finding!.id,
      justification: JUSTIFICATION,
    });

    expect(result).toMatchObject({
      ok: false,
      code: 'plan-refused',
      reason: 'Bucket app-data is not in the snapshot.',
    });
  });

  it('when a remediation that does not fix the finding is asked for, then the ones that do are named', async () => {
    const h = workflowHarness(stores);

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: h.estate.finding!.id,
      remediationId: 'ec2_require_imdsv2',
      justification: JUSTIFICATION,
    });

    expect(result).toMatchObject({
      ok: false,
      code: 'no-remediation',
      reason: expect.stringContaining('s3_block_public_access'),
    });
  });

  it('when remediation is disabled, then nothing can be requested', async () => {
    const h = workflowHarness(stores, { config: { enabled: false } });

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: h.estate.finding!.id,
      justification: JUSTIFICATION,
    });

    expect(result).toMatchObject({ ok: false, code: 'disabled' });
  });

  it('when the configuration asks two approvals for a low-risk remediation, then the request needs two', async () => {
    const h = workflowHarness(stores, { config: { approvals: { s3_block_public_access: 2 } } });

    expect(await h.pendingRequest()).toMatchObject({ requiredApprovals: 2 });
  });

  it('when the configuration lowers a high-risk remediation to one approval, then it still needs two', async () => {
    const h = workflowHarness(stores, {
      sample: 'ec2_require_imdsv2',
      config: { approvals: { ec2_require_imdsv2: 1 } },
    });

    expect(await h.pendingRequest()).toMatchObject({ remediationId: 'ec2_require_imdsv2', requiredApprovals: 2 });
  });

  it('when the card cannot be posted, then the request still stands and the failure is audited', async () => {
    const h = workflowHarness(stores);
    h.deps.notifier.approvalRequested = async () => {
      throw new Error('channel_not_found');
    };

    const request = await h.pendingRequest();

    expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'pending', message: null });
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({
        action: 'remediation.notify',
        outcome: 'error',
        details: expect.objectContaining({ error: 'channel_not_found' }),
      }),
    );
  });
});

describe('previewRemediation', () => {
  const stores = useTempStores();

  it('when a responder opens the modal, then the plan, risk and approvals are shown and nothing is stored', async () => {
    const h = workflowHarness(stores);

    const preview = await h.workflow.preview({ actor: PEOPLE.requester, findingId: h.estate.finding!.id });

    expect(preview).toMatchObject({
      ok: true,
      remediation: { id: 's3_block_public_access', risk: 'low' },
      requiredApprovals: 1,
      plan: { calls: [expect.objectContaining({ command: 'PutPublicAccessBlock' })] },
    });
    expect(await h.store.listRequests()).toEqual([]);
  });
});
