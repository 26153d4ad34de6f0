import type { ActionHandler } from './actions/action';
import type { ViewHandler } from './views/view';
import { findingsPage } from './actions/findings-page';
import { findingsExport } from './actions/findings-export';
import { remediationActionHandlers } from './actions/remediation';
import { remediationViewHandlers } from './views/remediation';
import { exceptionActionHandlers } from './actions/exceptions';
import { exceptionViewHandlers } from './views/exceptions';
import { alertActionHandlers } from './actions/alerts';
import { alertViewHandlers } from './views/alerts';

/** Button handlers (the remediation ones answer "not enabled" while remediation is off). */
export const actionHandlers = (): ActionHandler[] => [
  findingsPage,
  findingsExport,
  ...remediationActionHandlers,
  ...exceptionActionHandlers,
  ...alertActionHandlers,
];

export { homeView } from './events/app-home';

/** Modal submission handlers. */
export const viewHandlers = (): ViewHandler[] => [
  ...remediationViewHandlers,
  ...exceptionViewHandlers,
  ...alertViewHandlers,
];
