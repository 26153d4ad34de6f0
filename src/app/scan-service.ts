import type { CheckDefinition } from '../core/checks/define';
import type { CheckSettings } from '../core/check-settings';
import type { Store } from '../store/store';
import { runCheck, SERVICE_SELECTORS, type CheckOutcome, type CheckRequest } from './run-check';
import type { SnapshotSource } from './snapshot-source';
import { isKnownRegion } from '../aws/region-names';
import { DEFAULT_LIMITS } from '../config';
import type { AccountNarrowing } from './visible-findings';
import { makeScanQueue, type QueueTicket } from './scan-queue';
import { makeFreshScanLimit, type FreshScanClaim } from './fresh-scan-limit';
import type { AppLogger } from './deps';

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
  /** cloudsec.yml `limits:`; absent = its defaults (never unlimited). */
  limits?: { freshScansPerUserPerHour: number; concurrentScans: number };
  /** Where the scan queue reports a failure of its own bookkeeping. */
  log?: AppLogger;
  /**
   * Scans of the whole estate (no account named) as jobs in the store that every replica's worker
   * takes from (src/app/scan-jobs/queued-scan.ts): findings stream into the store as accounts
   * finish, and only failing and unknown ones come back. Absent: collected in this process.
   * A scan of named accounts (a re-check) stays in-process: remediation plans from its full data.
   */
  queued?: (scopeKey: string, request: CheckRequest) => Promise<CheckOutcome>;
}

export interface RunOptions {
  /**
   * Collect only the accounts the asker may see (narrowingFor); null or absent: every account in
   * scope. A full scan that is cached or running answers a narrowed request too (callers show
   * only the visible part of any answer), so narrowing never scans more.
   */
  narrowTo?: AccountNarrowing | null;
  /** The scan has to wait for a free slot (limits.concurrentScans): its place in line, 1 = next. */
  onQueued?: (position: number) => void;
  /** A scan that was queued has started (not called for one that started at once). */
  onStarted?: () => void;
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
 * same scope share one scan instead of each starting their own; at most `limits.concurrentScans`
 * scans run at once, the rest wait in line in order.
 */
export const makeScanService = (deps: ScanServiceDeps) => {
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const cache = new Map<string, { outcome: CheckOutcome; expiresAt: number }>();
  const inFlight = new Map<string, { promise: Promise<CheckOutcome>; ticket: QueueTicket }>();
  const queue = makeScanQueue(limits.concurrentScans, { log: deps.log });
  const fresh = makeFreshScanLimit({ perHour: limits.freshScansPerUserPerHour, clock: deps.clock });

  /** Where a scope's scan lives: narrowed scans are kept apart from the full scan of the same scope. */
  const keyOf = (scopeKey: string, narrowTo: AccountNarrowing | null) =>
    narrowTo ? `${scopeKey}|${narrowTo.key}` : scopeKey;
  /** The entries that can answer: the full scan's first, then the narrowed one's. */
  const candidateKeys = (scopeKey: string, narrowTo: AccountNarrowing | null) =>
    narrowTo ? [scopeKey, keyOf(scopeKey, narrowTo)] : [scopeKey];
  const newest = (keys: readonly string[], valid: (e: { expiresAt: number }) => boolean) =>
    keys
      .map((k) => cache.get(k))
      .filter((e): e is NonNullable<typeof e> => e !== undefined && valid(e))
      .sort((a, b) => b.outcome.snapshot.generatedAt.localeCompare(a.outcome.snapshot.generatedAt))[0];

  const scan = async (key: string, request: CheckRequest, narrowTo: AccountNarrowing | null): Promise<CheckOutcome> => {
    const started = deps.clock().getTime();
    const narrowed = narrowTo ? { ...request, admitAccount: narrowTo.admits } : request;
    const queued = deps.queued && !request.accountIds ? deps.queued : null;
    const outcome = queued
      ? await queued(key, narrowed)
      : await runCheck(
          { source: deps.source, checks: deps.checks, clock: deps.clock, settings: deps.settings },
          narrowed,
        );
    deps.onScanDuration?.((deps.clock().getTime() - started) / 1000);
    cache.set(key, { outcome, expiresAt: deps.clock().getTime() + deps.ttlMs });
    // A queued scan is in the store already, finding by finding, as its accounts finished.
    if (!queued) {
      await deps.store.saveScan({
        scopeKey: key,
        generatedAt: outcome.snapshot.generatedAt,
        findings: outcome.findings,
      });
    }
    return outcome;
  };

  return {
    async run(request: CheckRequest & { fresh?: boolean }, options: RunOptions = {}): Promise<ScanResult> {
      const scopeKey = scopeKeyOf(request);
      const narrowTo = options.narrowTo ?? null;
      const keys = candidateKeys(scopeKey, narrowTo);
      if (!request.fresh) {
        const hit = newest(keys, (e) => e.expiresAt > deps.clock().getTime());
        if (hit) return { ...hit.outcome, scopeKey, fromCache: true };
      }
      let pending = keys.map((k) => inFlight.get(k)).find((p) => p !== undefined);
      if (!pending) {
        const key = keyOf(scopeKey, narrowTo);
        const { ticket, result } = queue.enter(() => scan(key, request, narrowTo));
        pending = { promise: result.finally(() => inFlight.delete(key)), ticket };
        inFlight.set(key, pending);
      }
      const position = pending.ticket.position();
      if (position !== null) {
        options.onQueued?.(position);
        if (options.onStarted) pending.ticket.whenStarted(options.onStarted);
      }
      return { ...(await pending.promise), scopeKey, fromCache: false };
    },
    /** Counts a `--fresh` scan for the user, or refuses it with when the next one is allowed. */
    claimFresh(userId: string): FreshScanClaim {
      return fresh.claim(userId);
    },
    /** Every cached answer, newest scan first (accepted risks count what they cover in all of them). */
    cachedOutcomes(): CheckOutcome[] {
      const outcomes = [...cache.values()].map((c) => c.outcome);
      return outcomes.sort((a, b) => b.snapshot.generatedAt.localeCompare(a.snapshot.generatedAt));
    },
    /** A finding by id in any cached answer, newest scan first (what a Remediate button points at). */
    findCached(findingId: string) {
      for (const o of this.cachedOutcomes()) {
        const found = o.findings.find((f) => f.id === findingId);
        if (found) return found;
      }
      return null;
    },
    /**
     * The cached outcome of a scope, even if stale (paging through a result the user already has):
     * the full scan's or, for a narrowed asker, their narrowed one's, whichever is newer.
     */
    cached(scopeKey: string, narrowTo: AccountNarrowing | null = null): CheckOutcome | null {
      return newest(candidateKeys(scopeKey, narrowTo), () => true)?.outcome ?? null;
    },
    /** Scans running and waiting now. */
    load(): { running: number; waiting: number } {
      return { running: queue.running, waiting: queue.waiting };
    },
  };
};

export type ScanService = ReturnType<typeof makeScanService>;

/**
 * Counts a `--fresh` scan for the user, or refuses it with when the next one is allowed; a refusal
 * is recorded in the audit log (who hit the limit, with what).
 */
export const claimFreshScan = async (
  deps: { scans: Pick<ScanService, 'claimFresh'>; store: Pick<Store, 'appendAudit'> },
  asked: { userId: string; requestId: string; text: string },
): Promise<FreshScanClaim> => {
  const claim = deps.scans.claimFresh(asked.userId);
  if (!claim.ok) {
    await deps.store.appendAudit({
      actor: { kind: 'slack-user', id: asked.userId },
      action: 'scan.fresh_limited',
      target: asked.text.slice(0, 500),
      outcome: 'denied',
      requestId: asked.requestId,
      details: { limit: claim.limit, retryAt: claim.retryAt.toISOString() },
    });
  }
  return claim;
};
