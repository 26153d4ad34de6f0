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
  patchAssignments,
  type AlertRow,
  type CheckpointRow,
} from './alert-rows';
import { pgNowIso, pgPlaceholders, pgTransaction, type PgContext, type PgQueryable } from './pg-context';
import { parseStored, positiveLimit } from './stored-values';
import type { Store } from './store';

/** Collects statement parameters and names each one `$n` in the order it was added. */
const paramList = () => {
  const values: unknown[] = [];
  return {
    values,
    add: (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    },
  };
};

const OPEN_STATUSES_SQL = OPEN_ALERT_STATUSES.map((s) => `'${s}'`).join(', ');

const INSERT_ALERT = `INSERT INTO alerts (${ALERT_COLUMNS.join(', ')}) VALUES (${pgPlaceholders(ALERT_COLUMNS.length)})
  RETURNING *`;

/** An UPDATE … RETURNING * that changed the alert, or null when no row matched. */
const updatedAlert = (rows: AlertRow[]): Alert | null => (rows[0] ? alertFromRow(rows[0]) : null);

/**
 * The live lane's tables in PostgreSQL, with the same behaviour as src/store/sqlite-alerts.ts. A
 * single statement that decides on its own (the claim INSERT … ON CONFLICT DO NOTHING, a conditional
 * UPDATE) runs alone: PostgreSQL re-checks its WHERE on the row a concurrent writer left, so exactly
 * one of several replicas changes it. Look-ups followed by writes (dedup, the event's claim and its
 * alerts) run in one SERIALIZABLE transaction (pgTransaction).
 */
export const makePgAlerts = (ctx: PgContext): Pick<Store, keyof AlertStore> => {
  const { pool } = ctx;

  const load = async (db: PgQueryable, id: string): Promise<Alert | null> => {
    const { rows } = await db.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    return rows[0] ? alertFromRow(rows[0]) : null;
  };

  const claim = async (db: PgQueryable, eventId: string, source: string): Promise<boolean> => {
    const { rowCount } = await db.query(
      `INSERT INTO handled_events (event_id, source, handled_at) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO NOTHING`,
      [eventId, source, pgNowIso(ctx)],
    );
    return rowCount === 1;
  };

  /**
   * Recorders of alerts queue on a table lock, as SQLite's writers queue on its write lock. SERIALIZABLE
   * alone would also keep one key from opening two alerts, but by failing all but one of the colliding
   * transactions: a burst of repeats of one key (every replica counting on one row) failed each round
   * but one and ran out of retries. The LOCK must be the transaction's first statement: it takes no
   * snapshot, so the look-up after it sees every alert the previous holder committed (and SERIALIZABLE
   * finds nothing left to fail). Reads are not blocked; single-statement updates wait a moment.
   */
  const queueForAlerts = (db: PgQueryable) => db.query('LOCK TABLE alerts IN SHARE ROW EXCLUSIVE MODE');

  // Inside a transaction that began with queueForAlerts: the look-up and the write are one step.
  const recordOne = async (db: PgQueryable, draft: AlertDraft, windowStart: string): Promise<RecordedAlert> => {
    const now = pgNowIso(ctx);
    // A window that starts now or later is empty (a window of 0): nothing can be counted on.
    if (windowStart < now) {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM alerts WHERE dedup_key = $1 AND severity = $2 AND summary = $3
           AND status IN (${OPEN_STATUSES_SQL}) AND last_seen_at >= $4
         ORDER BY last_seen_at DESC, id DESC LIMIT 1`,
        [draft.dedupKey, draft.severity, draft.summary, windowStart],
      );
      if (rows[0]) {
        const counted = await db.query<AlertRow>(
          'UPDATE alerts SET count = count + 1, last_seen_at = $1, updated_at = $1 WHERE id = $2 RETURNING *',
          [now, rows[0].id],
        );
        return { alert: alertFromRow(counted.rows[0]!), created: false };
      }
    }
    const row = newAlertRow(draft, now);
    const inserted = await db.query<AlertRow>(
      INSERT_ALERT,
      ALERT_COLUMNS.map((column) => row[column]),
    );
    return { alert: alertFromRow(inserted.rows[0]!), created: true };
  };

  return {
    claimEvent: async (eventId, source) => claim(pool, eventId, source),
    pruneHandledEvents: async (before) =>
      (await pool.query('DELETE FROM handled_events WHERE handled_at < $1', [toIso(before)])).rowCount ?? 0,

    recordAlert: async (input, windowStartInput) => {
      const draft = AlertDraftSchema.parse(input);
      const windowStart = toIso(windowStartInput);
      return pgTransaction(ctx, async (client) => {
        await queueForAlerts(client);
        return recordOne(client, draft, windowStart);
      });
    },
    recordEventAlerts: async (input, inputItems) => {
      const event = { eventId: input.eventId, source: input.source };
      const items = inputItems.map((item) => ({
        draft: AlertDraftSchema.parse(item.draft),
        windowStart: toIso(item.windowStart),
      }));
      // The claim and the alerts in one transaction: a throw anywhere rolls the claim back too, so
      // the record's redelivery is handled again instead of being taken for a duplicate.
      return pgTransaction(ctx, async (client) => {
        // Most records make no alert: their claim alone needs no queue (a colliding claim is retried).
        if (items.length > 0) await queueForAlerts(client);
        if (!(await claim(client, event.eventId, event.source))) return { claimed: false as const };
        const results: RecordedAlert[] = [];
        for (const item of items) results.push(await recordOne(client, item.draft, item.windowStart));
        return { claimed: true as const, results };
      });
    },
    getAlert: async (id) => load(pool, id),
    listAlerts: async (input = {}) => {
      const query = AlertQuerySchema.parse(input);
      const limit = positiveLimit(query.limit);
      const params = paramList();
      const where = alertQueryConditions(query, params.add);
      if (where === null) return [];
      // Ties (one clock instant) are broken by id so the order is the same every time.
      const { rows } = await pool.query<AlertRow>(
        'SELECT * FROM alerts' +
          (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
          ' ORDER BY created_at DESC, id DESC' +
          (limit === undefined ? '' : ` LIMIT ${params.add(limit)}`),
        params.values,
      );
      return rows.map(alertFromRow);
    },
    countAlerts: async ({ since, until, accountIds, by = 'created' }) => {
      const counts = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
      if (accountIds !== undefined && accountIds.length === 0) return counts;
      // The column is chosen from two literals, never from input.
      const column = by === 'closed' ? 'closed_at' : 'created_at';
      const params = paramList();
      const { rows } = await pool.query<{ status: string; n: number }>(
        `SELECT status, COUNT(*) AS n FROM alerts
         WHERE ${column} >= ${params.add(toIso(since))} AND ${column} < ${params.add(toIso(until))}` +
          (accountIds === undefined ? '' : ` AND account_id IN (${accountIds.map(params.add).join(', ')})`) +
          ' GROUP BY status',
        params.values,
      );
      for (const row of rows) counts[parseStored(AlertStatusSchema, row.status, 'alert status')] = Number(row.n);
      return counts;
    },
    // One UPDATE guarded by the statuses is the whole compare-and-set: of concurrent callers with the
    // same `from`, the second re-checks the WHERE on the first one's row and changes nothing.
    transitionAlert: async (id, fromInput, toInput, patchInput = {}) => {
      const from = fromInput.map((s) => AlertStatusSchema.parse(s));
      const to = AlertStatusSchema.parse(toInput);
      const patch = AlertPatchSchema.parse(patchInput);
      if (from.length === 0) return null;
      const params = paramList();
      const status = `status = ${params.add(to)}`;
      const before = params.values.length;
      const { sets, values } = patchAssignments(patch, (i) => `$${before + i + 1}`);
      params.values.push(...values);
      const now = pgNowIso(ctx);
      // Closing stamps the first closure (resolved → false positive keeps it); reopening clears it.
      const closedAt = isOpenAlert(to) ? 'closed_at = NULL' : `closed_at = COALESCE(closed_at, ${params.add(now)})`;
      const updatedAt = `updated_at = ${params.add(now)}`;
      const { rows } = await pool.query<AlertRow>(
        `UPDATE alerts SET ${[status, ...sets, closedAt, updatedAt].join(', ')}
         WHERE id = ${params.add(id)} AND status IN (${from.map(params.add).join(', ')})
         RETURNING *`,
        params.values,
      );
      return updatedAlert(rows);
    },
    updateAlert: async (id, patchInput) => {
      const patch = AlertPatchSchema.parse(patchInput);
      const { sets, values } = patchAssignments(patch, (i) => `$${i + 1}`);
      if (sets.length === 0) return load(pool, id);
      const { rows } = await pool.query<AlertRow>(
        `UPDATE alerts SET ${[...sets, `updated_at = $${values.length + 1}`].join(', ')}
         WHERE id = $${values.length + 2} RETURNING *`,
        [...values, pgNowIso(ctx), id],
      );
      return updatedAlert(rows);
    },
    setAlertMessage: async (id, channel, messageTs) => {
      const { rows } = await pool.query<AlertRow>(
        'UPDATE alerts SET channel = $1, message_ts = $2, updated_at = $3 WHERE id = $4 RETURNING *',
        [channel, messageTs, pgNowIso(ctx), id],
      );
      return updatedAlert(rows);
    },
    // One conditional UPDATE is the whole claim: whoever's statement changes the row escalates.
    claimAlertEscalation: async (id) => {
      const now = pgNowIso(ctx);
      const { rowCount } = await pool.query(
        `UPDATE alerts SET escalated_at = $1, updated_at = $1
         WHERE id = $2 AND asked_at IS NOT NULL AND answered_at IS NULL AND escalated_at IS NULL`,
        [now, id],
      );
      return rowCount === 1;
    },

    getLookupCheckpoint: async (accountId, region) => {
      const { rows } = await pool.query<CheckpointRow>(
        'SELECT * FROM lookup_checkpoints WHERE account_id = $1 AND region = $2',
        [accountId, region],
      );
      return rows[0] ? checkpointFromRow(rows[0]) : null;
    },
    saveLookupCheckpoint: async (input) => {
      const row = checkpointRow(LookupCheckpointSchema.omit({ updatedAt: true }).parse(input), pgNowIso(ctx));
      await pool.query(
        `INSERT INTO lookup_checkpoints (account_id, region, last_event_time, last_event_ids, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id, region) DO UPDATE SET last_event_time = EXCLUDED.last_event_time,
           last_event_ids = EXCLUDED.last_event_ids, updated_at = EXCLUDED.updated_at`,
        [row.account_id, row.region, row.last_event_time, row.last_event_ids, row.updated_at],
      );
      return checkpointFromRow(row);
    },
  };
};
