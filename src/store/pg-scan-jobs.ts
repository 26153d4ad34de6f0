import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Finding } from '../core/model';
import { toIso } from '../core/remediations/request';
import { CloudsecError } from '../errors';
import { pgNowIso, type PgContext, type PgQueryable } from './pg-context';
import {
  assertLostAreJobs,
  CORRUPT_SPEC,
  EMPTY_SUMMARY_TEXT,
  EXHAUSTED_ERROR_SQL,
  finishDecision,
  jobStatusFromRow,
  LOST_RESULT,
  lostAccountsOf,
  passCountOf,
  SCAN_ABANDONED,
  SCAN_ENDED,
  SCAN_QUEUE_JOBS_SQL,
  SCAN_QUEUE_SCANS_SQL,
  scanQueueOf,
  SCAN_JOB_STATUS_COLUMNS,
  specOfClaimed,
  summaryOfCounts,
  type ScanJobRow,
  type StatusSeverityCount,
} from './scan-job-rows';
import {
  BeginScanInputSchema,
  ClaimScanJobInputSchema,
  LeaseMsSchema,
  ScanJobRefSchema,
  ScanJobResultSchema,
  type LostAccount,
  type ScanState,
} from './schemas';
import { toJsonText } from './stored-values';
import type { Store } from './store';

type ScanJobMethods = Pick<
  Store,
  | 'beginScan'
  | 'claimScanJob'
  | 'renewScanJob'
  | 'completeScanJob'
  | 'failScanJob'
  | 'scanJobs'
  | 'finishScan'
  | 'scanQueue'
  | 'abandonScans'
>;

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

/**
 * One READ COMMITTED transaction (retried from the start on a deadlock). Not pgTransaction's
 * SERIALIZABLE: the queue takes explicit row locks instead, which is what makes SKIP LOCKED useful
 * (under SERIALIZABLE, claimers that skipped each other's rows would still fail each other with
 * serialization errors, their reads overlapping), and each statement after a lock wait sees what the
 * previous holder committed (the next free ordinal, a job another claim took).
 */
const readCommitted = async <T>(ctx: PgContext, fn: (client: PoolClient) => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    const client = await ctx.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5 * attempt)));
    } finally {
      client.release(broken);
    }
  }
};

const leaseEnd = (ctx: PgContext, leaseMs: number): string => new Date(ctx.clock().getTime() + leaseMs).toISOString();

// Jobs of running scans whose lease ran out after the last claim allowed: failed, never claimed again.
// SKIP LOCKED: a job another claimer (or a completion) holds is that one's business.
const FAIL_EXHAUSTED = `
  UPDATE scan_jobs SET state = 'failed', error = ${EXHAUSTED_ERROR_SQL}, lease_expires_at = NULL,
    updated_at = $1, finished_at = $1
  WHERE (scan_id, account_id) IN (
    SELECT j.scan_id, j.account_id FROM scan_jobs j JOIN scans s ON s.id = j.scan_id
    WHERE s.state = 'running' AND j.state = 'running' AND j.lease_expires_at <= $1 AND j.attempt >= $2
    FOR UPDATE OF j SKIP LOCKED)`;

// The oldest claimable job nobody else is taking right now, taken in the same statement.
const CLAIM = `
  WITH next AS (
    SELECT j.scan_id, j.account_id FROM scan_jobs j JOIN scans s ON s.id = j.scan_id
    WHERE s.state = 'running'
      AND (j.state = 'queued' OR (j.state = 'running' AND j.lease_expires_at <= $1 AND j.attempt < $2))
    ORDER BY s.rowid, j.account_id COLLATE "C"
    LIMIT 1
    FOR UPDATE OF j SKIP LOCKED
  )
  UPDATE scan_jobs j SET state = 'running', owner = $3, lease_expires_at = $4, attempt = j.attempt + 1, updated_at = $1
  FROM next WHERE j.scan_id = next.scan_id AND j.account_id = next.account_id
  RETURNING j.scan_id, j.account_id, j.attempt, j.spec`;

const MARK_FAILED = `
  UPDATE scan_jobs SET state = 'failed', error = $1, lease_expires_at = NULL, updated_at = $2, finished_at = $2
  WHERE scan_id = $3 AND account_id = $4 AND state = 'running' AND attempt = $5`;

/**
 * Locks the scan's row for this transaction: completions of one scan (their ordinals), its finish
 * and the abandon sweep take turns on it. Always first, before any job row, so they never deadlock.
 */
const lockScan = async (client: PgQueryable, scanId: string): Promise<string | undefined> =>
  (await client.query<{ state: string }>('SELECT state FROM scans WHERE id = $1 FOR NO KEY UPDATE', [scanId])).rows[0]
    ?.state;

/**
 * Appends findings (with their bodies, made into text before the transaction) after the scan's last
 * ordinal; the scan's row is locked, so the ordinals are this transaction's.
 */
const appendFindings = async (
  client: PgQueryable,
  scanId: string,
  findings: readonly Finding[],
  bodies: readonly string[],
) => {
  if (findings.length === 0) return;
  await client.query(
    `INSERT INTO scan_findings (scan_id, ordinal, finding_id, check_id, account_id, status, severity, body)
     SELECT $1, n.next + t.i - 1, t.id, t.check_id, t.account_id, t.status, t.severity, t.body
     FROM (SELECT COALESCE(MAX(ordinal) + 1, 0) AS next FROM scan_findings WHERE scan_id = $1) n,
       unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         WITH ORDINALITY AS t (id, check_id, account_id, status, severity, body, i)`,
    [
      scanId,
      findings.map((f) => f.id),
      findings.map((f) => f.checkId),
      findings.map((f) => f.accountId),
      findings.map((f) => f.status),
      findings.map((f) => f.severity),
      bodies,
    ],
  );
};

/** The lost accounts of a finish with their findings made into text: before the transaction. */
interface LostWrite {
  accounts: readonly LostAccount[];
  findings: readonly Finding[];
  bodies: readonly string[];
}
const NO_LOST: LostWrite = { accounts: [], findings: [], bodies: [] };
const lostWriteOf = (accounts: readonly LostAccount[]): LostWrite => {
  const findings = accounts.flatMap((l) => l.findings);
  return { accounts, findings, bodies: findings.map((f) => toJsonText(f)) };
};

/**
 * Fails what is unfinished, stores the lost accounts' findings in place of theirs (their jobs
 * failed), counts the findings and stamps the scan; the scan's row is locked.
 */
const finishLocked = async (
  ctx: PgContext,
  client: PgQueryable,
  scanId: string,
  state: ScanState,
  jobError: string,
  lost: LostWrite = NO_LOST,
) => {
  const lostIds = lost.accounts.map((l) => l.accountId);
  if (lostIds.length > 0) {
    // After the scan's row (lockScan), as every taker of both locks: the lost jobs stay as checked.
    const { rows } = await client.query<{ account_id: string }>(
      `SELECT account_id FROM scan_jobs WHERE scan_id = $1 AND account_id = ANY($2::text[])
       ORDER BY account_id COLLATE "C" FOR UPDATE`,
      [scanId, lostIds],
    );
    assertLostAreJobs(scanId, lost.accounts, new Set(rows.map((r) => r.account_id)));
  }
  const now = pgNowIso(ctx);
  await client.query(
    `UPDATE scan_jobs SET state = 'failed', error = $1, lease_expires_at = NULL, updated_at = $2, finished_at = $2
     WHERE scan_id = $3 AND state IN ('queued', 'running')`,
    [jobError, now, scanId],
  );
  if (lostIds.length > 0) {
    await client.query('DELETE FROM scan_findings WHERE scan_id = $1 AND account_id = ANY($2::text[])', [
      scanId,
      lostIds,
    ]);
    // After the unfinished were failed, a lost job is done or failed here: a done one's result could
    // not be read (LOST_RESULT), a failed one keeps why it failed. Its passes no longer count: pass_count 0.
    await client.query(
      `UPDATE scan_jobs SET state = 'failed', pass_count = 0,
         error = CASE WHEN state = 'failed' THEN COALESCE(error, $1) ELSE $1 END,
         lease_expires_at = NULL, updated_at = $2, finished_at = COALESCE(finished_at, $2)
       WHERE scan_id = $3 AND account_id = ANY($4::text[])`,
      [LOST_RESULT, now, scanId, lostIds],
    );
    await appendFindings(client, scanId, lost.findings, lost.bodies);
  }
  const counts = await client.query<StatusSeverityCount>(
    'SELECT status, severity, COUNT(*) AS n FROM scan_findings WHERE scan_id = $1 GROUP BY status, severity',
    [scanId],
  );
  const summary = summaryOfCounts(scanId, counts.rows);
  await client.query('UPDATE scans SET state = $1, finding_count = $2, summary = $3, saved_at = $4 WHERE id = $5', [
    state,
    summary.total,
    toJsonText(summary),
    now,
    scanId,
  ]);
};

/**
 * The streamed scan's job queue in PostgreSQL, the same contract as sqlite-scan-jobs.ts for several
 * replicas: a claim is one `FOR UPDATE SKIP LOCKED` statement, so concurrent claimers (any replica)
 * each take another job without waiting on each other; completions lock the scan's row, then check
 * their fence on the job's, so a late worker writes nothing and the findings' ordinals never collide.
 */
export const makePgScanJobs = (ctx: PgContext): ScanJobMethods => {
  const { pool } = ctx;
  return {
    beginScan: async (input) => {
      const parsed = BeginScanInputSchema.parse(input);
      const id = randomUUID();
      const generatedAt = toIso(parsed.generatedAt);
      const specs = parsed.jobs.map((j) => toJsonText(j.spec));
      await readCommitted(ctx, async (client) => {
        const now = pgNowIso(ctx);
        await client.query(
          `INSERT INTO scans (id, scope_key, generated_at, saved_at, finding_count, summary, state)
           VALUES ($1, $2, $3, $4, 0, $5, 'running')`,
          [id, parsed.scopeKey, generatedAt, now, EMPTY_SUMMARY_TEXT],
        );
        if (parsed.jobs.length === 0) return;
        await client.query(
          `INSERT INTO scan_jobs (scan_id, account_id, state, attempt, spec, pass_count, created_at, updated_at)
           SELECT $1, a, 'queued', 0, s, 0, $4, $4 FROM unnest($2::text[], $3::text[]) AS t (a, s)`,
          [id, parsed.jobs.map((j) => j.accountId), specs, now],
        );
      });
      return id;
    },
    claimScanJob: async (input) => {
      const { worker, leaseMs, maxAttempts } = ClaimScanJobInputSchema.parse(input);
      const now = pgNowIso(ctx);
      await pool.query(FAIL_EXHAUSTED, [now, maxAttempts]);
      const { rows } = await pool.query<{ scan_id: string; account_id: string; attempt: number; spec: string }>(CLAIM, [
        now,
        maxAttempts,
        worker,
        leaseEnd(ctx, leaseMs),
      ]);
      const row = rows[0];
      if (!row) return null;
      const ref = { scanId: row.scan_id, accountId: row.account_id, attempt: row.attempt };
      const spec = specOfClaimed(ref.scanId, ref.accountId, row.spec);
      if ('error' in spec) {
        // A spec that is not JSON would come first again on every claim: fail it, then say so.
        await pool.query(MARK_FAILED, [CORRUPT_SPEC, now, ref.scanId, ref.accountId, ref.attempt]);
        throw spec.error;
      }
      return { ...ref, spec: spec.spec };
    },
    renewScanJob: async (ref, leaseMs) => {
      const r = ScanJobRefSchema.parse(ref);
      const result = await pool.query(
        `UPDATE scan_jobs SET lease_expires_at = $1, updated_at = $2
         WHERE scan_id = $3 AND account_id = $4 AND state = 'running' AND attempt = $5`,
        [leaseEnd(ctx, LeaseMsSchema.parse(leaseMs)), pgNowIso(ctx), r.scanId, r.accountId, r.attempt],
      );
      return result.rowCount === 1;
    },
    completeScanJob: async (ref, result) => {
      const r = ScanJobRefSchema.parse(ref);
      const { findings } = ScanJobResultSchema.parse(result);
      // Made into text first: a value JSON cannot hold fails here, having written nothing.
      const header = toJsonText(result.header);
      const bodies = findings.map((f) => toJsonText(f));
      return readCommitted(ctx, async (client) => {
        await lockScan(client, r.scanId);
        const held = await client.query(
          `SELECT 1 FROM scan_jobs WHERE scan_id = $1 AND account_id = $2 AND state = 'running' AND attempt = $3
           FOR UPDATE`,
          [r.scanId, r.accountId, r.attempt],
        );
        if (held.rows.length === 0) return false;
        await appendFindings(client, r.scanId, findings, bodies);
        const now = pgNowIso(ctx);
        await client.query(
          `UPDATE scan_jobs SET state = 'done', result = $1, pass_count = $2, lease_expires_at = NULL,
             updated_at = $3, finished_at = $3
           WHERE scan_id = $4 AND account_id = $5`,
          [header, passCountOf(findings), now, r.scanId, r.accountId],
        );
        return true;
      });
    },
    failScanJob: async (ref, error) => {
      const r = ScanJobRefSchema.parse(ref);
      const result = await pool.query(MARK_FAILED, [String(error), pgNowIso(ctx), r.scanId, r.accountId, r.attempt]);
      return result.rowCount === 1;
    },
    scanJobs: async (scanId) => {
      const { rows } = await pool.query<ScanJobRow>(
        `SELECT ${SCAN_JOB_STATUS_COLUMNS} FROM scan_jobs WHERE scan_id = $1 ORDER BY account_id COLLATE "C"`,
        [scanId],
      );
      return rows.map((row) => jobStatusFromRow(scanId, row));
    },
    finishScan: async (scanId, state, options) => {
      if (state !== 'complete' && state !== 'failed') {
        throw new CloudsecError('internal', `A scan is finished as complete or failed, not ${String(state)}.`);
      }
      // Made into text first, as a completion's: a value JSON cannot hold fails here, having written nothing.
      const lost = lostWriteOf(lostAccountsOf(scanId, state, options));
      await readCommitted(ctx, async (client) => {
        // A retried finish (the scan already has the state) writes nothing, its lost accounts included.
        if (!finishDecision(scanId, await lockScan(client, scanId), state)) return;
        await finishLocked(ctx, client, scanId, state, SCAN_ENDED, lost);
      });
    },
    scanQueue: async () => {
      const scans = await pool.query<{ n: string; since: string | null }>(SCAN_QUEUE_SCANS_SQL);
      const jobs = await pool.query<{ state: string; n: string }>(SCAN_QUEUE_JOBS_SQL);
      return scanQueueOf(scans.rows[0], jobs.rows);
    },
    abandonScans: async (olderThan) => {
      const cutoff = new Date(olderThan).toISOString();
      return readCommitted(ctx, async (client) => {
        // In creation order, as every other taker of these locks takes one at a time: no deadlock.
        const { rows } = await client.query<{ id: string }>(
          "SELECT id FROM scans WHERE state = 'running' AND saved_at < $1 ORDER BY rowid FOR NO KEY UPDATE",
          [cutoff],
        );
        for (const { id } of rows) await finishLocked(ctx, client, id, 'failed', SCAN_ABANDONED);
        return rows.length;
      });
    },
  };
};
