import type { CheckDefinition } from '../core/checks/define';
import type { CheckSettings } from '../core/check-settings';
import type { Store } from '../store/store';
import { runCheck, SERVICE_SELECTORS, type CheckOutcome, type CheckRequest } from './run-check';
import type { SnapshotSource } from './snapshot-source';
import { isKnownRegion } from '../aws/region-names';

export interface ScanResult extends CheckOutcome {
  scopeKey: string;
  /** Answered from the cache rather than a new scan. */
  fromCache: boolean;
}

export interface ScanServiceDeps {
  source: SnapshotSource;
  checks: readonly CheckDefinition[];
  store: Pick<Store, 'saveScan'>;
  clock: () => Date;
  /** How long a scope's results are reused before a new scan. */
  ttlMs: number;
  onScanDuration?: (seconds: number) => void;
  /** cloudsec.yml `checks:`; absent = defaults, which exempt nothing. */
  settings?: CheckSettings;
}

const canonical = (values: readonly string[] | undefined) =>
  values?.length ? [...new Set(values)].sort().join(',') : '*';

/**
 * One key per scope: the same question asked twice within the TTL is answered from the cache. The
 * key names what is reported (service, accounts, regions); what is collected for it follows from
 * the checks' `requires` (slicesFor), so two scans under one key always collect the same slices.
 */
export const scopeKeyOf = (request: Pick<CheckRequest, 'service' | 'accountIds' | 'regions'>): string =>
  [request.service, canonical(request.accountIds), canonical(request.regions)].join(':');

/** The request a scope key stands for (the inverse of scopeKeyOf), or null for a key we did not make. */
export const requestOfScopeKey = (scopeKey: string): CheckRequest | null => {
  const [service, accounts, regions, ...rest] = scopeKey.split(':');
  if (rest.length > 0 || !service || !accounts || !regions) return null;
  if (!(SERVICE_SELECTORS as readonly string[]).includes(service)) return null;
  // A key comes back in a button's value: a region in it that is not one was not made by us.
  if (regions !== '*' && !regions.split(',').every(isKnownRegion)) return null;
  return {
    service: service as CheckRequest['service'],
    ...(accounts !== '*' ? { accountIds: accounts.split(',') } : {}),
    ...(regions !== '*' ? { regions: regions.split(',') } : {}),
  };
};

/**
 * Runs checks for Slack and the console with a per-scope cache, and records every new scan in the
 * store (history for digests, App Home and paging after a restart). Concurrent requests for the
 * same scope share one scan instead of each starting their own.
 */
export const makeScanService = (deps: ScanServiceDeps) => {
  const cache = new Map<string, { outcome: CheckOutcome; expiresAt: number }>();
  const inFlight = new Map<string, Promise<CheckOutcome>>();

  const scan = async (scopeKey: string, request: CheckRequest): Promise<CheckOutcome> => {
    const started = deps.clock().getTime();
    const outcome = await runCheck(
      { source: deps.source, checks: deps.checks, clock: deps.clock, settings: deps.settings },
      request,
    );
    deps.onScanDuration?.((deps.clock().getTime() - started) / 1000);
    cache.set(scopeKey, { outcome, expiresAt: deps.clock().getTime() + deps.ttlMs });
    await deps.store.saveScan({ scopeKey, generatedAt: outcome.snapshot.generatedAt, findings: outcome.findings });
    return outcome;
  };

  return {
    async run(request: CheckRequest & { fresh?: boolean }): Promise<ScanResult> {
      const scopeKey = scopeKeyOf(request);
      const hit = cache.get(scopeKey);
      if (!request.fresh && hit && hit.expiresAt > deps.clock().getTime()) {
        return { ...hit.outcome, scopeKey, fromCache: true };
      }
      let pending = inFlight.get(scopeKey);
      if (!pending) {
        pending = scan(scopeKey, request).finally(() => inFlight.delete(scopeKey));
        inFlight.set(scopeKey, pending);
      }
      return { ...(await pending), scopeKey, fromCache: false };
    },
    /** A finding by id in any cached answer, newest scan first (what a Remediate button points at). */
    findCached(findingId: string) {
      const outcomes = [...cache.values()].map((c) => c.outcome);
      outcomes.sort((a, b) => b.snapshot.generatedAt.localeCompare(a.snapshot.generatedAt));
      for (const o of outcomes) {
        const found = o.findings.find((f) => f.id === findingId);
        if (found) return found;
      }
      return null;
    },
    /** The cached outcome of a scope, even if stale (paging through a result the user already has). */
    cached(scopeKey: string): CheckOutcome | null {
      return cache.get(scopeKey)?.outcome ?? null;
    },
  };
};

export type ScanService = ReturnType<typeof makeScanService>;
