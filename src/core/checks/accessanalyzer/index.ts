import type { AnyCheck } from '../define';
import accessanalyzer_analyzer_enabled from './accessanalyzer_analyzer_enabled';
import accessanalyzer_external_access_resolved from './accessanalyzer_external_access_resolved';

/** The accessanalyzer checks. Adding one: its file here, one line in this list, and its test. */
export const ACCESSANALYZER_CHECKS: readonly AnyCheck[] = [
  accessanalyzer_analyzer_enabled,
  accessanalyzer_external_access_resolved,
];
