import type { Finding } from '../../core/model';
import type { Store } from '../../store/store';
import type { ScanService } from '../scan-service';
import type { LatestFindings } from './ports';

/** The scope key of a scan of every account, service and region (scopeKeyOf({ service: 'all' })). */
const FULL_SCAN = 'all:*:*';

/**
 * The latest findings over every account cloudsec scans: the cached full scan when there is one,
 * then every other cached scan (newest first), else the latest stored full scan, then the latest
 * scan of each digest (`moreScopeKeys`) for accounts the full scan did not see. A finding id found in several is taken from the first.
 */
export const makeLatestFindings = (
  scans: Pick<ScanService, 'cached'> & Partial<Pick<ScanService, 'cachedOutcomes'>>,
  store: Pick<Store, 'latestScan' | 'findingsOfScan'>,
  moreScopeKeys: () => readonly string[] = () => [],
): LatestFindings => ({
  latestFindings: async () => {
    const seen = new Map<string, Finding>();
    const add = (findings: readonly Finding[]) => {
      for (const f of findings) if (!seen.has(f.id)) seen.set(f.id, f);
    };
    const cached = scans.cached(FULL_SCAN);
    if (cached) add(cached.findings);
    // Narrower answers still cached (`check s3 prod`) count too: without them an exception asked for
    // after such a check would read "covers no failing finding" on its card.
    for (const outcome of scans.cachedOutcomes?.() ?? []) add(outcome.findings);
    for (const scopeKey of cached ? moreScopeKeys() : [FULL_SCAN, ...moreScopeKeys()]) {
      const latest = await store.latestScan(scopeKey);
      if (latest) add(await store.findingsOfScan(latest.id));
    }
    return [...seen.values()];
  },
});
