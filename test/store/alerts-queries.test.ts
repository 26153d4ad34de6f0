/**
 * listAlerts' two filters that the app used to apply in memory to a window of the newest alerts:
 * involvesUserId ("/cloudsec alerts mine") and questionDueBefore (the escalation of unanswered
 * questions), on both stores, and the indexes of migration 10 that serve them.
 */
import { ZodError } from 'zod';
import type { Alert } from '../../src/core/detections/alert';
import { migrate, MIGRATIONS } from '../../src/store/migrations';
import { anAlertDraft, PROD, STAGING } from '../fixtures/alerts-builders';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock, useTempStores } from '../fixtures/store';

const T0 = '2026-11-01T12:00:00.000Z';
const MINUTE = 60_000;
const LONG_AGO = '2026-01-01T00:00:00.000Z';
const ME = 'U0ME000001';
const OTHER = 'U0OTHER001';

const minutesAfter = (iso: string, minutes: number): string =>
  new Date(new Date(iso).getTime() + minutes * MINUTE).toISOString();

const ids = (list: Alert[]) => list.map((a) => a.id);

describe.each(STORE_KINDS)('listAlerts filters pushed into the store (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async () => {
    const clock = manualClock(T0);
    const store = await stores.open({ clock });
    let n = 0;
    /** A new alert a minute after the previous one, so the newest-first order is known. */
    const next = async (over: Parameters<typeof anAlertDraft>[0] = {}): Promise<Alert> => {
      clock.advance(MINUTE);
      const { alert, created } = await store.recordAlert(anAlertDraft({ bucket: `b${(n += 1)}`, ...over }), LONG_AGO);
      if (!created) throw new Error('expected a new alert');
      return alert;
    };
    return { clock, store, next };
  };

  describe('involvesUserId', () => {
    it('when alerts are assigned to or ask the user, then exactly those come, once each, newest first', async () => {
      const { store, next } = await setup();
      const assigned = await next();
      await store.updateAlert(assigned.id, { assigneeId: ME });
      const asked = await next();
      await store.updateAlert(asked.id, { askedUserId: ME, askedAt: T0 });
      const both = await next();
      await store.updateAlert(both.id, { assigneeId: ME, askedUserId: ME, askedAt: T0 });
      const someoneElses = await next();
      await store.updateAlert(someoneElses.id, { assigneeId: OTHER, askedUserId: OTHER, askedAt: T0 });
      const askedMeAssignedOther = await next();
      await store.updateAlert(askedMeAssignedOther.id, { assigneeId: OTHER, askedUserId: ME, askedAt: T0 });
      await next(); // nobody's

      expect(ids(await store.listAlerts({ involvesUserId: ME }))).toEqual([
        askedMeAssignedOther.id,
        both.id,
        asked.id,
        assigned.id,
      ]);
      expect(ids(await store.listAlerts({ involvesUserId: OTHER }))).toEqual([
        askedMeAssignedOther.id,
        someoneElses.id,
      ]);
      expect(await store.listAlerts({ involvesUserId: 'U0NOBODY01' })).toEqual([]);
      expect(ids(await store.listAlerts({ involvesUserId: ME, limit: 2 }))).toEqual([askedMeAssignedOther.id, both.id]);
    });

    it('when combined with accounts, statuses and an assignee, then every condition holds (AND, the OR kept inside)', async () => {
      const { store, next } = await setup();
      const prodAsked = await next();
      await store.updateAlert(prodAsked.id, { askedUserId: ME, askedAt: T0 });
      const stagingAssigned = await next({ accountId: STAGING });
      await store.updateAlert(stagingAssigned.id, { assigneeId: ME });
      const stagingAskedResolved = await next({ accountId: STAGING });
      await store.transitionAlert(stagingAskedResolved.id, ['open'], 'resolved', { askedUserId: ME, askedAt: T0 });

      expect(ids(await store.listAlerts({ involvesUserId: ME, accountIds: [STAGING] }))).toEqual([
        stagingAskedResolved.id,
        stagingAssigned.id,
      ]);
      // Were the OR not parenthesised, "status IN (…) AND assignee = me OR asked = me" would let
      // the resolved alert that asks me through.
      expect(ids(await store.listAlerts({ involvesUserId: ME, statuses: ['open'] }))).toEqual([
        stagingAssigned.id,
        prodAsked.id,
      ]);
      expect(ids(await store.listAlerts({ involvesUserId: ME, accountIds: [PROD], statuses: ['open'] }))).toEqual([
        prodAsked.id,
      ]);
      expect(await store.listAlerts({ involvesUserId: ME, accountIds: [] })).toEqual([]);
      expect(ids(await store.listAlerts({ involvesUserId: ME, assigneeId: ME }))).toEqual([stagingAssigned.id]);
    });
  });

  describe('questionDueBefore', () => {
    it('when questions were asked before, at and after the cutoff, answered or escalated, then only the waiting due ones come', async () => {
      const { store, next } = await setup();
      const dueEarly = await next();
      await store.updateAlert(dueEarly.id, { askedUserId: ME, askedAt: minutesAfter(T0, -30) });
      const dueAtCutoff = await next();
      // Written without milliseconds: stored normalized, so the text comparison still compares instants.
      await store.updateAlert(dueAtCutoff.id, { askedUserId: ME, askedAt: '2026-11-01T12:10:00Z' });
      const notYetDue = await next();
      await store.updateAlert(notYetDue.id, { askedUserId: ME, askedAt: minutesAfter(T0, 11) });
      const answered = await next();
      await store.updateAlert(answered.id, {
        askedUserId: ME,
        askedAt: T0,
        answer: 'it was me',
        answeredAt: minutesAfter(T0, 1),
      });
      const escalated = await next();
      await store.updateAlert(escalated.id, { askedUserId: ME, askedAt: T0 });
      expect(await store.claimAlertEscalation(escalated.id)).toBe(true);
      await next(); // never asked

      const cutoff = minutesAfter(T0, 10);
      expect(ids(await store.listAlerts({ questionDueBefore: cutoff }))).toEqual([dueAtCutoff.id, dueEarly.id]);
      // The same instant in another spelling is the same cutoff.
      expect(ids(await store.listAlerts({ questionDueBefore: '2026-11-01T13:10:00+01:00' }))).toEqual([
        dueAtCutoff.id,
        dueEarly.id,
      ]);
      expect(ids(await store.listAlerts({ questionDueBefore: minutesAfter(T0, 20) }))).toEqual([
        notYetDue.id,
        dueAtCutoff.id,
        dueEarly.id,
      ]);
      expect(await store.listAlerts({ questionDueBefore: minutesAfter(T0, -31) })).toEqual([]);

      // Once escalated (by whichever replica), a question leaves the query.
      expect(await store.claimAlertEscalation(dueEarly.id)).toBe(true);
      expect(ids(await store.listAlerts({ questionDueBefore: cutoff }))).toEqual([dueAtCutoff.id]);
      // Once answered, too.
      await store.updateAlert(dueAtCutoff.id, { answer: 'yes', answeredAt: minutesAfter(T0, 12) });
      expect(await store.listAlerts({ questionDueBefore: cutoff })).toEqual([]);
    });

    it('when combined with statuses, accounts and a limit, then closed alerts and other accounts stay out', async () => {
      const { store, next } = await setup();
      const prodDue = await next();
      const stagingDue = await next({ accountId: STAGING });
      const closedDue = await next();
      for (const a of [prodDue, stagingDue, closedDue]) await store.updateAlert(a.id, { askedUserId: ME, askedAt: T0 });
      await store.transitionAlert(closedDue.id, ['open'], 'false_positive');
      const cutoff = minutesAfter(T0, 60);

      expect(ids(await store.listAlerts({ questionDueBefore: cutoff }))).toEqual([
        closedDue.id,
        stagingDue.id,
        prodDue.id,
      ]);
      expect(ids(await store.listAlerts({ questionDueBefore: cutoff, statuses: ['open', 'acknowledged'] }))).toEqual([
        stagingDue.id,
        prodDue.id,
      ]);
      expect(ids(await store.listAlerts({ questionDueBefore: cutoff, accountIds: [PROD] }))).toEqual([
        closedDue.id,
        prodDue.id,
      ]);
      expect(ids(await store.listAlerts({ questionDueBefore: cutoff, statuses: ['open'], limit: 1 }))).toEqual([
        stagingDue.id,
      ]);
    });

    it('when the cutoff is not a time or a filter is not text, then the query is refused', async () => {
      const { store } = await setup();
      await expect(store.listAlerts({ questionDueBefore: 'an hour ago' })).rejects.toThrow(RangeError);
      await expect(store.listAlerts({ questionDueBefore: 5 as never })).rejects.toBeInstanceOf(ZodError);
      await expect(store.listAlerts({ involvesUserId: null as never })).rejects.toBeInstanceOf(ZodError);
    });
  });

  it('when the store is migrated, then the indexes of migration 10 exist, the due-question one partial', async () => {
    const { store } = await setup();
    const sql =
      kind === 'sqlite'
        ? "SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' AND name IN (?, ?) ORDER BY name"
        : 'SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN (?, ?) ORDER BY indexname';
    const { rows } = await stores.exec(store, sql, ['alerts_asked_user', 'alerts_question_due']);
    expect(rows.map((r) => r['name'])).toEqual(['alerts_asked_user', 'alerts_question_due']);
    const [askedUser, questionDue] = rows.map((r) => String(r['def']));
    expect(askedUser).toMatch(/asked_user_id/);
    expect(askedUser).not.toMatch(/ WHERE /i);
    expect(questionDue).toMatch(/\(\s*asked_at\s*\)/);
    expect(questionDue).toMatch(/WHERE .*answered_at IS NULL.* AND .*escalated_at IS NULL/i);
  });
});

describe('migration 10 in SQLite', () => {
  const stores = useTempStores();

  it('when a database at version 9 with alerts is opened, then the indexes are added and the alerts are found by the new filters', async () => {
    const path = stores.dbPath();
    const atNine = stores.open({ path, clock: manualClock(T0) });
    const { alert } = await atNine.store.recordAlert(anAlertDraft(), LONG_AGO);
    await atNine.store.updateAlert(alert.id, { askedUserId: ME, askedAt: T0 });
    await atNine.store.close();
    // Back to version 9 as a release before this one left it: no indexes of 10, no row for 10.
    const raw = stores.raw(path);
    raw.exec(
      'DROP INDEX alerts_asked_user; DROP INDEX alerts_question_due; ' +
        // and migration 11's objects, so that the file really is at version 9
        'DROP TABLE scan_jobs; DROP INDEX scans_running; ALTER TABLE scans DROP COLUMN state; ' +
        'DELETE FROM schema_migrations WHERE version >= 10',
    );
    expect(
      migrate(
        raw,
        path,
        () => T0,
        MIGRATIONS.filter((m) => m.version <= 9),
      ),
    ).toBe(9);
    raw.close();

    const { store } = stores.open({ path, clock: manualClock(minutesAfter(T0, 5)) });
    const check = stores.raw(path);
    expect(check.prepare('SELECT version, applied_at FROM schema_migrations WHERE version IN (9, 10)').all()).toEqual([
      { version: 9, applied_at: T0 },
      { version: 10, applied_at: minutesAfter(T0, 5) },
    ]);
    const indexes = check
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(expect.arrayContaining(['alerts_asked_user', 'alerts_question_due']));
    expect(ids(await store.listAlerts({ involvesUserId: ME }))).toEqual([alert.id]);
    expect(ids(await store.listAlerts({ questionDueBefore: T0 }))).toEqual([alert.id]);
  });
});
