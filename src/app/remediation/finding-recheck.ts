import type { Finding, Service } from '../../core/model';
import { checkCatalog } from '../../core/checks/catalog';
import type { CheckDefinition } from '../../core/checks/define';
import { GLOBAL_REGION, SERVICES } from '../../core/model';
import type { FindingRecheck } from './ports';
import type { ScanService } from '../scan-service';

/**
 * Services whose findings carry the region they were collected in, judged from that region's data
 * alone: a recheck re-reads that region only. Other findings' regions say where a resource lives,
 * not a region to scan: an S3 bucket's home (S3 lists every bucket with one call, whatever the
 * configured regions), or a CloudTrail log bucket's (its trail may be seen from another region), or
 * a CloudWatch log group's (found through the trails). Those are re-read as configured and found by
 * id, so a bucket in a region the regional services do not scan can still be rechecked. A service
 * left out costs a wider re-read; one listed wrongly would judge a finding on part of its evidence.
 * Account-wide results of these services (AWS Config's global resource types) are in the global
 * region and re-read everywhere.
 */
const REGIONAL: readonly Service[] = [
  'ec2',
  'securityhub',
  'rds',
  'efs',
  'eks',
  'guardduty',
  'config',
  'accessanalyzer',
];

const regionsToRecheck = (service: Service, finding: Finding): { regions?: string[] } =>
  REGIONAL.includes(service) && finding.region !== GLOBAL_REGION ? { regions: [finding.region] } : {};

const serviceOf = (finding: Finding): Service =>
  (SERVICES as readonly string[]).includes(finding.service) ? (finding.service as Service) : 'securityhub';

/**
 * The cloudsec check that evaluates what a Security Hub control does (S3.8 → the bucket Block
 * Public Access check), preferring the one whose remediation the finding names.
 */
const equivalentCheck = (finding: Finding): CheckDefinition | null => {
  const control = finding.frameworks.securityHub;
  if (finding.source !== 'securityhub' || !control) return null;
  const candidates = checkCatalog().filter((c) => c.frameworks.securityHub === control);
  return candidates.find((c) => c.remediation === finding.remediationId) ?? candidates[0] ?? null;
};

const sameResource = (a: Finding, b: Finding): boolean =>
  (a.resource.arn !== null && a.resource.arn === b.resource.arn) ||
  a.resource.id === b.resource.id ||
  a.resource.arn === b.resource.id;

/**
 * Re-evaluates one finding from a fresh collection of its account, service and region: what the
 * workflow uses before executing (already fixed? changed?) and after (verified?).
 *
 * A Security Hub finding with an equivalent cloudsec check is judged by that check on a fresh
 * collection of the check's service: Security Hub re-evaluates its controls only every few hours,
 * so right after a fix it still reports the finding as failing, and the fix is planned from the
 * service's own data (the bucket, the security group), which a Security Hub scan does not collect.
 */
export const makeFindingRecheck = (scans: ScanService): FindingRecheck => ({
  recheck: async (finding) => {
    const check = equivalentCheck(finding);
    if (check) {
      const result = await scans.run({
        service: check.service,
        accountIds: [finding.accountId],
        ...regionsToRecheck(check.service, finding),
        fresh: true,
      });
      const account = result.snapshot.accounts.find((a) => a.accountId === finding.accountId) ?? null;
      const same = result.findings.find((f) => f.checkId === check.id && sameResource(f, finding));
      if (same) return { finding: { ...finding, status: same.status, message: same.message }, account };
      // The check ran and does not know the resource: it is gone. Otherwise fall back to Security Hub.
      if (account?.access.ok && result.findings.some((f) => f.checkId === check.id && f.status !== 'unknown')) {
        return { finding: null, account };
      }
    }
    const result = await scans.run({
      service: serviceOf(finding),
      accountIds: [finding.accountId],
      ...regionsToRecheck(serviceOf(finding), finding),
      fresh: true,
    });
    const account = result.snapshot.accounts.find((a) => a.accountId === finding.accountId) ?? null;
    const again = result.findings.find((f) => f.id === finding.id) ?? null;
    // A Security Hub finding that is no longer listed is no longer active: read it as fixed.
    if (!again && finding.source === 'securityhub' && account?.access.ok) {
      return { finding: { ...finding, status: 'pass' }, account };
    }
    return { finding: again, account };
  },
});
