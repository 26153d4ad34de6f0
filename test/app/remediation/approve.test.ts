import { groupApprovers, PEOPLE, workflowHarness } from '../../fixtures/remediation-ports';
import { useTempStores } from '../../fixtures/store';

const HOUR = 3_600_000;

describe('approveRequest', () => {
  const stores = useTempStores();

  it('when an approver approves, then the plan runs once as them, is verified, and every step is on the card and in the audit log', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();

    const result = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });

    expect(result).toMatchObject({ ok: true, outcome: 'approved', request: { status: 'succeeded', reason: null } });
    expect(h.estate.executions).toHaveLength(1);
    expect(h.estate.executions[0]).toEqual({
      calls: request.plan.calls,
      ctx: {
        accountId: '111111111111',
        requestId: request.id,
        actor: { kind: 'slack-user', id: 'U0APPROVER', name: 'alan' },
        // The executor holds the plan to what this remediation declares.
        remediationId: 's3_block_public_access',
        kind: 'remediate',
      },
    });
    const done = await h.store.getRequest(request.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      approvals: [{ approver: { id: 'U0APPROVER' } }],
      result: {
        dryRun: false,
        precheck: { status: 'fail' },
        calls: [{ command: 'PutPublicAccessBlock', outcome: 'ok', awsRequestId: 'AWSREQ-1' }],
        verification: { outcome: 'passed', status: 'pass' },
      },
    });
    expect(h.slack.of('requestChanged').map((n) => n.event)).toEqual(['approved', 'executing', 'succeeded']);
    const [posted] = h.slack.of('resultPosted');
    expect(posted?.text).toContain(
      's3 PutPublicAccessBlock (us-east-1): ok [AWS request AWSREQ-1] — AWS answered: {"answeredBy":"fake AWS"}',
    );
    expect(posted?.text).toContain('After: the check passes: all four settings on.');
    expect((await h.auditOf(request.id)).map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'remediation.request:ok',
      'remediation.approve:ok',
      'remediation.status:ok', // pending → approved
      'remediation.status:ok', // approved → executing
      'remediation.integrity:ok', // the row, its trail and its approvals check out
      'remediation.recheck:ok',
      'remediation.execute:started',
      'remediation.execute:ok',
      'remediation.verify:ok',
      'remediation.status:ok', // executing → succeeded
    ]);
  });

  describe('a remediation that needs two approvals', () => {
    it('when one approver approves, then it waits; the same person again is refused; a second person executes it', async () => {
      const h = workflowHarness(stores, { sample: 'ec2_require_imdsv2' });
      const request = await h.pendingRequest();

      const first = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });
      expect(first).toMatchObject({
        ok: true,
        outcome: 'recorded',
        approvalsMissing: 1,
        request: { status: 'pending' },
      });
      expect(h.slack.of('requestChanged').map((n) => n.event)).toEqual(['approval-added']);

      const again = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });
      expect(again).toMatchObject({ ok: false, code: 'already-approved-by-you' });
      expect(h.estate.executions).toHaveLength(0);

      const second = await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: request.id });
      expect(second).toMatchObject({ ok: true, outcome: 'approved', request: { status: 'succeeded' } });
      expect(h.estate.executions).toHaveLength(1);
      expect(h.estate.executions[0]!.calls[0]).toMatchObject({
        command: 'ModifyInstanceMetadataOptions',
        input: expect.objectContaining({ InstanceId: 'i-0abc123', HttpTokens: 'required' }),
      });
      expect((await h.store.getRequest(request.id))!.approvals.map((a) => a.approver.id)).toEqual([
        'U0APPROVER',
        'U0APPROVER2',
      ]);
    });
  });

  describe('separation of duties', () => {
    it('when the requester approves their own request, then it is refused and audited', async () => {
      const h = workflowHarness(stores);
      const request = await h.pendingRequest({ actor: PEOPLE.approver });

      const result = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });

      expect(result).toMatchObject({
        ok: false,
        code: 'self-approval',
        reason: expect.stringContaining('separation of duties'),
      });
      expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'pending', approvals: [] });
      expect(h.estate.executions).toHaveLength(0);
      expect(await h.auditOf(request.id)).toContainEqual(
        expect.objectContaining({
          action: 'remediation.approve',
          outcome: 'denied',
          details: expect.objectContaining({ code: 'self-approval' }),
        }),
      );
    });

    it('when break-glass is enabled but no reason is given, then self-approval is still refused', async () => {
      const h = workflowHarness(stores, { config: { allowSelfApproval: true } });
      const request = await h.pendingRequest({ actor: PEOPLE.approver });

      const result = await h.workflow.approve({
        actor: PEOPLE.approver,
        requestId: request.id,
        breakGlassReason: '   ',
      });

      expect(result).toMatchObject({
        ok: false,
        code: 'self-approval',
        reason: expect.stringContaining('with a reason'),
      });
      expect(h.slack.of('selfApprovalNotice')).toEqual([]);
    });

    it('when break-glass is enabled and a reason is given, then it is approved, audited, and the approvers are told', async () => {
      const h = workflowHarness(stores, { config: { allowSelfApproval: true } });
      const request = await h.pendingRequest({ actor: PEOPLE.approver });

      const result = await h.workflow.approve({
        actor: PEOPLE.approver,
        requestId: request.id,
        breakGlassReason: 'Active incident, nobody else on call',
      });

      expect(result).toMatchObject({ ok: true, outcome: 'approved', request: { status: 'succeeded' } });
      expect(h.slack.of('selfApprovalNotice')).toEqual([
        expect.objectContaining({ requestId: request.id, text: 'Active incident, nobody else on call' }),
      ]);
      expect(await h.auditOf(request.id)).toContainEqual(
        expect.objectContaining({
          action: 'remediation.break_glass',
          outcome: 'allowed',
          details: expect.objectContaining({ reason: 'Active incident, nobody else on call' }),
        }),
      );
      expect((await h.store.getRequest(request.id))!.approvals[0]).toMatchObject({
        comment: 'break-glass: Active incident, nobody else on call',
      });
    });
  });

  describe('refusals', () => {
    it.each([
      [
        'an approver scoped to another account',
        PEOPLE.stagingApprover,
        /^this is not on an account you may see(?!.*111111111111)/,
      ],
      ['a viewer', PEOPLE.viewer, /remediation:approve/],
      ['someone with no role', PEOPLE.stranger, /^you have no cloudsec role yet(?!.*111111111111)/],
    ])(
      'when %s presses Approve, then it is refused, audited with the reason, and nothing runs',
      async (_, actor, why) => {
        const h = workflowHarness(stores);
        const request = await h.pendingRequest();

        const result = await h.workflow.approve({ actor, requestId: request.id });

        expect(result).toMatchObject({ ok: false, code: 'not-allowed', reason: expect.stringMatching(why) });
        expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'pending', approvals: [] });
        expect(h.estate.executions).toHaveLength(0);
        const refusal = (await h.auditOf(request.id)).find((e) => e.outcome === 'denied');
        expect(refusal).toMatchObject({
          action: 'remediation.approve',
          actor: { id: actor.userId },
          details: { code: 'not-allowed', reason: expect.stringMatching(why) },
        });
      },
    );

    it('when the button carries an unknown request id, then it is refused as not found and audited', async () => {
      const h = workflowHarness(stores);

      const result = await h.workflow.approve({ actor: PEOPLE.approver, requestId: 'forged-id' });

      expect(result).toMatchObject({ ok: false, code: 'not-found' });
      expect(await h.store.listAudit({ requestId: 'forged-id' })).toEqual([
        expect.objectContaining({
          action: 'remediation.approve',
          outcome: 'denied',
          details: expect.objectContaining({ code: 'not-found' }),
        }),
      ]);
    });

    it('when the request is no longer pending, then a stale Approve is refused with its status', async () => {
      const h = workflowHarness(stores);
      const request = await h.pendingRequest();
      await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });

      const stale = await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: request.id });

      expect(stale).toMatchObject({
        ok: false,
        code: 'not-pending',
        status: 'succeeded',
        reason: expect.stringContaining('succeeded'),
      });
      expect(h.estate.executions).toHaveLength(1);
      expect(await h.auditOf(request.id)).toContainEqual(
        expect.objectContaining({ outcome: 'denied', actor: expect.objectContaining({ id: 'U0APPROVER2' }) }),
      );
    });

    it('when the request has expired but the sweep has not run yet, then approving expires it and is refused', async () => {
      const h = workflowHarness(stores);
      const request = await h.pendingRequest();
      h.clock.advance(24 * HOUR);

      const result = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });

      expect(result).toMatchObject({ ok: false, code: 'expired', status: 'expired' });
      expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'expired', approvals: [] });
      expect(h.slack.of('requestChanged').map((n) => n.event)).toEqual(['expired']);
      expect(h.estate.executions).toHaveLength(0);
    });
  });

  describe('exactly once', () => {
    it('when 20 approvers press Approve at the same moment, then AWS is written to once', async () => {
      const h = workflowHarness(stores);
      const request = await h.pendingRequest();

      const results = await Promise.all(
        groupApprovers(20).map((actor) => h.workflow.approve({ actor, requestId: request.id })),
      );

      expect(h.estate.executions).toHaveLength(1);
      expect(results.filter((r) => r.ok && r.outcome === 'approved')).toHaveLength(1);
      expect(await h.store.getRequest(request.id)).toMatchObject({ status: 'succeeded' });
      expect(h.slack.of('resultPosted')).toHaveLength(1);
    });

    it('when one approver double-clicks 20 times, then one approval is recorded and AWS is written to once', async () => {
      const h = workflowHarness(stores);
      const request = await h.pendingRequest();

      const results = await Promise.all(
        Array.from({ length: 20 }, () => h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id })),
      );

      expect(h.estate.executions).toHaveLength(1);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect((await h.store.getRequest(request.id))!.approvals).toHaveLength(1);
    });
  });
});
