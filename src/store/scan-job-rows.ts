import { FindingStatusSchema, SeveritySchema, type Finding } from '../core/model';
import { CloudsecError } from '../errors';
import { summarizeFindings } from './scan-summary';
import {
  FinishScanOptionsSchema,
  ScanJobStatusSchema,
  ScanQueueStatusSchema,
  type FinishScanOptions,
  type LostAccount,
  type ScanJobStatus,
  type ScanQueueStatus,
  type ScanState,
  type ScanSummary,
} from './schemas';
import { fromJsonText, parseStored, toJsonText } from './stored-values';

/**
 * The streamed scan's rows and rules, the same for SQLite (sqlite-scan-jobs.ts) and PostgreSQL
 * (pg-scan-jobs.ts): what a job row turns into, how a finished scan's summary is counted from its
 * stored findings, and what may finish a scan.
 */

export interface ScanJobRow {
  account_id: string;
  state: string;
  attempt: number;
  result: string | null;
  error: string | null;
  pass_count: number;
}

export const SCAN_JOB_STATUS_COLUMNS = 'account_id, state, attempt, result, error, pass_count';

/** Why the unfinished jobs of a scan that was finished (by its own replica) are failed. */
export const SCAN_ENDED = 'the scan ended before this account finished';
/** Why the unfinished jobs of a scan the leader's sweep gave up are failed. */
export const SCAN_ABANDONED = 'the scan was abandoned';
/**
 * The error of a job whose lease ran out `attempt` times: SQL, the same in both dialects (`||` with
 * an integer is text concatenation in SQLite and PostgreSQL alike), so the claim fails such jobs in
 * one statement.
 */
export const EXHAUSTED_ERROR_SQL = "'its worker stopped answering ' || attempt || ' times'";

/**
 * The error a lost account's job gets when it was done but its stored result could not be read
 * (finishScan with `lost`); a lost job that had failed keeps its own error.
 */
export const LOST_RESULT = 'its stored result could not be read';

/** The queue's counts as both stores read them: running scans, then the jobs of those scans by state. */
export const SCAN_QUEUE_SCANS_SQL = "SELECT COUNT(*) AS n, MIN(saved_at) AS since FROM scans WHERE state = 'running'";
export const SCAN_QUEUE_JOBS_SQL = `SELECT j.state AS state, COUNT(*) AS n FROM scan_jobs j JOIN scans s ON s.id = j.scan_id
  WHERE s.state = 'running' GROUP BY j.state`;

/** The rows of SCAN_QUEUE_*_SQL as a status; a state or count the schema does not know throws (read as damage). */
export const scanQueueOf = (
  scans: { n: number | string; since: string | null } | undefined,
  jobs: readonly { state: string; n: number | string }[],
): ScanQueueStatus => {
  const byState: Record<string, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const row of jobs) {
    if (!(row.state in byState))
      throw new CloudsecError('internal', `A scan job is in an unknown state: ${row.state}.`);
    byState[row.state] = Number(row.n);
  }
  return ScanQueueStatusSchema.parse({
    runningScans: Number(scans?.n ?? 0),
    oldestRunningSince: scans?.since ?? null,
    jobs: byState,
  });
};

/** What a streamed scan's row holds until it finishes: nothing counted yet. */
export const EMPTY_SUMMARY_TEXT = toJsonText(summarizeFindings([]));

const jobName = (scanId: string, accountId: string) => `scan job ${scanId}/${accountId}`;

export const jobStatusFromRow = (scanId: string, row: ScanJobRow): ScanJobStatus => {
  const what = jobName(scanId, row.account_id);
  return parseStored(
    ScanJobStatusSchema,
    {
      accountId: row.account_id,
      state: row.state,
      attempt: row.attempt,
      result: fromJsonText(row.result, `result of ${what}`),
      error: row.error,
      passCount: row.pass_count,
    },
    what,
  ) as ScanJobStatus;
};

/**
 * The claimed job's spec. Not JSON means the row was changed outside cloudsec: the caller fails the
 * job (so it does not block the queue) and throws this error.
 */
export const specOfClaimed = (
  scanId: string,
  accountId: string,
  text: string,
): { spec: unknown } | { error: Error } => {
  try {
    return { spec: fromJsonText(text, `spec of ${jobName(scanId, accountId)}`) };
  } catch (err) {
    return { error: err as Error };
  }
};

/** The error a corrupt spec leaves on its job. */
export const CORRUPT_SPEC = 'its stored spec is not JSON (the database was changed outside cloudsec)';

export const passCountOf = (findings: readonly Finding[]): number =>
  findings.reduce((n, f) => (f.status === 'pass' ? n + 1 : n), 0);

/** Findings per status and severity, as `GROUP BY status, severity` counts them. */
export interface StatusSeverityCount {
  status: string;
  severity: string;
  n: number;
}

/**
 * The summary summarizeFindings would compute from the scan's findings, from the database's counts
 * (so finishing a scan never reads its findings into memory). A status or severity the schema does
 * not know is a row changed outside cloudsec: an error, never a count dropped.
 */
export const summaryOfCounts = (scanId: string, counts: readonly StatusSeverityCount[]): ScanSummary => {
  const summary = summarizeFindings([]);
  for (const row of counts) {
    const status = FindingStatusSchema.safeParse(row.status);
    const severity = SeveritySchema.safeParse(row.severity);
    if (!status.success || !severity.success) {
      throw new CloudsecError(
        'internal',
        `The stored findings of scan ${scanId} include status "${row.status}" / severity "${row.severity}", ` +
          'which cloudsec does not write; the database was changed outside cloudsec.',
      );
    }
    const n = Number(row.n);
    summary.total += n;
    summary[status.data] += n;
    if (status.data === 'fail') summary.failBySeverity[severity.data] += n;
  }
  return summary;
};

/**
 * Whether finishing a scan in state `current` as `to` changes it: a running scan is finished, asking
 * again for the state it has does nothing (a retried call), anything else is refused.
 */
export const finishDecision = (scanId: string, current: string | undefined, to: ScanState): boolean => {
  if (current === undefined) throw new CloudsecError('internal', `There is no scan ${scanId} to finish.`);
  if (current === 'running') return true;
  if (current === to) return false;
  throw new CloudsecError(
    'internal',
    `Scan ${scanId} is already ${current}; it cannot be finished as ${to}` +
      (current === 'failed' ? ' (it was given up, e.g. abandoned as too old).' : '.'),
  );
};

/**
 * The lost accounts of a finish, validated before its transaction starts: well formed (zod), only
 * with `complete` (a failed scan answers nobody, so its accounts' unknowns have no reader), each
 * account once, and each finding of the account it is listed under (a finding filed under another
 * account would replace that one's findings in nobody's name). Anything else is refused whole.
 */
export const lostAccountsOf = (
  scanId: string,
  state: ScanState,
  options: FinishScanOptions | undefined,
): LostAccount[] => {
  const { lost } = FinishScanOptionsSchema.parse(options ?? {});
  if (lost.length > 0 && state !== 'complete') {
    throw new CloudsecError(
      'internal',
      `Scan ${scanId} is finished as ${state}: lost accounts are stored only when a scan completes.`,
    );
  }
  const seen = new Set<string>();
  for (const { accountId, findings } of lost) {
    if (seen.has(accountId)) {
      throw new CloudsecError('internal', `Account ${accountId} is listed as lost twice for scan ${scanId}.`);
    }
    seen.add(accountId);
    const stray = findings.find((f) => f.accountId !== accountId);
    if (stray) {
      throw new CloudsecError(
        'internal',
        `A finding of account ${stray.accountId} (${stray.id}) is listed under lost account ${accountId} of scan ${scanId}.`,
      );
    }
  }
  return lost;
};

/** Every lost account must be a job of the scan: one that is not is the caller's mistake, refused. */
export const assertLostAreJobs = (scanId: string, lost: readonly LostAccount[], jobs: ReadonlySet<string>): void => {
  const stranger = lost.find((l) => !jobs.has(l.accountId));
  if (stranger) {
    throw new CloudsecError(
      'internal',
      `Account ${stranger.accountId} is not an account of scan ${scanId}; nothing of the scan was changed.`,
    );
  }
};
