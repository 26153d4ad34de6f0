import type { RemediationRequest } from '../../store/store';
import { expireNow } from './approve';
import { boundedText, REASON_BOUNDS, type Refusal } from './outcomes';
import type { WorkflowDeps, WorkflowInput } from './ports';
import { actorRef, audit, authorizeOn, isPastExpiry, moveRequest, notify, refuse } from './support';

export interface DenyInput extends WorkflowInput {
  requestId: string;
  /** Required: the requester is told why. */
  reason: string;
}

export type DenyResult = { ok: true; request: RemediationRequest } | Refusal;

/** Denies a pending request: approvers only (on its account), with a reason the requester sees. */
export const denyRequest = async (deps: WorkflowDeps, input: DenyInput): Promise<DenyResult> => {
  const actor = actorRef(input.actor);
  const step = { actor, action: 'remediation.deny', requestId: input.requestId };
  const request = await deps.store.getRequest(input.requestId);
  if (!request)
    return refuse(deps, step, 'not-found', 'There is no such remediation request; the button may be stale.');
  const about = { ...step, request };

  const decision = await authorizeOn(deps, input, 'remediation:approve', request.finding.accountId);
  if (!decision.allowed) return refuse(deps, about, 'not-allowed', decision.reason);

  const reason = boundedText(input.reason, 'reason for the denial', REASON_BOUNDS);
  if (!reason.ok) return refuse(deps, about, 'invalid', reason.reason);

  if (request.status === 'pending' && isPastExpiry(request, deps.clock())) {
    const expired = (await expireNow(deps, request)) ?? request;
    return refuse(deps, about, 'expired', 'This request has already expired.', {
      status: expired.status,
      request: expired,
    });
  }
  const denied = await moveRequest(deps, request.id, ['pending'], 'denied', actor, {
    reason: reason.value,
    decidedBy: actor,
  });
  if (!denied) {
    const current = (await deps.store.getRequest(request.id)) ?? request;
    return refuse(
      deps,
      about,
      'not-pending',
      `This request is ${current.status}; only pending requests can be denied.`,
      {
        status: current.status,
        request: current,
      },
    );
  }
  await audit(deps, {
    actor,
    action: 'remediation.deny',
    outcome: 'ok',
    request: denied,
    details: { reason: reason.value },
  });
  await notify(deps, denied, 'requestChanged', (n) => n.requestChanged(denied, 'denied'));
  return { ok: true, request: denied };
};
