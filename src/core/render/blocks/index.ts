export * from './kit';
export { ACTION_IDS, type RenderableFinding } from './finding';
export { PageActionValueSchema, ExportActionValueSchema, DEFAULT_PAGE_SIZE, type PageActionValue } from './paging';
export { renderCheckMessage, type CheckMessageData, type ListRenderOptions, type AccountInfo } from './check-message';
export { renderFindingsMessage, type FindingsMessageData } from './findings-message';
export { renderScanningMessage, renderErrorMessage, renderHelpMessage, type HelpCommand } from './status-messages';
export { renderHomeView, type HomeViewData, type AccountPosture, type PendingApproval } from './home-view';
export { findingsToCsv, findingsToJson, type ExportableFinding } from './export';
export * from './remediation';
