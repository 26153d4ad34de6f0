import { z } from 'zod';

/**
 * What execution stores in `RemediationRequest.result`, defined once: the execution use case
 * (src/app/remediation) writes `ExecutionResult`, and the renderers read it back with `readResult`.
 *
 * The store keeps `result` as `unknown`, so reading is tolerant where writing is not: rows written
 * before a field existed (`securityHub`), and records that leave out what the plan already says
 * (a call's service, region and input), still read. The reading schema is derived from the writing
 * one below, never written out again, so the two cannot drift apart.
 */

/** A fresh look at the finding: its status then, `gone` without the resource, `error` when collection failed. */
export const CheckStateSchema = z.object({
  status: z.enum(['pass', 'fail', 'unknown', 'gone', 'error']),
  message: z.string(),
});
export type CheckState = z.infer<typeof CheckStateSchema>;

/** AWS's error code (`err.name`) and message. */
const CallErrorSchema = z.object({ code: z.string(), message: z.string() });

export const CallOutcomeSchema = z.object({
  service: z.string(),
  region: z.string(),
  command: z.string(),
  /** As sent (lookups bound) when AWS answered; the plan's input otherwise. */
  input: z.record(z.string(), z.unknown()),
  /** `dry_run`: not sent because of dry-run mode; `skipped`: not sent because an earlier call failed. */
  outcome: z.enum(['ok', 'error', 'dry_run', 'skipped']),
  /** What AWS answered to a call that succeeded, without `$metadata`. */
  output: z.unknown().optional(),
  /** Set when `outcome` is `error`. */
  error: CallErrorSchema.nullable(),
  awsRequestId: z.string().nullable(),
});
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;

export const VerificationSchema = z.object({
  /** Does the check pass now (`passed`), fail (`failed`), or could cloudsec not tell (`unknown`)? */
  outcome: z.enum(['passed', 'failed', 'unknown']),
  status: CheckStateSchema.shape.status,
  message: z.string(),
});
export type Verification = z.infer<typeof VerificationSchema>;

/** What became of the Security Hub finding a fix came from (null when it came from a cloudsec check). */
export const SecurityHubSyncSchema = z.object({
  outcome: z.enum(['ok', 'error', 'dry_run', 'skipped']),
  message: z.string(),
  call: CallOutcomeSchema.nullable(),
});
export type SecurityHubSync = z.infer<typeof SecurityHubSyncSchema>;

export const ExecutionResultSchema = z.object({
  /** Nothing was sent to AWS. */
  dryRun: z.boolean(),
  /** The re-collection before executing (no-op and changed-resource decisions come from it). */
  precheck: CheckStateSchema.nullable(),
  calls: z.array(CallOutcomeSchema),
  error: z.object({ code: z.string(), message: z.string(), failedAt: z.number().int() }).nullable(),
  /** The re-collection after executing; null when nothing was sent. */
  verification: VerificationSchema.nullable(),
  /** Set by start-up reconciliation of a request a crash left `executing`. */
  interrupted: z.boolean(),
  /** Results stored before this field existed parse as null. */
  securityHub: SecurityHubSyncSchema.nullable().default(null),
});
export type ExecutionResult = z.infer<typeof ExecutionResultSchema>;

/** The result as execution wrote it, or null when `value` is not one (use cases decide on it). */
export const parseExecutionResult = (value: unknown): ExecutionResult | null => {
  const parsed = ExecutionResultSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

export const emptyResult = (dryRun: boolean): ExecutionResult => ({
  dryRun,
  precheck: null,
  calls: [],
  error: null,
  verification: null,
  interrupted: false,
  securityHub: null,
});

// ---------------------------------------------------------------- reading for display

/** A call as recorded: service, region and input fall back to the plan's call with the same index. */
const RecordedCallOutcomeSchema = CallOutcomeSchema.partial({ service: true, region: true, input: true }).extend({
  error: CallOutcomeSchema.shape.error.default(null),
  awsRequestId: CallOutcomeSchema.shape.awsRequestId.default(null),
});
export type RecordedCallOutcome = z.infer<typeof RecordedCallOutcomeSchema>;

/** `outcome` is what a reader needs; the check's status and message may be missing. */
const RecordedVerificationSchema = VerificationSchema.partial({ status: true }).extend({
  message: VerificationSchema.shape.message.nullable().default(null),
});
export type RecordedVerification = z.infer<typeof RecordedVerificationSchema>;

const RecordedSecurityHubSyncSchema = SecurityHubSyncSchema.extend({
  call: RecordedCallOutcomeSchema.nullable().default(null),
});

/** `ExecutionResult` with every field it can do without defaulted to "nothing happened". */
export const RecordedResultSchema = ExecutionResultSchema.extend({
  dryRun: ExecutionResultSchema.shape.dryRun.default(false),
  precheck: ExecutionResultSchema.shape.precheck.default(null),
  calls: z.array(RecordedCallOutcomeSchema).default([]),
  error: ExecutionResultSchema.shape.error.default(null),
  verification: RecordedVerificationSchema.nullable().default(null),
  interrupted: ExecutionResultSchema.shape.interrupted.default(false),
  securityHub: RecordedSecurityHubSyncSchema.nullable().default(null),
});
export type RecordedResult = z.infer<typeof RecordedResultSchema>;

export type ReadResult = { kind: 'none' } | { kind: 'unreadable' } | { kind: 'ok'; result: RecordedResult };

/**
 * What a request's `result` says, for display. Anything that does not parse is `unreadable` rather
 * than guessed at, so a card never claims an outcome the record does not hold.
 */
export const readResult = (raw: unknown): ReadResult => {
  if (raw === null || raw === undefined) return { kind: 'none' };
  const parsed = RecordedResultSchema.safeParse(raw);
  return parsed.success ? { kind: 'ok', result: parsed.data } : { kind: 'unreadable' };
};
