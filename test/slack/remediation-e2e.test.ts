/**
 * The remediation workflow through the real Bolt app: a responder asks for a fix with the Remediate
 * button and a modal, an approver approves on the card, the bot writes to (simulated) AWS with the
 * write role, verifies by collecting again, and replies in the card's thread. Slack's Web API and
 * response_url are nock; AWS is the simulated estate plus the writes it accepts
 * (test/fixtures/remediation-e2e.ts).
 */
import { blockAction, postToSlackApp } from '../fixtures/slack';
import {
  APPROVALS_CHANNEL,
  PEOPLE,
  eventually,
  press,
  remediationConfig,
  requestFix,
  startRemediationE2e,
  type RemediationE2e,
} from '../fixtures/remediation-e2e';

const { requester, approver, secondApprover } = PEOPLE;
const APPROVE = 'remediation.approve';

describe('remediation through Slack, end to end', () => {
  let e2e: RemediationE2e;

  beforeEach(async () => {
    e2e = await startRemediationE2e({ config: remediationConfig() });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('when a request is approved by an approver, then AWS is written once, the fix is verified, and the card thread gets the result', async () => {
    const { requestId, card } = await requestFix(e2e);
    expect(card.text).toMatch(/Block Public Access/);
    expect(card.blocks).toContain(APPROVE);

    await press(e2e, approver, APPROVE, requestId);
    await eventually(async () => (await e2e.store.getRequest(requestId))!.status === 'succeeded', 'the fix');

    expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
    // The thread reply follows the status change.
    await eventually(
      () => e2e.posted.some((p) => p.thread_ts === card.ts && p.channel === APPROVALS_CHANNEL),
      'the thread reply',
    );
    const thread = e2e.posted.find((p) => p.thread_ts === card.ts && p.channel === APPROVALS_CHANNEL);
    expect(JSON.stringify(thread)).toContain('PutPublicAccessBlock');
    expect(e2e.updated.length).toBeGreaterThan(0);
    const actions = (await e2e.store.listAudit({ requestId })).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['aws.write:started', 'aws.write:ok']));
    expect(await e2e.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('when the requester presses Approve on their own request, then it is refused and nothing is written', async () => {
    const { requestId } = await requestFix(e2e);

    await press(e2e, requester, APPROVE, requestId);

    await eventually(
      async () => (await e2e.store.listAudit({ requestId })).some((e) => e.outcome === 'denied'),
      'the refusal in the audit log',
    );
    expect((await e2e.store.getRequest(requestId))!.status).toBe('pending');
    expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);
  });

  it('when 20 approvals arrive at once, then the fix is executed exactly once', async () => {
    const { requestId } = await requestFix(e2e);

    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postToSlackApp(
          e2e.base,
          blockAction({ actionId: APPROVE, value: requestId, userId: (i % 2 ? approver : secondApprover).id }),
        ),
      ),
    );
    await eventually(
      async () => ['succeeded', 'failed'].includes((await e2e.store.getRequest(requestId))!.status),
      'the execution',
    );
    await e2e.stop(); // drains every in-flight approval

    expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
    expect((await e2e.store.getRequest(requestId))!.status).toBe('succeeded');
  });

  it('when a button carries a forged request id, then it is refused without touching AWS', async () => {
    await postToSlackApp(
      e2e.base,
      blockAction({ actionId: APPROVE, value: '00000000-0000-4000-8000-000000000000', userId: approver.id }),
    );
    await postToSlackApp(e2e.base, blockAction({ actionId: APPROVE, value: 'drop table', userId: approver.id }));
    await e2e.stop();

    expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(0);
    expect(e2e.fake.count({ service: 's3' })).toBe(0);
  });
});
