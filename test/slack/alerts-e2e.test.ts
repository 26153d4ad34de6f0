/**
 * Alerts through the real Bolt app on loopback: signed button presses and modal submissions, Slack's
 * Web API and response_url recorded with nock, a real SQLite store. The alert is stored as the live
 * lane stores one (its card posted to the alert channel); what people then do with it goes through
 * the app exactly as in production.
 */
import { aDraft, PEOPLE as ALERT_PEOPLE } from '../app/detections/alert-harness';
import { ALERT_ACTIONS } from '../../src/core/render/blocks/alerts/action-ids';
import { ALERT_CALLBACK_IDS, ALERT_INPUTS } from '../../src/core/render/blocks/alerts/modals';
import { TEAM_ID, postToSlackApp } from '../fixtures/slack';
import {
  ACCOUNT_ID,
  PEOPLE,
  eventually,
  press,
  remediationConfig,
  startRemediationE2e,
  submit,
  updatesOf,
  type RemediationE2e,
} from '../fixtures/remediation-e2e';

const ALERT_CHANNEL = 'C0ALERTS';
const CARD_TS = '1793534000.000100';
const eve = { id: ALERT_PEOPLE.eve, name: 'eve' } as const;

const CONFIG =
  remediationConfig() +
  ['detections:', '  actors:', `    "arn:aws:iam::${ACCOUNT_ID}:user/eve": ${eve.id}`, ''].join('\n');

/** The Assign dialog submitted by `user` with `assignee` chosen in its users_select. */
const submitAssign = async (
  e2e: RemediationE2e,
  user: { id: string; name: string },
  view: { private_metadata: string },
  assignee: string,
) => {
  const payload = {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'cloudsec-test' },
    user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
    api_app_id: 'A0CLOUDSEC',
    token: 'deprecated-verification-token',
    trigger_id: '1.2.ghi',
    view: {
      id: 'V0MODAL',
      type: 'modal',
      callback_id: ALERT_CALLBACK_IDS.assign,
      private_metadata: view.private_metadata,
      state: {
        values: {
          [ALERT_INPUTS.assignee.blockId]: {
            [ALERT_INPUTS.assignee.actionId]: { type: 'users_select', selected_user: assignee },
          },
        },
      },
      blocks: [],
    },
  };
  const res = await postToSlackApp(e2e.base, {
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

describe('alerts through Slack, end to end', () => {
  let e2e: RemediationE2e;
  let alertId: string;

  beforeEach(async () => {
    e2e = await startRemediationE2e({ config: CONFIG });
    const { alert } = await e2e.store.recordAlert(aDraft({ accountId: ACCOUNT_ID }), '2026-01-01T00:00:00.000Z');
    await e2e.store.setAlertMessage(alert.id, ALERT_CHANNEL, CARD_TS);
    alertId = alert.id;
  });
  afterEach(() => e2e.close());

  it('when Acknowledge is pressed, then the card is updated in place with the new status', async () => {
    const answer = await press(e2e, PEOPLE.requester, ALERT_ACTIONS.acknowledge, alertId);
    expect(answer!.text).toMatch(/Acknowledged/);
    const updates = updatesOf(e2e, { channel: ALERT_CHANNEL, ts: CARD_TS });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.blocks).toContain('Acknowledged');
    expect(updates[0]!.blocks).not.toContain(ALERT_ACTIONS.acknowledge);
    expect((await e2e.store.getAlert(alertId))!.status).toBe('acknowledged');
  });

  it('when the Assign dialog names someone who may not see the alert, then the dialog says so and nothing is assigned or sent', async () => {
    await press(e2e, PEOPLE.requester, ALERT_ACTIONS.menu, `assign:${alertId}`, { answer: false });
    const modal = e2e.views.at(-1)!;
    expect(modal.callback_id).toBe(ALERT_CALLBACK_IDS.assign);
    const refused = await submitAssign(e2e, PEOPLE.requester, modal, eve.id);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(refused.body)).toContain(`${eve.id} may not see alerts of account ${ACCOUNT_ID} (prod)`);
    expect((await e2e.store.getAlert(alertId))!.assigneeId).toBeNull();
    expect(e2e.posted.filter((p) => p.channel === eve.id)).toHaveLength(0);

    const ok = await submitAssign(e2e, PEOPLE.requester, modal, PEOPLE.approver.id);
    expect(ok.body).not.toMatchObject({ response_action: 'errors' });
    await eventually(
      async () => (await e2e.store.getAlert(alertId))!.assigneeId === PEOPLE.approver.id,
      'the assignment',
    );
    await eventually(() => e2e.posted.some((p) => p.channel === PEOPLE.approver.id), 'the DM to the assignee');
  });

  it('when Ask the actor is chosen and the actor answers in the modal, then they get a DM and their answer lands in the thread', async () => {
    await press(e2e, PEOPLE.requester, ALERT_ACTIONS.menu, `ask:${alertId}`);
    const dm = e2e.posted.find((p) => p.channel === eve.id)!;
    expect(dm.text).toMatch(/Was this you\?/);
    expect(dm.blocks).toContain(ALERT_ACTIONS.answer);
    expect((await e2e.store.getAlert(alertId))!.askedUserId).toBe(eve.id);

    await press(e2e, eve as never, ALERT_ACTIONS.answer, alertId, { answer: false });
    const modal = e2e.views.at(-1)!;
    expect(modal.callback_id).toBe(ALERT_CALLBACK_IDS.answer);
    const res = await submit(e2e, eve as never, {
      callbackId: modal.callback_id,
      privateMetadata: modal.private_metadata,
      blockId: ALERT_INPUTS.answer.blockId,
      actionId: ALERT_INPUTS.answer.actionId,
      value: 'Yes: opening it for the launch page (JIRA-123).',
    });
    expect(res.status).toBe(200);
    await eventually(
      () => e2e.posted.some((p) => p.thread_ts === CARD_TS && p.text.includes('JIRA-123')),
      'the answer in the alert thread',
    );
    expect((await e2e.store.getAlert(alertId))!.answer).toBe('Yes: opening it for the launch page (JIRA-123).');
  });
});
