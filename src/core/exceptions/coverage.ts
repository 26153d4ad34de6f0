import type { Finding } from '../model';
import { scopeVerdict, type ScopeContext } from './match';
import type { ExceptionScope } from './model';

/** How many findings the "Accept risk" modal shows as examples. */
export const COVERAGE_SAMPLE_SIZE = 5;

export interface CoveragePreview {
  /** Failing findings the scope covers now (what approving it would hide). */
  count: number;
  /** The same, per check id. */
  byCheck: Record<string, number>;
  /** Up to COVERAGE_SAMPLE_SIZE of them, in the input order. */
  sample: Finding[];
  /**
   * Failing findings the scope might cover but cloudsec cannot tell (tags not read, the account's
   * OU unknown): they would stay visible, and the modal can say so.
   */
  undecided: number;
}

/** "This would cover N findings": what a scope hides among the failing findings given. */
export const coveragePreview = (
  scope: ExceptionScope,
  findings: readonly Finding[],
  ctx: ScopeContext,
): CoveragePreview => {
  const byCheck: Record<string, number> = {};
  const sample: Finding[] = [];
  let count = 0;
  let undecided = 0;
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    const verdict = scopeVerdict(scope, f, ctx);
    if (verdict === 'unknown') undecided += 1;
    if (verdict !== 'covered') continue;
    count += 1;
    byCheck[f.checkId] = (byCheck[f.checkId] ?? 0) + 1;
    if (sample.length < COVERAGE_SAMPLE_SIZE) sample.push(f);
  }
  return { count, byCheck, sample, undecided };
};

/** An account cloudsec knows, with its OU path when known (outermost first; absent or null = unknown). */
export interface KnownAccount {
  id: string;
  ouPath?: readonly string[] | null | undefined;
}

export type ScopeAccounts = { all: true } | { ids: string[] };

/**
 * The accounts whose approvers must approve an exception. Errs towards more approval, never less:
 * - `accounts: ["*"]` → every account (only an approver on every account may approve);
 * - accounts listed → exactly those (also when OUs narrow them further: approvers of a listed
 *   account the OUs exclude are asked needlessly, which is the safe side);
 * - OUs only → the known accounts below them; when any known account's place in the organization
 *   is unknown, or no known account is below them, every account (an OU that cannot be resolved
 *   must not be approvable by someone who approves nothing in it).
 * Accounts that join the OU later are covered without a new approval: the approver accepted the OU.
 */
export const scopeAccounts = (
  scope: Pick<ExceptionScope, 'accounts' | 'ous'>,
  knownAccounts: readonly KnownAccount[],
): ScopeAccounts => {
  if (scope.accounts?.includes('*')) return { all: true };
  if (scope.accounts !== undefined) return { ids: [...new Set(scope.accounts)].sort() };
  const ous = scope.ous ?? [];
  if (ous.length === 0) return { all: true };
  if (knownAccounts.some((a) => a.ouPath === undefined || a.ouPath === null)) return { all: true };
  const ids = knownAccounts.filter((a) => ous.some((ou) => a.ouPath!.includes(ou))).map((a) => a.id);
  return ids.length === 0 ? { all: true } : { ids: [...new Set(ids)].sort() };
};
