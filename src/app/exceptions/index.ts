import {
  approveException,
  cancelException,
  denyException,
  gateCancel,
  gateDecision,
  gateRevoke,
  revokeException,
  type ExceptionIdInput,
  type ReasonInput,
} from './decide';
import {
  approveExtension,
  denyExtension,
  gateExtensionDecision,
  gateExtensionRequest,
  requestExtension,
  type RequestExtensionInput,
} from './extension';
import { listExceptions, type ListExceptionsInput } from './list';
import type { ExceptionRefusal } from './outcomes';
import type { ExceptionWorkflowDeps } from './ports';
import {
  checkExceptionRequest,
  previewException,
  requestException,
  type PreviewExceptionInput,
  type RequestExceptionInput,
} from './request';
import { sweepExceptions } from './sweep';
import type { RiskException } from '../../core/exceptions/model';

export * from './ports';
export * from './outcomes';
export type { ApproveExceptionResult, ExceptionIdInput, ReasonInput, RevokeExceptionResult } from './decide';
export type { RequestExtensionInput } from './extension';
export type { ExceptionFilter, ListedException, ListExceptionsInput, ListExceptionsResult } from './list';
export type {
  ExceptionPreview,
  PreviewExceptionInput,
  PreviewResult,
  RequestExceptionInput,
  RequestField,
  RequestRefusal,
  RequestResult,
} from './request';
export type { SweepReport } from './sweep';
export { defaultScopeOf } from './request';
export { makeLatestFindings } from './latest-findings';
export { blockKitRenderers } from './renderers';
export { suppressionNote, restoreNote, securityHubTargetOf } from './security-hub';
export {
  approveException,
  approveExtension,
  cancelException,
  checkExceptionRequest,
  denyException,
  denyExtension,
  listExceptions,
  previewException,
  requestException,
  requestExtension,
  revokeException,
  sweepExceptions,
};

/** The buttons whose modal (or answer) needs a check before anything is typed. */
export type ExceptionAction =
  'approve' | 'deny' | 'cancel' | 'revoke' | 'extend' | 'approve-extension' | 'deny-extension';

export interface CheckActionInput extends ExceptionIdInput {
  action: ExceptionAction;
}

/**
 * What a button checks before its modal opens (Deny, Revoke, Extend, Deny extension) or before it
 * acts: the same loading, authorization and status checks the use case makes, nothing changed. A
 * refusal is audited like the use case's own.
 */
export const checkExceptionAction = async (
  deps: ExceptionWorkflowDeps,
  input: CheckActionInput,
): Promise<{ ok: true; exception: RiskException } | ExceptionRefusal> => {
  const gate = await (() => {
    switch (input.action) {
      case 'approve':
        return gateDecision(deps, input, 'exception.approve');
      case 'deny':
        return gateDecision(deps, input, 'exception.deny');
      case 'cancel':
        return gateCancel(deps, input);
      case 'revoke':
        return gateRevoke(deps, input);
      case 'extend':
        return gateExtensionRequest(deps, input);
      case 'approve-extension':
        return gateExtensionDecision(deps, input, 'exception.extension_approve');
      case 'deny-extension':
        return gateExtensionDecision(deps, input, 'exception.extension_deny');
    }
  })();
  return gate.ok ? { ok: true, exception: gate.exception } : gate;
};

/**
 * The accepted-risk use cases bound to their dependencies, as the Slack handlers, the console demo
 * and the scheduler use them. Every one returns a result (`ok: true`, or a refusal with a reason
 * for the person who asked, already audited); none throws for an expected refusal.
 */
export const makeExceptionWorkflow = (deps: ExceptionWorkflowDeps) => ({
  /** "Accept risk…": the modal's pre-filled scope and what it (or an edited scope) would cover. */
  preview: (input: PreviewExceptionInput) => previewException(deps, input),
  /** Quick checks a modal submission makes in Slack's 3 s; `fields` maps problems to inputs. */
  checkRequest: (input: RequestExceptionInput) => checkExceptionRequest(deps, input),
  /** Stores a pending exception and posts its approval card. */
  request: (input: RequestExceptionInput) => requestException(deps, input),
  /** What a button checks before it opens its modal. */
  check: (input: CheckActionInput) => checkExceptionAction(deps, input),
  approve: (input: ExceptionIdInput) => approveException(deps, input),
  deny: (input: ReasonInput) => denyException(deps, input),
  cancel: (input: ExceptionIdInput & { reason?: string }) => cancelException(deps, input),
  revoke: (input: ReasonInput) => revokeException(deps, input),
  requestExtension: (input: RequestExtensionInput) => requestExtension(deps, input),
  approveExtension: (input: ExceptionIdInput) => approveExtension(deps, input),
  denyExtension: (input: ReasonInput) => denyExtension(deps, input),
  list: (input: ListExceptionsInput) => listExceptions(deps, input),
  /** The scheduler's tick: expiries and reminders, exactly once across processes. */
  sweep: (now?: Date) => sweepExceptions(deps, now),
});
export type ExceptionWorkflow = ReturnType<typeof makeExceptionWorkflow>;
