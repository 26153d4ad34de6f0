import { getRemediation } from '../../core/remediations';
import type { RemediationRequest } from '../../store/store';
import { boundedText, JUSTIFICATION_BOUNDS, type Refusal } from './outcomes';
import type { WorkflowDeps, WorkflowInput } from './ports';
import { postApprovalCard, requiredApprovalsFor } from './request';
import { parseExecutionResult } from './result';
import { actorRef, audit, authorizeOn, HOUR_MS, refuse } from './support';

export interface UndoInput extends WorkflowInput {
  /** A succeeded `remediate` request. */
  requestId: string;
  justification: string;
}

export type UndoResult = { ok: true; request: RemediationRequest } | Refusal;

/**
 * Asks to reverse a succeeded remediation within the undo window. The inverse calls are computed
 * from the stored plan and `before` state, and the undo is a new request (kind `undo`) that goes
 * through the same approval, execution and verification as any other.
 */
export const requestUndo = async (deps: WorkflowDeps, input: UndoInput): Promise<UndoResult> => {
  const actor = actorRef(input.actor);
  const step = { actor, action: 'remediation.undo_request', requestId: input.requestId };
  if (!deps.config.remediation.enabled) {
    return refuse(deps, step, 'disabled', 'Remediation is not enabled in this cloudsec (remediation.enabled).');
  }
  const original = await deps.store.getRequest(input.requestId);
  if (!original)
    return refuse(deps, step, 'not-found', 'There is no such remediation request; the button may be stale.');
  const about = { ...step, request: original };

  const decision = await authorizeOn(deps, input, 'remediation:undo', original.finding.accountId);
  if (!decision.allowed) return refuse(deps, about, 'not-allowed', decision.reason);

  const justification = boundedText(input.justification, 'justification', JUSTIFICATION_BOUNDS);
  if (!justification.ok) return refuse(deps, about, 'invalid', justification.reason);

  if (original.kind !== 'remediate') {
    return refuse(deps, about, 'not-undoable', 'An undo cannot itself be undone; ask for the remediation again.');
  }
  if (original.status !== 'succeeded') {
    return refuse(
      deps,
      about,
      'not-undoable',
      `Only a succeeded remediation can be undone; this one is ${original.status}.`,
      {
        status: original.status,
      },
    );
  }
  // A dry run changed nothing, so its "undo" would be a real change nobody approved as such.
  const wasDryRun = parseExecutionResult(original.result)?.dryRun ?? false;
  if (wasDryRun && !deps.dryRun) {
    return refuse(
      deps,
      about,
      'not-undoable',
      'That remediation was a dry run: nothing was changed in AWS, so there is nothing to undo.',
    );
  }
  const windowHours = deps.config.remediation.undoWindowHours;
  const finishedAt = Date.parse(original.finishedAt ?? original.updatedAt);
  if (deps.clock().getTime() > finishedAt + windowHours * HOUR_MS) {
    return refuse(
      deps,
      about,
      'undo-window-closed',
      `Undo is possible for ${windowHours} h after a remediation; this one finished at ${new Date(finishedAt).toISOString()}. Ask for a new change instead.`,
    );
  }
  const remediation = getRemediation(original.remediationId);
  if (!remediation) {
    return refuse(deps, about, 'not-undoable', `${original.remediationId} is not in this version of cloudsec.`);
  }
  if (remediation.irreversible) {
    return refuse(
      deps,
      about,
      'not-undoable',
      `${remediation.id} cannot be undone: ${remediation.irreversible.reason}`,
    );
  }
  const siblings = await deps.store.listRequests({ accountId: original.finding.accountId });
  const existing = siblings.find(
    (r) => r.undoOf === original.id && ['pending', 'approved', 'executing', 'succeeded'].includes(r.status),
  );
  if (existing) {
    return refuse(
      deps,
      about,
      'undo-exists',
      `An undo of this remediation is already ${existing.status} (request ${existing.id}).`,
      {
        request: existing,
      },
    );
  }
  const inverse = remediation.inverse(original.plan.calls, original.plan.before);
  if (!inverse.ok) return refuse(deps, about, 'not-undoable', inverse.reason);

  const created = await deps.store.createRequest({
    kind: 'undo',
    undoOf: original.id,
    remediationId: original.remediationId,
    finding: original.finding,
    plan: {
      calls: inverse.calls,
      before: null,
      notes: [`Restores the state recorded before request ${original.id} ran.`],
    },
    options: original.options,
    justification: justification.value,
    requester: actor,
    requiredApprovals: requiredApprovalsFor(deps, remediation),
    expiresAt: new Date(deps.clock().getTime() + deps.config.remediation.expiryHours * HOUR_MS),
  });
  await audit(deps, {
    actor,
    action: 'remediation.undo_request',
    outcome: 'ok',
    request: created,
    details: { undoOf: original.id, justification: created.justification, calls: created.plan.calls },
  });
  return { ok: true, request: await postApprovalCard(deps, created) };
};
