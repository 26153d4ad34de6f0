import type { Store } from '../../store/store';
import type { FindingLookup } from './ports';
import type { ScanService } from '../scan-service';

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
