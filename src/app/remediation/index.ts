import { approveRequest, type ApproveInput } from './approve';
import { denyRequest, type DenyInput } from './deny';
import { executeApproved } from './execute';
import { expireRequests } from './expire';
import { listRequests, type ListInput } from './list';
import type { WorkflowDeps } from './ports';
import { reconcileInterrupted, type ReconcileOptions } from './reconcile';
import {
  previewRemediation,
  requestRemediation,
  type RemediationChoice,
  type RequestRemediationInput,
} from './request';
import { requestUndo, type UndoInput } from './undo';
import type { ActorRef } from '../../store/store';

export * from './ports';
export * from './outcomes';
export { describeResult, parseExecutionResult, DRY_RUN_LABEL, type ExecutionResult, type CheckState } from './result';
export type { ApproveInput, ApproveResult } from './approve';
export type { DenyInput, DenyResult } from './deny';
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
export type { UndoInput, UndoResult } from './undo';
export {
  approveRequest,
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
  request: (input: RequestRemediationInput) => requestRemediation(deps, input),
  approve: (input: ApproveInput) => approveRequest(deps, input),
  deny: (input: DenyInput) => denyRequest(deps, input),
  execute: (requestId: string, options?: { actor?: ActorRef }) => executeApproved(deps, requestId, options),
  expire: (now?: Date) => expireRequests(deps, now),
  undo: (input: UndoInput) => requestUndo(deps, input),
  reconcile: (options?: ReconcileOptions) => reconcileInterrupted(deps, options),
  list: (input: ListInput) => listRequests(deps, input),
});
export type RemediationWorkflow = ReturnType<typeof makeRemediationWorkflow>;
