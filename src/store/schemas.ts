import { z } from 'zod';
import { FindingSchema } from '../core/model';
import type { SeverityCounts } from '../core/digest/model';
import type { ExceptionStatus } from '../core/exceptions/model';
import { IsoTimeSchema, type Instant, type RemediationRequest, type RequestStatus } from '../core/remediations/request';

/**
 * Rows that cross the store boundary. Every row is parsed with these schemas when read, so a
 * database edited by hand (or by an older cloudsec) fails loudly instead of flowing on. Times in
 * rows are ISO-8601 UTC strings with milliseconds (`Date#toISOString`), which also sort as text.
 *
 * A remediation request's own schemas (and the time helpers) belong to the core
 * (src/core/remediations/request.ts); what is here is how the store is asked about them.
 */

// ---------------------------------------------------------------- scans

const count = z.number().int().nonnegative();

export const ScanSummarySchema = z.object({
  total: count,
  pass: count,
  fail: count,
  unknown: count,
  /** Failing findings per severity. */
  failBySeverity: z.object({ critical: count, high: count, medium: count, low: count, informational: count }),
  /** Posture score 0–100 when the caller computed one. */
  score: z.number().min(0).max(100).nullable(),
});
export type ScanSummary = z.infer<typeof ScanSummarySchema>;

export const ScanInputSchema = z.object({
  /** What was scanned, e.g. `all` or `account:111122223333/s3`: history and trends are per scope key. */
  scopeKey: z.string().min(1),
  generatedAt: z.union([z.date(), z.string()]),
  findings: z.array(FindingSchema),
  /** Defaults to `summarizeFindings(findings)` (no score). */
  summary: ScanSummarySchema.optional(),
});
export type ScanInput = z.input<typeof ScanInputSchema>;

/**
 * `running`: a streamed scan (beginScan) whose accounts are still being scanned; `complete`: saved
 * whole (saveScan) or finished; `failed`: given up (finishScan, abandonScans). Only complete scans
 * are ever the latest of their scope.
 */
export const ScanStateSchema = z.enum(['running', 'complete', 'failed']);
export type ScanState = z.infer<typeof ScanStateSchema>;

export const ScanRecordSchema = z.object({
  id: z.string(),
  scopeKey: z.string(),
  generatedAt: IsoTimeSchema,
  /** When saved or finished; for a running scan, when it began. */
  savedAt: IsoTimeSchema,
  /** For a running scan 0 and a summary of zeros: the counts are taken when it finishes. */
  findingCount: count,
  summary: ScanSummarySchema,
  state: ScanStateSchema,
});
export type ScanRecord = z.infer<typeof ScanRecordSchema>;

export interface FindingsOfScanOptions {
  /** Only findings whose status is not `pass` (fail and unknown). */
  notPassing?: boolean;
  /** Only findings of these accounts (an empty list matches none). */
  accountIds?: readonly string[];
}

// ---------------------------------------------------------------- scan jobs (a streamed scan's accounts)

/** `queued` → `running` (claimed, leased) → `done` or `failed`; an expired lease is claimed again. */
export const ScanJobStateSchema = z.enum(['queued', 'running', 'done', 'failed']);
export type ScanJobState = z.infer<typeof ScanJobStateSchema>;

/** One claim of one account's job: `attempt` is the fencing token the claim handed out. */
export interface ScanJobRef {
  scanId: string;
  accountId: string;
  attempt: number;
}
export const ScanJobRefSchema = z.object({
  scanId: z.string().min(1),
  accountId: z.string().min(1),
  attempt: z.number().int().positive(),
});

/** A claimed job; `spec` is the JSON the application queued (the application validates it). */
export interface ScanJob extends ScanJobRef {
  spec: unknown;
}

export interface ScanJobStatus {
  accountId: string;
  state: ScanJobState;
  /** Claims so far (0 while first queued). */
  attempt: number;
  /** The header completeScanJob stored (JSON), null until done. */
  result: unknown | null;
  /** Why the job failed, null otherwise. */
  error: string | null;
  /** The stored findings of the account with status `pass` (0 until done). */
  passCount: number;
}
export const ScanJobStatusSchema = z.object({
  accountId: z.string(),
  state: ScanJobStateSchema,
  attempt: count,
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  passCount: count,
});

/** The queue of streamed scans as `cloudsec db status` shows it: what is still running, and its jobs. */
export const ScanQueueStatusSchema = z.object({
  runningScans: count,
  /** When the oldest running scan began (ISO), null when none runs. */
  oldestRunningSince: z.string().nullable(),
  /** The jobs of running scans, by state. */
  jobs: z.object({ queued: count, running: count, done: count, failed: count }),
});
export type ScanQueueStatus = z.infer<typeof ScanQueueStatusSchema>;

const positiveInt = z.number().int().positive();

export const BeginScanInputSchema = z.object({
  scopeKey: z.string().min(1),
  generatedAt: z.union([z.date(), z.string()]),
  jobs: z.array(z.object({ accountId: z.string().min(1), spec: z.unknown() })).superRefine((jobs, ctx) => {
    const seen = new Set<string>();
    for (const [i, job] of jobs.entries()) {
      if (seen.has(job.accountId)) {
        ctx.addIssue({ code: 'custom', path: [i, 'accountId'], message: `account ${job.accountId} is queued twice` });
      }
      seen.add(job.accountId);
    }
  }),
});
export type BeginScanInput = z.input<typeof BeginScanInputSchema>;

export const ClaimScanJobInputSchema = z.object({
  /** Who claims (host and process), recorded as the job's owner. */
  worker: z.string().min(1),
  /** How long the claim holds without a renewal. */
  leaseMs: positiveInt,
  /** Claims of one job before a lease that runs out fails it instead. */
  maxAttempts: positiveInt,
});
export type ClaimScanJobInput = z.input<typeof ClaimScanJobInputSchema>;

export const ScanJobResultSchema = z.object({
  /** What the application keeps of the account besides its findings (JSON). */
  header: z.unknown(),
  findings: z.array(FindingSchema),
});
export type ScanJobResult = z.input<typeof ScanJobResultSchema>;

export const LeaseMsSchema = positiveInt;

/**
 * An account of a streamed scan that was lost (its job failed, or its stored result could not be
 * read) with the findings the application judged it by instead (all `unknown`): finishScan stores
 * them in place of whatever the account stored, so readers of the stored scan see the account.
 */
export const LostAccountSchema = z.object({
  accountId: z.string().min(1),
  findings: z.array(FindingSchema),
});
export type LostAccount = z.infer<typeof LostAccountSchema>;

export const FinishScanOptionsSchema = z.object({
  /** Only when finishing as `complete` (a failed scan is nobody's answer); none by default. */
  lost: z.array(LostAccountSchema).default([]),
});
export type FinishScanOptions = z.input<typeof FinishScanOptionsSchema>;

// ---------------------------------------------------------------- remediation requests: store answers

/** `created: false` when an open request for the same target exists: nothing was stored. */
export type CreateRequestResult =
  { created: true; request: RemediationRequest } | { created: false; existing: RemediationRequest };

export interface RequestQuery {
  statuses?: readonly RequestStatus[];
  /** Only requests for this target (`RemediationRequest.target`). */
  target?: string;
  requesterId?: string;
  accountId?: string;
  /** Only requests whose `expiresAt` is at or before this time (for the expiry sweep). */
  expiresBefore?: Instant;
  limit?: number;
}

export type ApprovalResult =
  | { kind: 'added'; request: RemediationRequest }
  | { kind: 'already-approved'; request: RemediationRequest }
  | { kind: 'not-pending'; request: RemediationRequest }
  | { kind: 'not-found' };

// ---------------------------------------------------------------- accepted risks (exceptions)

export interface ExceptionQuery {
  /** Only exceptions in one of these statuses (an empty list matches none). */
  statuses?: readonly ExceptionStatus[];
  /** Only exceptions this Slack user owns (`owner.id`). */
  ownerId?: string;
  /** Only exceptions this actor asked for (`requester.id`). */
  requesterId?: string;
  /** Only exceptions whose `expiresAt` is at or before this time (expiry sweeps, reminders). */
  expiresBefore?: Instant;
  limit?: number;
}

// ---------------------------------------------------------------- digests, locks, groups

export const DigestRunSchema = z.object({
  digestName: z.string(),
  scheduledFor: IsoTimeSchema,
  status: z.enum(['running', 'succeeded', 'failed']),
  owner: z.string(),
  claimedAt: IsoTimeSchema,
  /** 1, or more when a stale claim was taken over. */
  attempt: z.number().int().positive(),
  completedAt: IsoTimeSchema.nullable(),
  scanId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type DigestRun = z.infer<typeof DigestRunSchema>;

/** Open and suppressed items of a digest's stored state, overall and per account. */
export interface DigestItemCounts {
  open: SeverityCounts;
  suppressed: number;
  byAccount: { accountId: string; open: SeverityCounts; suppressed: number }[];
}

export interface ClaimOptions {
  /** Who runs it (host:pid), so only the claimant completes it. */
  owner?: string;
  /** A claim still `running` this long after it was taken is presumed dead and may be taken over. */
  reclaimAfterMs?: number;
}
export type DigestClaim = { claimed: true; run: DigestRun } | { claimed: false; run: DigestRun };

export interface DigestCompletion {
  digestName: string;
  scheduledFor: Instant;
  status: 'succeeded' | 'failed';
  /** When given, only this owner's claim is completed. */
  owner?: string;
  scanId?: string | null;
  details?: Record<string, unknown>;
}

export const LockSchema = z.object({
  name: z.string(),
  owner: z.string(),
  acquiredAt: IsoTimeSchema,
  expiresAt: IsoTimeSchema,
  /**
   * The fencing token: incremented each time the lock changes hands (a new owner, or the same owner
   * taking it again after it expired or was released), kept on a renewal. Work done under the lock
   * carries it, so work of a holder that lost the lock (paused past its expiry) can be refused.
   */
  fence: z.number().int().nonnegative(),
});
export type Lock = z.infer<typeof LockSchema>;
/** When not acquired, `lock` is the current holder's. */
export type LockResult = { acquired: true; lock: Lock } | { acquired: false; lock: Lock };

export const GroupMembersSchema = z.object({
  members: z.array(z.string()),
  fetchedAt: IsoTimeSchema,
});
export type GroupMembers = z.infer<typeof GroupMembersSchema>;
