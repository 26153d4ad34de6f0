import type { RemediationRequest } from '../../core/remediations/request';
import { expireNow } from './approve';
import { boundedText, REASON_BOUNDS, type Refusal } from './outcomes';
import type { WorkflowDeps, WorkflowInput } from './ports';
import { actorRef, audit, authorizeOn, isPastExpiry, moveRequest, notify, refuse, type AuditStep } from './support';

export interface DenyCheckInput extends WorkflowInput {
  requestId: string;
}

export interface DenyInput extends DenyCheckInput {
  /** Required: the requester is told why. */
  reason: string;
}

export type DenyResult = { ok: true; request: RemediationRequest } | Refusal;

/** The request, if the actor may deny it (an approver on its account) and it is pending. */
const loadDeniable = async (deps: WorkflowDeps, input: DenyCheckInput) => {
  const actor = actorRef(input.actor);
  const step = { actor, action: 'remediation.deny', requestId: input.requestId };
  const request = await deps.store.getRequest(input.requestId);
  if (!request)
    return refuse(deps, step, 'not-found', 'There is no such remediation request; the button may be stale.');
  const about = { ...step, request };

  const decision = await authorizeOn(deps, input, 'remediation:approve', request.finding.accountId);
  if (!decision.allowed) return refuse(deps, about, 'not-allowed', decision.reason);

  if (request.status === 'pending' && isPastExpiry(request, deps.clock())) {
    const expired = (await expireNow(deps, request)) ?? request;
    return refuse(deps, about, 'expired', 'This request has already expired.', {
      status: expired.status,
      request: expired,
    });
  }
  if (request.status !== 'pending') return notPending(deps, about, request);
  return { ok: true as const, request, about };
};

const notPending = (deps: WorkflowDeps, about: Omit<AuditStep, 'outcome'>, current: RemediationRequest) =>
  refuse(deps, about, 'not-pending', `This request is ${current.status}; only pending requests can be denied.`, {
    status: current.status,
    request: current,
  });

/**
 * What the Deny button checks before it opens the modal, so someone who may not deny (or a request
 * that is no longer pending) is told at once instead of after typing a reason.
 */
export const checkDeny = async (deps: WorkflowDeps, input: DenyCheckInput): Promise<DenyResult> => {
  const loaded = await loadDeniable(deps, input);
  return loaded.ok ? { ok: true, request: loaded.request } : loaded;
};

/** Denies a pending request: approvers only (on its account), with a reason the requester sees. */
export const denyRequest = async (deps: WorkflowDeps, input: DenyInput): Promise<DenyResult> => {
  const loaded = await loadDeniable(deps, input);
  if (!loaded.ok) return loaded;
  const { request, about } = loaded;
  const actor = about.actor;

  const reason = boundedText(input.reason, 'reason for the denial', REASON_BOUNDS);
  if (!reason.ok) return refuse(deps, about, 'invalid', reason.reason);

  const denied = await moveRequest(deps, request.id, ['pending'], 'denied', actor, {
    reason: reason.value,
    decidedBy: actor,
  });
  // Approved, denied or expired meanwhile: the compare-and-set lets only one decision through.
  if (!denied) return notPending(deps, about, (await deps.store.getRequest(request.id)) ?? request);
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
