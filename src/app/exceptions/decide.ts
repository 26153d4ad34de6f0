import type { Person, RiskException } from '../../core/exceptions/model';
import { instantOf } from '../../core/exceptions/time';
import type { ActorRef } from '../../core/remediations/request';
import { boundedText, REASON_BOUNDS } from '../remediation/outcomes';
import { actorRef } from '../remediation/support';
import type { ExceptionRefusal, ExceptionResult } from './outcomes';
import type { ExceptionInput, ExceptionWorkflowDeps, SecurityHubReport } from './ports';
import { restoreSuppressed, suppressCovered } from './security-hub';
import {
  audit,
  authorizeScope,
  cardContext,
  deliver,
  loadStored,
  peopleOf,
  refuse,
  tell,
  updateCard,
  type ExceptionAuditStep,
} from './support';

/**
 * Deciding about an accepted risk: approve or deny a pending one (approvers: exception:approve on
 * every account it covers, never the requester), cancel one's own pending request, and revoke an
 * active one (approvers, or its owner or requester: revoking only lowers the risk accepted).
 */

export interface ExceptionIdInput extends ExceptionInput {
  exceptionId: string;
}

export interface ReasonInput extends ExceptionIdInput {
  /** Required: the requester and the owner are told why. */
  reason: string;
}

export type ApproveExceptionResult =
  | {
      ok: true;
      exception: RiskException;
      /** What Security Hub did with the findings it hides; null when none came from Security Hub. */
      securityHub: SecurityHubReport | null;
    }
  | ExceptionRefusal;

export type RevokeExceptionResult =
  { ok: true; exception: RiskException; securityHub: SecurityHubReport | null } | ExceptionRefusal;

/** A gate passed: the exception as loaded, and the audit step that names it. */
export interface Gate {
  ok: true;
  exception: RiskException;
  about: Omit<ExceptionAuditStep, 'outcome'>;
}

export const personOf = (input: ExceptionInput): Person => ({
  id: input.actor.userId,
  ...(input.actor.name ? { name: input.actor.name } : {}),
});

const nameOf = (p: { id: string; name?: string | undefined } | null): string =>
  p ? (p.name ? `${p.name} (${p.id})` : p.id) : 'someone';

/** Why an exception in `status` cannot be approved, denied or cancelled. */
const notPendingReason = (e: RiskException): string => {
  switch (e.status) {
    case 'active':
      return `This accepted risk is already active (approved by ${nameOf(e.approver)}).`;
    case 'denied':
      return `This accepted risk was denied by ${nameOf(e.approver)}.`;
    default:
      return `This accepted risk is ${e.status}; only a pending one can be decided.`;
  }
};

export const refuseNotPending = (deps: ExceptionWorkflowDeps, about: Gate['about'], e: RiskException) =>
  refuse(deps, about, 'not-pending', notPendingReason(e), { status: e.status, exception: e });

/** Loads the exception and checks the actor holds `exception:approve` on every account it covers. */
export const gateApprover = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
  action: string,
): Promise<Gate | ExceptionRefusal> => {
  const step = { actor: actorRef(input.actor), action, exceptionId: input.exceptionId };
  const loaded = await loadStored(deps, step, input.exceptionId);
  if (!loaded.ok) return loaded;
  const about = { ...step, exception: loaded.exception };
  const may = await authorizeScope(deps, input, 'exception:approve', loaded.exception.scope);
  if (!may.allowed) return refuse(deps, about, 'not-allowed', may.reason);
  return { ok: true, exception: loaded.exception, about };
};

const isPastExpiry = (e: RiskException, now: Date): boolean => {
  const at = instantOf(e.expiresAt);
  return Number.isNaN(at) || at <= now.getTime();
};

/** A pending exception whose expiry passed before anyone approved it can never be: it expires. */
const expirePending = async (deps: ExceptionWorkflowDeps, e: RiskException, actor: ActorRef) => {
  const expired = await deps.store.transitionException(e.id, ['pending'], 'expired', {
    decidedAt: deps.clock().toISOString(),
    decisionNote: 'Its expiry passed before anyone approved it.',
  });
  if (!expired) return (await deps.store.getException(e.id)) ?? e;
  await audit(deps, {
    actor,
    action: 'exception.expire',
    outcome: 'ok',
    exception: expired,
    details: { from: 'pending' },
  });
  await updateCard(deps, expired);
  return expired;
};

/** What Approve and Deny check before they act (and before the Deny modal opens). */
export const gateDecision = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
  action: 'exception.approve' | 'exception.deny',
): Promise<Gate | ExceptionRefusal> => {
  const gate = await gateApprover(deps, input, action);
  if (!gate.ok) return gate;
  const { exception: e, about } = gate;
  if (e.status !== 'pending') return refuseNotPending(deps, about, e);
  if (action === 'exception.approve' && e.requester.id === input.actor.userId) {
    return refuse(
      deps,
      about,
      'self-approval',
      'You asked for this accepted risk, so someone else with exception:approve must approve it (separation of duties). ' +
        'Break-glass self-approval is not offered for accepted risks: nothing is on fire while a risk waits for approval.',
      { status: e.status, exception: e },
    );
  }
  if (isPastExpiry(e, deps.clock())) {
    const expired = await expirePending(deps, e, about.actor);
    return refuse(
      deps,
      { ...about, exception: expired },
      'expired',
      'The expiry asked for has already passed, so this accepted risk can no longer be approved; ask for it again.',
      { status: expired.status, exception: expired },
    );
  }
  return gate;
};

/**
 * Approves a pending exception: compare-and-set `pending → active` (of concurrent approvals exactly
 * one wins), then the card, the requester and the owner, then Security Hub for the findings it hides.
 */
export const approveException = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
): Promise<ApproveExceptionResult> => {
  const gate = await gateDecision(deps, input, 'exception.approve');
  if (!gate.ok) return gate;
  const { exception: e, about } = gate;
  const active = await deps.store.transitionException(e.id, ['pending'], 'active', {
    approver: personOf(input),
    decidedAt: deps.clock().toISOString(),
  });
  // Approved, denied, cancelled or expired meanwhile: only one decision gets through.
  if (!active) return refuseNotPending(deps, about, (await deps.store.getException(e.id)) ?? e);
  await audit(deps, { actor: about.actor, action: 'exception.approve', outcome: 'ok', exception: active });
  await updateCard(deps, active);
  await tell(
    deps,
    active,
    'approved',
    peopleOf(active),
    deps.render.statusNotice(active, 'approved', cardContext(deps)),
  );
  const securityHub = await suppressCovered(deps, active, about.actor);
  return { ok: true, exception: (await deps.store.getException(e.id)) ?? active, securityHub };
};

/** Denies a pending exception: approvers only, with a reason the requester and the owner read. */
export const denyException = async (deps: ExceptionWorkflowDeps, input: ReasonInput): Promise<ExceptionResult> => {
  const gate = await gateDecision(deps, input, 'exception.deny');
  if (!gate.ok) return gate;
  const { exception: e, about } = gate;
  const reason = boundedText(input.reason, 'reason for the denial', REASON_BOUNDS);
  if (!reason.ok) return refuse(deps, about, 'invalid', reason.reason, { problems: [reason.reason] });
  const denied = await deps.store.transitionException(e.id, ['pending'], 'denied', {
    approver: personOf(input),
    decidedAt: deps.clock().toISOString(),
    decisionNote: reason.value,
  });
  if (!denied) return refuseNotPending(deps, about, (await deps.store.getException(e.id)) ?? e);
  await audit(deps, {
    actor: about.actor,
    action: 'exception.deny',
    outcome: 'ok',
    exception: denied,
    details: { reason: reason.value },
  });
  await updateCard(deps, denied);
  await tell(deps, denied, 'denied', peopleOf(denied), deps.render.statusNotice(denied, 'denied', cardContext(deps)));
  return { ok: true, exception: denied };
};

/** What Cancel checks: only the requester, only while pending. */
export const gateCancel = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
): Promise<Gate | ExceptionRefusal> => {
  const step = { actor: actorRef(input.actor), action: 'exception.cancel', exceptionId: input.exceptionId };
  const loaded = await loadStored(deps, step, input.exceptionId);
  if (!loaded.ok) return loaded;
  const e = loaded.exception;
  const about = { ...step, exception: e };
  if (e.requester.id !== input.actor.userId) {
    return refuse(
      deps,
      about,
      'not-allowed',
      'Only the person who asked for this accepted risk can cancel it; an approver can deny it.',
    );
  }
  if (e.status !== 'pending') return refuseNotPending(deps, about, e);
  return { ok: true, exception: e, about };
};

/** The requester withdraws their pending request. */
export const cancelException = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput & { reason?: string },
): Promise<ExceptionResult> => {
  const gate = await gateCancel(deps, input);
  if (!gate.ok) return gate;
  const { exception: e, about } = gate;
  const note = input.reason?.trim() ? input.reason.trim().slice(0, REASON_BOUNDS.max) : 'Cancelled by the requester.';
  const cancelled = await deps.store.transitionException(e.id, ['pending'], 'cancelled', {
    decidedAt: deps.clock().toISOString(),
    decisionNote: note,
  });
  if (!cancelled) return refuseNotPending(deps, about, (await deps.store.getException(e.id)) ?? e);
  await audit(deps, {
    actor: about.actor,
    action: 'exception.cancel',
    outcome: 'ok',
    exception: cancelled,
    details: { reason: note },
  });
  await updateCard(deps, cancelled);
  await tell(
    deps,
    cancelled,
    'cancelled',
    [cancelled.owner.id].filter((id) => id !== input.actor.userId),
    deps.render.statusNotice(cancelled, 'cancelled', cardContext(deps)),
  );
  return { ok: true, exception: cancelled };
};

/** Who may revoke: its owner, its requester, or an approver on every account it covers. */
export const gateRevoke = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
): Promise<(Gate & { as: 'owner' | 'requester' | 'approver' }) | ExceptionRefusal> => {
  const step = { actor: actorRef(input.actor), action: 'exception.revoke', exceptionId: input.exceptionId };
  const loaded = await loadStored(deps, step, input.exceptionId);
  if (!loaded.ok) return loaded;
  const e = loaded.exception;
  const about = { ...step, exception: e };
  const self = input.actor.userId;
  let as: 'owner' | 'requester' | 'approver';
  if (e.owner.id === self) as = 'owner';
  else if (e.requester.id === self) as = 'requester';
  else {
    const may = await authorizeScope(deps, input, 'exception:approve', e.scope);
    if (!may.allowed) {
      return refuse(deps, about, 'not-allowed', `${may.reason} Its owner and its requester may revoke it too.`);
    }
    as = 'approver';
  }
  if (e.status !== 'active') {
    // An owner was named by someone else and may not see every account of the scope: no exception back.
    return refuse(deps, about, 'not-active', `This accepted risk is ${e.status}; only an active one can be revoked.`, {
      status: e.status,
      ...(as === 'owner' ? {} : { exception: e }),
    });
  }
  return { ok: true, exception: e, about, as };
};

/**
 * Revokes an active exception (`active → revoked`): the findings it hid are shown again, its
 * Security Hub findings go back to NEW, a pending extension is withdrawn.
 */
export const revokeException = async (
  deps: ExceptionWorkflowDeps,
  input: ReasonInput,
): Promise<RevokeExceptionResult> => {
  const gate = await gateRevoke(deps, input);
  if (!gate.ok) return gate;
  const { exception: e, about, as } = gate;
  const reason = boundedText(input.reason, 'reason for revoking it', REASON_BOUNDS);
  if (!reason.ok) return refuse(deps, about, 'invalid', reason.reason, { problems: [reason.reason] });
  const revoked = await deps.store.transitionException(e.id, ['active'], 'revoked', {
    decisionNote: reason.value,
    extension: null,
  });
  if (!revoked) {
    const current = (await deps.store.getException(e.id)) ?? e;
    return refuse(
      deps,
      about,
      'not-active',
      `This accepted risk is ${current.status}; only an active one can be revoked.`,
      {
        status: current.status,
        exception: current,
      },
    );
  }
  await audit(deps, {
    actor: about.actor,
    action: 'exception.revoke',
    outcome: 'ok',
    exception: revoked,
    details: { reason: reason.value, as, withdrawnExtension: e.extension !== null },
  });
  await updateCard(deps, revoked, { revokedBy: about.actor });
  if (e.extension?.message) {
    const ext = e.extension;
    await deliver(deps, revoked, 'extension card', () =>
      deps.messenger.update(ext.message!, deps.render.extensionCard(revoked, ext, 'withdrawn', cardContext(deps))),
    );
  }
  await tell(
    deps,
    revoked,
    'revoked',
    peopleOf(revoked),
    deps.render.statusNotice(revoked, 'revoked', { ...cardContext(deps), revokedBy: about.actor }),
  );
  const securityHub = await restoreSuppressed(deps, revoked, about.actor, 'revoked');
  return { ok: true, exception: (await deps.store.getException(e.id)) ?? revoked, securityHub };
};
