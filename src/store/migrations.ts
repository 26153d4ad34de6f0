import type Database from 'better-sqlite3';
import { CloudsecError } from '../errors';
import { MIGRATION_8_LIVE_ALERTS } from './migration-8-live-alerts';
import { MIGRATION_9_CLOSURES_AND_FENCES } from './migration-9-closures-and-fences';
import { MIGRATION_10_ALERT_QUERIES } from './migration-10-alert-queries';
import { MIGRATION_11_SCAN_JOBS } from './migration-11-scan-jobs';

/**
 * Versioned schema changes, applied in order when a store opens. A migration is never edited
 * once released: change the schema with a new one. Each runs in its own IMMEDIATE transaction
 * together with its `schema_migrations` row, and re-checks the version inside it, so several
 * processes opening the same new file apply each migration once.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const REQUEST_STATUSES_SQL = `('pending','approved','executing','succeeded','failed','denied','expired','no_op','cancelled')`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE audit_entries (
        seq INTEGER PRIMARY KEY,
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
      CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
      CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;

      CREATE TABLE scans (
        id TEXT PRIMARY KEY,
        scope_key TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        finding_count INTEGER NOT NULL,
        summary TEXT NOT NULL
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
        version INTEGER NOT NULL
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
    sql: `
      -- What a request writes to: src/core/remediations/define.ts, writeTarget, computed here the same
      -- way for the requests stored before this version (a row whose finding is not JSON gets a key of
      -- its own, so it blocks nothing).
      ALTER TABLE remediation_requests ADD COLUMN target TEXT NOT NULL DEFAULT '';
      UPDATE remediation_requests SET target = CASE
        WHEN NOT json_valid(finding) THEN 'unreadable|' || id
        ELSE remediation_id || '|' || account_id || '|' || CASE
          WHEN remediation_id = 'securityhub_update_workflow' THEN finding_id
          ELSE COALESCE(
            NULLIF(json_extract(finding, '$.resource.arn'), ''),
            region || '|' || json_extract(finding, '$.resource.type') || '|' || json_extract(finding, '$.resource.id')
          )
        END
      END;

      -- Earlier versions let one change be open twice. Per target the request furthest along stays
      -- (then the oldest); the others that had not started are cancelled, and another one found
      -- executing is failed for a person to look at (whether its calls ran is unknown). Stamped with
      -- the machine's time: a migration has no clock of its own.
      CREATE TEMP TABLE open_duplicates AS
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
        ) WHERE n > 1;
      UPDATE remediation_requests SET
        status = CASE status WHEN 'executing' THEN 'failed' ELSE 'cancelled' END,
        reason = CASE status
          WHEN 'executing' THEN 'Interrupted: request ' || (SELECT keeper FROM temp.open_duplicates d WHERE d.id = remediation_requests.id) ||
            ' for the same change was executing too when cloudsec was upgraded; whether these calls ran is unknown, so check the resource.'
          ELSE 'Cancelled when cloudsec was upgraded: request ' || (SELECT keeper FROM temp.open_duplicates d WHERE d.id = remediation_requests.id) ||
            ' for the same change was already open, and only one may be open at a time.'
        END,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
        finished_at = COALESCE(finished_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        version = version + 1
      WHERE id IN (SELECT id FROM temp.open_duplicates);
      DROP TABLE temp.open_duplicates;

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
      -- Every account cloudsec scans with its OU path, as last discovered (start-up, every scan):
      -- what a digest covers is authorized against this, not against a scan cache a restart empties.
      -- ou_path: JSON array of OU ids from the root down; NULL when Organizations did not say.
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
      -- With an audit key, an HMAC over the request's content and state (src/store/request-seal.ts),
      -- rewritten by the store on every change it makes. NULL without a key, and for requests stored
      -- before this version: with a key those are never executed (nothing proves cloudsec wrote them).
      ALTER TABLE remediation_requests ADD COLUMN seal TEXT;
    `,
  },
  {
    version: 7,
    name: 'accepted risks',
    sql: `
      -- Accepted risks ("exceptions") made from Slack (src/core/exceptions/model.ts). JSON columns hold
      -- what the core's schemas parse on every read; the columns a query filters on are plain.
      -- seal: with an audit key, an HMAC over the exception (src/store/exception-seal.ts), rewritten
      -- by the store on every change it makes, so a row planted with SQL hides nothing unnoticed.
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
      -- Sweeps ask for the active ones by expiry; lists by status, owner or requester, newest first.
      CREATE INDEX risk_exceptions_status_expiry ON risk_exceptions (status, expires_at);
      CREATE INDEX risk_exceptions_expiry ON risk_exceptions (expires_at);
      CREATE INDEX risk_exceptions_created ON risk_exceptions (created_at);
      CREATE INDEX risk_exceptions_owner ON risk_exceptions (owner_id, created_at);
      CREATE INDEX risk_exceptions_requester ON risk_exceptions (requester_id, created_at);
    `,
  },
  MIGRATION_8_LIVE_ALERTS,
  MIGRATION_9_CLOSURES_AND_FENCES,
  MIGRATION_10_ALERT_QUERIES,
  MIGRATION_11_SCAN_JOBS,
];

export const latestSchemaVersion = (migrations: readonly Migration[] = MIGRATIONS): number =>
  migrations.reduce((max, m) => Math.max(max, m.version), 0);

const appliedVersion = (db: Database.Database): number =>
  (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;

/**
 * Brings the database to the latest version; refuses a database written by a newer cloudsec,
 * whose schema this version does not know how to read.
 */
export const migrate = (
  db: Database.Database,
  location: string,
  now: () => string,
  migrations: readonly Migration[] = MIGRATIONS,
): number => {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const latest = latestSchemaVersion(migrations);
  const found = appliedVersion(db);
  if (found > latest) {
    throw new CloudsecError(
      'config',
      `The database ${location} has schema version ${found}, but this cloudsec knows versions up to ${latest}. ` +
        'Upgrade cloudsec, or point CLOUDSEC_DB at another file.',
    );
  }
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    db.transaction(() => {
      if (appliedVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
    }).immediate();
  }
  return appliedVersion(db);
};
