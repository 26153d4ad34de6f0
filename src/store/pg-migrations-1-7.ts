import type { Migration } from './migrations';

/**
 * PostgreSQL versions 1–7 (src/store/pg-migrations.ts explains how they differ from SQLite's). Kept
 * apart from the migration machinery only for size; released migrations are never edited.
 */

const REQUEST_STATUSES_SQL = `('pending','approved','executing','succeeded','failed','denied','expired','no_op','cancelled')`;

/** SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now'): the ISO form every other time column holds. */
const NOW_ISO_SQL = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const PG_MIGRATIONS_1_TO_7: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE audit_entries (
        seq BIGINT PRIMARY KEY,
        time TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL,
        request_id TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        hmac TEXT
      );
      CREATE INDEX audit_entries_time ON audit_entries (time);
      CREATE INDEX audit_entries_request ON audit_entries (request_id);
      -- Append-only for cloudsec itself; the hash chain is what catches anyone who drops these.
      CREATE FUNCTION audit_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'restrict_violation';
        END
      $$;
      CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
      -- TRUNCATE fires no row trigger, so it needs its own.
      CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();

      CREATE TABLE scans (
        id TEXT PRIMARY KEY,
        scope_key TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        finding_count INTEGER NOT NULL,
        summary TEXT NOT NULL,
        -- SQLite's implicit rowid: insertion order, the last tie-break of "latest scans".
        rowid BIGSERIAL
      );
      CREATE INDEX scans_scope_time ON scans (scope_key, generated_at);
      CREATE TABLE scan_findings (
        scan_id TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        finding_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (scan_id, ordinal)
      );
      CREATE INDEX scan_findings_finding ON scan_findings (finding_id);

      CREATE TABLE remediation_requests (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('remediate','undo')),
        undo_of TEXT REFERENCES remediation_requests (id),
        status TEXT NOT NULL CHECK (status IN ${REQUEST_STATUSES_SQL}),
        remediation_id TEXT NOT NULL,
        finding_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        requester TEXT NOT NULL,
        finding TEXT NOT NULL,
        plan TEXT NOT NULL,
        options TEXT NOT NULL,
        justification TEXT NOT NULL,
        required_approvals INTEGER NOT NULL CHECK (required_approvals >= 1),
        reason TEXT,
        result TEXT NOT NULL,
        decided_by TEXT,
        message TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        expires_at TEXT,
        finished_at TEXT,
        version INTEGER NOT NULL,
        -- SQLite's implicit rowid: insertion order, the tie-break when two requests share a created_at.
        rowid BIGSERIAL
      );
      CREATE INDEX remediation_requests_status ON remediation_requests (status, created_at);
      CREATE INDEX remediation_requests_requester ON remediation_requests (requester_id, created_at);
      CREATE TABLE request_approvals (
        request_id TEXT NOT NULL REFERENCES remediation_requests (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        approver_id TEXT NOT NULL,
        approver TEXT NOT NULL,
        approved_at TEXT NOT NULL,
        comment TEXT,
        PRIMARY KEY (request_id, approver_id)
      );

      CREATE TABLE digest_runs (
        digest_name TEXT NOT NULL,
        scheduled_for TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed')),
        owner TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        completed_at TEXT,
        scan_id TEXT REFERENCES scans (id) ON DELETE SET NULL,
        details TEXT NOT NULL,
        PRIMARY KEY (digest_name, scheduled_for)
      );

      CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );

      CREATE TABLE slack_group_members (
        group_id TEXT PRIMARY KEY,
        members TEXT NOT NULL,
        fetched_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'digest state and the requester message',
    sql: `
      -- Per digest, what its last posted run saw: one row per open or suppressed finding.
      CREATE TABLE digest_items (
        digest_name TEXT NOT NULL,
        finding_id TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('cloudsec','securityhub')),
        check_id TEXT NOT NULL,
        service TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        resource_arn TEXT,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        remediation_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('open','suppressed')),
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        PRIMARY KEY (digest_name, finding_id)
      );
      CREATE INDEX digest_items_source ON digest_items (digest_name, source);
      CREATE INDEX digest_items_oldest ON digest_items (digest_name, state, first_seen_at, severity_rank);

      -- The requester's DM about a request, updated in place as the request moves.
      ALTER TABLE remediation_requests ADD COLUMN requester_message TEXT;
    `,
  },
  {
    version: 3,
    name: 'one open request per target',
    // No PostgreSQL store predates this version, so the backfill and the clean-up below find no rows;
    // they are the SQLite ones translated all the same, so the two schemas' histories stay one.
    sql: `
      -- What a request writes to (src/core/remediations/define.ts, writeTarget). SQLite's json_valid:
      -- PostgreSQL 15 has no IS JSON, so a session-only function tries the cast.
      ALTER TABLE remediation_requests ADD COLUMN target TEXT NOT NULL DEFAULT '';
      CREATE FUNCTION pg_temp.cloudsec_json_valid(value TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM value::jsonb;
          RETURN TRUE;
        EXCEPTION WHEN others THEN
          RETURN FALSE;
        END
      $$;
      UPDATE remediation_requests SET target = CASE
        WHEN NOT pg_temp.cloudsec_json_valid(finding) THEN 'unreadable|' || id
        ELSE remediation_id || '|' || account_id || '|' || CASE
          WHEN remediation_id = 'securityhub_update_workflow' THEN finding_id
          ELSE COALESCE(
            NULLIF(finding::jsonb #>> '{resource,arn}', ''),
            region || '|' || (finding::jsonb #>> '{resource,type}') || '|' || (finding::jsonb #>> '{resource,id}')
          )
        END
      END;
      DROP FUNCTION pg_temp.cloudsec_json_valid(TEXT);

      -- Per target the request furthest along stays (then the oldest); the others that had not
      -- started are cancelled, and another one found executing is failed for a person to look at.
      CREATE TEMP TABLE open_duplicates ON COMMIT DROP AS
        SELECT id, keeper, status FROM (
          SELECT id, status,
            ROW_NUMBER() OVER w AS n,
            FIRST_VALUE(id) OVER w AS keeper
          FROM remediation_requests
          WHERE status IN ('pending','approved','executing')
          WINDOW w AS (
            PARTITION BY target
            ORDER BY CASE status WHEN 'executing' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, created_at, rowid
          )
        ) ranked WHERE n > 1;
      UPDATE remediation_requests SET
        status = CASE status WHEN 'executing' THEN 'failed' ELSE 'cancelled' END,
        reason = CASE status
          WHEN 'executing' THEN 'Interrupted: request ' || (SELECT keeper FROM pg_temp.open_duplicates d WHERE d.id = remediation_requests.id) ||
            ' for the same change was executing too when cloudsec was upgraded; whether these calls ran is unknown, so check the resource.'
          ELSE 'Cancelled when cloudsec was upgraded: request ' || (SELECT keeper FROM pg_temp.open_duplicates d WHERE d.id = remediation_requests.id) ||
            ' for the same change was already open, and only one may be open at a time.'
        END,
        updated_at = ${NOW_ISO_SQL},
        finished_at = COALESCE(finished_at, ${NOW_ISO_SQL}),
        version = version + 1
      WHERE id IN (SELECT id FROM pg_temp.open_duplicates);
      DROP TABLE pg_temp.open_duplicates;

      -- The rule itself: at most one open request per target, whoever writes the row.
      CREATE UNIQUE INDEX remediation_requests_one_open ON remediation_requests (target)
        WHERE status IN ('pending','approved','executing');
      CREATE INDEX remediation_requests_target ON remediation_requests (target, created_at);
    `,
  },
  {
    version: 4,
    name: 'request nonces',
    sql: `
      -- Signed Slack requests seen (timestamp + signature) and Events API event ids, so a replay or
      -- a retry runs once, whichever replica it reaches. Rows are deleted once expired.
      CREATE TABLE request_nonces (
        key TEXT PRIMARY KEY,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
    `,
  },
  {
    version: 5,
    name: 'account directory',
    sql: `
      -- Every account cloudsec scans with its OU path, as last discovered. ou_path: JSON array of OU
      -- ids from the root down; NULL when Organizations did not say.
      CREATE TABLE account_directory (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        ou_path TEXT
      );
      -- One row: how and when the directory was last replaced (none: never discovered).
      CREATE TABLE account_directory_refresh (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        source TEXT NOT NULL,
        refreshed_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'request seals',
    sql: `
      -- With an audit key, an HMAC over the request's content and state (src/store/request-seal.ts).
      ALTER TABLE remediation_requests ADD COLUMN seal TEXT;
    `,
  },
  {
    version: 7,
    name: 'accepted risks',
    sql: `
      -- Accepted risks ("exceptions"), as src/store/migrations.ts version 7 describes them.
      CREATE TABLE risk_exceptions (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('slack','config')),
        status TEXT NOT NULL CHECK (status IN ('pending','active','denied','revoked','expired','cancelled')),
        scope TEXT NOT NULL,
        reason TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        requester TEXT NOT NULL,
        approver TEXT,
        created_at TEXT NOT NULL,
        decided_at TEXT,
        expires_at TEXT NOT NULL,
        decision_note TEXT,
        accepted TEXT NOT NULL,
        extension TEXT,
        message TEXT,
        reminded_at TEXT,
        suppressed_in_security_hub TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        seal TEXT
      );
      CREATE INDEX risk_exceptions_status_expiry ON risk_exceptions (status, expires_at);
      CREATE INDEX risk_exceptions_expiry ON risk_exceptions (expires_at);
      CREATE INDEX risk_exceptions_created ON risk_exceptions (created_at);
      CREATE INDEX risk_exceptions_owner ON risk_exceptions (owner_id, created_at);
      CREATE INDEX risk_exceptions_requester ON risk_exceptions (requester_id, created_at);
    `,
  },
];
