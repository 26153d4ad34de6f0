/**
 * Alerts through the real Bolt app on loopback: signed button presses and modal submissions, Slack's
 * Web API and response_url recorded with nock, a real SQLite store. The alert is stored as the live
 * lane stores one (its card posted to the alert channel); what people then do with it goes through
 * the app exactly as in production.
 */
import { aDraft, PEOPLE as ALERT_PEOPLE } from '../app/detections/alert-harness';
import { ALERT_ACTIONS } from '../../src/core/render/blocks/alerts/action-ids';
import { ALERT_CALLBACK_IDS, ALERT_INPUTS } from '../../src/core/render/blocks/alerts/modals';
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
