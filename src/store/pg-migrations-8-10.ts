import type { Migration } from './migrations';

/**
 * PostgreSQL versions 8–10, the same as SQLite's migration-8-live-alerts.ts,
 * migration-9-closures-and-fences.ts and migration-10-alert-queries.ts (pg-migrations.ts explains
 * the differences). Kept apart from the migration machinery only for size.
 */
export const PG_MIGRATIONS_8_TO_10: readonly Migration[] = [
  {
    version: 8,
    name: 'live alerts',
    sql: `
      -- CloudTrail records already handled: the primary key is the claim (src/store/alert-store.ts).
      CREATE TABLE handled_events (
        event_id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        handled_at TEXT NOT NULL
      );
      CREATE INDEX handled_events_time ON handled_events (handled_at);

      -- Alerts (src/core/detections/alert.ts). staged is 0 / 1, as in SQLite, so the rows parse alike.
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        detection_id TEXT NOT NULL,
        title TEXT NOT NULL,
        severity TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_source TEXT NOT NULL,
        event_name TEXT NOT NULL,
        event_time TEXT NOT NULL,
        summary TEXT NOT NULL,
        details TEXT NOT NULL,
        rationale TEXT NOT NULL,
        resource TEXT NOT NULL,
        actor TEXT NOT NULL,
        undo TEXT,
        staged INTEGER NOT NULL CHECK (staged IN (0, 1)),
        source TEXT NOT NULL,
        threshold_count INTEGER,
        status TEXT NOT NULL CHECK (status IN ('open','acknowledged','resolved','false_positive')),
        count INTEGER NOT NULL CHECK (count >= 1),
        last_seen_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        channel TEXT,
        message_ts TEXT,
        assignee_id TEXT,
        closed_by TEXT,
        note TEXT,
        asked_user_id TEXT,
        asked_at TEXT,
        answer TEXT,
        answered_at TEXT,
        escalated_at TEXT,
        undo_request_id TEXT
      );
      CREATE INDEX alerts_dedup ON alerts (dedup_key, status, last_seen_at);
      CREATE INDEX alerts_status_created ON alerts (status, created_at);
      CREATE INDEX alerts_account_created ON alerts (account_id, created_at);
      CREATE INDEX alerts_assignee ON alerts (assignee_id);

      -- Where the LookupEvents poller resumes, per account and region. last_event_ids: JSON array.
      CREATE TABLE lookup_checkpoints (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        last_event_time TEXT NOT NULL,
        last_event_ids TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account_id, region)
      );
    `,
  },
  {
    version: 9,
    name: 'alert closures and lock fences',
    sql: `
      ALTER TABLE alerts ADD COLUMN closed_at TEXT;
      -- Alerts closed before this version: their last change is the best evidence of when.
      UPDATE alerts SET closed_at = updated_at WHERE status NOT IN ('open', 'acknowledged');
      CREATE INDEX alerts_closed ON alerts (closed_at);

      -- Incremented each time the lock changes hands (never on a renewal).
      ALTER TABLE locks ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 10,
    name: 'alert query indexes',
    sql: `
      -- "mine" (assignee or asked user) and the questions waiting for escalation, in the store.
      CREATE INDEX alerts_asked_user ON alerts (asked_user_id);
      CREATE INDEX alerts_question_due ON alerts (asked_at) WHERE answered_at IS NULL AND escalated_at IS NULL;
    `,
  },
];
