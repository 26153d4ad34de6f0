import { z } from 'zod';
import { AuditActorSchema } from '../audit';
import { FindingSchema } from '../model';
import { ApiCallSchema } from './define';

/**
 * A remediation request: what was asked for, the plan approvers saw, who approved it, where it is
 * in its life and what execution reported. The core owns these types; the store parses every row
 * it reads with them, and use cases and renderers take them as they are. Times are ISO-8601 UTC
 * strings with milliseconds (`Date#toISOString`), which also sort as text.
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
  /**
   * What execution reported (per-call outcomes, verification): an `ExecutionResult` (./result.ts),
   * kept unparsed here so that a request whose result cannot be read still loads.
   */
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
