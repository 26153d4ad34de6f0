import type { RemediationRequest } from '../../core/remediations/request';
import { executeApproved, observe, type ExecutionOutcome } from './execute';
import type { WorkflowDeps } from './ports';
import { emptyResult } from '../../core/remediations/result';
import { describeCheck, describeResult, verificationOf } from './result';
import { audit, moveRequest, notify, SYSTEM_ACTOR, tellOriginalUndone } from './support';

export interface ReconcileOptions {
  /**
   * Only requests unchanged for this long. 0 (the default) suits one instance at start-up; with
   * several replicas, pass more than the longest execution so a request another replica is
   * executing right now is left alone.
   */
  olderThanMs?: number;
  /**
   * Also execute requests a crash left `approved`: nothing was sent for them yet (execution starts
   * with the move to `executing`), and that move still lets only one caller through. Default true.
   */
  resumeApproved?: boolean;
}

export interface ReconcileReport {
  /** Requests found `executing`, now `succeeded` or `failed`. */
  reconciled: RemediationRequest[];
  resumed: ExecutionOutcome[];
}

export const INTERRUPTED_VERIFIED = 'interrupted; verified after restart';
export const INTERRUPTED = 'interrupted';

/**
 * At start-up: a request found `executing` was cut off at an unknown point, so it is never sent
 * again. It is re-collected instead: `succeeded` when the check shows the intended state,
 * otherwise `failed` ("interrupted") for a person to look at.
 */
export const reconcileInterrupted = async (
  deps: WorkflowDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> => {
  const cutoff = deps.clock().getTime() - (options.olderThanMs ?? 0);
  const settled = (r: RemediationRequest) => Date.parse(r.updatedAt) <= cutoff;

  const reconciled: RemediationRequest[] = [];
  for (const request of (await deps.store.listRequests({ statuses: ['executing'] })).filter(settled)) {
    const seen = await observe(deps, request.finding);
    const wanted = request.kind === 'undo' ? 'fail' : 'pass';
    const verified = seen.state.status === wanted;
    const result = { ...emptyResult(false), verification: verificationOf(seen.state), interrupted: true };
    await audit(deps, {
      actor: SYSTEM_ACTOR,
      action: 'remediation.reconcile',
      outcome: verified ? 'ok' : 'error',
      request,
      details: { ...seen.state },
    });
    const status = verified ? 'succeeded' : 'failed';
    const reason = verified ? INTERRUPTED_VERIFIED : `${INTERRUPTED} (the check ${describeCheck(seen.state)})`;
    const moved = await moveRequest(deps, request.id, ['executing'], status, SYSTEM_ACTOR, { reason, result });
    if (!moved) continue;
    reconciled.push(moved);
    await notify(deps, moved, 'requestChanged', (n) => n.requestChanged(moved, status));
    await notify(deps, moved, 'resultPosted', (n) => n.resultPosted(moved, describeResult(moved)));
    await tellOriginalUndone(deps, moved);
  }

  const resumed: ExecutionOutcome[] = [];
  if (options.resumeApproved ?? true) {
    for (const request of (await deps.store.listRequests({ statuses: ['approved'] })).filter(settled)) {
      resumed.push(await executeApproved(deps, request.id));
    }
  }
  return { reconciled, resumed };
};
