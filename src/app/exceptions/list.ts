import type { AccountRef } from '../../core/access/permissions';
import { accountsVisibleTo, authorize, permissionsOf } from '../../core/access/policy';
import { applyExceptions } from '../../core/exceptions/apply';
import { coveragePreview } from '../../core/exceptions/coverage';
import {
  accountsCoveredBy,
  daysLeft,
  expiringSoon,
  isInForce,
  staleExceptions,
  staleIfLookedAt,
  type ScannedScope,
} from '../../core/exceptions/lifecycle';
import type { ExceptionScope, RiskException } from '../../core/exceptions/model';
import { instantOf } from '../../core/exceptions/time';
import type { Finding } from '../../core/model';
import { sourceLabel } from '../accepted-risks';
import { actorRef } from '../remediation/support';
import type { ExceptionRefusal } from './outcomes';
import type { ExceptionInput, ExceptionWorkflowDeps, LatestFindings } from './ports';
import { acceptedRisksOf, knownEstate, refuse } from './support';

/**
 * `/cloudsec exceptions [active|expiring|expired|mine|pending]`: cloudsec.yml and stored accepted
 * risks together, only those whose scope touches an account the actor may read findings on, each
 * with what it covers among the latest findings of those accounts. An exception is shown as the
 * actor may see it: accounts they may not see are left out of its scope (counted, never named), as
 * are baseline findings and Security Hub ids of those accounts.
 */

export type ExceptionFilter = 'active' | 'expiring' | 'expired' | 'mine' | 'pending';

export interface ListExceptionsInput extends ExceptionInput {
  filter: ExceptionFilter;
  limit?: number;
}

export interface ListedException {
  /** The exception as the actor may see it (scope narrowed to their accounts, see above). */
  exception: RiskException;
  source: 'cloudsec.yml' | 'database';
  /** Accounts of its scope left out because the actor may not see them (0 for `*` and OU scopes). */
  hiddenAccounts: number;
  inForce: boolean;
  daysLeft: number;
  /** Over the latest findings of the accounts the actor may see. */
  coverage: {
    /** Failing findings its scope covers. */
    failing: number;
    /** Those it hides now (another exception may hide the rest). */
    hidden: number;
    /** Covered findings shown again because they got worse. */
    resurfaced: number;
  };
  /** In force, but nothing it covers fails any more among the accounts the actor may see: review it. */
  stale: boolean;
}

export type ListExceptionsResult =
  | {
      ok: true;
      filter: ExceptionFilter;
      exceptions: ListedException[];
      /** How many matched before `limit`. */
      total: number;
      /** Accepted risks that could not be read (they hide nothing; their findings are shown). */
      problems: string[];
    }
  | ExceptionRefusal;

const DEFAULT_LIMIT = 50;

const byExpiry = (a: RiskException, b: RiskException) => instantOf(a.expiresAt) - instantOf(b.expiresAt);
const byCreated = (a: RiskException, b: RiskException) => b.createdAt.localeCompare(a.createdAt);

const select = (all: readonly RiskException[], input: ListExceptionsInput, now: Date): RiskException[] => {
  switch (input.filter) {
    case 'active':
      return all.filter((e) => isInForce(e, now)).sort(byExpiry);
    case 'expiring':
      return expiringSoon(all, now);
    case 'expired':
      // Swept ones, and active ones past their expiry the sweep has not reached: both hide nothing.
      return all
        .filter((e) => e.status === 'expired' || (e.status === 'active' && !isInForce(e, now)))
        .sort((a, b) => byExpiry(b, a));
    case 'pending':
      return all.filter((e) => e.status === 'pending').sort((a, b) => byCreated(b, a));
    case 'mine':
      return all
        .filter((e) => e.owner.id === input.actor.userId || e.requester.id === input.actor.userId)
        .sort(byCreated);
  }
};

type Scanned = { accountIds: Set<string>; checkIds: Set<string>; regions: Set<string> };

/** The latest findings's accounts and checks: what the scan looked at (a subset, so "stale" stays sound). */
const scannedBy = (findings: readonly Finding[]): Scanned => ({
  accountIds: new Set(findings.map((f) => f.accountId)),
  checkIds: new Set(findings.map((f) => f.checkId)),
  regions: new Set(findings.map((f) => f.region)),
});

/**
 * What the scan looked at, including the passes a queued answer left in the store: read one
 * account at a time, only accounts the reader may see and an exception waiting on them covers, and
 * only while some exception that nothing keeps in use is not yet known to have been looked at. (A
 * risk whose finding was fixed is then stale after a queued scan too, without reading the estate's
 * passes on every list.)
 */
const scannedIncludingStoredPasses = async (
  latest: LatestFindings,
  findings: readonly Finding[],
  inForce: readonly RiskException[],
  ctx: Parameters<typeof staleExceptions>[2],
  visible: ReadonlySet<string>,
): Promise<ScannedScope> => {
  const scanned = scannedBy(findings);
  let waiting = staleIfLookedAt(inForce, findings, ctx, scanned);
  const omitted = waiting.length > 0 ? latest.omittedPasses?.() : undefined;
  if (!omitted) return scanned;
  const candidates = omitted.accountIds.filter((id) => visible.has(id));
  for (const accountId of candidates) {
    if (waiting.length === 0) break;
    if (!waiting.some((e) => accountsCoveredBy(e.scope, [accountId], ctx).length > 0)) continue;
    let passes: Finding[];
    try {
      passes = await omitted.passesOf(accountId);
    } catch {
      // Stale is advice: without the passes nothing more is called stale, and the list still answers.
      return scanned;
    }
    for (const pass of passes) {
      scanned.accountIds.add(pass.accountId);
      scanned.checkIds.add(pass.checkId);
      scanned.regions.add(pass.region);
    }
    waiting = staleIfLookedAt(waiting, findings, ctx, scanned);
  }
  return scanned;
};

export const listExceptions = async (
  deps: ExceptionWorkflowDeps,
  input: ListExceptionsInput,
): Promise<ListExceptionsResult> => {
  const decision = authorize({ actor: input.actor, permission: 'findings:read' }, deps.config);
  if (!decision.allowed) {
    return refuse(
      deps,
      { actor: actorRef(input.actor), action: 'exception.list', details: { filter: input.filter } },
      'not-allowed',
      decision.reason,
    );
  }
  const now = deps.clock();
  const estate = await knownEstate(deps);
  const read = await acceptedRisksOf(deps).read();

  // Accounts named by scopes but unknown to the directory are still judged by the policy (by id).
  const refs = new Map<string, AccountRef>(estate.accounts.map((a) => [a.id, a]));
  for (const e of read.exceptions)
    for (const id of e.scope.accounts ?? []) if (id !== '*' && !refs.has(id)) refs.set(id, { id, name: id });
  const visible = new Set(
    accountsVisibleTo(input.actor, 'findings:read', [...refs.values()], deps.config).map((a) => a.id),
  );
  // Held through a binding limited to no accounts: every account, known or not, is theirs to see.
  const everywhere = permissionsOf(input.actor, deps.config).includes('findings:read');

  const touches = (scope: ExceptionScope): boolean => {
    if (scope.accounts !== undefined) {
      return scope.accounts.some((a) => (a === '*' ? visible.size > 0 || everywhere : visible.has(a)));
    }
    if (everywhere) return true;
    const ous = scope.ous ?? [];
    return estate.accounts.some((a) => visible.has(a.id) && (a.ouPath ?? []).some((ou) => ous.includes(ou)));
  };

  const selected = select(
    read.exceptions.filter((e) => touches(e.scope)),
    input,
    now,
  );
  const latest = (await deps.latest.latestFindings()).filter((f) => visible.has(f.accountId));
  const inForce = read.exceptions.filter((e) => isInForce(e, now));
  const applied = applyExceptions(latest, inForce, { now, ouPath: estate.ctx.ouPath });
  const hiddenBy = countBy(applied.excepted.map((x) => x.exception.id));
  const resurfacedBy = countBy(applied.resurfaced.map((x) => x.exception.id));
  const ctx = { now, ouPath: estate.ctx.ouPath };
  const scanned = await scannedIncludingStoredPasses(deps.latest, latest, inForce, ctx, visible);
  const stale = new Set(staleExceptions(inForce, latest, ctx, scanned).map((e) => e.id));
  const visibleFindingIds = new Set(latest.map((f) => f.id));

  const listed = selected.slice(0, input.limit ?? DEFAULT_LIMIT).map((e): ListedException => ({
    ...narrowed(e, visible, visibleFindingIds),
    source: sourceLabel(e),
    inForce: isInForce(e, now),
    daysLeft: daysLeft(e, now),
    coverage: {
      failing: coveragePreview(e.scope, latest, estate.ctx).count,
      hidden: hiddenBy.get(e.id) ?? 0,
      resurfaced: resurfacedBy.get(e.id) ?? 0,
    },
    stale: stale.has(e.id),
  }));
  return { ok: true, filter: input.filter, exceptions: listed, total: selected.length, problems: read.problems };
};

const countBy = (ids: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

/** The exception without what the actor may not see: other accounts' ids, findings and Security Hub ids. */
const narrowed = (
  e: RiskException,
  visible: ReadonlySet<string>,
  visibleFindings: ReadonlySet<string>,
): { exception: RiskException; hiddenAccounts: number } => {
  const accounts = e.scope.accounts;
  const shown = accounts?.filter((a) => a === '*' || visible.has(a));
  const hiddenAccounts = accounts ? accounts.length - (shown?.length ?? 0) : 0;
  const visibleIds = [...visible];
  return {
    exception: {
      ...e,
      scope: { ...e.scope, ...(shown ? { accounts: shown } : {}) },
      accepted: e.accepted.filter((a) => visibleFindings.has(a.findingId)),
      // ASFF ids of Security Hub's findings are ARNs naming their account.
      suppressedInSecurityHub: e.suppressedInSecurityHub.filter((id) => visibleIds.some((a) => id.includes(`:${a}:`))),
    },
    hiddenAccounts,
  };
};
