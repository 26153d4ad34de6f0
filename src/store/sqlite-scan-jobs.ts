import { randomUUID } from 'node:crypto';
import { CloudsecError } from '../errors';
import type { Finding } from '../core/model';
import { toIso } from '../core/remediations/request';
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
  type ScanJobRef,
  type ScanState,
} from './schemas';
import { nowIso, toJsonText, type SqliteContext } from './sqlite-context';
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

/** The findings of a completion, validated before its transaction starts. */
const parseResult = (result: unknown) => ScanJobResultSchema.parse(result).findings;

const leaseEnd = (ctx: SqliteContext, leaseMs: number): string =>
  new Date(ctx.clock().getTime() + leaseMs).toISOString();

/**
 * The streamed scan's job queue in SQLite (migration-11-scan-jobs.ts). Every write is one IMMEDIATE
 * transaction, which holds the file's write lock from its first read: a claim reads and takes its job
 * with no other writer in between (of any process sharing the file), and a completion checks its
 * fence, numbers its findings after the scan's last and writes them as one step.
 */
export const makeSqliteScanJobs = (ctx: SqliteContext): ScanJobMethods => {
  const { db } = ctx;
  const insertScan = db.prepare(
    `INSERT INTO scans (id, scope_key, generated_at, saved_at, finding_count, summary, state)
     VALUES (?, ?, ?, ?, 0, ?, 'running')`,
  );
  const insertJob = db.prepare(
    `INSERT INTO scan_jobs (scan_id, account_id, state, attempt, spec, pass_count, created_at, updated_at)
     VALUES (?, ?, 'queued', 0, ?, 0, ?, ?)`,
  );
  // Jobs of running scans whose lease ran out after the last claim allowed: failed, never claimed again.
  const failExhausted = db.prepare(
    `UPDATE scan_jobs SET state = 'failed', error = ${EXHAUSTED_ERROR_SQL}, lease_expires_at = NULL,
       updated_at = ?, finished_at = ?
     WHERE state = 'running' AND lease_expires_at <= ? AND attempt >= ?
       AND scan_id IN (SELECT id FROM scans WHERE state = 'running')`,
  );
  const selectClaimable = db.prepare<[string, number], { scan_id: string; account_id: string }>(
    `SELECT j.scan_id, j.account_id FROM scan_jobs j JOIN scans s ON s.id = j.scan_id
     WHERE s.state = 'running'
       AND (j.state = 'queued' OR (j.state = 'running' AND j.lease_expires_at <= ? AND j.attempt < ?))
     ORDER BY s.rowid, j.account_id LIMIT 1`,
  );
  const takeJob = db.prepare<[string, string, string, string, string], { attempt: number; spec: string }>(
    `UPDATE scan_jobs SET state = 'running', owner = ?, lease_expires_at = ?, attempt = attempt + 1, updated_at = ?
     WHERE scan_id = ? AND account_id = ? RETURNING attempt, spec`,
  );
  const renew = db.prepare(
    `UPDATE scan_jobs SET lease_expires_at = ?, updated_at = ?
     WHERE scan_id = ? AND account_id = ? AND state = 'running' AND attempt = ?`,
  );
  const selectHeld = db.prepare<[string, string, number], { n: number }>(
    `SELECT 1 AS n FROM scan_jobs WHERE scan_id = ? AND account_id = ? AND state = 'running' AND attempt = ?`,
  );
  const nextOrdinal = db.prepare<[string], { next: number }>(
    'SELECT COALESCE(MAX(ordinal) + 1, 0) AS next FROM scan_findings WHERE scan_id = ?',
  );
  const insertFinding = db.prepare(
    `INSERT INTO scan_findings (scan_id, ordinal, finding_id, check_id, account_id, status, severity, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const markDone = db.prepare(
    `UPDATE scan_jobs SET state = 'done', result = ?, pass_count = ?, lease_expires_at = NULL,
       updated_at = ?, finished_at = ?
     WHERE scan_id = ? AND account_id = ?`,
  );
  const markFailed = db.prepare(
    `UPDATE scan_jobs SET state = 'failed', error = ?, lease_expires_at = NULL, updated_at = ?, finished_at = ?
     WHERE scan_id = ? AND account_id = ? AND state = 'running' AND attempt = ?`,
  );
  const selectJobs = db.prepare<[string], ScanJobRow>(
    `SELECT ${SCAN_JOB_STATUS_COLUMNS} FROM scan_jobs WHERE scan_id = ? ORDER BY account_id`,
  );
  const selectScanState = db.prepare<[string], { state: string }>('SELECT state FROM scans WHERE id = ?');
  const failUnfinished = db.prepare(
    `UPDATE scan_jobs SET state = 'failed', error = ?, lease_expires_at = NULL, updated_at = ?, finished_at = ?
     WHERE scan_id = ? AND state IN ('queued', 'running')`,
  );
  const countFindings = db.prepare<[string], StatusSeverityCount>(
    'SELECT status, severity, COUNT(*) AS n FROM scan_findings WHERE scan_id = ? GROUP BY status, severity',
  );
  const updateFinished = db.prepare(
    'UPDATE scans SET state = ?, finding_count = ?, summary = ?, saved_at = ? WHERE id = ?',
  );
  const selectJobOf = db.prepare<[string, string], { n: number }>(
    'SELECT 1 AS n FROM scan_jobs WHERE scan_id = ? AND account_id = ?',
  );
  const deleteAccountFindings = db.prepare('DELETE FROM scan_findings WHERE scan_id = ? AND account_id = ?');
  // Run after failUnfinished, so a lost job is done or failed here: a done one's result could not be
  // read (LOST_RESULT), a failed one keeps why it failed. Its passes no longer count: pass_count 0.
  const markLost = db.prepare(
    `UPDATE scan_jobs SET state = 'failed', pass_count = 0,
       error = CASE WHEN state = 'failed' THEN COALESCE(error, ?) ELSE ? END,
       lease_expires_at = NULL, updated_at = ?, finished_at = COALESCE(finished_at, ?)
     WHERE scan_id = ? AND account_id = ?`,
  );
  const selectStale = db.prepare<[string], { id: string }>(
    "SELECT id FROM scans WHERE state = 'running' AND saved_at < ? ORDER BY rowid",
  );

  /** Appends findings after the scan's last ordinal: inside a write transaction. */
  const appendFindings = (scanId: string, findings: readonly Finding[]) => {
    const first = nextOrdinal.get(scanId)!.next;
    findings.forEach((f, i) =>
      insertFinding.run(scanId, first + i, f.id, f.checkId, f.accountId, f.status, f.severity, toJsonText(f)),
    );
  };

  /**
   * Fails what is unfinished, stores the lost accounts' findings in place of theirs (their jobs
   * failed), counts the findings and stamps the scan: inside a write transaction.
   */
  const finishInside = (scanId: string, state: ScanState, jobError: string, lost: readonly LostAccount[] = []) => {
    const jobs = new Set(lost.filter((l) => selectJobOf.get(scanId, l.accountId)).map((l) => l.accountId));
    assertLostAreJobs(scanId, lost, jobs);
    const now = nowIso(ctx);
    failUnfinished.run(jobError, now, now, scanId);
    for (const { accountId } of lost) {
      deleteAccountFindings.run(scanId, accountId);
      markLost.run(LOST_RESULT, LOST_RESULT, now, now, scanId, accountId);
    }
    appendFindings(
      scanId,
      lost.flatMap((l) => l.findings),
    );
    const summary = summaryOfCounts(scanId, countFindings.all(scanId));
    updateFinished.run(state, summary.total, toJsonText(summary), now, scanId);
  };

  const claim = db.transaction((worker: string, leaseMs: number, maxAttempts: number) => {
    const now = nowIso(ctx);
    failExhausted.run(now, now, now, maxAttempts);
    const next = selectClaimable.get(now, maxAttempts);
    if (!next) return null;
    const taken = takeJob.get(worker, leaseEnd(ctx, leaseMs), now, next.scan_id, next.account_id)!;
    const ref: ScanJobRef = { scanId: next.scan_id, accountId: next.account_id, attempt: taken.attempt };
    const spec = specOfClaimed(ref.scanId, ref.accountId, taken.spec);
    // A spec that is not JSON would come first again on every claim: fail it, then say so.
    if ('error' in spec) {
      markFailed.run(CORRUPT_SPEC, now, now, ref.scanId, ref.accountId, ref.attempt);
      return { error: spec.error };
    }
    return { job: { ...ref, spec: spec.spec } };
  });

  const complete = db.transaction((ref: ScanJobRef, header: string, findings: ReturnType<typeof parseResult>) => {
    if (!selectHeld.get(ref.scanId, ref.accountId, ref.attempt)) return false;
    appendFindings(ref.scanId, findings);
    const now = nowIso(ctx);
    markDone.run(header, passCountOf(findings), now, now, ref.scanId, ref.accountId);
    return true;
  });

  // A retried finish (the scan already has the state) writes nothing, its lost accounts included.
  const finish = db.transaction((scanId: string, state: ScanState, lost: readonly LostAccount[]) => {
    if (!finishDecision(scanId, selectScanState.get(scanId)?.state, state)) return;
    finishInside(scanId, state, SCAN_ENDED, lost);
  });

  const abandon = db.transaction((olderThan: string) => {
    const stale = selectStale.all(olderThan);
    for (const { id } of stale) finishInside(id, 'failed', SCAN_ABANDONED);
    return stale.length;
  });

  return {
    beginScan: async (input) => {
      const parsed = BeginScanInputSchema.parse(input);
      const id = randomUUID();
      const generatedAt = toIso(parsed.generatedAt);
      db.transaction(() => {
        const now = nowIso(ctx);
        insertScan.run(id, parsed.scopeKey, generatedAt, now, EMPTY_SUMMARY_TEXT);
        for (const job of parsed.jobs) insertJob.run(id, job.accountId, toJsonText(job.spec), now, now);
      }).immediate();
      return id;
    },
    claimScanJob: async (input) => {
      const { worker, leaseMs, maxAttempts } = ClaimScanJobInputSchema.parse(input);
      const claimed = claim.immediate(worker, leaseMs, maxAttempts);
      if (claimed && 'error' in claimed) throw claimed.error;
      return claimed?.job ?? null;
    },
    renewScanJob: async (ref, leaseMs) => {
      const r = ScanJobRefSchema.parse(ref);
      const now = nowIso(ctx);
      return (
        renew.run(leaseEnd(ctx, LeaseMsSchema.parse(leaseMs)), now, r.scanId, r.accountId, r.attempt).changes === 1
      );
    },
    completeScanJob: async (ref, result) => {
      const r = ScanJobRefSchema.parse(ref);
      const parsed = parseResult(result);
      // Written as text before the transaction: a value JSON cannot hold fails here, having written nothing.
      const header = toJsonText(result.header);
      return complete.immediate(r, header, parsed);
    },
    failScanJob: async (ref, error) => {
      const r = ScanJobRefSchema.parse(ref);
      const now = nowIso(ctx);
      return markFailed.run(String(error), now, now, r.scanId, r.accountId, r.attempt).changes === 1;
    },
    scanJobs: async (scanId) => selectJobs.all(scanId).map((row) => jobStatusFromRow(scanId, row)),
    finishScan: async (scanId, state, options) => {
      if (state !== 'complete' && state !== 'failed') {
        throw new CloudsecError('internal', `A scan is finished as complete or failed, not ${String(state)}.`);
      }
      finish.immediate(scanId, state, lostAccountsOf(scanId, state, options));
    },
    scanQueue: async () =>
      scanQueueOf(
        db.prepare<[], { n: number; since: string | null }>(SCAN_QUEUE_SCANS_SQL).get(),
        db.prepare<[], { state: string; n: number }>(SCAN_QUEUE_JOBS_SQL).all(),
      ),
    abandonScans: async (olderThan) => abandon.immediate(new Date(olderThan).toISOString()),
  };
};
