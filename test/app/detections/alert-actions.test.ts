import { acknowledgeAlert, assignAlert, closeAlert } from '../../../src/app/detections/alert-actions';
import { answerAlert, askActor, escalateUnansweredQuestions } from '../../../src/app/detections/alert-ask';
import { listAlertsFor } from '../../../src/app/detections/alert-list';
import { recheckAlert } from '../../../src/app/detections/alert-recheck';
import { checkAlertUndo, requestAlertUndo } from '../../../src/app/detections/alert-undo';
import { ALERT_ACTIONS } from '../../../src/core/render/blocks/alerts/action-ids';
import { anActor } from '../../core/render/alerts/builders';
import {
  ALERT_CHANNEL,
  APPROVALS,
  PEOPLE,
  PROD,
  PUBLIC_BUCKET,
  STAGING,
  startAlertHarness,
  storeAlert,
  textOf,
  type AlertHarness,
} from './alert-harness';

const as = (userId: string) => ({ actor: { userId, groups: [] as string[] } });

const auditOf = async (h: AlertHarness, alertId: string) =>
  (await h.store.listAudit({ requestId: alertId })).map((e) => `${e.action}:${e.outcome}`);

describe('what people do with an alert', () => {
  let h: AlertHarness;
  beforeEach(() => {
    h = startAlertHarness();
  });
  afterEach(() => h.cleanup());

  describe('acknowledge', () => {
    it('when a responder acknowledges an open alert, then it is acknowledged by them, audited, and its card updated in place', async () => {
      const alert = await storeAlert(h);
      const result = await acknowledgeAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id });
      expect(result).toMatchObject({ ok: true, alert: { status: 'acknowledged', closedBy: PEOPLE.alice } });
      expect((await h.store.getAlert(alert.id))!.status).toBe('acknowledged');
      expect(h.recorded.updates).toHaveLength(1);
      expect(h.recorded.updates[0]!.ref).toEqual({ channel: ALERT_CHANNEL, ts: alert.messageTs });
      expect(textOf(h.recorded.updates[0]!.message)).toContain('Acknowledged');
      expect(await auditOf(h, alert.id)).toContain('alert.acknowledge:ok');
    });

    it('when two people press Acknowledge at once, then exactly one moves it and the other is told', async () => {
      const alert = await storeAlert(h);
      const results = await Promise.all([
        acknowledgeAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id }),
        acknowledgeAlert(h.deps, { ...as(PEOPLE.bob), alertId: alert.id }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.find((r) => !r.ok)!;
      expect(refused).toMatchObject({ ok: false, code: 'not-open' });
      expect(!refused.ok && refused.reason).toMatch(/already acknowledged/);
      expect((await auditOf(h, alert.id)).filter((e) => e === 'alert.acknowledge:ok')).toHaveLength(1);
    });

    it('when a viewer presses it, then they are refused: reading alerts is not triaging them', async () => {
      const alert = await storeAlert(h);
      const result = await acknowledgeAlert(h.deps, { ...as(PEOPLE.vic), alertId: alert.id });
      expect(result).toMatchObject({ ok: false, code: 'not-allowed' });
      expect((await h.store.getAlert(alert.id))!.status).toBe('open');
      expect(await auditOf(h, alert.id)).toContain('alert.acknowledge:denied');
    });

    it('when a user scoped to staging presses it on a prod alert, then they are refused without the account being named', async () => {
      const prod = await storeAlert(h);
      const refused = await acknowledgeAlert(h.deps, { ...as(PEOPLE.sam), alertId: prod.id });
      expect(refused).toMatchObject({ ok: false, code: 'not-allowed' });
      expect(!refused.ok && refused.reason).not.toMatch(new RegExp(`${PROD}|acme-prod`));
      const staging = await storeAlert(h, { accountId: STAGING });
      expect(await acknowledgeAlert(h.deps, { ...as(PEOPLE.sam), alertId: staging.id })).toMatchObject({ ok: true });
    });

    it('when the button names no stored alert, then it is refused as not found', async () => {
      expect(await acknowledgeAlert(h.deps, { ...as(PEOPLE.alice), alertId: 'al_nope' })).toMatchObject({
        ok: false,
        code: 'not-found',
      });
    });
  });

  describe('assign, resolve, false positive', () => {
    it('when an alert is assigned, then the status stays, the assignee is set and told by DM', async () => {
      const alert = await storeAlert(h);
      const result = await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.bob });
      expect(result).toMatchObject({ ok: true, alert: { status: 'open', assigneeId: PEOPLE.bob } });
      expect(h.recorded.dms.map((d) => d.userId)).toEqual([PEOPLE.bob]);
      expect(textOf(h.recorded.updates.at(-1)!.message)).toContain(`<@${PEOPLE.bob}>`);
      expect(await auditOf(h, alert.id)).toContain('alert.assign:ok');
    });

    it('when it is resolved with a note, then it is resolved and a second resolve is refused', async () => {
      const alert = await storeAlert(h);
      await acknowledgeAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id });
      const resolved = await closeAlert(h.deps, {
        ...as(PEOPLE.alice),
        alertId: alert.id,
        as: 'resolved',
        note: 'Closed again.',
      });
      expect(resolved).toMatchObject({ ok: true, alert: { status: 'resolved', note: 'Closed again.' } });
      const again = await closeAlert(h.deps, { ...as(PEOPLE.bob), alertId: alert.id, as: 'resolved' });
      expect(again).toMatchObject({ ok: false, code: 'not-open' });
      expect(await acknowledgeAlert(h.deps, { ...as(PEOPLE.bob), alertId: alert.id })).toMatchObject({ ok: false });
    });

    it('when it is marked a false positive without a note, then it is refused; with one, it is closed', async () => {
      const alert = await storeAlert(h);
      expect(
        await closeAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, as: 'false_positive', note: '  ' }),
      ).toMatchObject({ ok: false, code: 'invalid' });
      expect((await h.store.getAlert(alert.id))!.status).toBe('open');
      const fp = await closeAlert(h.deps, {
        ...as(PEOPLE.alice),
        alertId: alert.id,
        as: 'false_positive',
        note: 'Terraform pipeline',
      });
      expect(fp).toMatchObject({ ok: true, alert: { status: 'false_positive', note: 'Terraform pipeline' } });
      expect(await auditOf(h, alert.id)).toEqual(
        expect.arrayContaining(['alert.false_positive:denied', 'alert.false_positive:ok']),
      );
    });
  });

  describe('re-check', () => {
    it('when the resource is collected again, then the failing findings of that resource come back and the card says so', async () => {
      const alert = await storeAlert(h);
      const result = await recheckAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id });
      if (!result.ok) throw new Error(result.reason);
      expect(result.findings.length).toBeGreaterThan(0);
      expect(result.findings.every((f) => f.resource.id === PUBLIC_BUCKET && f.accountId === PROD)).toBe(true);
      expect(result.findings.find((f) => f.checkId === 's3_bucket_public_access_blocked')?.status).toBe('fail');
      expect(result.note).toMatch(/checks fail/);
      expect(textOf(h.recorded.updates.at(-1)!.message)).toContain('Re-check');
      expect(await auditOf(h, alert.id)).toContain('alert.recheck:ok');
    });
  });

  describe('undo', () => {
    it('when Undo is asked for, then a pending remediation request is made that still needs an approver, and it executes once', async () => {
      const alert = await storeAlert(h);
      const result = await requestAlertUndo(h.deps, {
        ...as(PEOPLE.alice),
        alertId: alert.id,
        justification: 'It should never have been opened.',
      });
      if (!result.ok) throw new Error(result.reason);
      expect(result.request).toMatchObject({ status: 'pending', remediationId: 's3_block_public_access' });
      expect(result.request.justification).toMatch(new RegExp(`^Undo of alert ${alert.id}`));
      expect(result.request.finding.resource.id).toBe(PUBLIC_BUCKET);
      expect((await h.store.getAlert(alert.id))!.undoRequestId).toBe(result.request.id);
      expect(h.recorded.posts.some((p) => p.channel === APPROVALS)).toBe(true);
      expect(h.runs).toHaveLength(0);

      // The requester cannot approve their own undo; an approver can, once.
      expect(await h.deps.remediation!.approve({ ...as(PEOPLE.alice), requestId: result.request.id })).toMatchObject({
        ok: false,
      });
      expect(await h.deps.remediation!.approve({ ...as(PEOPLE.bob), requestId: result.request.id })).toMatchObject({
        ok: true,
        outcome: 'approved',
      });
      await h.deps.remediation!.approve({ ...as(PEOPLE.bob), requestId: result.request.id });
      expect(h.runs).toHaveLength(1);

      expect(await checkAlertUndo(h.deps, { ...as(PEOPLE.alice), alertId: alert.id })).toMatchObject({
        ok: false,
        code: 'undo-exists',
      });
    });

    it('when remediation is off, then Undo is refused and says why', async () => {
      const off = startAlertHarness({ remediation: false });
      try {
        const alert = await storeAlert(off);
        const refused = await checkAlertUndo(off.deps, { ...as(PEOPLE.alice), alertId: alert.id });
        expect(refused).toMatchObject({ ok: false, code: 'disabled' });
      } finally {
        await off.cleanup();
      }
    });

    it('when the resource already passes, then there is nothing to undo', async () => {
      const scan = await h.deps.scans.run({ service: 's3', accountIds: [PROD] });
      const passing = scan.findings.find((f) => f.checkId === 's3_bucket_public_access_blocked' && f.status === 'pass');
      if (!passing) throw new Error('the demo estate has no bucket that blocks public access');
      const r = { type: 'AwsS3Bucket', id: passing.resource.id, arn: passing.resource.arn, region: passing.region };
      const alert = await storeAlert(h, {
        resource: r,
        undo: {
          remediationId: 's3_block_public_access',
          checkId: 's3_bucket_public_access_blocked',
          resource: r,
          description: 'x',
        },
      });
      const refused = await requestAlertUndo(h.deps, {
        ...as(PEOPLE.alice),
        alertId: alert.id,
        justification: 'It should never have been opened.',
      });
      expect(refused).toMatchObject({ ok: false, code: 'nothing-to-undo' });
      expect(await h.store.listRequests({})).toHaveLength(0);
    });

    it('when a viewer asks for Undo, then they are refused (it needs remediation:request)', async () => {
      const alert = await storeAlert(h);
      expect(await checkAlertUndo(h.deps, { ...as(PEOPLE.vic), alertId: alert.id })).toMatchObject({
        ok: false,
        code: 'not-allowed',
      });
    });
  });

  describe('ask the actor', () => {
    it('when the actor is mapped, then they are asked by DM with an Answer button, and their answer lands on the card and in the thread', async () => {
      const alert = await storeAlert(h);
      const asked = await askActor(h.deps, { ...as(PEOPLE.alice), alertId: alert.id });
      expect(asked).toMatchObject({ ok: true, alert: { askedUserId: PEOPLE.eve } });
      const dm = h.recorded.dms.find((d) => d.userId === PEOPLE.eve)!;
      expect(textOf(dm.message)).toContain(ALERT_ACTIONS.answer);
      expect(h.recorded.posts.some((p) => p.threadTs === alert.messageTs)).toBe(true);

      expect(await answerAlert(h.deps, { ...as(PEOPLE.bob), alertId: alert.id, answer: 'not me' })).toMatchObject({
        ok: false,
        code: 'not-asked',
      });
      const answered = await answerAlert(h.deps, {
        ...as(PEOPLE.eve),
        alertId: alert.id,
        answer: 'Yes, for the launch page.',
      });
      expect(answered).toMatchObject({ ok: true, alert: { answer: 'Yes, for the launch page.' } });
      const reply = h.recorded.posts.filter((p) => p.threadTs === alert.messageTs).at(-1)!;
      expect(textOf(reply.message)).toContain('Yes, for the launch page.');
      expect(textOf(h.recorded.updates.at(-1)!.message)).toContain('Yes, for the launch page.');
      expect(await answerAlert(h.deps, { ...as(PEOPLE.eve), alertId: alert.id, answer: 'again' })).toMatchObject({
        ok: false,
        code: 'already-answered',
      });
    });

    it('when nobody is known for the caller, then the presser is told how to map them', async () => {
      const alert = await storeAlert(h, { actor: anActor() });
      const refused = await askActor(h.deps, { ...as(PEOPLE.alice), alertId: alert.id });
      expect(refused).toMatchObject({ ok: false, code: 'no-person' });
      expect(!refused.ok && refused.reason).toMatch(/detections\.(actors|lookupByEmail)/);
      expect(h.recorded.dms).toHaveLength(0);
    });

    it('when lookupByEmail is on, then an SSO person is found by their e-mail address', async () => {
      const lookups: string[] = [];
      const byEmail = startAlertHarness({
        extra: ['lookupByEmail: true'],
        people: { userIdByEmail: async (email) => (lookups.push(email), 'U0ALICEMAIL') },
      });
      try {
        const alert = await storeAlert(byEmail, { actor: anActor() });
        expect(await askActor(byEmail.deps, { ...as(PEOPLE.alice), alertId: alert.id })).toMatchObject({
          ok: true,
          alert: { askedUserId: 'U0ALICEMAIL' },
        });
        expect(lookups).toEqual(['alice@acme.example']);
      } finally {
        await byEmail.cleanup();
      }
    });

    it('when the question stays unanswered past ask.escalateAfterMinutes, then it escalates in the thread exactly once', async () => {
      const alert = await storeAlert(h);
      await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.bob });
      await askActor(h.deps, { ...as(PEOPLE.alice), alertId: alert.id });
      expect(await escalateUnansweredQuestions(h.deps)).toEqual({ escalated: 0 });
      h.clock.advance(61 * 60_000);
      const [first, second] = await Promise.all([
        escalateUnansweredQuestions(h.deps),
        escalateUnansweredQuestions(h.deps),
      ]);
      expect(first.escalated + second.escalated).toBe(1);
      const escalation = h.recorded.posts.filter((p) => p.threadTs === alert.messageTs).at(-1)!;
      expect(textOf(escalation.message)).toMatch(
        new RegExp(`<@${PEOPLE.bob}>: no answer from <@${PEOPLE.eve}> in 60 minutes`),
      );
      expect(await escalateUnansweredQuestions(h.deps)).toEqual({ escalated: 0 });
    });
  });

  describe('listing', () => {
    it('when a user scoped to staging lists alerts, then only staging alerts reach them', async () => {
      await storeAlert(h);
      const staging = await storeAlert(h, { accountId: STAGING });
      const list = await listAlertsFor(h.deps, { ...as(PEOPLE.sam), filter: 'all' });
      expect(list.alerts.map((a) => a.id)).toEqual([staging.id]);
      expect(list.accountIds).toEqual([STAGING]);
      const all = await listAlertsFor(h.deps, { ...as(PEOPLE.alice), filter: 'all' });
      expect(all.alerts).toHaveLength(2);
    });

    it('when "mine" is asked, then the alerts assigned to or asking the user are listed, closed ones too', async () => {
      const a = await storeAlert(h);
      await storeAlert(h);
      await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: a.id, assigneeId: PEOPLE.bob });
      await closeAlert(h.deps, { ...as(PEOPLE.alice), alertId: a.id, as: 'resolved' });
      expect((await listAlertsFor(h.deps, { ...as(PEOPLE.bob), filter: 'mine' })).alerts.map((x) => x.id)).toEqual([
        a.id,
      ]);
      expect((await listAlertsFor(h.deps, { ...as(PEOPLE.bob), filter: 'open' })).alerts).toHaveLength(1);
    });
  });
});
