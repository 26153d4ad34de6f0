import {
  AlertDraftSchema,
  AlertPatchSchema,
  AlertQuerySchema,
  AlertStatusSchema,
  ALERT_STATUSES,
  LookupCheckpointSchema,
  OPEN_ALERT_STATUSES,
  isOpenAlert,
  type Alert,
  type AlertDraft,
  type AlertPatch,
  type AlertStatus,
} from '../core/detections/alert';
import { toIso } from '../core/remediations/request';
import type { AlertStore, RecordedAlert } from './alert-store';
import {
  ALERT_COLUMNS,
  alertFromRow,
  alertQueryConditions,
  checkpointFromRow,
  checkpointRow,
  newAlertRow,
  patchAssignments as patchColumns,
  type AlertRow,
  type CheckpointRow,
} from './alert-rows';
import { nowIso, parseStored, placeholders, listNewestFirst, type SqliteContext } from './sqlite-context';

/** `SET` assignments with `?` placeholders for the fields a patch has. */
const patchAssignments = (patch: AlertPatch) => patchColumns(patch, () => '?');

export const makeSqliteAlerts = (ctx: SqliteContext): AlertStore => {
  const { db } = ctx;

  const claim = db.prepare<[string, string, string]>(
    'INSERT INTO handled_events (event_id, source, handled_at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
  );
  const prune = db.prepare<[string]>('DELETE FROM handled_events WHERE handled_at < ?');
  const selectAlert = db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?');
  // The newest open alert of the key seen within the window; ties broken by id as in every list.
  const openStatuses = OPEN_ALERT_STATUSES.map((s) => `'${s}'`).join(', ');
  const selectOpenForKey = db.prepare<[string, string, string, string], AlertRow>(
    `SELECT * FROM alerts WHERE dedup_key = ? AND severity = ? AND summary = ? AND status IN (${openStatuses})
       AND last_seen_at >= ?
     ORDER BY last_seen_at DESC, id DESC LIMIT 1`,
  );
  const countRepeat = db.prepare<[string, string, string]>(
    'UPDATE alerts SET count = count + 1, last_seen_at = ?, updated_at = ? WHERE id = ?',
  );
  const insertAlert = db.prepare<[AlertRow]>(
    `INSERT INTO alerts (${ALERT_COLUMNS.join(', ')}) VALUES (${ALERT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const setMessage = db.prepare<[string, string, string, string]>(
    'UPDATE alerts SET channel = ?, message_ts = ?, updated_at = ? WHERE id = ?',
  );
  // One conditional UPDATE is the whole claim: whoever's statement changes the row escalates.
  const claimEscalation = db.prepare<[string, string, string]>(
    `UPDATE alerts SET escalated_at = ?, updated_at = ?
     WHERE id = ? AND asked_at IS NOT NULL AND answered_at IS NULL AND escalated_at IS NULL`,
  );
  const selectCheckpoint = db.prepare<[string, string], CheckpointRow>(
    'SELECT * FROM lookup_checkpoints WHERE account_id = ? AND region = ?',
  );
  const upsertCheckpoint = db.prepare<[CheckpointRow]>(
    `INSERT INTO lookup_checkpoints (account_id, region, last_event_time, last_event_ids, updated_at)
     VALUES (@account_id, @region, @last_event_time, @last_event_ids, @updated_at)
     ON CONFLICT (account_id, region) DO UPDATE SET last_event_time = excluded.last_event_time,
       last_event_ids = excluded.last_event_ids, updated_at = excluded.updated_at`,
  );

  const load = (id: string): Alert | null => {
    const row = selectAlert.get(id);
    return row ? alertFromRow(row) : null;
  };

  // Inside one IMMEDIATE transaction the look-up and the write hold the write lock together, so two
  // processes recording the same key queue up and the second counts on the first one's alert.
  const recordOne = (draft: AlertDraft, windowStart: string): RecordedAlert => {
    const now = nowIso(ctx);
    // A window that starts now or later is empty (a window of 0): nothing can be counted on.
    const existing =
      windowStart < now ? selectOpenForKey.get(draft.dedupKey, draft.severity, draft.summary, windowStart) : undefined;
    if (existing) {
      countRepeat.run(now, now, existing.id);
      return { alert: load(existing.id)!, created: false };
    }
    const row = newAlertRow(draft, now);
    insertAlert.run(row);
    return { alert: load(row.id)!, created: true };
  };
  const record = db.transaction(recordOne);

  // The claim and the alerts in one transaction: a throw anywhere rolls the claim back too.
  const recordEvent = db.transaction(
    (
      event: { eventId: string; source: string },
      items: ReadonlyArray<{ draft: AlertDraft; windowStart: string }>,
    ): { claimed: false } | { claimed: true; results: RecordedAlert[] } => {
      if (claim.run(event.eventId, event.source, nowIso(ctx)).changes !== 1) return { claimed: false };
      return { claimed: true, results: items.map((item) => recordOne(item.draft, item.windowStart)) };
    },
  );

  // Guarded by the statuses in the UPDATE itself, so the statement is a compare-and-set on its own.
  const transition = db.transaction(
    (id: string, from: readonly AlertStatus[], to: AlertStatus, patch: AlertPatch): Alert | null => {
      if (from.length === 0) return null;
      const { sets, values } = patchAssignments(patch);
      const now = nowIso(ctx);
      // Closing stamps the first closure (resolved → false positive keeps it); reopening clears it.
      const closedAt = isOpenAlert(to) ? 'closed_at = NULL' : 'closed_at = COALESCE(closed_at, ?)';
      const closedValues = isOpenAlert(to) ? [] : [now];
      const changes = db
        .prepare(
          `UPDATE alerts SET ${['status = ?', ...sets, closedAt, 'updated_at = ?'].join(', ')}
           WHERE id = ? AND status IN (${placeholders(from.length)})`,
        )
        .run(to, ...values, ...closedValues, now, id, ...from).changes;
      return changes === 1 ? load(id) : null;
    },
  );

  const update = db.transaction((id: string, patch: AlertPatch): Alert | null => {
    const { sets, values } = patchAssignments(patch);
    if (sets.length > 0) {
      db.prepare(`UPDATE alerts SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(
        ...values,
        nowIso(ctx),
        id,
      );
    }
    return load(id);
  });

  const message = db.transaction((id: string, channel: string, messageTs: string): Alert | null => {
    setMessage.run(channel, messageTs, nowIso(ctx), id);
    return load(id);
  });

  const saveCheckpoint = db.transaction((row: CheckpointRow): void => {
    upsertCheckpoint.run(row);
  });

  return {
    claimEvent: async (eventId, source) => claim.run(eventId, source, nowIso(ctx)).changes === 1,
    pruneHandledEvents: async (before) => prune.run(toIso(before)).changes,

    recordAlert: async (draft, windowStart) => record.immediate(AlertDraftSchema.parse(draft), toIso(windowStart)),
    recordEventAlerts: async (event, items) =>
      recordEvent.immediate(
        { eventId: event.eventId, source: event.source },
        items.map((item) => ({ draft: AlertDraftSchema.parse(item.draft), windowStart: toIso(item.windowStart) })),
      ),
    getAlert: async (id) => load(id),
    listAlerts: async (input = {}) => {
      const query = AlertQuerySchema.parse(input);
      const params: string[] = [];
      const where = alertQueryConditions(query, (value) => {
        params.push(value);
        return '?';
      });
      if (where === null) return [];
      // Ties (one clock instant) are broken by id so the order is the same every time.
      return listNewestFirst<AlertRow, Alert>(
        db,
        { table: 'alerts', where, params, limit: query.limit, tieBreak: 'id' },
        alertFromRow,
      );
    },
    countAlerts: async ({ since, until, accountIds, by = 'created' }) => {
      const counts = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
      if (accountIds !== undefined && accountIds.length === 0) return counts;
      const params = [toIso(since), toIso(until), ...(accountIds ?? [])];
      const rows = db
        .prepare<string[], { status: string; n: number }>(
          // The column is chosen from two literals, never from input.
          `SELECT status, COUNT(*) AS n FROM alerts WHERE ${by === 'closed' ? 'closed_at' : 'created_at'} >= ?` +
            ` AND ${by === 'closed' ? 'closed_at' : 'created_at'} < ?` +
            (accountIds === undefined ? '' : ` AND account_id IN (${placeholders(accountIds.length)})`) +
            ' GROUP BY status',
        )
        .all(...params);
      for (const row of rows) counts[parseStored(AlertStatusSchema, row.status, 'alert status')] = row.n;
      return counts;
    },
    transitionAlert: async (id, from, to, patch = {}) =>
      transition.immediate(
        id,
        from.map((s) => AlertStatusSchema.parse(s)),
        AlertStatusSchema.parse(to),
        AlertPatchSchema.parse(patch),
      ),
    updateAlert: async (id, patch) => update.immediate(id, AlertPatchSchema.parse(patch)),
    setAlertMessage: async (id, channel, messageTs) => message.immediate(id, channel, messageTs),
    claimAlertEscalation: async (id) => {
      const now = nowIso(ctx);
      return claimEscalation.run(now, now, id).changes === 1;
    },

    getLookupCheckpoint: async (accountId, region) => {
      const row = selectCheckpoint.get(accountId, region);
      return row ? checkpointFromRow(row) : null;
    },
    saveLookupCheckpoint: async (input) => {
      const checkpoint = LookupCheckpointSchema.omit({ updatedAt: true }).parse(input);
      const row = checkpointRow(checkpoint, nowIso(ctx));
      saveCheckpoint.immediate(row);
      return checkpointFromRow(row);
    },
  };
};
