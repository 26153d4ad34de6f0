import type { Finding } from '../../core/model';
import type { Store } from '../../store/store';
import type { CheckOutcome } from '../run-check';
import type { ScanService } from '../scan-service';
import { accountsWithOmittedPasses, findOmittedPass, storedPassesOfAccount } from '../omitted-passes';
import type { LatestFindings, OmittedPasses } from './ports';

/** The scope key of a scan of every account, service and region (scopeKeyOf({ service: 'all' })). */
const FULL_SCAN = 'all:*:*';

/**
 * The newest cached answer's word on a finding id, its passes included: a queued scan's answer
 * holds its passes in the store only (CheckOutcome.passesOmitted), so a finding fixed since an
 * older answer reads as passing, not as the older answer's failure nor as "not found".
 */
export interface CachedFindingWord {
  /** `accountId`, when known, keeps the store read to that account's findings. Null: no cached answer has it. */
  cachedWordOn(findingId: string, accountId?: string): Promise<Finding | null>;
}

/** The cached-word lookup of a LatestFindings that has one (makeLatestFindings's does). */
export const cachedWordOf = (latest: LatestFindings): CachedFindingWord['cachedWordOn'] | null => {
  const word = (latest as LatestFindings & Partial<CachedFindingWord>).cachedWordOn;
  return typeof word === 'function' ? word.bind(latest) : null;
};

type Source = { findings: readonly Finding[]; outcome?: CheckOutcome };

/**
 * Where an answer that left passes out holds, as a stored pass, a failing or unknown finding a
 * later source brought in: the earlier answer's word wins (as its pass in memory won before passes
 * were left out). Read one account at a time, and only for accounts where a later source holds a
 * finding this answer did not: what changed between the two, not the estate.
 */
const supersedeByStoredPasses = async (
  store: Pick<Store, 'findingsOfScan'>,
  sources: readonly Source[],
  seen: Map<string, { finding: Finding; from: number }>,
) => {
  for (const [index, source] of sources.entries()) {
    const outcome = source.outcome;
    if (!outcome) continue;
    const omitted = new Set(accountsWithOmittedPasses(outcome));
    if (omitted.size === 0) continue;
    const candidates = new Map<string, Set<string>>();
    for (const [id, { finding, from }] of seen) {
      if (from <= index || finding.status === 'pass' || !omitted.has(finding.accountId)) continue;
      const ids = candidates.get(finding.accountId) ?? new Set<string>();
      candidates.set(finding.accountId, ids.add(id));
    }
    for (const [accountId, ids] of candidates) {
      for (const pass of await storedPassesOfAccount(store, outcome, accountId)) {
        if (ids.has(pass.id)) seen.set(pass.id, { finding: pass, from: index });
      }
    }
  }
};

/**
 * The latest findings over every account cloudsec scans: the cached full scan when there is one,
 * then every other cached scan (newest first), else the latest stored full scan, then the latest
 * scan of each digest (`moreScopeKeys`) for accounts the full scan did not see. A finding id found
 * in several is taken from the first; a cached answer that left its passes in the store still has
 * the first word on them (a later source's failure of a finding it stored as passing is not taken).
 * Passes left in the store are not in the list: only failing findings are counted on it.
 */
export const makeLatestFindings = (
  scans: Pick<ScanService, 'cached'> & Partial<Pick<ScanService, 'cachedOutcomes'>>,
  store: Pick<Store, 'latestScan' | 'findingsOfScan'>,
  moreScopeKeys: () => readonly string[] = () => [],
): LatestFindings & Required<Pick<LatestFindings, 'omittedPasses'>> & CachedFindingWord => ({
  latestFindings: async () => {
    const sources: Source[] = [];
    const cached = scans.cached(FULL_SCAN);
    if (cached) sources.push({ findings: cached.findings, outcome: cached });
    // Narrower answers still cached (`check s3 prod`) count too: without them an exception asked for
    // after such a check would read "covers no failing finding" on its card.
    for (const outcome of scans.cachedOutcomes?.() ?? []) {
      if (outcome !== cached) sources.push({ findings: outcome.findings, outcome });
    }
    for (const scopeKey of cached ? moreScopeKeys() : [FULL_SCAN, ...moreScopeKeys()]) {
      const latest = await store.latestScan(scopeKey);
      if (latest) sources.push({ findings: await store.findingsOfScan(latest.id) });
    }
    const seen = new Map<string, { finding: Finding; from: number }>();
    for (const [from, source] of sources.entries()) {
      for (const finding of source.findings) if (!seen.has(finding.id)) seen.set(finding.id, { finding, from });
    }
    await supersedeByStoredPasses(store, sources, seen);
    return [...seen.values()].map((s) => s.finding);
  },
  omittedPasses: (): OmittedPasses => {
    // The cached answers latestFindings reads; the stored scans it reads hold their passes.
    const full = scans.cached(FULL_SCAN);
    const outcomes = [...(full ? [full] : []), ...(scans.cachedOutcomes?.() ?? []).filter((o) => o !== full)];
    const leftOut = outcomes.map((o) => ({ outcome: o, accounts: new Set(accountsWithOmittedPasses(o)) }));
    return {
      accountIds: [...new Set(leftOut.flatMap((l) => [...l.accounts]))],
      passesOf: async (accountId) => {
        const passes: Finding[] = [];
        for (const { outcome, accounts } of leftOut)
          if (accounts.has(accountId)) passes.push(...(await storedPassesOfAccount(store, outcome, accountId)));
        return passes;
      },
    };
  },
  // Newest answer first, as ScanService.findCached looks: what a button's finding id is looked up in.
  cachedWordOn: async (findingId, accountId) => {
    for (const outcome of scans.cachedOutcomes?.() ?? []) {
      const held = outcome.findings.find((f) => f.id === findingId);
      if (held) return held;
      const pass = await findOmittedPass(store, outcome, findingId, accountId);
      if (pass) return pass;
    }
    return null;
  },
});
