/**
 * `/cloudsec alerts mine` and the escalation of unanswered questions read the store, which keeps
 * every alert: what they find must not depend on how many other alerts are newer.
 */
import { escalateUnansweredQuestions, ESCALATION_PAGE_SIZE } from '../../../src/app/detections/alert-ask';
import { assignAlert } from '../../../src/app/detections/alert-actions';
import { ALERT_LIST_LIMIT, listAlertsFor } from '../../../src/app/detections/alert-list';
import { aDraft, PEOPLE, STAGING, startAlertHarness, storeAlert, type AlertHarness } from './alert-harness';

const as = (userId: string) => ({ actor: { userId, groups: [] as string[] } });
const HOUR_AND_A_MINUTE = 61 * 60_000;

let bulk = 0;
/**
 * `n` open alerts, all newer than anything stored before (the store orders by creation time),
 * recorded as one CloudTrail record's alerts: one transaction, so a thousand take a moment.
 */
const newerAlerts = async (h: AlertHarness, n: number) => {
  h.clock.advance(60_000);
  const items = Array.from({ length: n }, () => ({ draft: aDraft(), windowStart: '2026-11-01T00:00:00.000Z' }));
  const result = await h.store.recordEventAlerts({ eventId: `bulk-${(bulk += 1)}`, source: 'sqs' }, items);
  if (!result.claimed || result.results.some((r) => !r.created)) throw new Error('expected new alerts');
};

/** An alert with its card posted, whose question to `userId` is asked now. */
const askedAlert = async (h: AlertHarness, userId: string = PEOPLE.eve) => {
  const alert = await storeAlert(h);
  return (await h.store.updateAlert(alert.id, { askedUserId: userId, askedAt: h.clock.now().toISOString() }))!;
};

/** The thread replies posted under each alert's card (escalations, in these tests). */
const threadReplies = (h: AlertHarness) => h.recorded.posts.filter((p) => p.threadTs !== undefined);

describe('alert queries that must not miss old alerts', () => {
  let h: AlertHarness;
  let warnings: Array<{ fields: Record<string, unknown>; msg: string }>;
  beforeEach(() => {
    h = startAlertHarness();
    warnings = [];
    h.deps.log = {
      ...h.deps.log,
      warn: (fields: object, msg?: string) => void warnings.push({ fields: { ...fields }, msg: msg ?? '' }),
    };
  });
  afterEach(() => h.cleanup());

  it('when more alerts than a list holds are newer than ones assigned to or asking the asker, then "mine" lists both, complete', async () => {
    const assigned = await storeAlert(h);
    await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: assigned.id, assigneeId: PEOPLE.bob });
    h.clock.advance(1_000);
    const asking = await askedAlert(h, PEOPLE.bob);
    await newerAlerts(h, ALERT_LIST_LIMIT + 1);
    const list = await listAlertsFor(h.deps, { ...as(PEOPLE.bob), filter: 'mine' });
    expect(list.alerts.map((a) => a.id)).toEqual([asking.id, assigned.id]);
    // Every alert of bob's is on it: no "(the newest)" caveat.
    expect(list.truncated).toBe(false);
    // The other filters still read the newest ALERT_LIST_LIMIT and say so.
    const all = await listAlertsFor(h.deps, { ...as(PEOPLE.bob), filter: 'all' });
    expect(all).toMatchObject({ truncated: true, alerts: expect.any(Array) });
    expect(all.alerts).toHaveLength(ALERT_LIST_LIMIT);
  }, 60_000);

  it('when "mine" is asked, then alerts assigned to or asking the asker come newest first, once each, within their accounts', async () => {
    const assigned = await storeAlert(h, { accountId: STAGING });
    await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: assigned.id, assigneeId: PEOPLE.sam });
    h.clock.advance(1_000);
    const askedAndAssigned = await storeAlert(h, { accountId: STAGING });
    await assignAlert(h.deps, { ...as(PEOPLE.alice), alertId: askedAndAssigned.id, assigneeId: PEOPLE.sam });
    await h.store.updateAlert(askedAndAssigned.id, { askedUserId: PEOPLE.sam, askedAt: h.clock.now().toISOString() });
    const prod = await storeAlert(h);
    await h.store.updateAlert(prod.id, { askedUserId: PEOPLE.sam, askedAt: h.clock.now().toISOString() });
    await storeAlert(h, { accountId: STAGING });
    const list = await listAlertsFor(h.deps, { ...as(PEOPLE.sam), filter: 'mine' });
    // The prod alert asks sam, but sam reads staging only.
    expect(list.alerts.map((a) => a.id)).toEqual([askedAndAssigned.id, assigned.id]);
    expect(list.truncated).toBe(false);
  });

  it('when far more open alerts than a page are newer than a due question, then it escalates, as does a new one, and nothing is logged', async () => {
    const old = await askedAlert(h);
    await newerAlerts(h, 2 * ESCALATION_PAGE_SIZE + 1);
    const recent = await askedAlert(h);
    h.clock.advance(HOUR_AND_A_MINUTE);
    expect(await escalateUnansweredQuestions(h.deps)).toEqual({ escalated: 2 });
    expect((await h.store.getAlert(old.id))!.escalatedAt).not.toBeNull();
    expect((await h.store.getAlert(recent.id))!.escalatedAt).not.toBeNull();
    expect(
      threadReplies(h)
        .map((p) => p.threadTs)
        .sort(),
    ).toEqual([old.messageTs, recent.messageTs].sort());
    expect(warnings).toEqual([]);
  }, 60_000);

  it('when more questions are due than a page holds, then one run escalates every one of them, once', async () => {
    const due = [];
    for (let i = 0; i < 5; i++) due.push(await askedAlert(h));
    const notYet = await askedAlert(h, PEOPLE.bob);
    await h.store.updateAlert(notYet.id, { askedAt: new Date(h.clock.now().getTime() + 30 * 60_000).toISOString() });
    h.clock.advance(HOUR_AND_A_MINUTE);
    expect(await escalateUnansweredQuestions(h.deps, { pageSize: 2 })).toEqual({ escalated: 5 });
    expect(
      threadReplies(h)
        .map((p) => p.threadTs)
        .sort(),
    ).toEqual(due.map((a) => a.messageTs).sort());
    expect((await h.store.getAlert(notYet.id))!.escalatedAt).toBeNull();
    expect(await escalateUnansweredQuestions(h.deps, { pageSize: 2 })).toEqual({ escalated: 0 });
    expect(warnings).toEqual([]);
  });

  it('when the store lists a question the guard does not find due, then it is not escalated, is logged, and the run still ends', async () => {
    const due = [await askedAlert(h), await askedAlert(h), await askedAlert(h)];
    h.clock.advance(1_000);
    // Asked (a time) but of nobody: a row changed outside cloudsec. The store's filter lets it through.
    const odd = await storeAlert(h);
    await h.store.updateAlert(odd.id, { askedAt: h.clock.now().toISOString() });
    h.clock.advance(HOUR_AND_A_MINUTE);

    // The odd alert is the newest: it comes back on every page, beside the next due one.
    expect(await escalateUnansweredQuestions(h.deps, { pageSize: 2 })).toEqual({ escalated: 3 });
    expect(
      threadReplies(h)
        .map((p) => p.threadTs)
        .sort(),
    ).toEqual(due.map((a) => a.messageTs).sort());
    expect((await h.store.getAlert(odd.id))!.escalatedAt).toBeNull();
    expect(warnings).toEqual([
      {
        msg: expect.stringMatching(/does not find due/),
        fields: { alertIds: [odd.id], refused: 1, stoppedOnFullPage: false },
      },
    ]);
  });

  it('when a whole page is questions the guard refuses, then the run stops there and says the rest waits', async () => {
    const behind = await askedAlert(h);
    h.clock.advance(1_000);
    const odd = await storeAlert(h);
    await h.store.updateAlert(odd.id, { askedAt: h.clock.now().toISOString() });
    h.clock.advance(HOUR_AND_A_MINUTE);
    expect(await escalateUnansweredQuestions(h.deps, { pageSize: 1 })).toEqual({ escalated: 0 });
    expect((await h.store.getAlert(behind.id))!.escalatedAt).toBeNull();
    expect(warnings).toEqual([
      { msg: expect.any(String), fields: { alertIds: [odd.id], refused: 1, stoppedOnFullPage: true } },
    ]);
  });
});
