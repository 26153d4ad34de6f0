import type { Remediation } from '../define';

/** Remediations added with issue 12 for monitoring: each is a file in src/core/remediations/, listed here. */
export const MONITORING_REMEDIATIONS: readonly Remediation[] = [];
