import { createHash } from 'node:crypto';
import type { AnyCheck, CheckResult } from './checks/define';
import type { CheckSettings } from './check-settings';
import { accountResource } from './resources';
import {
  GLOBAL_REGION,
  SEVERITIES,
  FINDING_STATUSES,
  type AccountSnapshot,
  type Finding,
  type FindingStatus,
  type Severity,
  type Snapshot,
  type SecurityHubFinding,
} from './model';

/** Same resource, same check, same place → same id, scan after scan (digests diff on it). */
export const findingId = (parts: {
  source: string;
  checkId: string;
  accountId: string;
  region: string;
  resourceId: string;
}): string =>
  'f_' +
  createHash('sha256')
    .update([parts.source, parts.checkId, parts.accountId, parts.region, parts.resourceId].join('\u0000'))
    .digest('hex')
    .slice(0, 16);

const toFinding = (check: AnyCheck, account: AccountSnapshot, r: CheckResult, now: Date): Finding => ({
  id: findingId({
    source: 'cloudsec',
    checkId: check.id,
    accountId: account.accountId,
    region: r.region,
    resourceId: r.resource.id,
  }),
  source: 'cloudsec',
  checkId: check.id,
  status: r.status,
  severity: r.severity ?? check.severity,
  service: check.service,
  accountId: account.accountId,
  region: r.region,
  resource: r.resource,
  title: r.status === 'fail' ? check.failTitle : check.title,
  message: r.message,
  evidence: r.evidence,
  remediationId: r.status === 'fail' && r.remediable !== false ? check.remediation : null,
  frameworks: check.frameworks,
  observedAt: now.toISOString(),
});

export const evaluateAccount = (
  checks: readonly AnyCheck[],
  account: AccountSnapshot,
  now: Date,
  settings?: CheckSettings,
): Finding[] => {
  if (!account.access.ok) {
    const error = account.access.error;
    return checks.map((check) =>
      toFinding(
        check,
        account,
        {
          status: 'unknown',
          resource: accountResource(account),
          region: GLOBAL_REGION,
          message: `Could not enter account ${account.accountId}: ${error.message} (${error.code}).`,
          evidence: { missingPermission: error.permission, errorCode: error.code },
        },
        now,
      ),
    );
  }
  // A check whose slices were not collected answers one `unknown` itself (defineCheck guards its evaluation).
  return checks.flatMap((check) =>
    check.evaluate({ account, now, settings }).map((r) => toFinding(check, account, r, now)),
  );
};

/** Security Hub findings in the same shape as cloudsec's own, so both render and diff alike. */
export const normalizeSecurityHubFinding = (
  f: SecurityHubFinding,
  remediationFor: (controlId: string) => string | null,
): Finding => {
  const checkId = `securityhub:${f.controlId ?? f.generatorId}`;
  return {
    id: findingId({ source: 'securityhub', checkId, accountId: f.accountId, region: f.region, resourceId: f.id }),
    source: 'securityhub',
    checkId,
    status: 'fail',
    severity: f.severity,
    service: 'securityhub',
    accountId: f.accountId,
    region: f.region,
    resource: { type: f.resourceType, id: f.resourceId, arn: f.resourceId.startsWith('arn:') ? f.resourceId : null },
    title: f.title,
    message: f.description.split(/(?<=\.)\s/)[0] ?? f.description,
    evidence: {
      securityHubId: f.id,
      productArn: f.productArn,
      generatorId: f.generatorId,
      complianceStatus: f.complianceStatus,
      workflowStatus: f.workflowStatus,
      updatedAt: f.updatedAt,
    },
    remediationId: f.controlId ? remediationFor(f.controlId) : null,
    frameworks: { cis: null, securityHub: f.controlId },
    observedAt: f.updatedAt,
  };
};

export interface EvaluateOptions {
  /** Services to report on; checks of other services are skipped. */
  services: readonly string[];
  /** When given, regional findings outside these regions are dropped (global ones are kept). */
  regions?: readonly string[];
  accountIds?: readonly string[];
  /** Operator settings for the checks (cloudsec.yml `checks:`); absent = defaults, which exempt nothing. */
  settings?: CheckSettings;
}

/** Failing first, most severe first, then account, check, region, resource: every report's order. */
export const byRelevance = (a: Finding, b: Finding) =>
  FINDING_STATUSES.indexOf(a.status) - FINDING_STATUSES.indexOf(b.status) ||
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
  a.accountId.localeCompare(b.accountId) ||
  a.checkId.localeCompare(b.checkId) ||
  a.region.localeCompare(b.region) ||
  a.resource.id.localeCompare(b.resource.id);

/** Run the catalog over a snapshot: failing first, most severe first, deterministic order. */
export const evaluateChecks = (
  checks: readonly AnyCheck[],
  snapshot: Snapshot,
  now: Date,
  options: EvaluateOptions,
): Finding[] => {
  const selected = checks.filter((c) => options.services.includes(c.service));
  const securityHubControls = new Map<string, string>();
  for (const c of checks)
    if (c.frameworks.securityHub && c.remediation) securityHubControls.set(c.frameworks.securityHub, c.remediation);
  const accounts = snapshot.accounts.filter((a) => !options.accountIds || options.accountIds.includes(a.accountId));
  const findings = accounts.flatMap((account) => {
    const own = evaluateAccount(selected, account, now, options.settings);
    const hub =
      options.services.includes('securityhub') && account.securityhub
        ? Object.values(account.securityhub).flatMap((r) =>
            r.findings.ok
              ? r.findings.value.map((f) => normalizeSecurityHubFinding(f, (id) => securityHubControls.get(id) ?? null))
              : [],
          )
        : [];
    return [...own, ...hub];
  });
  return findings
    .filter((f) => !options.regions || f.region === GLOBAL_REGION || options.regions.includes(f.region))
    .sort(byRelevance);
};

export type Summary = {
  bySeverity: Record<Severity, number>;
  byStatus: Record<FindingStatus, number>;
  /** What could not be checked, by the severity of its check: a CI gate can fail on it (`--fail-on-unknown`). */
  unknownBySeverity: Record<Severity, number>;
};

const zeroBySeverity = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

/** Counts failing and unknown findings by severity, and all findings by status. */
export const summarize = (findings: readonly Finding[]): Summary => {
  const bySeverity = zeroBySeverity();
  const unknownBySeverity = zeroBySeverity();
  const byStatus = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  for (const f of findings) {
    byStatus[f.status] += 1;
    if (f.status === 'fail') bySeverity[f.severity] += 1;
    if (f.status === 'unknown') unknownBySeverity[f.severity] += 1;
  }
  return { bySeverity, byStatus, unknownBySeverity };
};
