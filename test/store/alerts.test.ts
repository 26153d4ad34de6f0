import { ZodError } from 'zod';
import type { Alert } from '../../src/core/detections/alert';
import type { Store } from '../../src/store/store';
import { anAlertDraft, STAGING } from '../fixtures/alerts-builders';
import { STORE_KINDS, useContractStores, type ContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

const T0 = '2026-11-01T12:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LONG_AGO = '2026-01-01T00:00:00.000Z';

const minutesAfter = (iso: string, minutes: number): string =>
  new Date(new Date(iso).getTime() + minutes * MINUTE).toISOString();

/** Records a draft that must open a new alert. */
const created = async (store: Store, ...args: Parameters<Store['recordAlert']>): Promise<Alert> => {
  const result = await store.recordAlert(...args);
  if (!result.created) throw new Error(`expected a new alert, got a count on ${result.alert.id}`);
  return result.alert;
};

/**
 * Makes every INSERT of an alert whose dedup key contains `refused` fail inside the database, as a
 * full disk or a dropped connection would half-way through a transaction (undone by `allowAll`).
 */
const refuseSomeInserts = async (stores: ContractStores, store: Store) => {
  if (stores.kind === 'sqlite') {
    await stores.exec(
      store,
      `CREATE TRIGGER alerts_refuse BEFORE INSERT ON alerts WHEN NEW.dedup_key LIKE '%refused%'
       BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
    );
    return { allowAll: () => stores.exec(store, 'DROP TRIGGER alerts_refuse') };
  }
  await stores.exec(
    store,
    `CREATE FUNCTION alerts_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
  );
  await stores.exec(
    store,
    `CREATE TRIGGER alerts_refuse BEFORE INSERT ON alerts FOR EACH ROW
     WHEN (NEW.dedup_key LIKE '%refused%') EXECUTE FUNCTION alerts_refuse()`,
  );
  return { allowAll: () => stores.exec(store, 'DROP TRIGGER alerts_refuse ON alerts') };
};

describe.each(STORE_KINDS)('handled events and recording alerts (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async () => {
    const clock = manualClock(T0);
    return { clock, store: await stores.open({ clock }) };
  };

  describe('claimEvent and pruneHandledEvents', () => {
    it('when an event id is claimed twice, then only the first claim wins, and other ids are independent', async () => {
      const { store } = await setup();
      expect(await store.claimEvent('e-1', 'sqs')).toBe(true);
      expect(await store.claimEvent('e-1', 'sqs')).toBe(false);
      expect(await store.claimEvent('e-1', 'lookup-events')).toBe(false);
      expect(await store.claimEvent('e-2', 'lookup-events')).toBe(true);
    });

    it('when claims older than a time are pruned, then only those are forgotten and their ids can be claimed again', async () => {
      const { store, clock } = await setup();
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
      const { store } = await setup();
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
          closedAt: null,
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
      const { store } = await setup();
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
      const { store, clock } = await setup();
      const first = await created(store, anAlertDraft({ eventId: 'e-1' }), LONG_AGO);
      clock.advance(5 * MINUTE);
      const again = await store.recordAlert(
        anAlertDraft({ eventId: 'e-2', eventTime: '2026-11-01T12:04:59Z' }),
        minutesAfter(T0, -55),
      );
      const seen = minutesAfter(T0, 5);
      expect(again).toEqual({ created: false, alert: { ...first, count: 2, lastSeenAt: seen, updatedAt: seen } });
      expect(again.alert).toMatchObject({ eventId: 'e-1', eventTime: first.eventTime, createdAt: T0 });
      expect(await store.listAlerts()).toHaveLength(1);
    });

    it('when a repeat of the key says something else or is more severe, then it opens an alert of its own', async () => {
      const { store } = await setup();
      const first = await created(store, anAlertDraft(), LONG_AGO);
      const otherSummary = await store.recordAlert(anAlertDraft({ summary: 'opened port 22 to the world' }), LONG_AGO);
      const otherSeverity = await store.recordAlert(anAlertDraft({ severity: 'high' }), LONG_AGO);
      expect(otherSummary.created).toBe(true);
      expect(otherSeverity.created).toBe(true);
      expect(new Set([first.id, otherSummary.alert.id, otherSeverity.alert.id]).size).toBe(3);
      // Each later repeat counts on the alert that says exactly what it says.
      expect(await store.recordAlert(anAlertDraft({ severity: 'high' }), LONG_AGO)).toMatchObject({
        created: false,
        alert: { id: otherSeverity.alert.id, count: 2 },
      });
      expect((await store.getAlert(first.id))?.count).toBe(1);
    });

    it('when the window starts exactly at the last sighting, then it still counts; a millisecond later it is a new alert', async () => {
      const { store, clock } = await setup();
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
      const { store } = await setup();
      const first = await created(store, anAlertDraft(), T0);
      const second = await store.recordAlert(anAlertDraft(), T0);
      expect(second.created).toBe(true);
      expect(second.alert.id).not.toBe(first.id);
    });

    it('when the open alert of the key was acknowledged, then repeats count on it; once resolved, a new one opens', async () => {
      const { store, clock } = await setup();
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
      const { store } = await setup();
      const a = await created(store, anAlertDraft({ bucket: 'a' }), LONG_AGO);
      const b = await created(store, anAlertDraft({ bucket: 'b' }), LONG_AGO);
      const c = await created(store, anAlertDraft({ bucket: 'a', accountId: STAGING }), LONG_AGO);
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });

    it('when the draft or the window start is invalid, then it is refused and nothing is stored', async () => {
      const { store } = await setup();
      await expect(
        store.recordAlert({ ...anAlertDraft(), severity: 'urgent' as never }, LONG_AGO),
      ).rejects.toBeInstanceOf(ZodError);
      await expect(store.recordAlert(anAlertDraft(), 'an hour ago')).rejects.toThrow(RangeError);
      expect(await store.listAlerts()).toEqual([]);
    });
  });

  describe('recordEventAlerts', () => {
    const event = { eventId: 'e-77', source: 'sqs' };

    it('when a record is handled, then it is claimed and each of its alerts is recorded as recordAlert would', async () => {
      const { store } = await setup();
      const earlier = await created(store, anAlertDraft({ bucket: 'a' }), LONG_AGO);
      const result = await store.recordEventAlerts(event, [
        { draft: anAlertDraft({ bucket: 'a', eventId: 'e-77' }), windowStart: LONG_AGO },
        { draft: anAlertDraft({ bucket: 'b', eventId: 'e-77' }), windowStart: LONG_AGO },
      ]);
      expect(result).toMatchObject({
        claimed: true,
        results: [
          { created: false, alert: { id: earlier.id, count: 2 } },
          { created: true, alert: { eventId: 'e-77', resource: { id: 'b' }, count: 1 } },
        ],
      });
      expect(await store.claimEvent('e-77', 'lookup-events')).toBe(false);
    });

    it('when the same record is handled twice, then the second is not claimed and stores nothing', async () => {
      const { store } = await setup();
      const items = [{ draft: anAlertDraft({ eventId: 'e-77' }), windowStart: T0 }];
      expect((await store.recordEventAlerts(event, items)).claimed).toBe(true);
      const before = await store.listAlerts();

      // A window of 0 would open a new alert for the repeat: only the claim can keep it out.
      expect(await store.recordEventAlerts({ ...event, source: 'lookup-events' }, items)).toEqual({ claimed: false });

      expect(await store.listAlerts()).toEqual(before);
      expect(before).toHaveLength(1);
    });

    it('when a record makes no alert, then it is still claimed', async () => {
      const { store } = await setup();
      expect(await store.recordEventAlerts(event, [])).toEqual({ claimed: true, results: [] });
      expect(await store.recordEventAlerts(event, [])).toEqual({ claimed: false });
    });

    it('when storing one of its alerts fails, then nothing is kept, the claim included, and a retry handles it', async () => {
      const { store } = await setup();
      const refusal = await refuseSomeInserts(stores, store);
      const items = [
        { draft: anAlertDraft({ bucket: 'fine', eventId: 'e-77' }), windowStart: LONG_AGO },
        { draft: anAlertDraft({ bucket: 'refused', eventId: 'e-77' }), windowStart: LONG_AGO },
      ];

      // Compared as text: better-sqlite3's SqliteError comes from the Jest realm that loaded the native
      // module first, so a later test file's toThrow does not recognise it as an Error.
      const failed = await store.recordEventAlerts(event, items).then(
        () => 'stored',
        (err: unknown) => String(err),
      );
      expect(failed).toMatch(/refused by the test/);
      expect(await store.listAlerts()).toEqual([]);

      await refusal.allowAll();
      const retry = await store.recordEventAlerts(event, items);
      expect(retry).toMatchObject({ claimed: true, results: [{ created: true }, { created: true }] });
      expect(await store.listAlerts()).toHaveLength(2);
    });

    it('when one of its drafts is invalid, then it is refused before anything is claimed', async () => {
      const { store } = await setup();
      const bad = { draft: { ...anAlertDraft(), severity: 'urgent' as never }, windowStart: LONG_AGO };
      await expect(
        store.recordEventAlerts(event, [{ draft: anAlertDraft(), windowStart: LONG_AGO }, bad]),
      ).rejects.toBeInstanceOf(ZodError);
      expect(await store.listAlerts()).toEqual([]);
      expect(await store.claimEvent(event.eventId, 'sqs')).toBe(true);
    });
  });
});
