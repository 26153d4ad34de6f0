import type { AuditActor, JsonObject } from '../audit';
import type { ApiCall } from './define';

/**
 * The port through which the remediation workflow (src/app/remediation) sends a plan to AWS, and
 * what comes back. Defined once, here: src/aws/executor.ts implements it and the use cases call it,
 * so neither side keeps a copy that could drift from the other.
 *
 * Not to be confused with `ExecutionResult` (src/core/remediations/result.ts), the record the
 * workflow stores on the request, which it builds from an ExecutionReport.
 */

export interface ExecutionContext {
  accountId: string;
  /** The remediation request the plan belongs to (audit correlation). */
  requestId: string;
  /**
   * The catalog entry whose declared operations bound what may be sent (`permissions` for a
   * remediation, `undoPermissions` for an undo): the executor refuses anything else.
   */
  remediationId: string;
  /**
   * `undo` holds the plan to the remediation's undo operations and runs it with the undo role;
   * absent, the plan runs as a fix (never with the undo role).
   */
  kind?: 'remediate' | 'undo';
  /** Who the write is done for: the approver whose approval released it, or the system. */
  actor: AuditActor;
}

/** One call AWS answered, or that dry-run mode skipped. */
export interface ExecutedCall {
  /** The call as sent, lookups bound into its input. */
  call: ApiCall;
  /** Its input as JSON, secrets redacted. */
  input: JsonObject;
  /** What AWS answered, without the SDK's `$metadata`, as JSON with secrets redacted; null when not sent. */
  output: JsonObject | null;
  /** AWS's id for the request, to find it in CloudTrail. */
  awsRequestId: string | null;
  /** A write skipped because of dry-run mode. */
  dryRun: boolean;
  /** When it was sent (or skipped), ISO 8601. */
  at: string;
}

export interface ExecutionError {
  /** AWS's error name (`AccessDenied`, `NoSuchBucket`, …), or one of the executor's own codes. */
  code: string;
  /** What AWS (or the executor) said, secrets redacted. */
  message: string;
}

/**
 * `calls`: the ones AWS answered (or, in dry-run mode, that were skipped), in plan order; on
 * failure, those before `failedAt`, sometimes that one too.
 */
export type ExecutionReport =
  | { ok: true; calls: ExecutedCall[] }
  | {
      ok: false;
      /** Index in the plan of the call that failed (0 when nothing could be sent, e.g. no write role). */
      failedAt: number;
      error: ExecutionError;
      calls: ExecutedCall[];
    };

/**
 * Sends a plan's calls in order with the account's write role (the undo role for an undo) and stops
 * at the first error. Never retries a write on its own except when AWS throttled it. The workflow
 * does not call it at all in dry-run mode, so the executor's own dry-run switch is a second guard,
 * not the only one.
 */
export interface RemediationExecutor {
  execute(calls: readonly ApiCall[], ctx: ExecutionContext): Promise<ExecutionReport>;
}
