/**
 * One open request per change, and buttons that check before they ask for text, through the real
 * Bolt app: a second (or replayed) Remediate submission points to the open request instead of
 * making a second one, Deny and Undo answer privately when the person may not use them, and a
 * succeeded undo takes the Undo button off the original card. Slack's Web API and response_url are
 * nock; AWS is fake-aws; the store is SQLite (test/fixtures/remediation-e2e.ts).
 */
import { blockAction, postToSlackApp, slashCommand } from '../fixtures/slack';
import {
  APPROVALS_CHANNEL,
  PEOPLE,
  TARGETS,
  buttonsIn,
  dmsTo,
  eventually,
  press,
  remediationConfig,
  requestFix,
  startRemediationE2e,
  submit,
  updatesOf,
  type OpenedView,
  type RemediationE2e,
} from '../fixtures/remediation-e2e';

const { requester, approver, secondApprover } = PEOPLE;
const APPROVE = 'remediation.approve';
const DENY = 'remediation.deny';
const UNDO = 'remediation.undo';
const JUSTIFICATION = 'Exposed resource found in the weekly review; fix it now (SEC-123).';

const lastOf = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

/** The request modals opened so far (the Remediate button's). */
const requestModals = (e2e: RemediationE2e): OpenedView[] =>
  e2e.views.filter((v) => v.callback_id === 'remediation.request_submit');

// Each submission words its justification a little differently: a byte-identical request would be
// refused as a replay of a signed Slack request (401) before the app sees it.
let submissions = 0;
const submitRequestModal = (e2e: RemediationE2e, modal: OpenedView) =>
  submit(e2e, requester, {
    callbackId: modal.callback_id,
    privateMetadata: modal.private_metadata,
    blockId: 'justification',
    value: `${JUSTIFICATION} (#${++submissions})`,
  });

let opened = 0;

/** Runs the bucket check and opens the Remediate modal on its failing finding. */
const openRequestModal = async (e2e: RemediationE2e): Promise<OpenedView> => {
  const n = ++opened;
  await postToSlackApp(e2e.base, slashCommand({ text: 'check s3', userId: requester.id, responsePath: `/check-${n}` }));
  let findingId = '';
  await eventually(async () => {
    const scan = await e2e.store.latestScan('s3:*:*');
    const f = scan
      ? (await e2e.store.findingsOfScan(scan.id)).find(
          (x) => x.checkId === TARGETS.bucket.checkId && x.resource.id === TARGETS.bucket.resourceId,
        )
      : undefined;
    findingId = f?.id ?? '';
    return findingId !== '';
  }, 'the bucket finding');
  const before = requestModals(e2e).length;
  await postToSlackApp(
    e2e.base,
    blockAction({
      actionId: 'remediation.request',
      value: findingId,
      userId: requester.id,
      responsePath: `/open-${n}`,
    }),
  );
  await eventually(() => requestModals(e2e).length > before, 'the request modal');
  return lastOf(requestModals(e2e))!;
};

describe('one open request per change, through Slack', () => {
  let e2e: RemediationE2e;

  beforeEach(async () => {
    e2e = await startRemediationE2e({ config: remediationConfig(['undoWindowHours: 24']) });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('when the request modal is submitted again after its request was made, then the modal shows the open request and approving writes to AWS once', async () => {
    const { requestId } = await requestFix(e2e);
    const modal = lastOf(requestModals(e2e))!;

    const again = await submitRequestModal(e2e, modal);

    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      response_action: 'errors',
      errors: { justification: expect.stringContaining(requestId) },
    });
    const shown = (again.body.errors as Record<string, string>).justification!;
    expect(shown).toMatch(/pending/);
    expect(shown).toContain(requester.name);

    await press(e2e, approver, APPROVE, requestId);
    await e2e.stop(); // waits for anything the second submission might have started
    expect(await e2e.store.listRequests({})).toHaveLength(1);
    expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
  });

  it('when Remediate is pressed again while the request is open, then no modal opens and the answer names the open request', async () => {
    const { requestId } = await requestFix(e2e);
    const findingId = (await e2e.store.getRequest(requestId))!.finding.id;
    const modalsBefore = requestModals(e2e).length;

    const answer = await press(e2e, requester, 'remediation.request', findingId);

    expect(answer?.text).toMatch(/Already requested/);
    expect(answer?.body).toContain(requestId);
    expect(requestModals(e2e)).toHaveLength(modalsBefore);
  });

  it('when two modals for the same finding are submitted at the same moment, then one request is stored, the other submission points to it, and approving writes once', async () => {
    const first = await openRequestModal(e2e);
    const second = await openRequestModal(e2e);

    const answers = await Promise.all([submitRequestModal(e2e, first), submitRequestModal(e2e, second)]);
    let requestId = '';
    await eventually(async () => {
      requestId = (await e2e.store.listRequests({}))[0]?.message ? (await e2e.store.listRequests({}))[0]!.id : '';
      return requestId !== '';
    }, 'the approval card');
    await eventually(
      () =>
        answers.some((a) => JSON.stringify(a.body).includes(requestId)) ||
        dmsTo(e2e, requester).some((d) => d.text.includes(requestId) && /already/i.test(d.text)),
      'the second submission pointed to the first request',
    );

    await press(e2e, approver, APPROVE, requestId);
    await e2e.stop();
    expect((await e2e.store.listRequests({})).map((r) => r.id)).toEqual([requestId]);
    expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
  });
});

describe('Deny and Undo check permission before they open a modal', () => {
  let e2e: RemediationE2e;

  beforeEach(async () => {
    e2e = await startRemediationE2e({ config: remediationConfig(['undoWindowHours: 24']) });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('when someone who may not approve presses Deny, then no modal opens and they are told privately why', async () => {
    const { requestId } = await requestFix(e2e);
    const viewsBefore = e2e.views.length;

    const answer = await press(e2e, requester, DENY, requestId);

    expect(answer?.text).toMatch(/Not allowed/);
    expect(answer?.body).toContain('remediation:approve');
    expect(answer?.body).toContain('"response_type":"ephemeral"');
    expect(e2e.views).toHaveLength(viewsBefore);
    expect((await e2e.store.getRequest(requestId))!.status).toBe('pending');
  });

  it('when Deny is pressed on a request that is no longer pending, then no modal opens and the status is named', async () => {
    const { requestId } = await requestFix(e2e);
    await press(e2e, approver, APPROVE, requestId);
    const viewsBefore = e2e.views.length;

    const answer = await press(e2e, secondApprover, DENY, requestId);

    expect(answer?.body).toMatch(/succeeded/);
    expect(e2e.views).toHaveLength(viewsBefore);
  });

  it('when someone who may not undo presses Undo, then no modal opens and they are told privately why', async () => {
    const fix = await requestFix(e2e);
    await press(e2e, approver, APPROVE, fix.requestId);
    const viewsBefore = e2e.views.length;

    const answer = await press(e2e, requester, UNDO, fix.requestId);

    expect(answer?.text).toMatch(/Not allowed/);
    expect(answer?.body).toContain('remediation:undo');
    expect(e2e.views).toHaveLength(viewsBefore);
  });

  it('when an undo has succeeded, then the original card no longer offers Undo and says it was undone, and the result reads as a restored state', async () => {
    const fix = await requestFix(e2e);
    await press(e2e, approver, APPROVE, fix.requestId);
    expect(buttonsIn(lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: fix.card.ts })))).toEqual([UNDO]);

    await press(e2e, approver, UNDO, fix.requestId, { answer: false });
    const modal = lastOf(e2e.views)!;
    await submit(e2e, approver, {
      callbackId: modal.callback_id,
      privateMetadata: modal.private_metadata,
      blockId: 'justification',
      value: 'The website behind this bucket broke; restore access while we move it.',
    });
    let undoId = '';
    await eventually(async () => {
      const undo = (await e2e.store.listRequests({})).find((r) => r.undoOf === fix.requestId && r.message);
      undoId = undo?.id ?? '';
      return undoId !== '';
    }, 'the undo card');
    const undoCard = (await e2e.store.getRequest(undoId))!.message!;
    // Undo pressed again while the undo is pending: it is refused before any modal, naming the undo.
    const viewsBefore = e2e.views.length;
    const pressedAgain = await press(e2e, secondApprover, UNDO, fix.requestId);
    expect(pressedAgain?.body).toContain(undoId);
    expect(e2e.views).toHaveLength(viewsBefore);

    await press(e2e, secondApprover, APPROVE, undoId);
    expect((await e2e.store.getRequest(undoId))!.status).toBe('succeeded');

    await eventually(
      () => (lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: fix.card.ts }))?.blocks ?? '').includes(undoId),
      'the original card updated',
    );
    const original = lastOf(updatesOf(e2e, { channel: APPROVALS_CHANNEL, ts: fix.card.ts }))!;
    expect(buttonsIn(original)).toEqual([]);
    expect(original.blocks).toMatch(/[Uu]ndone/);

    await eventually(
      () => e2e.posted.some((p) => p.channel === APPROVALS_CHANNEL && p.thread_ts === undoCard.ts),
      'the undo result in its thread',
    );
    const reply = e2e.posted.find((p) => p.channel === APPROVALS_CHANNEL && p.thread_ts === undoCard.ts)!;
    expect(reply.blocks).not.toMatch(/still fails/);
    expect(reply.blocks).toMatch(/previous state/);
    const undoCardNow = lastOf(updatesOf(e2e, undoCard))!;
    expect(undoCardNow.blocks).not.toMatch(/still fails/);
  });
});
