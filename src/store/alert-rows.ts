import { randomBytes } from 'node:crypto';
import {
  AlertSchema,
  LookupCheckpointSchema,
  type Alert,
  type AlertDraft,
  type AlertPatch,
  type AlertQuery,
  type LookupCheckpoint,
} from '../core/detections/alert';
import { toIso } from '../core/remediations/request';
import { fromJsonText, parseStored, toJsonText } from './stored-values';

/**
 * The rows of the live lane's tables (migrations 8 and 9) and how alerts and checkpoints are made
 * from them, the same for SQLite and PostgreSQL: both keep JSON as text and times as ISO text, so
 * only the SQL around these differs between the two stores.
 */

/** A row of `alerts`. JSON columns are parsed with the core's schemas on read. */
export interface AlertRow {
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
  /** 0 / 1 (SQLite has no boolean; a PostgreSQL boolean column reads back as true / false). */
  staged: number | boolean;
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
  closed_at: string | null;
  note: string | null;
  asked_user_id: string | null;
  asked_at: string | null;
  answer: string | null;
  answered_at: string | null;
  escalated_at: string | null;
  undo_request_id: string | null;
}

/** Every column of `alerts`, in the order an INSERT names them. */
export const ALERT_COLUMNS = [
  'id',
  'detection_id',
  'title',
  'severity',
  'dedup_key',
  'account_id',
  'region',
  'event_id',
  'event_source',
  'event_name',
  'event_time',
  'summary',
  'details',
  'rationale',
  'resource',
  'actor',
  'undo',
  'staged',
  'source',
  'threshold_count',
  'status',
  'count',
  'last_seen_at',
  'created_at',
  'updated_at',
  'channel',
  'message_ts',
  'assignee_id',
  'closed_by',
  'closed_at',
  'note',
  'asked_user_id',
  'asked_at',
  'answer',
  'answered_at',
  'escalated_at',
  'undo_request_id',
] as const satisfies ReadonlyArray<keyof AlertRow>;

// A column added to AlertRow but not to the list above would silently never be written: refuse to compile.
type UnlistedColumn = Exclude<keyof AlertRow, (typeof ALERT_COLUMNS)[number]>;
const everyColumnListed: [UnlistedColumn] extends [never] ? true : UnlistedColumn = true;
void everyColumnListed;

/** A row of `lookup_checkpoints`; last_event_ids is a JSON array. */
export interface CheckpointRow {
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

/**
 * `SET` assignments and values for the fields a patch has (absent fields are left as they are).
 * `param(i)` writes the placeholder of the i-th value (0-based): `?` for SQLite, `$n` for PostgreSQL.
 */
export const patchAssignments = (
  patch: AlertPatch,
  param: (index: number) => string,
): { sets: string[]; values: Array<string | null> } => {
  const sets: string[] = [];
  const values: Array<string | null> = [];
  for (const [field, spec] of Object.entries(PATCH_COLUMNS) as Array<
    [keyof AlertPatch, (typeof PATCH_COLUMNS)[keyof AlertPatch]]
  >) {
    const value = patch[field];
    if (value === undefined) continue;
    sets.push(`${spec.column} = ${param(values.length)}`);
    values.push(value !== null && spec.time ? toIso(value) : value);
  }
  return { sets, values };
};

/**
 * The WHERE conditions (joined with AND) of a parsed list query, the same for both stores;
 * `param(value)` adds a value and returns its placeholder (`?` or `$n`), called in the order the
 * placeholders appear. Null when the query can match nothing: an empty status or account list (a
 * scoped user with no accounts sees nothing, never everything).
 */
export const alertQueryConditions = (query: AlertQuery, param: (value: string) => string): string[] | null => {
  const where: string[] = [];
  for (const [column, values] of [
    ['status', query.statuses],
    ['account_id', query.accountIds],
  ] as const) {
    if (values === undefined) continue;
    if (values.length === 0) return null;
    where.push(`${column} IN (${values.map((v) => param(v)).join(', ')})`);
  }
  if (query.assigneeId !== undefined) where.push(`assignee_id = ${param(query.assigneeId)}`);
  if (query.involvesUserId !== undefined) {
    // Two placeholders for one value: each dialect binds them in order (migration 10 indexes both columns).
    const user = query.involvesUserId;
    where.push(`(assignee_id = ${param(user)} OR asked_user_id = ${param(user)})`);
  }
  if (query.since !== undefined) where.push(`created_at >= ${param(toIso(query.since))}`);
  if (query.questionDueBefore !== undefined) {
    // Every stored time is toIso's form, so comparing the text compares the instants. The conditions
    // are claimAlertEscalation's own, plus the due time: what the query returns, a claim can take.
    where.push(
      `asked_at IS NOT NULL AND asked_at <= ${param(toIso(query.questionDueBefore))}` +
        ' AND answered_at IS NULL AND escalated_at IS NULL',
    );
  }
  return where;
};

/** `al_` and 96 random bits in hex: unguessable, short enough for a button value. */
export const newAlertId = (): string => `al_${randomBytes(12).toString('hex')}`;

/** 0 / 1 read back as false / true; a real boolean passes; anything else is left for the schema to refuse. */
const storedBoolean = (value: unknown): unknown => (value === 1 ? true : value === 0 ? false : value);

/** The alert a row holds; a row that does not fit is an `internal` error naming the alert. */
export const alertFromRow = (row: AlertRow): Alert => {
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
      closedAt: row.closed_at,
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

/** The row of a new alert made from a (parsed) draft: open, count 1, every time `now`, nothing set yet. */
export const newAlertRow = (draft: AlertDraft, now: string): AlertRow => ({
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
  closed_at: null,
  note: null,
  asked_user_id: null,
  asked_at: null,
  answer: null,
  answered_at: null,
  escalated_at: null,
  undo_request_id: null,
});

/** The row a checkpoint (without its update time) is saved as, updated `now`. */
export const checkpointRow = (checkpoint: Omit<LookupCheckpoint, 'updatedAt'>, now: string): CheckpointRow => ({
  account_id: checkpoint.accountId,
  region: checkpoint.region,
  last_event_time: checkpoint.lastEventTime,
  last_event_ids: toJsonText(checkpoint.lastEventIds),
  updated_at: now,
});

export const checkpointFromRow = (row: CheckpointRow): LookupCheckpoint => {
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
