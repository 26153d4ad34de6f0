import type { Finding } from '../model';
import type { ExceptionScope } from './model';
import { matchesAnyPattern } from './pattern';

/**
 * Does an accepted-risk scope cover a finding? Every field the scope gives must match. Matching
 * fails closed: when cloudsec does not know something a field asks about (the account's place in
 * the organization, the resource's tags), the finding is not covered, so it stays visible.
 */

/** What matching needs to know besides the scope and the finding. */
export interface ScopeContext {
  /**
   * The OU ids above an account, outermost first (the root id may come first); `null` when the
   * account's place in the organization is not known. `[]` = known to be in no OU.
   */
  ouPath(accountId: string): readonly string[] | null;
}

/**
 * Three answers, because "no" and "cannot tell" lead to different things: both leave a finding
 * visible, but only a definite "no" lets cloudsec call an exception stale or a preview complete.
 */
export type ScopeVerdict = 'covered' | 'not-covered' | 'unknown';

const combine = (verdicts: readonly ScopeVerdict[]): ScopeVerdict =>
  verdicts.includes('not-covered') ? 'not-covered' : verdicts.includes('unknown') ? 'unknown' : 'covered';

const ACCOUNT_WILDCARD = '*';

/** Is the account inside the scope's `accounts` and `ous` (both, when both are given)? */
export const accountVerdict = (
  scope: Pick<ExceptionScope, 'accounts' | 'ous'>,
  accountId: string,
  ctx: ScopeContext,
): ScopeVerdict => {
  const verdicts: ScopeVerdict[] = [];
  if (scope.accounts !== undefined) {
    verdicts.push(scope.accounts.some((a) => a === ACCOUNT_WILDCARD || a === accountId) ? 'covered' : 'not-covered');
  }
  if (scope.ous !== undefined) {
    const path = ctx.ouPath(accountId);
    verdicts.push(path === null ? 'unknown' : scope.ous.some((ou) => path.includes(ou)) ? 'covered' : 'not-covered');
  }
  // A scope naming neither is rejected by ExceptionScopeSchema; if one gets here, it covers nothing.
  if (verdicts.length === 0) return 'not-covered';
  return combine(verdicts);
};

/** Does a check id match the scope's check patterns? */
export const checkInScope = (scope: Pick<ExceptionScope, 'checks'>, checkId: string): boolean =>
  matchesAnyPattern(scope.checks, checkId);

const tagsVerdict = (wanted: Record<string, string>, tags: Record<string, string> | undefined): ScopeVerdict => {
  // Absent tags are unknown (the collector did not read them), not "no tags".
  if (tags === undefined) return 'unknown';
  const hit = Object.entries(wanted).every(
    ([key, value]) => Object.hasOwn(tags, key) && (value === ACCOUNT_WILDCARD || tags[key] === value),
  );
  return hit ? 'covered' : 'not-covered';
};

/** The three-way answer: `unknown` when a field could only be judged with data cloudsec lacks. */
export const scopeVerdict = (scope: ExceptionScope, finding: Finding, ctx: ScopeContext): ScopeVerdict => {
  // Cheap, certain fields first: most findings are out of scope by check or account.
  if (!checkInScope(scope, finding.checkId)) return 'not-covered';
  if (scope.regions !== undefined && !scope.regions.includes(finding.region)) return 'not-covered';
  if (scope.resources !== undefined) {
    const { arn, id } = finding.resource;
    const hit = (arn !== null && matchesAnyPattern(scope.resources, arn)) || matchesAnyPattern(scope.resources, id);
    if (!hit) return 'not-covered';
  }
  const verdicts = [accountVerdict(scope, finding.accountId, ctx)];
  if (scope.tags !== undefined) verdicts.push(tagsVerdict(scope.tags, finding.resource.tags));
  return combine(verdicts);
};

/** Does the scope cover the finding? Anything unknown means no: the finding stays visible. */
export const scopeCovers = (scope: ExceptionScope, finding: Finding, ctx: ScopeContext): boolean =>
  scopeVerdict(scope, finding, ctx) === 'covered';
