import type { AccountSnapshot, Finding } from '../../core/model';
import { getRemediation } from '../../core/remediations';
import type { ApiCall } from '../../core/remediations/define';
import type { RemediationRequest } from '../../core/remediations/request';
import type { WorkflowDeps } from './ports';
import type { SecurityHubSync } from '../../core/remediations/result';
import { callOutcomes, dryRunOutcomes } from './result';
import { audit, errorMessage, type AuditStep } from './support';

/**
 * After a verified fix of a finding that came from Security Hub, tells Security Hub: the finding
 * gets workflow status RESOLVED and a note saying who fixed it and how. Security Hub would only
 * notice on its next control evaluation (hours later), and until then every Security Hub view and
 * the next digest would still show it open.
 *
 * The fix itself already succeeded and is on the record, so a refusal here never changes the
 * request's status; it is reported in the thread and the audit log for a person to act on.
 */

const WORKFLOW = 'securityhub_update_workflow';
/** Security Hub's limit for Note.Text and Note.UpdatedBy. */
const NOTE_MAX = 512;

const clip = (text: string): string => (text.length <= NOTE_MAX ? text : `${text.slice(0, NOTE_MAX - 1)}…`);

const approversOf = (request: RemediationRequest): string =>
  request.approvals.map((a) => a.approver.name ?? a.approver.id).join(', ') || 'no one';

export const resolutionNote = (request: RemediationRequest, verified: string): string =>
  clip(
    `Fixed by cloudsec (${request.remediationId}, request ${request.id}), requested by ` +
      `${request.requester.name ?? request.requester.id}, approved by ${approversOf(request)}. ` +
      `Verified: ${verified}`,
  );

/** Does this request's success call for a Security Hub update, and with which call? */
export const resolutionCall = (
  request: RemediationRequest,
  verified: { message: string; account: AccountSnapshot | null },
): { call: ApiCall } | { skip: string } | null => {
  const finding: Finding = request.finding;
  if (request.kind !== 'remediate' || finding.source !== 'securityhub' || request.remediationId === WORKFLOW) {
    return null;
  }
  const workflow = getRemediation(WORKFLOW);
  if (!workflow) return { skip: `${WORKFLOW} is not in this version of cloudsec` };
  if (!verified.account) return { skip: 'the account could not be re-collected' };
  const planned = workflow.plan(finding, verified.account, {
    status: 'RESOLVED',
    note: resolutionNote(request, verified.message),
    updatedBy: 'cloudsec',
  });
  if (!planned.ok) return { skip: planned.reason };
  const [call] = planned.calls;
  return call ? { call } : { skip: 'the plan had no call' };
};

/** Sends the update (or, in dry run, records that it would have). Never throws. */
export const syncSecurityHub = async (
  deps: WorkflowDeps,
  request: RemediationRequest,
  step: Pick<AuditStep, 'actor'>,
  verified: { message: string; account: AccountSnapshot | null },
): Promise<SecurityHubSync | null> => {
  const planned = resolutionCall(request, verified);
  if (!planned) return null;
  if ('skip' in planned) return { outcome: 'skipped', message: planned.skip, call: null };
  const { call } = planned;
  if (deps.dryRun) {
    return { outcome: 'dry_run', message: 'would mark the finding RESOLVED', call: dryRunOutcomes([call])[0]! };
  }
  try {
    const report = await deps.executor.execute([call], {
      accountId: request.finding.accountId,
      requestId: request.id,
      actor: step.actor,
      // The update is the workflow remediation's call, so the executor holds it to that one's operations.
      remediationId: WORKFLOW,
      kind: 'remediate',
    });
    const [outcome] = callOutcomes([call], report);
    const sync: SecurityHubSync = report.ok
      ? { outcome: 'ok', message: 'marked RESOLVED with a note', call: outcome ?? null }
      : { outcome: 'error', message: `${report.error.code}: ${report.error.message}`, call: outcome ?? null };
    await audit(deps, {
      actor: step.actor,
      action: 'remediation.securityhub_resolve',
      outcome: report.ok ? 'ok' : 'error',
      request,
      details: { call: outcome, message: sync.message },
    });
    return sync;
  } catch (err) {
    const message = errorMessage(err);
    await audit(deps, {
      actor: step.actor,
      action: 'remediation.securityhub_resolve',
      outcome: 'error',
      request,
      details: { message },
    });
    return { outcome: 'error', message, call: null };
  }
};
