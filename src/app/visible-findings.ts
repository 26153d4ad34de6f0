import { accountsVisibleTo, rolesOf } from '../core/access/policy';
import type { AccessPolicy, AccountRef, Actor, Permission } from '../core/access/permissions';
import type { AccountSnapshot, Finding, Snapshot } from '../core/model';
import { summarize, type Summary } from '../core/findings';
import { omittedPassesIn, withOmittedPasses, type PassesOmitted } from './omitted-passes';

// The omitted-pass rules live in ./omitted-passes.ts; these names stay importable from here.
export { omittedPassesOf, withOmittedPasses } from './omitted-passes';

export const accountRefOf = (a: Pick<AccountSnapshot, 'accountId' | 'accountName' | 'ou'>): AccountRef => ({
  id: a.accountId,
  name: a.accountName,
  ...(a.ou ? { ou: a.ou } : {}),
});

export const accountRefsOf = (snapshot: Snapshot): AccountRef[] => snapshot.accounts.map(accountRefOf);

/**
 * The accounts a scan may collect for someone: only those they may see. Applied to the list of
 * accounts before any is collected (src/app/snapshot-source.ts `admitAccount`), so a viewer of one
 * account makes the bot read that account, not the organization.
 */
export interface AccountNarrowing {
  /**
   * Names what is admitted: two narrowings with the same key admit the same accounts, so their
   * scans can share a cache entry. Built from the scopes of the grants, not from who asked.
   */
  key: string;
  admits(account: AccountRef): boolean;
}

const canonical = (values: readonly string[]) => [...new Set(values)].sort().join(',');

/**
 * The narrowing for an actor and a permission; null when a grant covers every account (their scan
 * is everyone's full scan). An actor holding the permission nowhere admits no account at all.
 */
export const narrowingFor = (actor: Actor, permission: Permission, access: AccessPolicy): AccountNarrowing | null => {
  const grants = rolesOf(actor, access).filter((g) => g.permissions.includes(permission));
  if (grants.some((g) => g.scope.kind === 'all')) return null;
  const accounts: string[] = [];
  const ous: string[] = [];
  for (const g of grants) {
    if (g.scope.kind !== 'limited') continue;
    accounts.push(...g.scope.accounts);
    ous.push(...g.scope.ous);
  }
  return {
    key: `accounts=${canonical(accounts)};ous=${canonical(ous)}`,
    // The policy decides, the same function that filters the answer afterwards (visiblePart).
    admits: (account) => accountsVisibleTo(actor, permission, [account], access).length > 0,
  };
};

/** The part of a set of findings the actor may see, over the accounts they are about (with names and OUs). */
export interface VisibleSubset {
  findings: Finding[];
  summary: Summary;
  /** The visible accounts among those given, in their order. */
  accounts: AccountRef[];
  accountIds: Set<string>;
  /** Passing findings of the visible accounts counted but not held (CheckOutcome.passesOmitted); in `summary`. */
  omittedPasses: number;
  /** The same per visible account (no other account's count is here; empty when every finding is held). */
  passesOmitted: Record<string, number>;
}

/**
 * The findings of the accounts the actor may see with `permission`, decided by the policy over
 * `accounts` (names and OUs matter: a grant may name an account or an OU). A finding whose account
 * is not among `accounts` is dropped: an account nobody can place is nobody's to see.
 */
export const visibleSubset = (
  actor: Actor,
  permission: Permission,
  access: AccessPolicy,
  accounts: readonly AccountRef[],
  findings: readonly Finding[],
  passesOmitted?: PassesOmitted,
): VisibleSubset => {
  const visible = accountsVisibleTo(actor, permission, accounts, access);
  const accountIds = new Set(visible.map((a) => a.id));
  const shown = findings.filter((f) => accountIds.has(f.accountId));
  // Only the visible accounts' counts are kept: a scoped reader never learns another account's.
  const visiblePasses = omittedPassesIn(passesOmitted, accountIds);
  const omittedPasses = Object.values(visiblePasses).reduce((a, b) => a + b, 0);
  return {
    findings: shown,
    summary: withOmittedPasses(summarize(shown), omittedPasses),
    accounts: visible,
    accountIds,
    omittedPasses,
    passesOmitted: visiblePasses,
  };
};

/**
 * The part of a scan the actor may see: findings and accounts outside their scope are dropped
 * before anything is rendered, so counts and pages never reveal them.
 */
export const visiblePart = (
  actor: Actor,
  permission: Permission,
  access: AccessPolicy,
  snapshot: Snapshot,
  findings: readonly Finding[],
  passesOmitted?: PassesOmitted,
): VisibleSubset => visibleSubset(actor, permission, access, accountRefsOf(snapshot), findings, passesOmitted);
