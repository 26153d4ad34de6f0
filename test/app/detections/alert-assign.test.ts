/**
 * Assign DMs the alert's details to the person chosen, so that person must be allowed to read
 * alerts on the alert's account themselves: their roles resolved as any user's, user groups
 * included (the real group resolver, Slack's usergroups.users.list answered by nock, the store as
 * its cache).
 */
import { WebClient } from '@slack/web-api';
import nock from 'nock';
import { assignAlert, checkAssignment } from '../../../src/app/detections/alert-actions';
import { makeGroupResolver } from '../../../src/slack/usergroups';
import { renderAlertRefusal } from '../../../src/core/render/blocks/alerts/modals';
import {
  PEOPLE,
  PROD,
  RESPONDERS_GROUP,
  STAGING,
  startAlertHarness,
  storeAlert,
  textOf,
  type AlertHarness,
} from './alert-harness';

const as = (userId: string) => ({ actor: { userId, groups: [] as string[] } });

const auditOf = async (h: AlertHarness, alertId: string) =>
  (await h.store.listAudit({ requestId: alertId })).map((e) => `${e.action}:${e.outcome}`);

/** The real resolver, its cache the harness's store; `members` answers usergroups.users.list. */
const withGroups = (members: { ok: true; users: string[] } | { ok: false; error: string }) => {
  const calls: string[] = [];
  nock('https://slack.com')
    .persist()
    .post('/api/usergroups.users.list')
    .reply(200, (_uri, body) => {
      calls.push(new URLSearchParams(String(body)).get('usergroup') ?? '');
      return members;
    });
  const harness = (): AlertHarness =>
    startAlertHarness({
      groups: (store) =>
        makeGroupResolver({
          slack: new WebClient('xoxb-test-token', { retryConfig: { retries: 0 } }),
          cache: store,
          ttlMs: 60_000,
          clock: () => new Date('2026-11-01T12:05:00.000Z'),
        }),
    });
  return { harness, calls };
};

describe('assigning an alert', () => {
  let h: AlertHarness;
  afterEach(() => h.cleanup());

  describe('to someone named in a binding', () => {
    beforeEach(() => {
      h = startAlertHarness();
    });

    it.each([
      ['has no cloudsec role', PEOPLE.eve],
      ['reads findings but not alerts', PEOPLE.fay],
    ])(
      'when the person chosen %s, then nothing is assigned, nobody is DMed, and the presser is told why',
      async (_, who) => {
        const alert = await storeAlert(h);
        const refused = await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: who });
        expect(refused).toMatchObject({ ok: false, code: 'assignee-not-allowed', mentions: [who] });
        expect(!refused.ok && refused.reason).toMatch(
          new RegExp(`^<@${who}> may not see alerts of account ${PROD} \\(acme-prod\\)`),
        );
        expect((await h.store.getAlert(alert.id))!.assigneeId).toBeNull();
        expect(h.recorded.dms).toHaveLength(0);
        expect(h.recorded.updates).toHaveLength(0);
        expect(await auditOf(h, alert.id)).toEqual(['alert.assign:denied']);
        // The presser's answer mentions the person chosen (the use case wrote that mention).
        expect(textOf(renderAlertRefusal(refused as never))).toContain(`<@${who}> may not see alerts`);
      },
    );

    it('when the person chosen reads alerts only on staging, then a prod alert is refused and a staging one assigned', async () => {
      const prod = await storeAlert(h);
      expect(
        await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: prod.id, assigneeId: PEOPLE.sam }),
      ).toMatchObject({ ok: false, code: 'assignee-not-allowed' });
      const staging = await storeAlert(h, { accountId: STAGING });
      expect(
        await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: staging.id, assigneeId: PEOPLE.sam }),
      ).toMatchObject({ ok: true, alert: { assigneeId: PEOPLE.sam } });
      expect(h.recorded.dms.map((d) => d.userId)).toEqual([PEOPLE.sam]);
    });

    it('when the Assign dialog is checked before it closes, then the same refusal comes back and nothing is stored', async () => {
      const alert = await storeAlert(h);
      const checked = await checkAssignment(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.eve });
      expect(checked).toMatchObject({ ok: false, code: 'assignee-not-allowed' });
      expect(
        await checkAssignment(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.vic }),
      ).toMatchObject({ ok: true });
      expect((await h.store.getAlert(alert.id))!.assigneeId).toBeNull();
    });

    it('when a viewer presses Assign, then they are refused before the assignee is looked at', async () => {
      const alert = await storeAlert(h);
      expect(await assignAlert(h.deps, { ...as(PEOPLE.vic), alertId: alert.id, assigneeId: PEOPLE.eve })).toMatchObject(
        { ok: false, code: 'not-allowed' },
      );
    });

    it('when groups cannot be looked up at all, then a person who reads alerts only through a group is refused', async () => {
      const alert = await storeAlert(h);
      const refused = await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.gus });
      expect(refused).toMatchObject({ ok: false, code: 'assignee-not-allowed' });
      expect(!refused.ok && refused.reason).toMatch(/user groups cannot be looked up/);
    });
  });

  describe('to someone who reads alerts through a user group', () => {
    it('when Slack says they are in the group, then the alert is assigned and they are DMed', async () => {
      const slack = withGroups({ ok: true, users: [PEOPLE.gus] });
      h = slack.harness();
      const alert = await storeAlert(h);
      const result = await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.gus });
      expect(result).toMatchObject({ ok: true, alert: { assigneeId: PEOPLE.gus } });
      expect(h.recorded.dms.map((d) => d.userId)).toEqual([PEOPLE.gus]);
      expect(slack.calls).toEqual([RESPONDERS_GROUP]);
    });

    it('when Slack says they are not in it, then they are refused', async () => {
      h = withGroups({ ok: true, users: [PEOPLE.vic] }).harness();
      const alert = await storeAlert(h);
      expect(
        await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.gus }),
      ).toMatchObject({ ok: false, code: 'assignee-not-allowed' });
      expect(h.recorded.dms).toHaveLength(0);
    });

    it('when Slack cannot be asked, then the group grants nothing and the refusal says the groups could not be read', async () => {
      h = withGroups({ ok: false, error: 'missing_scope' }).harness();
      const alert = await storeAlert(h);
      const refused = await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: alert.id, assigneeId: PEOPLE.gus });
      expect(refused).toMatchObject({ ok: false, code: 'assignee-not-allowed' });
      expect(!refused.ok && refused.reason).toMatch(/could not be read from Slack/);
      expect(h.recorded.dms).toHaveLength(0);
    });
  });
});
