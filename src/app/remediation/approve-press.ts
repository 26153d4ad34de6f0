import type { Config } from '../../config';
import type { Store } from '../../store/store';
import type { ApproveInput, ApproveResult } from './approve';

/**
 * What pressing Approve does. The requester of a request may approve it only through break-glass
 * (remediation.allowSelfApproval), which needs a reason: so their press asks for one (a modal)
 * instead of approving; anyone else's press approves (approveRequest authorizes and enforces
 * separation of duties, again, on the break-glass submission too). Decided here, from the stored
 * request, never from what the button carries.
 */
export type ApprovePress = { kind: 'ask-break-glass-reason' } | { kind: 'approved'; result: ApproveResult };

export const pressApprove = async (
  deps: { store: Pick<Store, 'getRequest'>; config: Pick<Config, 'remediation'> },
  workflow: { approve(input: ApproveInput): Promise<ApproveResult> },
  input: ApproveInput,
  /** Whether the surface can ask for a reason (open a modal); without one the press approves as usual. */
  options: { canAskReason: boolean },
): Promise<ApprovePress> => {
  if (options.canAskReason && deps.config.remediation.allowSelfApproval && input.breakGlassReason === undefined) {
    const request = await deps.store.getRequest(input.requestId);
    if (request && request.requester.id === input.actor.userId) return { kind: 'ask-break-glass-reason' };
  }
  return { kind: 'approved', result: await workflow.approve(input) };
};
