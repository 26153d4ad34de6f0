import type { ActionHandler } from './actions/action';
import type { ViewHandler } from './views/view';
import { findingsPage } from './actions/findings-page';
import { findingsExport } from './actions/findings-export';

/** Button handlers; the remediation buttons join when that workflow is enabled. */
export const actionHandlers = (): ActionHandler[] => [findingsPage, findingsExport];

export { homeView } from './events/app-home';

/** Modal submission handlers. */
export const viewHandlers = (): ViewHandler[] => [];
