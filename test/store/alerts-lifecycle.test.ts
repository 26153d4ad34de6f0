import { ZodError } from 'zod';
import type { Alert } from '../../src/core/detections/alert';
import { CloudsecError } from '../../src/errors';
import { migrate, MIGRATIONS } from '../../src/store/migrations';
import type { Store } from '../../src/store/store';
import { anAlertDraft, PROD, STAGING } from '../fixtures/alerts-builders';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock, useTempStores, type ManualClock } from '../fixtures/store';

const T0 = '2026-11-01T12:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LONG_AGO = '2026-01-01T00:00:00.000Z';
const ZERO = { open: 0, acknowledged: 0, resolved: 0, false_positive: 0 };

const minutesAfter = (iso: string, minutes: number): string =>
  new Date(new Date(iso).getTime() + minutes * MINUTE).toISOString();

/** Records a draft that must open a new alert. */
const created = async (store: Store, ...args: Parameters<Store['recordAlert']>): Promise<Alert> => {
  const result = await store.recordAlert(...args);
  if (!result.created) throw new Error(`expected a new alert, got a count on ${result.alert.id}`);
  return result.alert;
};

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

const ids = (list: Alert[]) => list.map((a) => a.id);

/** Four alerts a minute apart: prod open, staging acknowledged and assigned, prod resolved, staging open. */
const fourAlerts = async (store: Store, clock: ManualClock) => {
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

describe.each(STORE_KINDS)('the alert lifecycle and LookupEvents checkpoints (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async () => {
    const clock = manualClock(T0);
    return { clock, store: await stores.open({ clock }) };
  };

  describe('listAlerts and countAlerts', () => {
    it('when filtering by status, account, assignee, time and limit, then only matching alerts come, newest first', async () => {
      const { store, clock } = await setup();
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
      const { store } = await setup();
      await expect(store.listAlerts({ statuses: ['closed' as never] })).rejects.toBeInstanceOf(ZodError);
      await expect(store.listAlerts({ limit: 0 })).rejects.toBeInstanceOf(ZodError);
    });

    it('when alerts are counted by creation in [since, until), then each status is counted, scoped by account when asked', async () => {
      const { store, clock } = await setup();
      await fourAlerts(store, clock);
      const all = { since: T0, until: minutesAfter(T0, 4) };
      expect(await store.countAlerts(all)).toEqual({ ...ZERO, open: 2, acknowledged: 1, resolved: 1 });
      expect(await store.countAlerts({ ...all, by: 'created' })).toEqual(await store.countAlerts(all));
      expect(await store.countAlerts({ ...all, accountIds: [STAGING] })).toEqual({ ...ZERO, open: 1, acknowledged: 1 });
      expect(await store.countAlerts({ ...all, accountIds: [] })).toEqual(ZERO);
      // since is included, until is not: the alert created at T0 + 2 min falls in the second range only.
      expect(await store.countAlerts({ since: T0, until: minutesAfter(T0, 2) })).toEqual({
        ...ZERO,
        open: 1,
        acknowledged: 1,
      });
      expect(await store.countAlerts({ since: minutesAfter(T0, 2), until: minutesAfter(T0, 3) })).toEqual({
        ...ZERO,
        resolved: 1,
      });
    });

    it('when alerts are counted by closure, then only those resolved or marked false positive in the window count', async () => {
      const { store, clock } = await setup();
      // Created long before the window, closed inside it: a closure the digest must report.
      const old = await created(store, anAlertDraft({ bucket: 'old' }), LONG_AGO);
      const reopened = await created(store, anAlertDraft({ bucket: 'reopened' }), LONG_AGO);
      const acked = await created(store, anAlertDraft({ bucket: 'acked', accountId: STAGING }), LONG_AGO);
      clock.advance(HOUR);
      await store.transitionAlert(old.id, ['open'], 'resolved');
      await store.transitionAlert(reopened.id, ['open'], 'false_positive');
      await store.transitionAlert(acked.id, ['open'], 'acknowledged');
      clock.advance(MINUTE);
      const fresh = await created(store, anAlertDraft({ bucket: 'fresh', accountId: STAGING }), LONG_AGO);
      await store.transitionAlert(fresh.id, ['open'], 'false_positive');
      await store.transitionAlert(reopened.id, ['false_positive'], 'open');

      const window = { since: minutesAfter(T0, 30), until: minutesAfter(T0, 90), by: 'closed' as const };
      expect(await store.countAlerts(window)).toEqual({ ...ZERO, resolved: 1, false_positive: 1 });
      expect(await store.countAlerts({ ...window, accountIds: [STAGING] })).toEqual({ ...ZERO, false_positive: 1 });
      expect(await store.countAlerts({ ...window, until: minutesAfter(T0, 61) })).toEqual({ ...ZERO, resolved: 1 });
      expect(await store.countAlerts({ ...window, by: 'created' })).toEqual({ ...ZERO, false_positive: 1 });
    });
  });

  describe('transitionAlert, updateAlert, setAlertMessage', () => {
    it('when the status is one of from, then it moves with the patch and a clock update time; otherwise nothing changes', async () => {
      const { store, clock } = await setup();
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

    it('when an alert is closed, closed again and reopened, then closedAt is set, kept, then cleared', async () => {
      const { store, clock } = await setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      clock.advance(MINUTE);
      expect(await store.transitionAlert(alert.id, ['open'], 'acknowledged')).toMatchObject({ closedAt: null });
      clock.advance(MINUTE);
      const closedAt = minutesAfter(T0, 2);
      expect(await store.transitionAlert(alert.id, ['acknowledged'], 'resolved')).toMatchObject({ closedAt });
      clock.advance(MINUTE);
      // Resolved → false positive is the same closure: the first time stands.
      expect(await store.transitionAlert(alert.id, ['resolved'], 'false_positive')).toMatchObject({
        closedAt,
        updatedAt: minutesAfter(T0, 3),
      });
      expect(await store.transitionAlert(alert.id, ['resolved'], 'open')).toBeNull();
      expect((await store.getAlert(alert.id))?.closedAt).toBe(closedAt);
      clock.advance(MINUTE);
      expect(await store.transitionAlert(alert.id, ['false_positive'], 'open')).toMatchObject({ closedAt: null });
      clock.advance(MINUTE);
      expect(await store.transitionAlert(alert.id, ['open'], 'resolved')).toMatchObject({
        closedAt: minutesAfter(T0, 5),
      });
    });

    it('when a transition names an unknown status, then it is refused', async () => {
      const { store } = await setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      await expect(store.transitionAlert(alert.id, ['open'], 'closed' as never)).rejects.toBeInstanceOf(ZodError);
      expect((await store.getAlert(alert.id))?.status).toBe('open');
    });

    it('when an alert is updated, then only the fields given change, times are normalized, and a missing alert is null', async () => {
      const { store, clock } = await setup();
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
      const { store } = await setup();
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
      const { store, clock } = await setup();
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
      const { store } = await setup();
      const alert = await created(store, anAlertDraft(), LONG_AGO);
      await store.updateAlert(alert.id, { askedUserId: 'U0ALICE', askedAt: T0, answer: 'it was me', answeredAt: T0 });
      expect(await store.claimAlertEscalation(alert.id)).toBe(false);
      expect((await store.getAlert(alert.id))?.escalatedAt).toBeNull();
    });
  });

  describe('LookupEvents checkpoints', () => {
    it('when a checkpoint is saved and saved again, then the latest reads back per account and region', async () => {
      const { store, clock } = await setup();
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
      const { store } = await setup();
      const good = await created(store, anAlertDraft({ bucket: 'good' }), LONG_AGO);
      const badSeverity = await created(store, anAlertDraft({ bucket: 'bad' }), LONG_AGO);
      const badActor = await created(store, anAlertDraft({ bucket: 'worse' }), LONG_AGO);
      await stores.exec(store, "UPDATE alerts SET severity = 'urgent' WHERE id = ?", [badSeverity.id]);
      await stores.exec(store, "UPDATE alerts SET actor = '{not json' WHERE id = ?", [badActor.id]);

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
      const { store } = await setup();
      await store.saveLookupCheckpoint({ accountId: PROD, region: 'eu-west-1', lastEventTime: T0, lastEventIds: [] });
      await stores.exec(store, 'UPDATE lookup_checkpoints SET last_event_ids = \'"a"\'');
      expect(await failureOf(store.getLookupCheckpoint(PROD, 'eu-west-1'))).toMatchObject({
        code: 'internal',
        message: expect.stringContaining(PROD),
      });
    });
  });
});

describe('migration 8 in SQLite', () => {
  const stores = useTempStores();

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
    expect(check.prepare('SELECT version, applied_at FROM schema_migrations WHERE version IN (7, 8)').all()).toEqual([
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
