import type { Finding, Service } from '../core/model';
import { SERVICES } from '../core/model';
import type { Store } from '../store/store';
import type { FindingLookup, FindingRecheck } from './remediation/ports';
import type { ScanService } from './scan-service';
import { GLOBAL_REGION } from '../core/model';

const serviceOf = (finding: Finding): Service =>
  (SERVICES as readonly string[]).includes(finding.service) ? (finding.service as Service) : 'securityhub';

/**
 * Re-evaluates one finding from a fresh collection of its account, service and region: what the
 * workflow uses before executing (already fixed? changed?) and after (verified?).
 */
export const makeFindingRecheck = (scans: ScanService): FindingRecheck => ({
  recheck: async (finding) => {
    const result = await scans.run({
      service: serviceOf(finding),
      accountIds: [finding.accountId],
      ...(finding.region === GLOBAL_REGION ? {} : { regions: [finding.region] }),
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

/**
 * A finding by id: in the answers cloudsec gave recently (cache), else in the latest stored scan of
 * everything, else in the latest scan of each digest (whose Remediate buttons carry its findings).
 */
export const makeFindingLookup = (
  scans: ScanService,
  store: Pick<Store, 'latestScan' | 'findingsOfScan'>,
  moreScopeKeys: () => readonly string[] = () => [],
): FindingLookup => ({
  findFinding: async (findingId) => {
    const cached = scans.findCached(findingId);
    if (cached) return cached;
    for (const scopeKey of ['all:*:*', ...moreScopeKeys()]) {
      const latest = await store.latestScan(scopeKey);
      if (!latest) continue;
      const found = (await store.findingsOfScan(latest.id)).find((f) => f.id === findingId);
      if (found) return found;
    }
    return null;
  },
});
