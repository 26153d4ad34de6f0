import { accountsVisibleTo } from '../core/policy';
import type { AccessPolicy, AccountRef, Actor, Permission } from '../core/permissions';
import type { Finding, Snapshot } from '../core/model';
import { summarize, type Summary } from '../core/findings';

export const accountRefsOf = (snapshot: Snapshot): AccountRef[] =>
  snapshot.accounts.map((a) => ({ id: a.accountId, name: a.accountName, ...(a.ou ? { ou: a.ou } : {}) }));

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
): { findings: Finding[]; summary: Summary; accountIds: Set<string> } => {
  const visible = new Set(accountsVisibleTo(actor, permission, accountRefsOf(snapshot), access).map((a) => a.id));
  const shown = findings.filter((f) => visible.has(f.accountId));
  return { findings: shown, summary: summarize(shown), accountIds: visible };
};
