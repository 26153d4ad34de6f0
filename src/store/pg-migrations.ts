import type { Pool, PoolClient } from 'pg';
import { CloudsecError } from '../errors';
import { latestSchemaVersion, type Migration } from './migrations';

/**
 * The PostgreSQL schema, version for version the same as the SQLite one (src/store/migrations.ts,
 * migration-8-live-alerts.ts, migration-9-closures-and-fences.ts, migration-10-alert-queries.ts): the same tables, column names,
 * CHECKs and (partial) unique indexes, so the pg-*.ts modules run the sqlite-*.ts queries with
 * `$n` placeholders. Times and JSON stay TEXT, as in SQLite, so the row parsers are shared.
 *
 * Differences, each because SQLite gives something implicitly:
 * - `scans` and `remediation_requests` have a `rowid BIGSERIAL` column: the SQLite queries break
 *   ties on the implicit rowid (insertion order), and the PostgreSQL ones use the same ORDER BY.
 * - audit_entries' append-only guard is one plpgsql trigger (`audit_entries_append_only`, UPDATE and
 *   DELETE) plus a statement trigger refusing TRUNCATE, which SQLite does not have.
 * - Counters that only grow (the audit `seq`) are BIGINT; pg.ts parses BIGINT to a number.
 *
 * As with SQLite, a released migration is never edited: change the schema with a new one, here and
 * in SQLite together (test/store/pg-migrations.test.ts compares the two).
 */

const REQUEST_STATUSES_SQL = `('pending','approved','executing','succeeded','failed','denied','expired','no_op','cancelled')`;

/** SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now'): the ISO form every other time column holds. */
const NOW_ISO_SQL = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const PG_MIGRATIONS: readonly Migration[] = [
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

/**
 * The advisory lock every migration transaction takes first (class id; the object id is the schema's
 * hash, so installations in different schemas of one database do not wait on each other). A hash
 * collision only makes two schemas take turns.
 */
const MIGRATION_LOCK_CLASS = 0x636c6f75; // "clou"

const appliedVersion = async (client: Pick<PoolClient, 'query'>): Promise<number> => {
  const result = await client.query<{ v: number | string | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return Number(result.rows[0]?.v ?? 0);
};

const tooNew = (where: string, found: number, latest: number): CloudsecError =>
  new CloudsecError(
    'config',
    `The database ${where} has schema version ${found}, but this cloudsec knows versions up to ${latest}. ` +
      'Upgrade cloudsec, or point CLOUDSEC_DATABASE_URL at another database.',
  );

/** Runs `fn` in one transaction holding the migration lock of the connection's schema. */
const underMigrationLock = async <T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const schema = await client.query<{ s: string | null }>('SELECT current_schema() AS s');
    const current = schema.rows[0]?.s;
    // No schema on the search path means no lock scope and nowhere to create tables: refuse.
    if (!current) throw new Error('no schema on the search path exists (was CREATE SCHEMA run?)');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, current]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
};

/**
 * CREATE SCHEMA IF NOT EXISTS, safe when replicas start at once: run bare, concurrent ones collide in
 * the catalog ("duplicate key value violates unique constraint pg_namespace_nspname_index"), so it
 * runs under the same advisory lock the migrations of that schema take.
 */
export const createPgSchema = async (pool: Pool, schema: string): Promise<void> => {
  // The name goes into SQL: plain identifiers only (pg.ts checks the same before calling).
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`"${schema}" is not a plain lower-case identifier`);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
};

/**
 * Brings the schema the pool's connections work in (their search_path) to the latest version, and
 * returns the version reached. Each migration runs in its own transaction that first takes an
 * advisory lock and re-checks the version, so replicas starting at once apply each migration once
 * (the others wait, then find it applied). Refuses a schema written by a newer cloudsec.
 */
export const migratePostgres = async (
  pool: Pool,
  where: string,
  now: () => string,
  migrations: readonly Migration[] = PG_MIGRATIONS,
): Promise<number> => {
  const latest = latestSchemaVersion(migrations);
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
  const found = await underMigrationLock(pool, async (client) => {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    return appliedVersion(client);
  });
  if (found > latest) throw tooNew(where, found, latest);

  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    if (migration.version <= found) continue;
    await underMigrationLock(pool, async (client) => {
      const current = await appliedVersion(client);
      // A newer cloudsec may have migrated past us while we waited.
      if (current > latest) throw tooNew(where, current, latest);
      if (current >= migration.version) return;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now(),
      ]);
    });
  }
  return appliedVersion(pool);
};
