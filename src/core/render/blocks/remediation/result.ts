import { z } from 'zod';

/**
 * What the renderers read from `RemediationRequest.result`. The store keeps `result` as `unknown`; the
 * executor is expected to record this shape. Anything that does not parse is shown as "could not be
 * read" rather than guessed at, so a card never claims an outcome the record does not hold.
 */
export const CallOutcomeSchema = z.object({
  service: z.string().optional(),
  region: z.string().optional(),
  command: z.string(),
  /** As sent (lookups bound); absent means the plan's input for that call. */
  input: z.record(z.string(), z.unknown()).optional(),
  /** `dry_run`: not sent because of dry-run mode; `skipped`: not sent because an earlier call failed. */
  outcome: z.enum(['ok', 'error', 'dry_run', 'skipped']),
  /** AWS's error code (`err.name`) and message when `outcome` is `error`. */
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
  /** What AWS answered to a call that succeeded, without `$metadata`. */
  output: z.unknown().optional(),
  awsRequestId: z.string().nullable().optional(),
});
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;

export const VerificationSchema = z.object({
  /** `passed`: re-collected and the check passes; `unknown`: the re-collection could not tell. */
  outcome: z.enum(['passed', 'failed', 'unknown']),
  message: z.string().nullable().default(null),
});
export type Verification = z.infer<typeof VerificationSchema>;

/** A look at the finding from a fresh collection (src/app/remediation/result.ts `CheckState`). */
export const CheckStateSchema = z.object({
  status: z.enum(['pass', 'fail', 'unknown', 'gone', 'error']),
  message: z.string(),
});
export type CheckState = z.infer<typeof CheckStateSchema>;

/** What became of the Security Hub finding a fix came from (src/app/remediation/security-hub-sync.ts). */
export const SecurityHubSyncSchema = z.object({
  outcome: z.enum(['ok', 'error', 'dry_run', 'skipped']),
  message: z.string(),
});
export type SecurityHubSync = z.infer<typeof SecurityHubSyncSchema>;

/** src/app/remediation/result.ts records a superset of this (`ExecutionResult`). */
export const RemediationResultSchema = z.object({
  dryRun: z.boolean().default(false),
  /** The re-collection before executing. */
  precheck: CheckStateSchema.nullable().default(null),
  calls: z.array(CallOutcomeSchema).default([]),
  verification: VerificationSchema.nullable().default(null),
  /** Set when start-up reconciliation found the request `executing` after a crash. */
  interrupted: z.boolean().default(false),
  securityHub: SecurityHubSyncSchema.nullable().default(null),
});
export type RemediationResult = z.infer<typeof RemediationResultSchema>;

export type ReadResult = { kind: 'none' } | { kind: 'unreadable' } | { kind: 'ok'; result: RemediationResult };

export const readResult = (raw: unknown): ReadResult => {
  if (raw === null || raw === undefined) return { kind: 'none' };
  const parsed = RemediationResultSchema.safeParse(raw);
  return parsed.success ? { kind: 'ok', result: parsed.data } : { kind: 'unreadable' };
};
