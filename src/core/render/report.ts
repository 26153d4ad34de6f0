import type { Finding, Snapshot } from '../model';
import type { Summary } from '../findings';

/** The machine-readable answer of `cloudsec check --format json` (stable field names: SIEMs and CI parse it). */
export interface CheckReport {
  generatedAt: string;
  evaluatedAt: string;
  demo: boolean;
  services: string[];
  accounts: {
    id: string;
    name: string;
    regions: string[];
    reachable: boolean;
    error: string | null;
    warnings: string[];
  }[];
  findings: Pick<
    Finding,
    | 'id'
    | 'checkId'
    | 'source'
    | 'status'
    | 'severity'
    | 'service'
    | 'accountId'
    | 'region'
    | 'resource'
    | 'title'
    | 'message'
    | 'remediationId'
    | 'frameworks'
    | 'evidence'
    | 'observedAt'
  >[];
  summary: Summary;
}

export const buildCheckReport = (
  snapshot: Snapshot,
  findings: readonly Finding[],
  summary: Summary,
  evaluatedAt: Date,
  services: readonly string[],
): CheckReport => ({
  generatedAt: snapshot.generatedAt,
  evaluatedAt: evaluatedAt.toISOString(),
  demo: snapshot.demo,
  services: [...services],
  accounts: snapshot.accounts.map((a) => ({
    id: a.accountId,
    name: a.accountName,
    regions: a.regions,
    reachable: a.access.ok,
    error: a.access.ok ? null : `${a.access.error.code}: ${a.access.error.message}`,
    warnings: a.warnings,
  })),
  findings: findings.map((f) => ({
    id: f.id,
    checkId: f.checkId,
    source: f.source,
    status: f.status,
    severity: f.severity,
    // The CSV export and SIEMs read these two; without them "Download all" left both columns empty.
    service: f.service,
    accountId: f.accountId,
    region: f.region,
    resource: f.resource,
    title: f.title,
    message: f.message,
    remediationId: f.remediationId,
    frameworks: f.frameworks,
    evidence: f.evidence,
    observedAt: f.observedAt,
  })),
  summary,
});
