import type { Finding } from '../core/model';
import type { ScanSummary } from './schemas';

/** Counts by status and failing severity; the score is the digest's to compute. */
export const summarizeFindings = (findings: readonly Finding[], score: number | null = null): ScanSummary => {
  const summary: ScanSummary = {
    total: findings.length,
    pass: 0,
    fail: 0,
    unknown: 0,
    failBySeverity: { critical: 0, high: 0, medium: 0, low: 0, informational: 0 },
    score,
  };
  for (const f of findings) {
    summary[f.status] += 1;
    if (f.status === 'fail') summary.failBySeverity[f.severity] += 1;
  }
  return summary;
};
