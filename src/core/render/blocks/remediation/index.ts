export {
  REMEDIATION_ACTION_IDS,
  REMEDIATION_CALLBACK_IDS,
  REMEDIATION_INPUTS,
  RequestIdValueSchema,
  type RequestIdValue,
} from './ids';
export { renderApprovalCard, type ApprovalCardOptions, type RemediationLabel } from './approval-card';
export { renderRequesterStatus, type RequesterStatusOptions } from './requester-status';
export {
  renderRequestModal,
  renderDenyModal,
  renderBreakGlassModal,
  TEXT_LIMITS,
  type RequestModalData,
} from './modals';
export { renderRequestsList, type RequestsFilter, type RequestsListOptions } from './requests-list';
export { renderResultReply } from './result-reply';
export { parseJustification, parseDenyReason, parseBreakGlassReason, type TextFieldResult } from './view-state';
export {
  MODAL_BUDGET,
  MODAL_LIMITS,
  modalViolations,
  modal,
  textInput,
  type ModalView,
  type ModalBlock,
  type InputBlock,
  type PlainTextInput,
} from './modal-kit';
export type { RemediableFinding } from './finding-summary';
