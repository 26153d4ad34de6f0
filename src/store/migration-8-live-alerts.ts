import type { Migration } from './migrations';

/** Migration 8: the live lane's tables (handled CloudTrail records, alerts, LookupEvents checkpoints). */
export const MIGRATION_8_LIVE_ALERTS: Migration = {
  version: 8,
  name: 'live alerts',
  sql: `
      -- CloudTrail records already handled (src/store/alert-store.ts, claimEvent): the primary key is
      -- the claim, so a record delivered twice (SQS at-least-once, a LookupEvents page read again,
      -- another replica) makes one alert. Pruned by handled_at once no source can redeliver it.
      CREATE TABLE handled_events (
        event_id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        handled_at TEXT NOT NULL
      );
      CREATE INDEX handled_events_time ON handled_events (handled_at);

      -- Alerts (src/core/detections/alert.ts). JSON columns (details, resource, actor, undo) hold what
      -- the core's schemas parse on every read; the columns a query filters on are plain. staged is
      -- 0 / 1 so the same column reads as a boolean in any database.
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
      -- recordAlert looks up the open alert of a dedup key seen within the window; lists go by
      -- status, account or assignee, newest first.
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
};
