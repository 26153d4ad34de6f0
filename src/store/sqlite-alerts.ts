import { randomBytes } from 'node:crypto';
import {
  AlertDraftSchema,
  AlertPatchSchema,
  AlertQuerySchema,
  AlertSchema,
  AlertStatusSchema,
  ALERT_STATUSES,
  LookupCheckpointSchema,
  OPEN_ALERT_STATUSES,
  type Alert,
  type AlertDraft,
  type AlertPatch,
  type AlertStatus,
  type LookupCheckpoint,
} from '../core/detections/alert';
import { toIso } from '../core/remediations/request';
import type { AlertStore } from './alert-store';
import {
  fromJsonText,
  nowIso,
  parseStored,
  placeholders,
  listNewestFirst,
  toJsonText,
  type SqliteContext,
} from './sqlite-context';

/** A row of `alerts` (migration 8). JSON columns are parsed with the core's schemas on read. */
interface AlertRow {
  id: string;
  detection_id: string;
  title: string;
  severity: string;
  dedup_key: string;
  account_id: string;
  region: string;
  event_id: string;
  event_source: string;
  event_name: string;
  event_time: string;
  summary: string;
  details: string;
  rationale: string;
  resource: string;
  actor: string;
  undo: string | null;
  staged: number;
  source: string;
  threshold_count: number | null;
  status: string;
  count: number;
  last_seen_at: string;
  created_at: string;
  updated_at: string;
  channel: string | null;
  message_ts: string | null;
  assignee_id: string | null;
  closed_by: string | null;
  note: string | null;
  asked_user_id: string | null;
  asked_at: string | null;
  answer: string | null;
  answered_at: string | null;
  escalated_at: string | null;
  undo_request_id: string | null;
}

interface CheckpointRow {
  account_id: string;
  region: string;
  last_event_time: string;
  last_event_ids: string;
  updated_at: string;
}

/** The column each patchable field is stored in; times among them are normalized like every stored time. */
const PATCH_COLUMNS: Record<keyof AlertPatch, { column: string; time?: true }> = {
  assigneeId: { column: 'assignee_id' },
  closedBy: { column: 'closed_by' },
  note: { column: 'note' },
  askedUserId: { column: 'asked_user_id' },
  askedAt: { column: 'asked_at', time: true },
  answer: { column: 'answer' },
  answeredAt: { column: 'answered_at', time: true },
  undoRequestId: { column: 'undo_request_id' },
};

/** `al_` and 96 random bits in hex: unguessable, short enough for a button value. */
const newAlertId = (): string => `al_${randomBytes(12).toString('hex')}`;

/** SQLite has no boolean: 0 / 1 read back as false / true, anything else is left for the schema to refuse. */
const storedBoolean = (value: unknown): unknown => (value === 1 ? true : value === 0 ? false : value);

/** `SET` assignments and values for the fields a patch has (absent fields are left as they are). */
const patchAssignments = (patch: AlertPatch): { sets: string[]; values: Array<string | null> } => {
  const sets: string[] = [];
  const values: Array<string | null> = [];
  for (const [field, spec] of Object.entries(PATCH_COLUMNS) as Array<
    [keyof AlertPatch, (typeof PATCH_COLUMNS)[keyof AlertPatch]]
  >) {
    const value = patch[field];
    if (value === undefined) continue;
    sets.push(`${spec.column} = ?`);
    values.push(value !== null && spec.time ? toIso(value) : value);
  }
  return { sets, values };
};

export const makeSqliteAlerts = (ctx: SqliteContext): AlertStore => {
  const { db } = ctx;

  const claim = db.prepare<[string, string, string]>(
    'INSERT INTO handled_events (event_id, source, handled_at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
  );
  const prune = db.prepare<[string]>('DELETE FROM handled_events WHERE handled_at < ?');
  const selectAlert = db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?');
  // The newest open alert of the key seen within the window; ties broken by id as in every list.
  const openStatuses = OPEN_ALERT_STATUSES.map((s) => `'${s}'`).join(', ');
  const selectOpenForKey = db.prepare<[string, string], AlertRow>(
    `SELECT * FROM alerts WHERE dedup_key = ? AND status IN (${openStatuses}) AND last_seen_at >= ?
     ORDER BY last_seen_at DESC, id DESC LIMIT 1`,
  );
  const countRepeat = db.prepare<[string, string, string]>(
    'UPDATE alerts SET count = count + 1, last_seen_at = ?, updated_at = ? WHERE id = ?',
  );
  const insertAlert = db.prepare<[AlertRow]>(
    `INSERT INTO alerts (id, detection_id, title, severity, dedup_key, account_id, region, event_id, event_source,
       event_name, event_time, summary, details, rationale, resource, actor, undo, staged, source, threshold_count,
       status, count, last_seen_at, created_at, updated_at, channel, message_ts, assignee_id, closed_by, note,
       asked_user_id, asked_at, answer, answered_at, escalated_at, undo_request_id)
     VALUES (@id, @detection_id, @title, @severity, @dedup_key, @account_id, @region, @event_id, @event_source,
       @event_name, @event_time, @summary, @details, @rationale, @resource, @actor, @undo, @staged, @source,
       @threshold_count, @status, @count, @last_seen_at, @created_at, @updated_at, @channel, @message_ts,
       @assignee_id, @closed_by, @note, @asked_user_id, @asked_at, @answer, @answered_at, @escalated_at,
       @undo_request_id)`,
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

  const fromRow = (row: AlertRow): Alert => {
    const what = `alert ${row.id}`;
    return parseStored(
      AlertSchema,
      {
        id: row.id,
        detectionId: row.detection_id,
        title: row.title,
        severity: row.severity,
        dedupKey: row.dedup_key,
        accountId: row.account_id,
        region: row.region,
        eventId: row.event_id,
        eventSource: row.event_source,
        eventName: row.event_name,
        eventTime: row.event_time,
        summary: row.summary,
        details: fromJsonText(row.details, `details of ${what}`),
        rationale: row.rationale,
        resource: fromJsonText(row.resource, `resource of ${what}`),
        actor: fromJsonText(row.actor, `actor of ${what}`),
        undo: fromJsonText(row.undo, `undo of ${what}`),
        staged: storedBoolean(row.staged),
        source: row.source,
        thresholdCount: row.threshold_count,
        status: row.status,
        count: row.count,
        lastSeenAt: row.last_seen_at,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        channel: row.channel,
        messageTs: row.message_ts,
        assigneeId: row.assignee_id,
        closedBy: row.closed_by,
        note: row.note,
        askedUserId: row.asked_user_id,
        askedAt: row.asked_at,
        answer: row.answer,
        answeredAt: row.answered_at,
        escalatedAt: row.escalated_at,
        undoRequestId: row.undo_request_id,
      },
      what,
    );
  };

  const load = (id: string): Alert | null => {
    const row = selectAlert.get(id);
    return row ? fromRow(row) : null;
  };

  const newRow = (draft: AlertDraft, now: string): AlertRow => ({
    id: newAlertId(),
    detection_id: draft.detectionId,
    title: draft.title,
    severity: draft.severity,
    dedup_key: draft.dedupKey,
    account_id: draft.accountId,
    region: draft.region,
    event_id: draft.eventId,
    event_source: draft.eventSource,
    event_name: draft.eventName,
    event_time: draft.eventTime,
    summary: draft.summary,
    details: toJsonText(draft.details),
    rationale: draft.rationale,
    resource: toJsonText(draft.resource),
    actor: toJsonText(draft.actor),
    undo: draft.undo === null ? null : toJsonText(draft.undo),
    staged: draft.staged ? 1 : 0,
    source: draft.source,
    threshold_count: draft.thresholdCount,
    status: 'open',
    count: 1,
    last_seen_at: now,
    created_at: now,
    updated_at: now,
    channel: null,
    message_ts: null,
    assignee_id: null,
    closed_by: null,
    note: null,
    asked_user_id: null,
    asked_at: null,
    answer: null,
    answered_at: null,
    escalated_at: null,
    undo_request_id: null,
  });

  // Inside one IMMEDIATE transaction the look-up and the write hold the write lock together, so two
  // processes recording the same key queue up and the second counts on the first one's alert.
  const record = db.transaction((draft: AlertDraft, windowStart: string): { alert: Alert; created: boolean } => {
    const now = nowIso(ctx);
    // A window that starts now or later is empty (a window of 0): nothing can be counted on.
    const existing = windowStart < now ? selectOpenForKey.get(draft.dedupKey, windowStart) : undefined;
    if (existing) {
      countRepeat.run(now, now, existing.id);
      return { alert: load(existing.id)!, created: false };
    }
    const row = newRow(draft, now);
    insertAlert.run(row);
    return { alert: load(row.id)!, created: true };
  });

  // Guarded by the statuses in the UPDATE itself, so the statement is a compare-and-set on its own.
  const transition = db.transaction(
    (id: string, from: readonly AlertStatus[], to: AlertStatus, patch: AlertPatch): Alert | null => {
      if (from.length === 0) return null;
      const { sets, values } = patchAssignments(patch);
      const changes = db
        .prepare(
          `UPDATE alerts SET ${['status = ?', ...sets, 'updated_at = ?'].join(', ')}
           WHERE id = ? AND status IN (${placeholders(from.length)})`,
        )
        .run(to, ...values, nowIso(ctx), id, ...from).changes;
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

  const checkpointFromRow = (row: CheckpointRow): LookupCheckpoint => {
    const what = `LookupEvents checkpoint of ${row.account_id} in ${row.region}`;
    return parseStored(
      LookupCheckpointSchema,
      {
        accountId: row.account_id,
        region: row.region,
        lastEventTime: row.last_event_time,
        lastEventIds: fromJsonText(row.last_event_ids, `event ids of the ${what}`),
        updatedAt: row.updated_at,
      },
      what,
    );
  };

  return {
    claimEvent: async (eventId, source) => claim.run(eventId, source, nowIso(ctx)).changes === 1,
    pruneHandledEvents: async (before) => prune.run(toIso(before)).changes,

    recordAlert: async (draft, windowStart) => record.immediate(AlertDraftSchema.parse(draft), toIso(windowStart)),
    getAlert: async (id) => load(id),
    listAlerts: async (input = {}) => {
      const query = AlertQuerySchema.parse(input);
      const where: string[] = [];
      const params: string[] = [];
      for (const [column, values] of [
        ['status', query.statuses],
        ['account_id', query.accountIds],
      ] as const) {
        if (values === undefined) continue;
        if (values.length === 0) return [];
        where.push(`${column} IN (${placeholders(values.length)})`);
        params.push(...values);
      }
      if (query.assigneeId !== undefined) {
        where.push('assignee_id = ?');
        params.push(query.assigneeId);
      }
      if (query.since !== undefined) {
        where.push('created_at >= ?');
        params.push(toIso(query.since));
      }
      // Ties (one clock instant) are broken by id so the order is the same every time.
      return listNewestFirst<AlertRow, ReturnType<typeof fromRow>>(
        db,
        { table: 'alerts', where, params, limit: query.limit, tieBreak: 'id' },
        fromRow,
      );
    },
    countAlerts: async ({ since, until, accountIds }) => {
      const counts = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
      if (accountIds !== undefined && accountIds.length === 0) return counts;
      const params = [toIso(since), toIso(until), ...(accountIds ?? [])];
      const rows = db
        .prepare<string[], { status: string; n: number }>(
          'SELECT status, COUNT(*) AS n FROM alerts WHERE created_at >= ? AND created_at < ?' +
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
      const row: CheckpointRow = {
        account_id: checkpoint.accountId,
        region: checkpoint.region,
        last_event_time: checkpoint.lastEventTime,
        last_event_ids: toJsonText(checkpoint.lastEventIds),
        updated_at: nowIso(ctx),
      };
      saveCheckpoint.immediate(row);
      return checkpointFromRow(row);
    },
  };
};
