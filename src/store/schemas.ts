import { z } from 'zod';
import { AuditActorSchema } from '../core/audit';
import { FindingSchema } from '../core/model';
import type { SeverityCounts } from '../core/digest/model';
import { ApiCallSchema } from '../core/remediations/define';

/**
 * Rows that cross the store boundary. Every row is parsed with these schemas when read, so a
 * database edited by hand (or by an older cloudsec) fails loudly instead of flowing on. Times in
 * rows are ISO-8601 UTC strings with milliseconds (`Date#toISOString`), which also sort as text.
 */

export const IsoTimeSchema = z.iso.datetime();

/** A time given to the store: a Date or anything `new Date()` parses. */
export type Instant = Date | string;

/** Normalizes to `Date#toISOString` so that stored times compare correctly as text. */
export const toIso = (t: Instant): string => {
  const date = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a valid time: ${String(t)}`);
  return date.toISOString();
};

/** Who did something: the audit actor, reused for requesters, approvers and deciders. */
export const ActorRefSchema = AuditActorSchema;
export type ActorRef = z.infer<typeof ActorRefSchema>;

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

export const ScanRecordSchema = z.object({
  id: z.string(),
  scopeKey: z.string(),
  generatedAt: IsoTimeSchema,
  savedAt: IsoTimeSchema,
  findingCount: count,
  summary: ScanSummarySchema,
});
export type ScanRecord = z.infer<typeof ScanRecordSchema>;

// ---------------------------------------------------------------- remediation requests

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'denied',
  'expired',
  'no_op',
  'cancelled',
] as const;
export const RequestStatusSchema = z.enum(REQUEST_STATUSES);
export type RequestStatus = z.infer<typeof RequestStatusSchema>;

/** A request in one of these is finished: `finishedAt` is set when it gets there. */
export const TERMINAL_REQUEST_STATUSES: readonly RequestStatus[] = [
  'succeeded',
  'failed',
  'denied',
  'expired',
  'no_op',
  'cancelled',
];
export const isTerminalStatus = (s: RequestStatus): boolean => TERMINAL_REQUEST_STATUSES.includes(s);

/**
 * A request in one of these may still write to AWS: at most one per `target` (migration 3's unique
 * index). A finished one never blocks a new request.
 */
export const OPEN_REQUEST_STATUSES: readonly RequestStatus[] = ['pending', 'approved', 'executing'];

/** The plan approvers saw, and the state undo restores (`before`, validated by the remediation). */
export const RequestPlanSchema = z.object({
  calls: z.array(ApiCallSchema),
  before: z.unknown(),
  notes: z.array(z.string()).default([]),
});
export type RequestPlan = z.infer<typeof RequestPlanSchema>;

export const ApprovalSchema = z.object({
  approver: ActorRefSchema,
  at: IsoTimeSchema,
  comment: z.string().nullable(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

/** Where the approval card was posted, so later steps can update it. */
export const MessageRefSchema = z.object({ channel: z.string().min(1), ts: z.string().min(1) });
export type MessageRef = z.infer<typeof MessageRefSchema>;

export const RemediationRequestSchema = z.object({
  id: z.string(),
  kind: z.enum(['remediate', 'undo']),
  /** For `undo`: the request whose calls are reversed. */
  undoOf: z.string().nullable(),
  status: RequestStatusSchema,
  remediationId: z.string(),
  /** What the calls write to (`writeTarget`); an undo has its original's. One open request per target. */
  target: z.string().min(1),
  /** The finding as it was when the request was made (account and region come from it). */
  finding: FindingSchema,
  plan: RequestPlanSchema,
  /** The remediation's options, as validated by it. */
  options: z.unknown(),
  justification: z.string(),
  requester: ActorRefSchema,
  requiredApprovals: z.number().int().min(1),
  /** In the order given; one per approver. */
  approvals: z.array(ApprovalSchema),
  /** Why it was denied, cancelled, found to be a no-op or failed. */
  reason: z.string().nullable(),
  /** What execution reported (per-call outcomes, verification). */
  result: z.unknown(),
  /** Who denied or cancelled it. */
  decidedBy: ActorRefSchema.nullable(),
  message: MessageRefSchema.nullable(),
  /** The requester's DM about this request, updated in place as it moves. */
  requesterMessage: MessageRefSchema.nullable().default(null),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema,
  expiresAt: IsoTimeSchema.nullable(),
  finishedAt: IsoTimeSchema.nullable(),
  /** Incremented by every change. */
  version: z.number().int().positive(),
});
export type RemediationRequest = z.infer<typeof RemediationRequestSchema>;

export const NewRequestSchema = z.object({
  kind: z.enum(['remediate', 'undo']).default('remediate'),
  undoOf: z.string().nullable().default(null),
  remediationId: z.string().min(1),
  /** `remediation.target(finding)`, or the original's for an undo. */
  target: z.string().min(1),
  finding: FindingSchema,
  plan: RequestPlanSchema,
  options: z.unknown().default(null),
  justification: z.string(),
  requester: ActorRefSchema,
  requiredApprovals: z.number().int().min(1),
  expiresAt: z.union([z.date(), z.string()]).nullable().default(null),
});
export type NewRequest = z.input<typeof NewRequestSchema>;

/** Fields a transition may change besides the status; absent fields are left as they are. */
export const RequestPatchSchema = z.object({
  reason: z.string().nullable().optional(),
  result: z.unknown().optional(),
  decidedBy: ActorRefSchema.nullable().optional(),
  message: MessageRefSchema.nullable().optional(),
  expiresAt: z.union([z.date(), z.string()]).nullable().optional(),
});
export type RequestPatch = z.input<typeof RequestPatchSchema>;

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
});
export type Lock = z.infer<typeof LockSchema>;
/** When not acquired, `lock` is the current holder's. */
export type LockResult = { acquired: true; lock: Lock } | { acquired: false; lock: Lock };

export const GroupMembersSchema = z.object({
  members: z.array(z.string()),
  fetchedAt: IsoTimeSchema,
});
export type GroupMembers = z.infer<typeof GroupMembersSchema>;
