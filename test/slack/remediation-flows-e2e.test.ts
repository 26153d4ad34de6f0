/**
 * The remediation flows besides a plain approval, through the real Bolt app: deny with a reason,
 * expiry, undo, and two approvals. Requests are signed like Slack's; the Web API and response_url
 * are nock; AWS is fake-aws; the store is SQLite; time is a clock the test moves.
 */
import {
  APPROVALS_CHANNEL,
  BUCKET,
  HOUR_MS,
  INSTANCE,
  PEOPLE,
  TARGETS,
  awsWrites,
  buttonsIn,
  dmsTo,
  requesterDmNow,
  eventually,
  press,
  remediationConfig,
  requestFix,
  startRemediationE2e,
  submit,
  updatesOf,
  type RemediationE2e,
} from '../fixtures/remediation-e2e';

const { requester, approver, secondApprover } = PEOPLE;
const APPROVE = 'remediation.approve';
const DENY = 'remediation.deny';
const UNDO = 'remediation.undo';

const lastOf = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

describe('remediation flows through Slack, end to end', () => {
  let e2e: RemediationE2e;

  afterEach(async () => {
    await e2e.close();
  });

  describe('deny', () => {
    beforeEach(async () => {
      e2e = await startRemediationE2e({ config: remediationConfig() });
    });

    const openDenyModal = async (requestId: string) => {
      await press(e2e, approver, DENY, requestId, { answer: false });
      return lastOf(e2e.views)!;
    };

    it('when an approver denies with a reason, then the request is denied with it, the card loses its buttons, the requester is told, and AWS is not written', async () => {
      const { requestId, card } = await requestFix(e2e);
      const modal = await openDenyModal(requestId);
      expect(modal.callback_id).toBe('remediation.deny_submit');
      expect(modal.private_metadata).toBe(requestId);

      const reason = 'This bucket serves the public website; use CloudFront instead';
      const res = await submit(e2e, approver, {
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        blockId: 'reason',
        value: `  ${reason}  `,
      });
      expect(res.status).toBe(200);
      expect(res.body.response_action).toBeUndefined();
      await eventually(
        () => dmsTo(e2e, approver).some((d) => d.text.includes(`Request ${requestId} denied`)),
        'the approver told it is denied',
      );

      const denied = (await e2e.store.getRequest(requestId))!;
      expect(denied).toMatchObject({ status: 'denied', reason, decidedBy: { id: approver.id } });
      const cardNow = lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: card.ts }));
      expect(cardNow?.text).toMatch(/Denied/);
      expect(cardNow?.blocks).toContain(reason);
      expect(buttonsIn(cardNow)).toEqual([]);
      const toldRequester = requesterDmNow(e2e, requester);
      expect(toldRequester?.text).toMatch(/Denied/);
      expect(toldRequester?.blocks).toContain(reason);

      expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);
      expect(await awsWrites(e2e)).toEqual([]);
      const entries = await e2e.store.listAudit({ requestId });
      expect(entries).toContainEqual(
        expect.objectContaining({
          action: 'remediation.deny',
          outcome: 'ok',
          actor: expect.objectContaining({ id: approver.id }),
          details: expect.objectContaining({ reason }),
        }),
      );
      expect(await e2e.store.verifyAudit()).toMatchObject({ ok: true });
    });

    it('when the deny modal is submitted with an empty or blank reason, then Slack is told to show a field error and nothing changes', async () => {
      const { requestId, card } = await requestFix(e2e);
      const modal = await openDenyModal(requestId);
      const auditBefore = (await e2e.store.listAudit({ requestId })).length;
      const postedBefore = e2e.posted.length;

      for (const value of ['', '   \n ']) {
        const res = await submit(e2e, approver, {
          callbackId: modal.callback_id,
          privateMetadata: modal.private_metadata,
          blockId: 'reason',
          value,
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          response_action: 'errors',
          errors: { reason: expect.stringMatching(/reason for the denial/) },
        });
      }
      await e2e.stop(); // waits for anything the submissions might have started

      expect((await e2e.store.getRequest(requestId))!).toMatchObject({ status: 'pending', reason: null });
      expect(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: card.ts })).toEqual([]);
      expect(e2e.posted).toHaveLength(postedBefore);
      expect(await e2e.store.listAudit({ requestId })).toHaveLength(auditBefore);
    });

    // README (Remediation, step 1): "The requester gets a DM that is updated as the request moves", and
    // renderRequesterStatus says "updated in place". The notifier posts a new DM at every step instead
    // (src/app/remediation/notifier.ts, tellRequester → messenger.dm → chat.postMessage each time).
    it('when the request moves, then the requester’s DM is updated in place, not posted again', async () => {
      const { requestId } = await requestFix(e2e);
      const modal = await openDenyModal(requestId);
      await submit(e2e, approver, {
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        blockId: 'reason',
        value: 'Not this quarter; the owners are migrating it.',
      });
      await eventually(async () => (await e2e.store.getRequest(requestId))!.status === 'denied', 'the denial');
      await e2e.stop();

      expect(dmsTo(e2e, requester)).toHaveLength(1);
      expect(e2e.updated.some((u) => u.channel === `D0DM${requester.id}` && /Denied/.test(u.text))).toBe(true);
    });
  });

  describe('expiry', () => {
    beforeEach(async () => {
      e2e = await startRemediationE2e({ config: remediationConfig(['expiryHours: 24']) });
    });

    it('when the expiry sweep runs after a request’s expiry, then its card shows it expired without buttons, and a later Approve is refused without writing to AWS', async () => {
      const { requestId, card } = await requestFix(e2e);
      e2e.clock.advance(24 * HOUR_MS + 60_000);

      // What src/main.ts runs every minute.
      const expired = await e2e.deps.remediation!.expire();

      expect(expired.map((r) => r.id)).toEqual([requestId]);
      expect((await e2e.store.getRequest(requestId))!.status).toBe('expired');
      const cardNow = lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: card.ts }));
      expect(cardNow?.text).toMatch(/Expired/);
      expect(buttonsIn(cardNow)).toEqual([]);
      expect(requesterDmNow(e2e, requester)?.text).toMatch(/Expired/);

      const answer = await press(e2e, approver, APPROVE, requestId);
      expect(answer?.body).toMatch(/This request is expired; only pending requests can be approved/);
      expect((await e2e.store.getRequest(requestId))!).toMatchObject({ status: 'expired', approvals: [] });
      expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);
      expect(await awsWrites(e2e)).toEqual([]);
    });

    it('when Approve is pressed after the expiry but before any sweep, then it is refused, the request expires, and its card loses its buttons', async () => {
      const { requestId, card } = await requestFix(e2e);
      e2e.clock.advance(24 * HOUR_MS + 60_000);

      const answer = await press(e2e, approver, APPROVE, requestId);

      expect(answer?.body).toMatch(/This request has expired; ask for it again/);
      expect((await e2e.store.getRequest(requestId))!.status).toBe('expired');
      const cardNow = lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: card.ts }));
      expect(cardNow?.text).toMatch(/Expired/);
      expect(buttonsIn(cardNow)).toEqual([]);
      expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);
      expect(await e2e.deps.remediation!.expire()).toEqual([]);
    });

    it('when a request is approved just before its expiry, then the sweep leaves it alone', async () => {
      const { requestId } = await requestFix(e2e);
      e2e.clock.advance(24 * HOUR_MS - 60_000);
      await press(e2e, approver, APPROVE, requestId);
      e2e.clock.advance(2 * 60_000);

      expect(await e2e.deps.remediation!.expire()).toEqual([]);
      expect((await e2e.store.getRequest(requestId))!.status).toBe('succeeded');
      expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
    });
  });

  describe('undo', () => {
    beforeEach(async () => {
      e2e = await startRemediationE2e({ config: remediationConfig(['undoWindowHours: 24']) });
    });

    /** Requests the bucket fix and has it approved; resolves once it succeeded. */
    const fixedBucket = async () => {
      const fix = await requestFix(e2e);
      const answer = await press(e2e, approver, APPROVE, fix.requestId);
      expect(answer?.text).toMatch(/Status: succeeded/);
      return fix;
    };

    const askForUndo = async (requestId: string) => {
      await press(e2e, approver, UNDO, requestId, { answer: false });
      const modal = lastOf(e2e.views)!;
      expect(modal.callback_id).toBe('remediation.undo_submit');
      const res = await submit(e2e, approver, {
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        blockId: 'justification',
        value: 'The website behind this bucket broke; restore access while we move it.',
      });
      expect(res.body.response_action).toBeUndefined();
    };

    it('when a succeeded fix is undone and another approver approves the undo, then the inverse call is sent to AWS once', async () => {
      const fix = await fixedBucket();
      expect(buttonsIn(lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: fix.card.ts })))).toEqual([UNDO]);

      await askForUndo(fix.requestId);
      await eventually(
        () => dmsTo(e2e, approver).some((d) => d.text.includes(`Undo of ${fix.requestId} requested`)),
        'the undo requester told',
      );
      const undo = (await e2e.store.listRequests({})).find((r) => r.undoOf === fix.requestId)!;
      expect(undo).toMatchObject({ kind: 'undo', status: 'pending', requester: { id: approver.id } });
      // The public bucket had no Block Public Access configuration of its own before the fix.
      expect(undo.plan.calls).toEqual([
        expect.objectContaining({
          command: 'DeletePublicAccessBlock',
          input: expect.objectContaining({ Bucket: BUCKET }),
        }),
      ]);
      const undoCard = e2e.posted.find((p) => p.channel === APPROVALS_CHANNEL && p.ts === undo.message?.ts)!;
      expect(undoCard.text).toMatch(/^Undo request/);
      expect(buttonsIn(undoCard)).toEqual([APPROVE, DENY]);

      const own = await press(e2e, approver, APPROVE, undo.id);
      expect(own?.body).toMatch(/separation of duties/);
      expect(await awsWrites(e2e, undo.id)).toEqual([]);

      await press(e2e, secondApprover, APPROVE, undo.id);
      expect(await awsWrites(e2e, undo.id)).toEqual([
        's3:DeletePublicAccessBlock:started',
        's3:DeletePublicAccessBlock:ok',
      ]);
      expect(await awsWrites(e2e, fix.requestId)).toEqual([
        's3:PutPublicAccessBlock:started',
        's3:PutPublicAccessBlock:ok',
      ]);
      const reply = e2e.posted.find((p) => p.channel === APPROVALS_CHANNEL && p.thread_ts === undoCard.ts);
      expect(reply?.blocks).toContain('DeletePublicAccessBlock');
      expect(await e2e.store.verifyAudit()).toMatchObject({ ok: true });
    });

    // fake-aws (test/fixtures/aws/fake-aws.ts, handleS3) models only PutPublicAccessBlock: a DELETE
    // ?publicAccessBlock is answered like a GET (200, all four settings on) and recorded as
    // GetPublicAccessBlock, and the bucket stays in `blockedBuckets`, so verification still sees the
    // check passing and the undo ends `failed`. Passes once fake-aws removes the bucket from
    // `blockedBuckets` on DELETE (answering 204) so it reads back as NoSuchPublicAccessBlockConfiguration.
    it('when the undo of a bucket fix has run, then the check fails again and the undo is verified', async () => {
      const fix = await fixedBucket();
      await askForUndo(fix.requestId);
      await eventually(
        async () => (await e2e.store.listRequests({})).some((r) => r.undoOf === fix.requestId && r.message),
        'the undo card',
      );
      const undo = (await e2e.store.listRequests({})).find((r) => r.undoOf === fix.requestId)!;
      await press(e2e, secondApprover, APPROVE, undo.id);

      expect((await e2e.store.getRequest(undo.id))!).toMatchObject({
        status: 'succeeded',
        result: expect.objectContaining({ verification: expect.objectContaining({ outcome: 'failed' }) }),
      });
    });

    it('when Undo is pressed after the undo window, then it is refused with the reason before any modal opens and nothing is sent to AWS', async () => {
      const fix = await fixedBucket();
      e2e.clock.advance(24 * HOUR_MS + 60_000);
      const viewsBefore = e2e.views.length;

      const answer = await press(e2e, approver, UNDO, fix.requestId);

      expect(answer?.body).toContain('Undo is possible for 24 h');
      expect(e2e.views).toHaveLength(viewsBefore);

      expect((await e2e.store.listRequests({})).filter((r) => r.kind === 'undo')).toEqual([]);
      expect(e2e.posted.filter((p) => p.channel === APPROVALS_CHANNEL && /^Undo request/.test(p.text))).toEqual([]);
      expect(await awsWrites(e2e)).toEqual(['s3:PutPublicAccessBlock:started', 's3:PutPublicAccessBlock:ok']);
      const refused = (await e2e.store.listAudit({ requestId: fix.requestId })).filter(
        (e) => e.action === 'remediation.undo_request',
      );
      expect(refused).toEqual([
        expect.objectContaining({
          outcome: 'denied',
          details: expect.objectContaining({ code: 'undo-window-closed' }),
        }),
      ]);
    });
  });

  describe('two approvals', () => {
    beforeEach(async () => {
      // The override asks two for a low-risk fix; the high-risk one cannot be lowered to one.
      e2e = await startRemediationE2e({
        config: remediationConfig(['approvals: { s3_block_public_access: 2, ec2_require_imdsv2: 1 }']),
      });
    });

    it('when a fix needs two approvals, then the first leaves it pending at "1 of 2", the same approver again is refused, and a second approver triggers exactly one write', async () => {
      const { requestId, card } = await requestFix(e2e);
      expect(card.blocks).toContain('0 of 2 approvals');

      const first = await press(e2e, approver, APPROVE, requestId);
      expect(first?.text).toBe('Approval recorded; 1 more needed.');
      expect((await e2e.store.getRequest(requestId))!).toMatchObject({
        status: 'pending',
        approvals: [expect.objectContaining({ approver: expect.objectContaining({ id: approver.id }) })],
      });
      const cardNow = lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: card.ts }));
      expect(cardNow?.blocks).toContain('1 of 2 approvals');
      expect(buttonsIn(cardNow)).toEqual([APPROVE, DENY]);
      expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);

      const again = await press(e2e, approver, APPROVE, requestId);
      expect(again?.body).toMatch(/You have already approved this request; it needs another approver/);
      expect((await e2e.store.getRequest(requestId))!.approvals).toHaveLength(1);
      expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);

      const second = await press(e2e, secondApprover, APPROVE, requestId);
      expect(second?.text).toMatch(/Status: succeeded/);
      expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
      expect(await awsWrites(e2e, requestId)).toEqual([
        's3:PutPublicAccessBlock:started',
        's3:PutPublicAccessBlock:ok',
      ]);
      const finalCard = lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: card.ts }));
      expect(finalCard?.blocks).toContain('2 of 2 approvals');
    });

    it('when a high-risk fix is configured for one approval, then it still needs two: one approval sends nothing, the second exactly one call', async () => {
      const { requestId, card } = await requestFix(e2e, TARGETS.instance);
      expect((await e2e.store.getRequest(requestId))!.requiredApprovals).toBe(2);
      expect(card.blocks).toContain('0 of 2 approvals');

      await press(e2e, approver, APPROVE, requestId);
      expect((await e2e.store.getRequest(requestId))!.status).toBe('pending');
      expect(lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: card.ts }))?.blocks).toContain('1 of 2 approvals');
      expect(e2e.fake.count({ operation: 'ModifyInstanceMetadataOptions' })).toBe(0);

      await press(e2e, secondApprover, APPROVE, requestId);
      // fake-aws does not model ModifyInstanceMetadataOptions (it answers 400), so only the write is asserted.
      expect(e2e.fake.count({ operation: 'ModifyInstanceMetadataOptions' })).toBe(1);
      expect(await awsWrites(e2e, requestId)).toEqual([
        'ec2:ModifyInstanceMetadataOptions:started',
        expect.stringMatching(/^ec2:ModifyInstanceMetadataOptions:/),
      ]);
      const sent = (await e2e.store.getRequest(requestId))!.plan.calls;
      expect(sent).toEqual([expect.objectContaining({ input: expect.objectContaining({ InstanceId: INSTANCE }) })]);
    });
  });
});
