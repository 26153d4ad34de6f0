import { undoUnavailableReason } from '../../aws/write-access';
import { getRemediation } from '../../core/remediations';
import type { ApiCall, Remediation } from '../../core/remediations/define';
import { requestDigest } from '../../store/request-seal';
import type { RemediationRequest } from '../../core/remediations/request';
import { alreadyOpenReason, createExclusive, findOpenRequest } from './open-request';
import { boundedText, JUSTIFICATION_BOUNDS, type Refusal } from './outcomes';
import type { WorkflowDeps, WorkflowInput } from './ports';
import { postApprovalCard, requiredApprovalsFor } from './request';
import { parseExecutionResult } from '../../core/remediations/result';
import { actorRef, audit, authorizeOn, HOUR_MS, refuse, type AuditStep } from './support';

export interface UndoCheckInput extends WorkflowInput {
  /** A succeeded `remediate` request. */
  requestId: string;
}

export interface UndoInput extends UndoCheckInput {
  justification: string;
}

export type UndoResult = { ok: true; request: RemediationRequest } | Refusal;
export type UndoCheck = { ok: true; request: RemediationRequest } | Refusal;

/** An undo of the request, waiting, running or done: undoing twice would restore twice. */
const UNDO_COUNTS = new Set<RemediationRequest['status']>(['pending', 'approved', 'executing', 'succeeded']);

/** The refusal that points to the request already changing the same thing. */
const refuseAsOpen = (
  deps: WorkflowDeps,
  about: Omit<AuditStep, 'outcome'>,
  original: RemediationRequest,
  existing: RemediationRequest,
): Promise<Refusal> =>
  existing.undoOf === original.id
    ? refuse(
        deps,
        about,
        'undo-exists',
        `An undo of this remediation is already ${existing.status} (request ${existing.id}).`,
        { request: existing },
      )
    : refuse(
        deps,
        { ...about, details: { existingRequestId: existing.id, existingStatus: existing.status } },
        'already-requested',
        alreadyOpenReason(existing),
        { request: existing },
      );

interface Prepared {
  ok: true;
  original: RemediationRequest;
  remediation: Remediation;
  /** The inverse calls, from the stored plan and `before` state. */
  inverse: ApiCall[];
}

/**
 * Everything an undo needs but its justification: the request exists, the actor may undo on its
 * account, it is a succeeded (real) remediation within the window, reversible, not undone yet, and
 * nothing else is open for the same change.
 */
const prepareUndo = async (deps: WorkflowDeps, input: UndoCheckInput): Promise<Prepared | Refusal> => {
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

  if (original.kind !== 'remediate') {
    return refuse(deps, about, 'not-undoable', 'An undo cannot itself be undone; ask for the remediation again.');
  }
  if (original.status !== 'succeeded') {
    return refuse(
      deps,
      about,
      'not-undoable',
      `Only a succeeded remediation can be undone; this one is ${original.status}.`,
      { status: original.status },
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
  // Undos run with their own role, off where none is configured; a dry run writes nothing, so needs none.
  const noUndoRole = deps.dryRun ? null : undoUnavailableReason(deps.config, original.finding.accountId);
  if (noUndoRole) return refuse(deps, about, 'not-undoable', noUndoRole);
  const sameTarget = await deps.store.listRequests({ target: original.target });
  const undone = sameTarget.find((r) => r.undoOf === original.id && UNDO_COUNTS.has(r.status));
  if (undone) return refuseAsOpen(deps, about, original, undone);
  const open = await findOpenRequest(deps, original.target);
  if (open) return refuseAsOpen(deps, about, original, open);

  const inverse = remediation.inverse(original.plan.calls, original.plan.before);
  if (!inverse.ok) return refuse(deps, about, 'not-undoable', inverse.reason);
  return { ok: true, original, remediation, inverse: inverse.calls };
};

/**
 * What the Undo button checks before it opens the modal, so nobody writes a justification for an
 * undo they may not ask for or that cannot happen. Refusals are audited as the undo request's.
 */
export const checkUndo = async (deps: WorkflowDeps, input: UndoCheckInput): Promise<UndoCheck> => {
  const prepared = await prepareUndo(deps, input);
  return prepared.ok ? { ok: true, request: prepared.original } : prepared;
};

/**
 * Asks to reverse a succeeded remediation within the undo window. The inverse calls are computed
 * from the stored plan and `before` state, and the undo is a new request (kind `undo`) that goes
 * through the same approval, execution and verification as any other. It has its original's
 * target, so it cannot be open beside another request for the same change.
 */
export const requestUndo = async (deps: WorkflowDeps, input: UndoInput): Promise<UndoResult> => {
  const actor = actorRef(input.actor);
  const prepared = await prepareUndo(deps, input);
  if (!prepared.ok) return prepared;
  const { original, remediation, inverse } = prepared;
  const about = { actor, action: 'remediation.undo_request', request: original };

  const justification = boundedText(input.justification, 'justification', JUSTIFICATION_BOUNDS);
  if (!justification.ok) return refuse(deps, about, 'invalid', justification.reason);

  const outcome = await createExclusive(deps, {
    kind: 'undo',
    undoOf: original.id,
    remediationId: original.remediationId,
    target: original.target,
    finding: original.finding,
    plan: {
      calls: inverse,
      before: null,
      notes: [`Restores the state recorded before request ${original.id} ran.`],
    },
    options: original.options,
    justification: justification.value,
    requester: actor,
    requiredApprovals: requiredApprovalsFor(deps, remediation),
    expiresAt: new Date(deps.clock().getTime() + deps.config.remediation.expiryHours * HOUR_MS),
  });
  // Another undo (or a new fix) of the same change got there first.
  if (!outcome.created) return refuseAsOpen(deps, about, original, outcome.existing);
  const created = outcome.request;
  await audit(deps, {
    actor,
    action: 'remediation.undo_request',
    outcome: 'ok',
    request: created,
    details: {
      // Binds the stored row to this entry: execution refuses a request whose content differs.
      requestDigest: requestDigest(created),
      undoOf: original.id,
      justification: created.justification,
      calls: created.plan.calls,
    },
  });
  return { ok: true, request: await postApprovalCard(deps, created) };
};
