import { z } from 'zod';
import type { RemediationRequest } from '../../store/store';

/**
 * What execution stores in `request.result`, and the plain-text account of it that goes into the
 * card's thread. The Slack layer parses `result` with the schema before rendering it.
 */

/** A fresh look at the finding: its status then, `gone` without the resource, `error` when collection failed. */
export const CheckStateSchema = z.object({
  status: z.enum(['pass', 'fail', 'unknown', 'gone', 'error']),
  message: z.string(),
});
export type CheckState = z.infer<typeof CheckStateSchema>;

export const ExecutedCallSchema = z.object({
  service: z.string(),
  region: z.string(),
  command: z.string(),
  input: z.record(z.string(), z.unknown()),
  status: z.enum(['ok', 'error', 'not-sent']),
  output: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  awsRequestId: z.string().optional(),
});

export const ExecutionResultSchema = z.object({
  /** Nothing was sent to AWS. */
  dryRun: z.boolean(),
  /** The re-collection before executing (no-op and changed-resource decisions come from it). */
  precheck: CheckStateSchema.nullable(),
  calls: z.array(ExecutedCallSchema),
  error: z.object({ code: z.string(), message: z.string(), failedAt: z.number().int() }).nullable(),
  /** The re-collection after executing; null when nothing was sent. */
  verification: CheckStateSchema.nullable(),
  /** Set by start-up reconciliation of a request a crash left `executing`. */
  interrupted: z.boolean().default(false),
});
export type ExecutionResult = z.infer<typeof ExecutionResultSchema>;

export const parseExecutionResult = (value: unknown): ExecutionResult | null => {
  const parsed = ExecutionResultSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

export const DRY_RUN_LABEL = 'DRY RUN';

const MAX_ANSWER_CHARS = 300;

const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const answerText = (output: unknown): string => {
  if (output === undefined || output === null) return 'no content';
  const json = JSON.stringify(output);
  return json === '{}' ? 'no content' : shorten(json, MAX_ANSWER_CHARS);
};

const STATUS_WORDS: Record<string, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  no_op: 'Nothing to do',
  executing: 'Executing',
};

/** What was called and what AWS answered, for the thread under the approval card. */
export const describeResult = (request: RemediationRequest): string => {
  const result = parseExecutionResult(request.result);
  const lines: string[] = [];
  if (result?.dryRun) lines.push(`${DRY_RUN_LABEL}: nothing was sent to AWS.`);
  const status = STATUS_WORDS[request.status] ?? request.status;
  const what = request.kind === 'undo' ? 'Undo' : 'Remediation';
  lines.push(`${what} ${request.remediationId}: ${status}${request.reason ? ` — ${request.reason}` : ''}`);
  if (result?.precheck) lines.push(`Before: the check was ${describeState(result.precheck)}.`);
  if (result && result.calls.length > 0) {
    lines.push('Calls:');
    result.calls.forEach((c, i) => {
      const head = `${i + 1}. ${c.service} ${c.command} (${c.region})`;
      if (c.status === 'ok') {
        lines.push(`${head}: ok${c.awsRequestId ? ` [request ${c.awsRequestId}]` : ''} — AWS answered: ${answerText(c.output)}`);
      } else if (c.status === 'error') {
        lines.push(`${head}: AWS error ${c.error?.code ?? 'unknown'} — ${c.error?.message ?? 'no message'}`);
      } else {
        lines.push(`${head}: not sent${result.dryRun ? ` (${DRY_RUN_LABEL})` : ''}`);
      }
    });
  }
  if (result?.verification) lines.push(`After: the check is ${describeState(result.verification)}.`);
  return lines.join('\n');
};

const describeState = (s: CheckState): string => {
  switch (s.status) {
    case 'gone':
      return 'not found (the resource no longer exists)';
    case 'error':
      return `not re-evaluated (${s.message})`;
    default:
      return `${s.status}: ${s.message}`;
  }
};
