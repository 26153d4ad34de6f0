import type { Remediation } from '../define';
import accessanalyzer_create_analyzer from '../accessanalyzer_create_analyzer';
import guardduty_enable_detector from '../guardduty_enable_detector';

/** Remediations added with issue 12 for detective: each is a file in src/core/remediations/, listed here. */
export const DETECTIVE_REMEDIATIONS: readonly Remediation[] = [
  guardduty_enable_detector,
  accessanalyzer_create_analyzer,
];
