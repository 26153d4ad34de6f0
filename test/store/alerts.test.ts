import { ZodError } from 'zod';
import type { Alert } from '../../src/core/detections/alert';
import { CloudsecError } from '../../src/errors';
import { migrate, MIGRATIONS } from '../../src/store/migrations';
import type { Store } from '../../src/store/store';
import { anAlertDraft, PROD, STAGING } from '../fixtures/alerts-builders';
import { manualClock, useTempStores } from '../fixtures/store';

const T0 = '2026-11-01T12:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LONG_AGO = '2026-01-01T00:00:00.000Z';

const minutesAfter = (iso: string, minutes: number): string =>
  new Date(new Date(iso).getTime() + minutes * MINUTE).toISOString();

/** The error a call gives, or a failure when it gave none. */
const failureOf = async (call: Promise<unknown>): Promise<CloudsecError> => {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(CloudsecError);
    return err as CloudsecError;
  }
  throw new Error('expected the call to fail');
};

describe('alerts, handled events and LookupEvents checkpoints in SQLite', () => {
  const stores = useTempStores();

  const setup = () => {
    const clock = manualClock(T0);
    return { clock, ...stores.open({ clock }) };
  };

  /** Records a draft that must open a new alert. */
  const created = async (store: Store, ...args: Parameters<Store['recordAlert']>): Promise<Alert> => {
    const result = await store.recordAlert(...args);
    if (!result.created) throw new Error(`expected a new alert, got a count on ${result.alert.id}`);
    return result.alert;
  };

  describe('claimEvent and pruneHandledEvents', () => {
    it('when an event id is claimed twice, then only the first claim wins, and other ids are independent', async () => {
      const { store } = setup();
      expect(await store.claimEvent('e-1', 'sqs')).toBe(true);
      expect(await store.claimEvent('e-1', 'sqs')).toBe(false);
      expect(await store.claimEvent('e-1', 'lookup-events')).toBe(false);
      expect(await store.claimEvent('e-2', 'lookup-events')).toBe(true);
    });

    it('when claims older than a time are pruned, then only those are forgotten and their ids can be claimed again', async () => {
      const { store, clock } = setup();
      await store.claimEvent('old-1', 'sqs');
      await store.claimEvent('old-2', 'sqs');
      clock.advance(HOUR);
      await store.claimEvent('recent', 'sqs');
      expect(await store.pruneHandledEvents(minutesAfter(T0, 30))).toBe(2);
      expect(await store.pruneHandledEvents(minutesAfter(T0, 30))).toBe(0);
      expect(await store.claimEvent('old-1', 'sqs')).toBe(true);
      expect(await store.claimEvent('recent', 'sqs')).toBe(false);
    });
  });

  describe('recordAlert and getAlert', () => {
    it('when a draft is recorded, then it is an open alert with count 1, clock times and nothing set yet', async () => {
      const { store } = setup();
      const draft = anAlertDraft();
      const result = await store.recordAlert(draft, LONG_AGO);
      expect(result).toEqual({
        created: true,
        alert: {
          ...draft,
          id: expect.stringMatching(/^al_[0-9a-f]{24}$/),
          status: 'open',
          count: 1,
          lastSeenAt: T0,
          createdAt: T0,
          updatedAt: T0,
          channel: null,
          messageTs: null,
          assigneeId: null,
          closedBy: null,
          note: null,
          askedUserId: null,
          askedAt: null,
          answer: null,
          answeredAt: null,
          escalatedAt: null,
          undoRequestId: null,
        },
      });
      expect(await store.getAlert(result.alert.id)).toEqual(result.alert);
      expect(await store.getAlert('al_missing')).toBeNull();
    });

    it('when a staged counting draft without undo is recorded, then those fields read back as given', async () => {
      const { store } = setup();
      const draft = anAlertDraft({ staged: true, undo: null, thresholdCount: 5, details: [] });
      const alert = await created(store, draft, LONG_AGO);
      expect(await store.getAlert(alert.id)).toMatchObject({
        staged: true,
        undo: null,
        thresholdCount: 5,
        details: [],
      });
    });

    it('when the same key repeats within the window, then it is counted on the first alert, which keeps its event', async () => {
      const { store, clock } = setup();
      const first = await created(store, anAlertDraft({ eventId: 'e-1' }), LONG_AGO);
      clock.advance(5 * MINUTE);
      const again = await store.recordAlert(
        anAlertDraft({ eventId: 'e-2', eventTime: '2026-11-01T12:04:59Z' }),
        minutesAfter(T0, -55),
      );
      const seen = minutesAfter(T0, 5);
      expect(again).toEqual({
        created: false,
        alert: { ...first, count: 2, lastSeenAt: seen, updatedAt: seen },
      });
      expect(again.alert).toMatchObject({ eventId: 'e-1', eventTime: first.eventTime, createdAt: T0 });
      expect(await store.listAlerts()).toHaveLength(1);
    });

    it('when the window starts exactly at the last sighting, then it still counts; a millisecond later it is a new alert', async () => {
      const { store, clock } = setup();
      const first = await created(store, anAlertDraft(), LONG_AGO);
      clock.advance(10 * MINUTE);
      expect(await store.recordAlert(anAlertDraft(), T0)).toMatchObject({
        created: false,
        alert: { id: first.id, count: 2, lastSeenAt: minutesAfter(T0, 10) },
      });
      clock.advance(10 * MINUTE);
      const windowStart = new Date(new Date(minutesAfter(T0, 10)).getTime() + 1).toISOString();
      const later = await store.recordAlert(anAlertDraft(), windowStart);
      expect(later.created).toBe(true);
      expect(later.alert.id).not.toBe(first.id);
      expect((await store.getAlert(first.id))?.count).toBe(2);
    });

    it('when the window is 0 (it starts now), then a repeat at the same instant is never counted', async () => {
      const { store } = setup();
      const first = await created(store, anAlertDraft(), T0);
      const second = await store.recordAlert(anAlertDraft(), T0);
      expect(second.created).toBe(true);
      expect(second.alert.id).not.toBe(first.id);
    });

    it('when the open alert of the key was acknowledged, then repeats count on it; once resolved, a new one opens', async () => {
      const { store, clock } = setup();
      const first = await created(store, anAlertDraft(), LONG_AGO);
      await store.transitionAlert(first.id, ['open'], 'acknowledged', { closedBy: 'U0LEAD' });
      clock.advance(MINUTE);
      expect(await store.recordAlert(anAlertDraft(), LONG_AGO)).toMatchObject({
        created: false,
        alert: { id: first.id, status: 'acknowledged', count: 2 },
      });
      await store.transitionAlert(first.id, ['acknowledged'], 'resolved');
      clock.advance(MINUTE);
      const next = await store.recordAlert(anAlertDraft(), LONG_AGO);
      expect(next).toMatchObject({ created: true, alert: { status: 'open', count: 1 } });
      expect(next.alert.id).not.toBe(first.id);
    });

    it('when drafts have other dedup keys, then each opens its own alert', async () => {
      const { store } = setup();
      const a = await created(store, anAlertDraft({ bucket: 'a' }), LONG_AGO);
      const b = await created(store, anAlertDraft({ bucket: 'b' }), LONG_AGO);
      const c = await created(store, anAlertDraft({ bucket: 'a', accountId: STAGING }), LONG_AGO);
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });

    it('when the draft or the window start is invalid, then it is refused and nothing is stored', async () => {
      const { store } = setup();
      await expect(
        store.recordAlert({ ...anAlertDraft(), severity: 'urgent' as never }, LONG_AGO),
      ).rejects.toBeInstanceOf(ZodError);
      await expect(store.recordAlert(anAlertDraft(), 'an hour ago')).rejects.toThrow(RangeError);
      expect(await store.listAlerts()).toEqual([]);
    });
  });

  describe('listAlerts and countAlerts', () => {
    /** Four alerts a minute apart: prod open, staging acknowledged and assigned, prod resolved, staging open. */
    const fourAlerts = async (store: Store, clock: ReturnType<typeof manualClock>) => {
      const prodOpen = await created(store, anAlertDraft({ bucket: 'p1' }), LONG_AGO);
      clock.advance(MINUTE);
      const stagingAck = await created(store, anAlertDraft({ bucket: 's1', accountId: STAGING }), LONG_AGO);
      await store.transitionAlert(stagingAck.id, ['open'], 'acknowledged', { assigneeId: 'U0BOB' });
      clock.advance(MINUTE);
      const prodResolved = await created(store, anAlertDraft({ bucket: 'p2' }), LONG_AGO);
      await store.transitionAlert(prodResolved.id, ['open'], 'resolved', { assigneeId: 'U0BOB' });
      clock.advance(MINUTE);
      const stagingOpen = await created(store, anAlertDraft({ bucket: 's2', accountId: STAGING }), LONG_AGO);
      return { prodOpen, stagingAck, prodResolved, stagingOpen };
    };
    const ids = (list: Alert[]) => list.map((a) => a.id);

    it('when filtering by status, account, assignee, time and limit, then only matching alerts come, newest first', async () => {
      const { store, clock } = setup();
      const { prodOpen, stagingAck, prodResolved, stagingOpen } = await fourAlerts(store, clock);
      expect(ids(await store.listAlerts())).toEqual([stagingOpen.id, prodResolved.id, stagingAck.id, prodOpen.id]);
      expect(ids(await store.listAlerts({ statuses: ['open', 'acknowledged'] }))).toEqual([
        stagingOpen.id,
        stagingAck.id,
        prodOpen.id,
      ]);
      expect(ids(await store.listAlerts({ accountIds: [PROD] }))).toEqual([prodResolved.id, prodOpen.id]);
      expect(ids(await store.listAlerts({ accountIds: [STAGING], statuses: ['open'] }))).toEqual([stagingOpen.id]);
      expect(ids(await store.listAlerts({ assigneeId: 'U0BOB' }))).toEqual([prodResolved.id, stagingAck.id]);
      expect(ids(await store.listAlerts({ since: minutesAfter(T0, 2) }))).toEqual([stagingOpen.id, prodResolved.id]);
      expect(ids(await store.listAlerts({ limit: 1 }))).toEqual([stagingOpen.id]);
      // A scoped user with no accounts sees nothing, never everything.
      expect(await store.listAlerts({ accountIds: [] })).toEqual([]);
      expect(await store.listAlerts({ statuses: [] })).toEqual([]);
    });

    it('when a query names an unknown status or a bad limit, then it is refused', async () => {
      const { store } = setup();
      await expect(store.listAlerts({ statuses: ['closed' as never] })).rejects.toBeInstanceOf(ZodError);
      await expect(store.listAlerts({ limit: 0 })).rejects.toBeInstanceOf(ZodError);
    });

    it('when alerts are counted in [since, until), then each status is counted, scoped by account when asked', async () => {
      const { store, clock } = setup();
      await fourAlerts(store, clock);
      const zero = { open: 0, acknowledged: 0, resolved: 0, false_positive: 0 };
      const all = { since: T0, until: minutesAfter(T0, 4) };
      expect(await store.countAlerts(all)).toEqual({ ...zero, open: 2, acknowledged: 1, resolved: 1 });
      expect(await store.countAlerts({ ...all, accountIds: [STAGING] })).toEqual({ ...zero, open: 1, acknowledged: 1 });
      expect(await store.countAlerts({ ...all, accountIds: [] })).toEqual(zero);
      // since is included, until is not: the alert created at T0 + 2 min falls in the second range only.
      expect(await store.countAlerts({ since: T0, until: minutesAfter(T0, 2) })).toEqual({
        ...zero,
        open: 1,
        acknowledged: 1,
      });
      expect(await store.countAlerts({ since: minutesAfter(T0, 2), until: minutesAfter(T0, 3) })).toEqual({
        ...zero,
        resolved: 1,
      });
    });
  });

  describe('transitionAlert, updateAlert, setAlertMessage', () => {
    it('when the status is one of from, then it moves with the patch and a clock update time; otherwise nothing changes', async () => {
      const { store, clock } = setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      clock.advance(MINUTE);
      const acked = await store.transitionAlert(alert.id, ['open'], 'acknowledged', {
        closedBy: 'U0LEAD',
        note: 'looking',
      });
      expect(acked).toEqual({
        ...alert,
        status: 'acknowledged',
        closedBy: 'U0LEAD',
        note: 'looking',
        updatedAt: minutesAfter(T0, 1),
      });
      // Compare-and-set: a second click (or another replica) with the old status is refused.
      expect(await store.transitionAlert(alert.id, ['open'], 'resolved', { closedBy: 'U0OTHER' })).toBeNull();
      expect(await store.transitionAlert(alert.id, [], 'resolved')).toBeNull();
      expect(await store.transitionAlert('al_missing', ['open'], 'resolved')).toBeNull();
      expect(await store.getAlert(alert.id)).toEqual(acked);
      const resolved = await store.transitionAlert(alert.id, ['open', 'acknowledged'], 'false_positive');
      expect(resolved).toMatchObject({ status: 'false_positive', closedBy: 'U0LEAD', note: 'looking' });
    });

    it('when a transition names an unknown status, then it is refused', async () => {
      const { store } = setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      await expect(store.transitionAlert(alert.id, ['open'], 'closed' as never)).rejects.toBeInstanceOf(ZodError);
      expect((await store.getAlert(alert.id))?.status).toBe('open');
    });

    it('when an alert is updated, then only the fields given change, times are normalized, and a missing alert is null', async () => {
      const { store, clock } = setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      clock.advance(MINUTE);
      const asked = await store.updateAlert(alert.id, { askedUserId: 'U0ALICE', askedAt: '2026-11-01T12:01:00Z' });
      expect(asked).toEqual({
        ...alert,
        askedUserId: 'U0ALICE',
        askedAt: '2026-11-01T12:01:00.000Z',
        updatedAt: minutesAfter(T0, 1),
      });
      const assigned = await store.updateAlert(alert.id, { assigneeId: 'U0BOB', undoRequestId: 'rq_1' });
      expect(assigned).toMatchObject({ askedUserId: 'U0ALICE', assigneeId: 'U0BOB', undoRequestId: 'rq_1' });
      expect(await store.updateAlert(alert.id, { assigneeId: null })).toMatchObject({ assigneeId: null });
      expect(await store.updateAlert(alert.id, {})).toEqual(await store.getAlert(alert.id));
      expect(await store.updateAlert('al_missing', { assigneeId: 'U0BOB' })).toBeNull();
      await expect(store.updateAlert(alert.id, { answeredAt: 'later' })).rejects.toThrow(RangeError);
    });

    it('when the card is posted, then its channel and timestamp are recorded', async () => {
      const { store } = setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      expect(await store.setAlertMessage(alert.id, 'C0ALERTS', '1761998400.000100')).toMatchObject({
        channel: 'C0ALERTS',
        messageTs: '1761998400.000100',
      });
      expect(await store.setAlertMessage('al_missing', 'C0ALERTS', '1.2')).toBeNull();
    });
  });

  describe('claimAlertEscalation', () => {
    it('when the actor was asked and has not answered, then exactly one claim escalates', async () => {
      const { store, clock } = setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      expect(await store.claimAlertEscalation(alert.id)).toBe(false);
      await store.updateAlert(alert.id, { askedUserId: 'U0ALICE', askedAt: T0 });
      clock.advance(HOUR);
      expect(await store.claimAlertEscalation(alert.id)).toBe(true);
      expect(await store.claimAlertEscalation(alert.id)).toBe(false);
      expect(await store.getAlert(alert.id)).toMatchObject({ escalatedAt: minutesAfter(T0, 60) });
      expect(await store.claimAlertEscalation('al_missing')).toBe(false);
    });

    it('when the actor already answered, then there is nothing to escalate', async () => {
      const { store } = setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      await store.updateAlert(alert.id, { askedUserId: 'U0ALICE', askedAt: T0, answer: 'it was me', answeredAt: T0 });
      expect(await store.claimAlertEscalation(alert.id)).toBe(false);
      expect((await store.getAlert(alert.id))?.escalatedAt).toBeNull();
    });
  });

  describe('LookupEvents checkpoints', () => {
    it('when a checkpoint is saved and saved again, then the latest reads back per account and region', async () => {
      const { store, clock } = setup();
      expect(await store.getLookupCheckpoint(PROD, 'eu-west-1')).toBeNull();
      const first = {
        accountId: PROD,
        region: 'eu-west-1',
        lastEventTime: '2026-11-01T11:59:00Z',
        lastEventIds: ['a'],
      };
      expect(await store.saveLookupCheckpoint(first)).toEqual({ ...first, updatedAt: T0 });
      clock.advance(MINUTE);
      const next = { ...first, lastEventTime: '2026-11-01T12:00:30Z', lastEventIds: ['b', 'c'] };
      await store.saveLookupCheckpoint(next);
      await store.saveLookupCheckpoint({ ...first, region: 'us-east-1', lastEventIds: [] });
      expect(await store.getLookupCheckpoint(PROD, 'eu-west-1')).toEqual({ ...next, updatedAt: minutesAfter(T0, 1) });
      expect(await store.getLookupCheckpoint(PROD, 'us-east-1')).toMatchObject({ lastEventIds: [] });
      expect(await store.getLookupCheckpoint(STAGING, 'eu-west-1')).toBeNull();
    });
  });

  describe('rows changed outside cloudsec', () => {
    it('when a stored alert does not fit the schema, then reads fail with an internal error naming it', async () => {
      const { store, path } = setup();
      const good = await created(store, anAlertDraft({ bucket: 'good' }), LONG_AGO);
      const badSeverity = await created(store, anAlertDraft({ bucket: 'bad' }), LONG_AGO);
      const badActor = await created(store, anAlertDraft({ bucket: 'worse' }), LONG_AGO);
      const raw = stores.raw(path);
      raw.prepare("UPDATE alerts SET severity = 'urgent' WHERE id = ?").run(badSeverity.id);
      raw.prepare("UPDATE alerts SET actor = '{not json' WHERE id = ?").run(badActor.id);

      const severityError = await failureOf(store.getAlert(badSeverity.id));
      expect(severityError.code).toBe('internal');
      expect(severityError.message).toContain(badSeverity.id);
      expect(severityError.message).toContain('severity');
      const actorError = await failureOf(store.getAlert(badActor.id));
      expect(actorError).toMatchObject({ code: 'internal', message: expect.stringContaining(badActor.id) });
      // A list never drops a bad row silently.
      expect((await failureOf(store.listAlerts())).code).toBe('internal');
      expect(await store.listAlerts({ accountIds: [STAGING] })).toEqual([]);
      expect(await store.getAlert(good.id)).toEqual(good);
    });

    it('when a stored checkpoint holds no id list, then reading it fails with an internal error', async () => {
      const { store, path } = setup();
      await store.saveLookupCheckpoint({ accountId: PROD, region: 'eu-west-1', lastEventTime: T0, lastEventIds: [] });
      stores.raw(path).prepare('UPDATE lookup_checkpoints SET last_event_ids = \'"a"\'').run();
      expect(await failureOf(store.getLookupCheckpoint(PROD, 'eu-west-1'))).toMatchObject({
        code: 'internal',
        message: expect.stringContaining(PROD),
      });
    });
  });

  describe('migration 8', () => {
    it('when a database at version 7 is opened, then the alert tables are added and the data is kept', async () => {
      const path = stores.dbPath();
      const raw = stores.raw(path);
      const atSeven = MIGRATIONS.filter((m) => m.version <= 7);
      expect(migrate(raw, path, () => '2026-10-01T00:00:00.000Z', atSeven)).toBe(7);
      raw
        .prepare('INSERT INTO request_nonces (key, expires_at) VALUES (?, ?)')
        .run('slack:v0=abc', '2026-11-02T00:00:00.000Z');
      raw.close();

      const { store } = stores.open({ path, clock: manualClock(T0) });
      const check = stores.raw(path);
      expect(check.prepare('SELECT version, applied_at FROM schema_migrations WHERE version >= 7').all()).toEqual([
        { version: 7, applied_at: '2026-10-01T00:00:00.000Z' },
        { version: 8, applied_at: T0 },
      ]);
      expect(await store.claimNonce('slack:v0=abc', '2026-11-02T00:00:00.000Z')).toBe(false);
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      expect(await store.listAlerts()).toEqual([alert]);
      const indexes = check
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts' AND sql IS NOT NULL")
        .pluck()
        .all();
      expect(indexes).toEqual(
        expect.arrayContaining(['alerts_dedup', 'alerts_status_created', 'alerts_account_created', 'alerts_assignee']),
      );
    });
  });
});
