/** Block Kit for accepted risks (exceptions): pure renderers and the parsers of what their modals send. */
export {
  EXCEPTION_ACTION_IDS,
  EXCEPTION_CALLBACK_IDS,
  EXCEPTION_INPUTS,
  EXCEPTION_LIST_FILTERS,
  ExceptionIdValueSchema,
  SlackExceptionIdSchema,
  ConfigExceptionIdSchema,
  FindingIdValueSchema,
  ShowHiddenValueSchema,
  ListPageValueSchema,
  ExceptionListFilterSchema,
  RequestModalMetadataSchema,
  ExceptionModalMetadataSchema,
  parseShowHiddenValue,
  parseListPageValue,
  parseRequestModalMetadata,
  parseExceptionModalMetadata,
  parseExceptionButtonValue,
  parseFindingButtonValue,
  requestModalMetadata,
  exceptionModalMetadata,
  type ExceptionInputName,
  type ShowHiddenValue,
  type ListPageValue,
  type ExceptionListFilter,
  type RequestModalMetadata,
  type ExceptionModalMetadata,
} from './ids';
export {
  DEFAULT_EXPIRY_DAYS,
  defaultExpiryDate,
  expiryOfDate,
  latestExpiry,
  expiryHint,
  type ExpiryResult,
} from './expiry';
export { renderRequestModal, type RequestModalData } from './request-modal';
export {
  renderDenyModal,
  renderRevokeModal,
  renderExtendModal,
  renderExtendDenyModal,
  type ReasonModalData,
  type ExtendModalData,
} from './modals';
export {
  parseRequestModal,
  parseScopeInputs,
  parseExtendModal,
  parseDecisionReason,
  EXCEPTION_TEXT_LIMITS,
  type RequestModalInput,
  type RequestModalResult,
  type ScopeParseOptions,
  type ScopeParseResult,
  type ExtendModalInput,
  type ExtendModalResult,
  type TextResult,
  type FieldErrors,
} from './view-state';
export {
  renderApprovalCard,
  renderExtensionCard,
  exceptionStatusLine,
  type ExceptionCardContext,
  type ExtensionOutcome,
} from './approval-card';
export {
  renderExceptionList,
  selectExceptions,
  exceptionListSection,
  type ExceptionListEntry,
  type ExceptionListOptions,
} from './list';
export {
  renderHiddenLine,
  hiddenLineText,
  resurfacedNote,
  acceptRiskButton,
  renderHiddenFindings,
  type HiddenLineData,
  type HiddenFindingsOptions,
} from './hidden-line';
export {
  renderStatusNotice,
  renderExpiryReminder,
  renderExtensionNotice,
  renderSecurityHubReply,
  type ExceptionEvent,
  type NoticeContext,
  type SecurityHubReportData,
} from './reminders';
export { acceptedRisksLine, expiringLines, expiredLines, staleLines, type AcceptedRiskDigestEntry } from './digest';
export { scopeSummary, scopeLines, coverageText, personRef } from './format';
export {
  exceptionModalViolations,
  type ExceptionModalView,
  type ExceptionModalBlock,
  type ExceptionInputBlock,
  type ExceptionInputElement,
  type TextInputElement,
  type UsersSelectElement,
  type DatePickerElement,
} from './modal-kit';
