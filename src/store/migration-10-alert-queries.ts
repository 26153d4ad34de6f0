import type { Migration } from './migrations';

/**
 * Migration 10: indexes for the two alert queries the store now answers itself (listAlerts'
 * involvesUserId and questionDueBefore), which used to read a window of the newest alerts and
 * filter it in memory, missing whatever was older.
 *
 * - "mine" is `assignee_id = ? OR asked_user_id = ?`: alerts_assignee (migration 8) serves the first
 *   half, alerts_asked_user the second, so the OR can be two index look-ups instead of a table scan.
 * - The escalation asks for questions asked before a cutoff, unanswered and not escalated. Nearly
 *   every alert is either never asked or long answered / escalated, so a partial index holds only
 *   the questions still waiting: small, and exactly the rows the escalation can act on.
 *
 * PostgreSQL runs the same statements (src/store/pg-migrations.ts, version 10): both dialects
 * support partial indexes with this WHERE.
 */
export const MIGRATION_10_ALERT_QUERIES: Migration = {
  version: 10,
  name: 'alert query indexes',
  sql: `
      CREATE INDEX alerts_asked_user ON alerts (asked_user_id);
      CREATE INDEX alerts_question_due ON alerts (asked_at) WHERE answered_at IS NULL AND escalated_at IS NULL;
  `,
};
