import type { ApiCall } from '../../core/remediations/define';
import type { RemediationRequest } from '../../core/remediations/request';
import {
  parseExecutionResult,
  type CallOutcome,
  type CheckState,
  type SecurityHubSync,
  type Verification,
} from '../../core/remediations/result';
import { sentence } from '../../core/render/blocks/remediation/format';
import type { ExecutionReport } from './ports';

/**
 * The pieces execution puts in `request.result` (its shape, `ExecutionResult`, is the core's:
 * src/core/remediations/result.ts), and the plain-text account of it for the card's thread.
 */

export const verificationOf = (state: CheckState): Verification => ({
  outcome: state.status === 'pass' ? 'passed' : state.status === 'fail' ? 'failed' : 'unknown',
  status: state.status,
  message: state.message,
});

const planned = (call: ApiCall, outcome: CallOutcome['outcome']): CallOutcome => ({
  service: call.service,
  region: call.region,
  command: call.command,
  input: call.input,
  outcome,
  error: null,
  awsRequestId: null,
});

/** Every call of the plan, each with what happened to it. */
export const callOutcomes = (plan: readonly ApiCall[], report: ExecutionReport): CallOutcome[] =>
  plan.map((call, i) => {
    const answered = report.calls[i];
    if (answered) {
      return {
        ...planned(answered.call, answered.dryRun ? 'dry_run' : 'ok'),
        input: answered.input,
        ...(answered.output !== null && answered.output !== undefined ? { output: answered.output } : {}),
        awsRequestId: answered.awsRequestId,
      };
    }
    if (!report.ok && i === report.failedAt) return { ...planned(call, 'error'), error: report.error };
    return planned(call, 'skipped');
  });

export const dryRunOutcomes = (plan: readonly ApiCall[]): CallOutcome[] => plan.map((c) => planned(c, 'dry_run'));

export const DRY_RUN_LABEL = 'DRY RUN';

const MAX_ANSWER_CHARS = 300;

const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const answerText = (output: unknown): string => {
  const json = output === undefined ? undefined : JSON.stringify(output);
  return json === undefined || json === '{}' || json === 'null' ? 'no content' : shorten(json, MAX_ANSWER_CHARS);
};

const STATUS_WORDS: Partial<Record<RemediationRequest['status'], string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  no_op: 'nothing to do',
};

const describeCall = (c: CallOutcome, i: number): string => {
  const head = `${i + 1}. ${c.service} ${c.command} (${c.region})`;
  const id = c.awsRequestId ? ` [AWS request ${c.awsRequestId}]` : '';
  switch (c.outcome) {
    case 'ok':
      return `${head}: ok${id} — AWS answered: ${answerText(c.output)}`;
    case 'error':
      return `${head}: AWS answered ${c.error?.code ?? 'an error'}${id} — ${c.error?.message ?? 'no message'}`;
    case 'dry_run':
      return `${head}: not sent (${DRY_RUN_LABEL})`;
    case 'skipped':
      return `${head}: not sent (an earlier call did not succeed)`;
  }
};

/** What a fresh look at the check found, as the end of "the check …": "fails: bucket x is public." */
export const describeCheck = (s: CheckState): string => {
  const detail = s.message ? `: ${sentence(s.message)}` : '.';
  switch (s.status) {
    case 'pass':
      return `passes${detail}`;
    case 'fail':
      return `fails${detail}`;
    case 'unknown':
      return `could not be decided${detail}`;
    case 'gone':
      return 'found no resource: it no longer exists.';
    case 'error':
      return `could not be evaluated${detail}`;
  }
};

/** After the calls: a fix is verified by a passing check, an undo by the check failing again. */
const describeAfter = (request: RemediationRequest, v: Verification): string => {
  const state = { status: v.status, message: v.message };
  if (request.kind !== 'undo') return `After: the check ${describeCheck(state)}`;
  if (v.status === 'fail') return `After: the undo restored the previous state; the check ${describeCheck(state)}`;
  return `After: the previous state is not back; the check ${describeCheck(state)}`;
};

const describeSecurityHub = (s: SecurityHubSync): string => {
  switch (s.outcome) {
    case 'ok':
      return `Security Hub: the source finding was ${sentence(s.message)}`;
    case 'dry_run':
      return `Security Hub: ${DRY_RUN_LABEL}, ${sentence(s.message)}`;
    case 'skipped':
      return `Security Hub: the source finding was not updated (${s.message}).`;
    case 'error':
      return `Security Hub: marking the source finding RESOLVED failed (${s.message}); the fix itself stands. Update it in Security Hub or with /cloudsec remediate.`;
  }
};

/** What was called and what AWS answered, for the thread under the approval card. */
export const describeResult = (request: RemediationRequest): string => {
  const result = parseExecutionResult(request.result);
  const lines: string[] = [];
  if (result?.dryRun) lines.push(`${DRY_RUN_LABEL}: nothing was sent to AWS.`);
  const what = request.kind === 'undo' ? 'Undo of' : 'Remediation';
  const status = STATUS_WORDS[request.status] ?? request.status;
  lines.push(`${what} ${request.remediationId}: ${status}${request.reason ? ` — ${request.reason}` : ''}`);
  if (result?.precheck) lines.push(`Before: the check ${describeCheck(result.precheck)}`);
  if (result && result.calls.length > 0) lines.push('Calls:', ...result.calls.map(describeCall));
  if (result?.verification) lines.push(describeAfter(request, result.verification));
  if (result?.securityHub) lines.push(describeSecurityHub(result.securityHub));
  return lines.join('\n');
};
