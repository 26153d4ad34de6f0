import { approveRequest, type ApproveInput } from './approve';
import { checkDeny, denyRequest, type DenyCheckInput, type DenyInput } from './deny';
import { executeApproved } from './execute';
import { expireRequests } from './expire';
import { listRequests, type ListInput } from './list';
import type { WorkflowDeps } from './ports';
import { reconcileInterrupted, type ReconcileOptions } from './reconcile';
import {
  checkRequest,
  previewRemediation,
  requestRemediation,
  type RemediationChoice,
  type RequestRemediationInput,
} from './request';
import { checkUndo, requestUndo, type UndoCheckInput, type UndoInput } from './undo';
import type { ActorRef } from '../../core/remediations/request';

export * from './ports';
export * from './outcomes';
export { describeResult, DRY_RUN_LABEL } from './result';
export type { ApproveInput, ApproveResult } from './approve';
export type { DenyCheckInput, DenyInput, DenyResult } from './deny';
export type { ExecutionOutcome } from './execute';
export type { ListInput, ListResult, RequestFilter } from './list';
export type { ReconcileOptions, ReconcileReport } from './reconcile';
export type {
  PreviewResult,
  RequestResult,
  PreparedRemediation,
  RemediationChoice,
  RequestRemediationInput,
} from './request';
export type { UndoCheck, UndoCheckInput, UndoInput, UndoResult } from './undo';
export { alreadyOpenReason } from './open-request';
export {
  approveRequest,
  checkDeny,
  checkRequest,
  checkUndo,
  denyRequest,
  executeApproved,
  expireRequests,
  listRequests,
  previewRemediation,
  reconcileInterrupted,
  requestRemediation,
  requestUndo,
};

/** The use cases bound to their dependencies, as the Slack handlers and the scheduler use them. */
export const makeRemediationWorkflow = (deps: WorkflowDeps) => ({
  preview: (input: RemediationChoice) => previewRemediation(deps, input),
  /** Quick checks a modal submission can make in Slack's 3 s (permission, an open request for the change). */
  checkRequest: (input: RemediationChoice) => checkRequest(deps, input),
  request: (input: RequestRemediationInput) => requestRemediation(deps, input),
  approve: (input: ApproveInput) => approveRequest(deps, input),
  /** What Deny checks before its modal opens. */
  checkDeny: (input: DenyCheckInput) => checkDeny(deps, input),
  deny: (input: DenyInput) => denyRequest(deps, input),
  execute: (requestId: string, options?: { actor?: ActorRef }) => executeApproved(deps, requestId, options),
  expire: (now?: Date) => expireRequests(deps, now),
  /** What Undo checks before its modal opens. */
  checkUndo: (input: UndoCheckInput) => checkUndo(deps, input),
  undo: (input: UndoInput) => requestUndo(deps, input),
  reconcile: (options?: ReconcileOptions) => reconcileInterrupted(deps, options),
  list: (input: ListInput) => listRequests(deps, input),
});
export type RemediationWorkflow = ReturnType<typeof makeRemediationWorkflow>;
export { openRequestModal } from './request-modal';
export { pressApprove, type ApprovePress } from './approve-press';
