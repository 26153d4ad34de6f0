import type { RemediationRequest } from '../../core/remediations/request';
import { expireNow } from './approve';
import type { WorkflowDeps } from './ports';

/**
 * The expiry sweep (run on a timer and at start-up): pending requests past `expiresAt` become
 * `expired` and their cards lose the buttons. Safe to run from several replicas at once: each
 * request is expired by one compare-and-set.
 */
export const expireRequests = async (deps: WorkflowDeps, now: Date = deps.clock()): Promise<RemediationRequest[]> => {
  const due = await deps.store.listRequests({ statuses: ['pending'], expiresBefore: now });
  const expired: RemediationRequest[] = [];
  for (const request of due) {
    const moved = await expireNow(deps, request);
    if (moved) expired.push(moved);
  }
  return expired;
};
