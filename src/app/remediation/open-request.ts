import { utcStamp } from '../../core/render/blocks/age';
import { OPEN_REQUEST_STATUSES, type NewRequest, type RemediationRequest } from '../../core/remediations/request';
import type { CreateRequestResult } from '../../store/store';
import { expireNow } from './approve';
import type { WorkflowDeps } from './ports';
import { isPastExpiry } from './support';

/**
 * One open request per change. The store refuses a second open request for a target (what the calls
 * write to, `Remediation.target`); these helpers find the open one, word the answer that points to
 * it, and keep a request nobody can approve any more from blocking.
 */

/** A pending request past its expiry can no longer be approved: it is as good as expired. */
const isStale = (request: RemediationRequest, now: Date): boolean =>
  request.status === 'pending' && isPastExpiry(request, now);

/** The open request for `target` that still counts, if any. */
export const findOpenRequest = async (deps: WorkflowDeps, target: string): Promise<RemediationRequest | null> => {
  const open = await deps.store.listRequests({ target, statuses: OPEN_REQUEST_STATUSES });
  return open.find((r) => !isStale(r, deps.clock())) ?? null;
};

/**
 * Stores the request unless an open one already changes the same target. A pending one found past
 * its expiry (the sweep has not run yet) is expired first, card and requester told, then the new
 * one is stored; if it was approved meanwhile, it is the open one returned.
 */
export const createExclusive = async (deps: WorkflowDeps, input: NewRequest): Promise<CreateRequestResult> => {
  const first = await deps.store.createRequest(input);
  if (first.created || !isStale(first.existing, deps.clock())) return first;
  await expireNow(deps, first.existing);
  return deps.store.createRequest(input);
};

const STATUS_WORDS: Partial<Record<RemediationRequest['status'], string>> = {
  pending: 'pending approval',
  approved: 'approved and about to run',
  executing: 'executing',
};

const nameOf = (r: RemediationRequest): string =>
  r.requester.name ? `${r.requester.name} (${r.requester.id})` : r.requester.id;

/**
 * Names the open request, its status and who asked for it; short enough for a modal's field error,
 * where Slack shows it when the request modal is submitted again.
 */
export const alreadyOpenReason = (existing: RemediationRequest): string => {
  const what =
    existing.kind === 'undo'
      ? `an undo of request ${existing.undoOf ?? 'unknown'}`
      : `${existing.remediationId} on ${existing.finding.resource.id}`;
  const status = STATUS_WORDS[existing.status] ?? existing.status;
  return (
    `Request ${existing.id} (${what}) is already ${status}, asked by ${nameOf(existing)} ` +
    `at ${utcStamp(existing.createdAt)}. One request per change can be open at a time: follow that one in the ` +
    'approvals channel, or ask again once it has finished.'
  );
};
