import type { Migration } from './migrations';

/**
 * Migration 11: scans of many accounts as a durable queue of per-account jobs, so every replica's
 * workers share an organization's accounts and the findings stream into scan_findings as each
 * account finishes (src/store/sqlite-scan-jobs.ts, pg-scan-jobs.ts).
 *
 * - `scans.state`: a streamed scan is `running` from beginScan until finishScan; scans saved whole
 *   (saveScan, and every scan stored before this version) are `complete`. latestScan and
 *   scanHistory read only complete ones, so a scan in progress or given up is never "the latest".
 *   A running scan's saved_at is when it began (finishScan sets it again): what abandonScans ages.
 * - `scan_jobs`: one row per account of a streamed scan. `attempt` counts claims and is the fencing
 *   token: a worker completes, renews or fails a job only while its attempt is the job's, so a worker
 *   that lost its lease (paused, partitioned) writes nothing once another took the account. `spec`
 *   (what to scan) and `result` (the account's header) are JSON the application writes and reads.
 * - scan_jobs_claim serves the claim (queued jobs, and running ones whose lease ran out);
 *   scans_running holds only the scans in progress, which the abandon sweep ages.
 *
 * PostgreSQL runs the very same statements (PG_MIGRATION_11_SCAN_JOBS): every type, CHECK and the
 * partial index mean the same in both, and scan_jobs needs no rowid column (its order is its key).
 */
const SQL = `
      ALTER TABLE scans ADD COLUMN state TEXT NOT NULL DEFAULT 'complete'
        CHECK (state IN ('running','complete','failed'));
      CREATE INDEX scans_running ON scans (saved_at) WHERE state = 'running';

      CREATE TABLE scan_jobs (
        scan_id TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        account_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued','running','done','failed')),
        attempt INTEGER NOT NULL CHECK (attempt >= 0),
        owner TEXT,
        lease_expires_at TEXT,
        spec TEXT NOT NULL,
        result TEXT,
        error TEXT,
        pass_count INTEGER NOT NULL CHECK (pass_count >= 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        PRIMARY KEY (scan_id, account_id)
      );
      CREATE INDEX scan_jobs_claim ON scan_jobs (state, lease_expires_at);
`;

export const MIGRATION_11_SCAN_JOBS: Migration = { version: 11, name: 'scan jobs', sql: SQL };

export const PG_MIGRATION_11_SCAN_JOBS: Migration = { version: 11, name: 'scan jobs', sql: SQL };
