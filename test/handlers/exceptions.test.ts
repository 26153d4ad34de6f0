/**
 * The accepted-risk surface through the real app (composeApp → CloudsecApp): "Accept risk…", its
 * modal (counted again when a scope field dispatches), the approval card's buttons and their modals,
 * "Show" under a report's hidden line, and the finding's menu. The workflow is the real one over a
 * real SQLite store; Slack is recorded (test/handlers/exceptions-harness.ts).
 */
import { renderBlocksAsText } from '../../src/slack/console-render';
import { removeScanAppDirs } from '../fixtures/counting-source';
import { NOW } from '../fixtures/snapshot-builders';
import {
  APPROVALS,
  DAY_MS,
  LEGACY_PUBLIC,
  PROD,
  USERS,
  actionIdsIn,
  date,
  exceptionsWorld,
  stateOf,
  text,
  type ExceptionsWorld,
} from './exceptions-harness';

afterAll(() => removeScanAppDirs());

const blocksText = (view: { blocks: readonly unknown[] }) => JSON.stringify(view.blocks);

/** A pending request of the requester on the public bucket, and its card. */
const pending = async (w: ExceptionsWorld) => {
  const f = await w.finding();
  const { exception } = await w.requestException(USERS.requester, f.id);
  if (!exception) throw new Error('no exception stored');
  return { finding: f, exception };
};

describe('Accept risk… on a failing finding', () => {
  it('when a responder presses it, then a modal opens with the finding’s own scope and what it covers now', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();

    const opened = await w.press(USERS.requester, 'exception.request', f.id);

    expect(opened.sent).toHaveLength(0);
    const modal = opened.modals[0]!;
    expect(modal.callback_id).toBe('exception.request_modal');
    expect(JSON.parse(modal.private_metadata)).toEqual({ findingId: f.id });
    const values = stateOf(modal);
    expect(values['scope_checks']!['exception.preview']!.value).toBe(LEGACY_PUBLIC.checkId);
    expect(values['scope_accounts']!['exception.preview']!.value).toBe(PROD.id);
    expect(values['scope_regions']!['exception.preview']!.value).toBe('us-east-1');
    expect(values['scope_resources']!['exception.preview']!.value).toBe('arn:aws:s3:::legacy-public');
    expect(values['owner']!['value']!.selected_user).toBe(USERS.requester);
    expect(blocksText(modal)).toContain('This would cover *1 failing finding* now');
  });

  it('when a viewer (no exception:request) presses it, then it is refused privately and no modal opens', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();

    const opened = await w.press(USERS.viewer, 'exception.request', f.id);

    expect(opened.modals).toHaveLength(0);
    expect(opened.last().visibility).toBe('ephemeral');
    expect(opened.text).toMatch(/Not allowed[\s\S]*exception:request/);
  });

  it('when the value is not a finding id, or names no finding cloudsec saw, then it says so and nothing opens', async () => {
    const w = exceptionsWorld();
    await w.finding();

    const forged = await w.press(USERS.requester, 'exception.request', '{"findingId":"f_1"}');
    const unknown = await w.press(USERS.requester, 'exception.request', 'f_0123456789abcdef');

    expect(forged.text).toMatch(/no longer valid/);
    expect(unknown.text).toMatch(/not in the latest scans/);
    expect([...forged.modals, ...unknown.modals]).toHaveLength(0);
  });

  it('when a passing finding is pressed, then there is no risk to accept', async () => {
    const w = exceptionsWorld();
    await w.finding();
    const scan = await w.store.latestScan(`s3:${PROD.id}:*`);
    const passing = (await w.store.findingsOfScan(scan!.id)).find((f) => f.status === 'pass')!;

    const opened = await w.press(USERS.requester, 'exception.request', passing.id);

    expect(opened.modals).toHaveLength(0);
    expect(opened.text).toMatch(/passes now/);
  });

  it('when `/cloudsec accept <finding-id>` is typed, then the same modal opens', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();

    const typed = await w.command(USERS.requester, `accept ${f.id}`);

    expect(typed.modals[0]?.callback_id).toBe('exception.request_modal');
    expect((await w.command(USERS.requester, 'accept nothing')).text).toMatch(/give one finding id/);
  });
});

describe('the request modal', () => {
  it('when it is submitted, then a pending exception is stored, its card is posted to approvers and the requester is told by DM', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();

    const { result, exception } = await w.requestException(USERS.requester, f.id);

    expect('work' in result).toBe(true);
    expect(exception).toMatchObject({
      status: 'pending',
      scope: { accounts: [PROD.id], checks: [LEGACY_PUBLIC.checkId], resources: ['arn:aws:s3:::legacy-public'] },
      owner: { id: USERS.requester },
      requester: { id: USERS.requester },
    });
    expect(exception!.accepted.map((a) => a.findingId)).toEqual([f.id]);
    const card = w.slack.posts.find((p) => p.channel === APPROVALS)!;
    expect(actionIdsIn(card.message)).toEqual(['exception.approve', 'exception.deny']);
    expect(exception!.message).toEqual({ channel: APPROVALS, ts: expect.any(String) });
    const dm = w.slack.dms.find((d) => d.userId === USERS.requester)!;
    expect(dm.text).toMatch(new RegExp(`Asked for approval: accepted risk ${exception!.id}`));
    expect(dm.text).toMatch(/covers 1 failing finding/);
  });

  it('when the reason is empty or the date is past exceptions.maxDays, then the modal stays open with the error under each field and nothing is stored', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();
    const modal = (await w.press(USERS.requester, 'exception.request', f.id)).modals[0]!;

    const result = await w.submit(USERS.requester, modal, {
      reason: text('   '),
      expiry: date(NOW.getTime() + 120 * DAY_MS),
    });

    expect(result).toEqual({
      errors: {
        reason: expect.stringMatching(/Say why this risk is accepted/),
        expiry: expect.stringMatching(/more than 90 days away/),
      },
    });
    expect(await w.store.listExceptions({})).toHaveLength(0);
    expect(w.slack.posts).toHaveLength(0);
  });

  it('when the scope is widened to something the requester may not ask for, then the error is shown under the accounts', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();
    const modal = (await w.press(USERS.requester, 'exception.request', f.id)).modals[0]!;

    const result = await w.submit(USERS.requester, modal, {
      reason: text('Public by design: a static website bucket (SEC-42).'),
      scope_accounts: { type: 'plain_text_input', value: '*' },
    });

    expect(result).toEqual({ errors: { scope_accounts: expect.stringMatching(/every account/) } });
    expect(await w.store.listExceptions({})).toHaveLength(0);
  });

  it('when the private metadata was tampered with, then the modal says it is out of date', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();
    const modal = (await w.press(USERS.requester, 'exception.request', f.id)).modals[0]!;

    const result = await w.submit(
      USERS.requester,
      { ...modal, private_metadata: '{"findingId":"x"}' },
      {
        reason: text('Public by design: a static website bucket (SEC-42).'),
      },
    );

    expect(result).toEqual({ errors: { reason: expect.stringMatching(/out of date/) } });
  });

  it('when Enter is pressed in a widened scope field, then the modal is updated in place with the new count', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();
    // Coverage is counted on the latest full scan (and the digests' scans).
    await w.command(USERS.admin, 'check all');
    const modal = (await w.press(USERS.requester, 'exception.request', f.id)).modals[0]!;
    const values = stateOf(modal, {
      scope_checks: text('s3_bucket_*'),
      scope_regions: null,
      scope_resources: null,
      expiry: date(NOW.getTime() + 10 * DAY_MS),
    });

    const dispatched = await w.press(USERS.requester, 'exception.preview', '', {
      channel: null,
      modal: { viewId: 'V0MODAL', hash: 'h1', privateMetadata: modal.private_metadata, values },
    });

    expect(dispatched.sent).toHaveLength(0);
    const update = dispatched.updates[0]!;
    expect(update.viewId).toBe('V0MODAL');
    const count = /This would cover \*(\d+) failing findings\* now/.exec(blocksText(update.view))?.[1];
    expect(Number(count)).toBeGreaterThan(1);
    // What was chosen stays: the date picked, the scope as typed.
    expect(stateOf(update.view)['expiry']!['value']!.selected_date).toBe(
      new Date(NOW.getTime() + 10 * DAY_MS).toISOString().slice(0, 10),
    );
    expect(stateOf(update.view)['scope_checks']!['exception.preview']!.value).toBe('s3_bucket_*');
  });

  it('when the dispatched scope cannot be read, then the modal shows why instead of a count', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();
    const modal = (await w.press(USERS.requester, 'exception.request', f.id)).modals[0]!;

    const dispatched = await w.press(USERS.requester, 'exception.preview', '', {
      channel: null,
      modal: {
        viewId: 'V0MODAL',
        privateMetadata: modal.private_metadata,
        values: stateOf(modal, { scope_accounts: text('prod-account') }),
      },
    });

    const shown = blocksText(dispatched.updates[0]!.view);
    expect(shown).toContain('cannot be counted');
    expect(shown).toContain('is not a 12-digit account id');
  });
});

describe('the approval card', () => {
  it('when an approver approves, then the exception is active, the card is updated and the finding leaves the failing list, counted as hidden', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);
    const before = await w.command(USERS.requester, `check s3 ${PROD.name}`);
    expect(before.text).toMatch(/does not block public access · `legacy-public`/);

    const approved = await w.press(USERS.approver, 'exception.approve', exception.id);

    expect(approved.text).toMatch(new RegExp(`Approved: accepted risk ${exception.id} is in force`));
    expect((await w.store.getException(exception.id))!.status).toBe('active');
    const card = w.slack.updates.at(-1)!;
    expect(card.ref).toEqual(exception.message);
    expect(actionIdsIn(card.message)).toEqual(['exception.extend', 'exception.revoke']);
    const check = await w.command(USERS.requester, `check s3 ${PROD.name}`);
    expect(check.text).toMatch(/1 accepted risk hidden/);
    expect(check.text).not.toMatch(/does not block public access · `legacy-public`/);
  });

  it('when an approver who asked presses Approve on their own request, then it is refused and stays pending', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();
    const { exception } = await w.requestException(USERS.approver, f.id);

    const refused = await w.press(USERS.approver, 'exception.approve', exception!.id);

    expect(refused.text).toMatch(/someone else with exception:approve must approve it/);
    expect((await w.store.getException(exception!.id))!.status).toBe('pending');
  });

  it('when a responder presses Approve, then they are told they need exception:approve', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);

    const refused = await w.press(USERS.requester, 'exception.approve', exception.id);

    expect(refused.text).toMatch(/Not allowed[\s\S]*need exception:approve/);
    expect((await w.store.getException(exception.id))!.status).toBe('pending');
  });

  it('when an approver of another account presses Approve, then it is refused without naming the account', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);

    const refused = await w.press(USERS.stagingApprover, 'exception.approve', exception.id);

    expect(refused.text).toMatch(/covers an account you may not see/);
    expect(refused.text).not.toMatch(new RegExp(`${PROD.id}|${PROD.name}`));
    expect((await w.store.getException(exception.id))!.status).toBe('pending');
  });

  it('when Approve is pressed twice, then the second is told it is already active and one approval is recorded', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);

    const [a, b] = await Promise.all([
      w.press(USERS.approver, 'exception.approve', exception.id),
      w.press(USERS.approver2, 'exception.approve', exception.id),
    ]);

    const answers = [a.text, b.text].sort();
    expect(answers.filter((t) => /Approved: accepted risk/.test(t))).toHaveLength(1);
    expect(answers.filter((t) => /already active/.test(t))).toHaveLength(1);
    const approvals = (await w.store.listAudit({ requestId: exception.id })).filter(
      (e) => e.action === 'exception.approve' && e.outcome === 'ok',
    );
    expect(approvals).toHaveLength(1);
  });

  it('when a button carries an id that is not an exception id, or one that does not exist, then it is called stale', async () => {
    const w = exceptionsWorld();
    await pending(w);

    const garbage = await w.press(USERS.approver, 'exception.approve', 'drop table');
    const missing = await w.press(USERS.approver, 'exception.approve', 'ex_000000000000000000000000');
    const config = await w.press(USERS.approver, 'exception.revoke', 'cfg_legacy-website');

    expect(garbage.text).toMatch(/no longer valid/);
    expect(missing.text).toMatch(/no such accepted risk; the button may be stale/);
    expect(config.text).toMatch(/no longer valid/);
    expect([...garbage.modals, ...missing.modals, ...config.modals]).toHaveLength(0);
  });

  it('when Deny is pressed, then a reason modal opens; a short reason keeps it open; a good one denies it', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);

    const opened = await w.press(USERS.approver, 'exception.deny', exception.id);
    const modal = opened.modals[0]!;
    expect(modal.callback_id).toBe('exception.deny_modal');
    expect(await w.submit(USERS.approver, modal, { reason: text('no') })).toEqual({
      errors: { reason: expect.stringMatching(/at least 5 characters/) },
    });
    expect((await w.store.getException(exception.id))!.status).toBe('pending');

    await w.submit(USERS.approver, modal, { reason: text('Holds customer data: fix it instead (SEC-43).') });

    expect((await w.store.getException(exception.id))!).toMatchObject({
      status: 'denied',
      decisionNote: 'Holds customer data: fix it instead (SEC-43).',
    });
    expect(w.slack.dms.find((d) => d.userId === USERS.approver)?.text).toMatch(/denied/);
  });

  it('when a viewer presses Deny, then it is refused before any modal opens', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);

    const refused = await w.press(USERS.viewer, 'exception.deny', exception.id);

    expect(refused.modals).toHaveLength(0);
    expect(refused.text).toMatch(/Not allowed/);
  });

  it('when an active one is revoked with a reason, then its finding is listed again', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);
    await w.press(USERS.approver, 'exception.approve', exception.id);

    const modal = (await w.press(USERS.requester, 'exception.revoke', exception.id)).modals[0]!;
    await w.submit(USERS.requester, modal, { reason: text('The site moved to CloudFront.') });

    expect((await w.store.getException(exception.id))!.status).toBe('revoked');
    const check = await w.command(USERS.requester, `check s3 ${PROD.name}`);
    expect(check.text).not.toMatch(/accepted risk hidden/);
    expect(check.text).toMatch(/does not block public access · `legacy-public`/);
  });

  it('when an extension is asked for, then it needs an approver; a date not after the current expiry keeps the modal open', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);
    await w.press(USERS.approver, 'exception.approve', exception.id);
    const current = (await w.store.getException(exception.id))!.expiresAt;

    const modal = (await w.press(USERS.requester, 'exception.extend', exception.id)).modals[0]!;
    expect(modal.callback_id).toBe('exception.extend_modal');
    const tooEarly = await w.submit(USERS.requester, modal, {
      expiry: date(Date.parse(current) - DAY_MS),
      reason: text('The migration slipped to next quarter.'),
    });
    expect(tooEarly).toEqual({ errors: { expiry: expect.stringMatching(/after the current expiry/) } });

    const later = Date.parse(current) + 20 * DAY_MS;
    await w.submit(USERS.requester, modal, {
      expiry: date(later),
      reason: text('The migration slipped to next quarter.'),
    });
    const asked = (await w.store.getException(exception.id))!;
    expect(asked.extension).toMatchObject({ requester: { id: USERS.requester } });
    const extensionCard = w.slack.posts.filter((p) => p.channel === APPROVALS).at(-1)!;
    expect(actionIdsIn(extensionCard.message)).toEqual(['exception.extend_approve', 'exception.extend_deny']);

    const responder = await w.press(USERS.requester, 'exception.extend_approve', exception.id);
    expect(responder.text).toMatch(/need exception:approve/);
    const approved = await w.press(USERS.approver, 'exception.extend_approve', exception.id);
    expect(approved.text).toMatch(/Extension approved/);
    expect((await w.store.getException(exception.id))!.expiresAt.slice(0, 10)).toBe(
      new Date(later).toISOString().slice(0, 10),
    );
  });

  it('when the approver who asked for an extension approves it, then it is refused; another approver may', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);
    await w.press(USERS.approver, 'exception.approve', exception.id);
    const current = (await w.store.getException(exception.id))!.expiresAt;
    const modal = (await w.press(USERS.approver, 'exception.extend', exception.id)).modals[0]!;
    await w.submit(USERS.approver, modal, {
      expiry: date(Date.parse(current) + 3 * DAY_MS),
      reason: text('The migration slipped to next quarter.'),
    });

    const self = await w.press(USERS.approver, 'exception.extend_approve', exception.id);
    const other = await w.press(USERS.approver2, 'exception.extend_approve', exception.id);

    expect(self.text).toMatch(/someone else with exception:approve/);
    expect(other.text).toMatch(/Extension approved/);
  });

  it('when Deny extension is submitted, then the expiry stays', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);
    await w.press(USERS.approver, 'exception.approve', exception.id);
    const current = (await w.store.getException(exception.id))!.expiresAt;
    const extend = (await w.press(USERS.requester, 'exception.extend', exception.id)).modals[0]!;
    await w.submit(USERS.requester, extend, {
      expiry: date(Date.parse(current) + 5 * DAY_MS),
      reason: text('The migration slipped to next quarter.'),
    });

    const modal = (await w.press(USERS.approver, 'exception.extend_deny', exception.id)).modals[0]!;
    expect(modal.callback_id).toBe('exception.extend_deny_modal');
    await w.submit(USERS.approver, modal, { reason: text('Fix it this quarter.') });

    expect((await w.store.getException(exception.id))!).toMatchObject({ expiresAt: current, extension: null });
  });
});

describe('Show, under "N accepted risks hidden"', () => {
  it('when pressed, then the hidden findings are listed privately with the accepted risk that hides each', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);
    await w.press(USERS.approver, 'exception.approve', exception.id);
    const check = await w.command(USERS.viewer, `check s3 ${PROD.name}`);
    const show = check.sent.flatMap((s) => renderBlocksAsText(s.message).buttons).find((b) => b.label === 'Show')!;
    expect(show.actionId).toBe('exception.show_hidden');

    const shown = await w.press(USERS.viewer, show.actionId, show.value!);

    expect(shown.last().visibility).toBe('ephemeral');
    expect(shown.text).toMatch(/Findings hidden by accepted risks/);
    expect(shown.text).toContain('legacy-public');
    expect(shown.text).toContain(`Accepted risk \`${exception.id}\``);
  });

  it('when the value is forged, then it is called stale', async () => {
    const w = exceptionsWorld();
    expect((await w.press(USERS.viewer, 'exception.show_hidden', '{"s":"nothing:here"}')).text).toMatch(
      /no longer valid/,
    );
  });

  it('when someone who may see only staging presses Show on a prod report, then nothing of prod is shown', async () => {
    const w = exceptionsWorld();
    const { exception } = await pending(w);
    await w.press(USERS.approver, 'exception.approve', exception.id);
    const value = JSON.stringify({ s: `s3:${PROD.id}:*` });

    const shown = await w.press(USERS.stagingApprover, 'exception.show_hidden', value);

    expect(shown.text).toMatch(/No finding is hidden/);
    expect(shown.text).not.toMatch(new RegExp(`legacy-public|${PROD.id}|${PROD.name}`));
  });
});

describe('the finding menu (finding.menu)', () => {
  it('when Accept risk… is chosen, then the accept modal opens; Remediate… opens the remediation modal', async () => {
    const w = exceptionsWorld();
    const f = await w.finding();

    const accept = await w.press(USERS.requester, 'finding.menu', `accept:${f.id}`);
    const remediate = await w.press(USERS.admin, 'finding.menu', `remediate:${f.id}`);
    const forged = await w.press(USERS.requester, 'finding.menu', `delete:${f.id}`);

    expect(accept.modals[0]?.callback_id).toBe('exception.request_modal');
    expect(remediate.modals[0]?.callback_id).toBe('remediation.request_submit');
    expect(forged.text).toMatch(/no longer valid/);
  });
});
