import type { Migration } from './migrations';

/**
 * Migration 9: when an alert was closed (the digest counts closures in its window, not alerts
 * created in it that happen to be closed now), and a fencing token on every lock so a leader that
 * lost its lease (paused, partitioned) can be told apart from the one that holds it now.
 */
export const MIGRATION_9_CLOSURES_AND_FENCES: Migration = {
  version: 9,
  name: 'alert closures and lock fences',
  sql: `
      ALTER TABLE alerts ADD COLUMN closed_at TEXT;
      -- Alerts closed before this version: their last change is the best evidence of when.
      UPDATE alerts SET closed_at = updated_at WHERE status NOT IN ('open', 'acknowledged');
      CREATE INDEX alerts_closed ON alerts (closed_at);

      -- Incremented each time the lock changes hands (never on a renewal): a holder passes its fence
      -- with the work it does, and work carrying an older fence is refused.
      ALTER TABLE locks ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
  `,
};
