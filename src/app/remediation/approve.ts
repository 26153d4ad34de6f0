import type { RemediationRequest } from '../../core/remediations/request';
import { executeApproved, type ExecutionOutcome } from './execute';
import { boundedText, REASON_BOUNDS, type Refusal } from './outcomes';
import type { WorkflowDeps, WorkflowInput } from './ports';
import { actorRef, audit, authorizeOn, isPastExpiry, moveRequest, notify, refuse, SYSTEM_ACTOR } from './support';

export interface ApproveInput extends WorkflowInput {
  requestId: string;
  /** Break-glass only: why the requester approves their own request (needs remediation.allowSelfApproval). */
  breakGlassReason?: string;
  comment?: string;
}

export type ApproveResult =
  /** Recorded; more approvals are needed (or a concurrent approval completed it). */
  | { ok: true; outcome: 'recorded'; request: RemediationRequest; approvalsMissing: number }
  /** This approval completed the request, which was then executed. */
  | { ok: true; outcome: 'approved'; request: RemediationRequest; execution: ExecutionOutcome }
  | Refusal;

/** Expires a pending request found past its expiry, telling the card; null if it already moved. */
export const expireNow = async (
  deps: WorkflowDeps,
  request: RemediationRequest,
): Promise<RemediationRequest | null> => {
  const expired = await moveRequest(deps, request.id, ['pending'], 'expired', SYSTEM_ACTOR, {
    reason: `Expired at ${request.expiresAt ?? 'its expiry'} without the approvals it needed.`,
  });
  if (expired) await notify(deps, expired, 'requestChanged', (n) => n.requestChanged(expired, 'expired'));
  return expired;
};

/**
 * An approval, from a button whose value is trusted for nothing but the id: the request is loaded,
 * the approver authorized on its account now, and separation of duties enforced. The approval that
 * reaches `requiredApprovals` moves the request to `approved` (compare-and-set) and executes it.
 */
export const approveRequest = async (deps: WorkflowDeps, input: ApproveInput): Promise<ApproveResult> => {
  const actor = actorRef(input.actor);
  const step = { actor, action: 'remediation.approve', requestId: input.requestId };
  if (!deps.config.remediation.enabled) {
    return refuse(deps, step, 'disabled', 'Remediation is not enabled in this cloudsec (remediation.enabled).');
  }
  const request = await deps.store.getRequest(input.requestId);
  if (!request)
    return refuse(deps, step, 'not-found', 'There is no such remediation request; the button may be stale.');
  const about = { ...step, request };

  const decision = await authorizeOn(deps, input, 'remediation:approve', request.finding.accountId);
  if (!decision.allowed) return refuse(deps, about, 'not-allowed', decision.reason);

  if (request.status !== 'pending') {
    return refuse(
      deps,
      about,
      'not-pending',
      `This request is ${request.status}; only pending requests can be approved.`,
      {
        status: request.status,
        request,
      },
    );
  }
  if (isPastExpiry(request, deps.clock())) {
    const expired = (await expireNow(deps, request)) ?? request;
    return refuse(deps, about, 'expired', 'This request has expired; ask for it again.', {
      status: expired.status,
      request: expired,
    });
  }

  let breakGlass: string | null = null;
  if (request.requester.id === actor.id) {
    const selfApproval =
      'You asked for this remediation, so someone else with remediation:approve must approve it (separation of duties).';
    if (!deps.config.remediation.allowSelfApproval) return refuse(deps, about, 'self-approval', selfApproval);
    const reason = boundedText(input.breakGlassReason, 'break-glass reason', REASON_BOUNDS);
    if (!reason.ok) {
      return refuse(
        deps,
        about,
        'self-approval',
        `${selfApproval} Break-glass self-approval is enabled: approve with a reason to override; approvers will be told.`,
      );
    }
    breakGlass = reason.value;
    await audit(deps, {
      ...about,
      action: 'remediation.break_glass',
      outcome: 'allowed',
      details: { reason: breakGlass },
    });
  }

  const comment = breakGlass ? `break-glass: ${breakGlass}` : input.comment?.trim() || null;
  const added = await deps.store.addApproval(request.id, actor, comment);
  switch (added.kind) {
    case 'not-found':
      return refuse(deps, step, 'not-found', 'There is no such remediation request; the button may be stale.');
    case 'not-pending':
      return refuse(
        deps,
        about,
        'not-pending',
        `This request is ${added.request.status}; only pending requests can be approved.`,
        { status: added.request.status, request: added.request },
      );
    case 'already-approved':
      return refuse(
        deps,
        about,
        'already-approved-by-you',
        'You have already approved this request; it needs another approver.',
        {
          request: added.request,
        },
      );
    case 'added':
      break;
  }

  const approved = added.request;
  const missing = Math.max(0, approved.requiredApprovals - approved.approvals.length);
  await audit(deps, {
    actor,
    action: 'remediation.approve',
    outcome: 'ok',
    request: approved,
    details: {
      approvals: approved.approvals.length,
      requiredApprovals: approved.requiredApprovals,
      breakGlass: breakGlass !== null,
      reason: decision.reason,
    },
  });
  if (breakGlass) await notify(deps, approved, 'selfApprovalNotice', (n) => n.selfApprovalNotice(approved, breakGlass));

  if (missing > 0) {
    await notify(deps, approved, 'requestChanged', (n) => n.requestChanged(approved, 'approval-added'));
    return { ok: true, outcome: 'recorded', request: approved, approvalsMissing: missing };
  }
  const moved = await moveRequest(deps, approved.id, ['pending'], 'approved', actor);
  if (!moved) {
    // A concurrent approval (or the expiry sweep) moved it first; that caller carries on.
    const current = (await deps.store.getRequest(approved.id)) ?? approved;
    return { ok: true, outcome: 'recorded', request: current, approvalsMissing: 0 };
  }
  await notify(deps, moved, 'requestChanged', (n) => n.requestChanged(moved, 'approved'));
  const execution = await executeApproved(deps, moved.id, { actor });
  return { ok: true, outcome: 'approved', request: execution.ok ? execution.request : moved, execution };
};
