import {
  isGlobalPermission,
  permissionsOfRole,
  PERMISSIONS,
  showsFindings,
  type AccessPolicy,
  type AccountRef,
  type Actor,
  type Binding,
  type ChannelRef,
  type Permission,
} from './permissions';

/**
 * Deny-by-default authorization. Pure: the actor's user groups are resolved by the caller
 * (src/slack/usergroups.ts) and accounts come in as values, so every decision can be replayed
 * from the audit log and tested as a table.
 *
 * Rules:
 * - A binding applies to an actor named in its `users` or belonging to one of its `groups`.
 * - A binding without `accounts` and `ous` covers every account; otherwise it covers the accounts
 *   named (by id or name) plus the accounts under the OUs named (union).
 * - `admin` and `audit:read` are about cloudsec itself: only an unscoped binding grants them.
 * - Without an account, an account permission is granted when the actor holds it on at least one
 *   account (`via.scope` says where); callers that act on accounts narrow with `accountsVisibleTo`.
 * - Answers that show findings (`findings:read`, `check:run`) follow the channel policy: shown in
 *   an allowed channel or a DM (when DMs are allowed); elsewhere answered privately or refused.
 */

export type Scope = { kind: 'all' } | { kind: 'limited'; accounts: readonly string[]; ous: readonly string[] };

/** The binding that allowed a decision. `binding` is its index in `bindings:` (for the audit log). */
export interface Grant {
  role: string;
  binding: number;
  scope: Scope;
  /** How the actor matched: listed as a user, or through a user group. */
  subject: { user: string } | { group: string };
}

export type Delivery = 'in-channel' | 'private';

export type DenialCode = 'no-role' | 'missing-permission' | 'out-of-scope' | 'channel-refused';

/** `reason` is written for the person who asked, on both outcomes (the audit log records it too). */
export type Decision =
  | { allowed: true; via: Grant; delivery: Delivery; reason: string }
  | { allowed: false; code: DenialCode; reason: string };

export interface AuthorizeRequest {
  actor: Actor;
  permission: Permission;
  account?: AccountRef | undefined;
  /** Where the answer would appear; absent outside Slack (CLI, scheduler). */
  channel?: ChannelRef | undefined;
}

export interface RoleGrant extends Grant {
  permissions: readonly Permission[];
}

type ScopedBy = Pick<Binding, 'accounts' | 'ous'>;

const isScoped = (b: ScopedBy): boolean => b.accounts !== undefined || b.ous !== undefined;

/** The accounts a binding (or anything scoped the same way, such as a digest) covers. */
export const scopeOf = (b: ScopedBy): Scope =>
  isScoped(b) ? { kind: 'limited', accounts: b.accounts ?? [], ous: b.ous ?? [] } : { kind: 'all' };

const ouPathOf = (a: AccountRef): readonly string[] => [...(a.ouPath ?? []), ...(a.ou ? [a.ou] : [])];

/** Does the scope cover the account? Account entries match the id or the name. */
export const scopeCovers = (scope: Scope, account: AccountRef): boolean => {
  if (scope.kind === 'all') return true;
  if (scope.accounts.some((entry) => entry === account.id || entry === account.name)) return true;
  const path = ouPathOf(account);
  return scope.ous.some((ou) => path.includes(ou));
};

const subjectFor = (b: Binding, actor: Actor): Grant['subject'] | undefined => {
  if (b.users?.includes(actor.userId)) return { user: actor.userId };
  const group = b.groups?.find((g) => actor.groups.includes(g));
  return group === undefined ? undefined : { group };
};

/** The bindings that apply to the actor, in config order, with the permissions each grants. */
export const rolesOf = (actor: Actor, policy: AccessPolicy): RoleGrant[] =>
  policy.bindings.flatMap((b, binding) => {
    const subject = subjectFor(b, actor);
    return subject
      ? [{ role: b.role, binding, scope: scopeOf(b), subject, permissions: permissionsOfRole(b.role, policy) }]
      : [];
  });

const grantsOn = (grant: RoleGrant, permission: Permission, account: AccountRef | undefined): boolean => {
  if (!grant.permissions.includes(permission)) return false;
  if (isGlobalPermission(permission)) return grant.scope.kind === 'all';
  return account === undefined || scopeCovers(grant.scope, account);
};

const toGrant = ({ role, binding, scope, subject }: RoleGrant): Grant => ({ role, binding, scope, subject });

/**
 * The actor's permissions on one account, in PERMISSIONS order; without an account, the
 * permissions held on every account (what an unscoped binding grants).
 */
export const permissionsOf = (actor: Actor, policy: AccessPolicy, account?: AccountRef): Permission[] => {
  const grants = rolesOf(actor, policy);
  return PERMISSIONS.filter((p) =>
    grants.some((g) => g.permissions.includes(p) && (g.scope.kind === 'all' || (account && grantsOn(g, p, account)))),
  );
};

/** The accounts on which the actor holds the permission (e.g. which accounts a scan may cover). */
export const accountsVisibleTo = <T extends AccountRef>(
  actor: Actor,
  permission: Permission,
  accounts: readonly T[],
  policy: AccessPolicy,
): T[] => {
  const grants = rolesOf(actor, policy);
  return accounts.filter((a) => grants.some((g) => grantsOn(g, permission, a)));
};

/** The user groups named anywhere in the bindings: the only ones worth looking up in Slack. */
export const groupsNamedIn = (policy: Pick<AccessPolicy, 'bindings'>): string[] => [
  ...new Set(policy.bindings.flatMap((b) => b.groups ?? [])),
];

export const authorize = (request: AuthorizeRequest, policy: AccessPolicy): Decision => {
  const { actor, permission, account, channel } = request;
  const help = `ask ${policy.accessHelp ?? 'a cloudsec admin'}`;
  const need = `you need ${permission}${whereText(permission, account)}`;
  const grants = rolesOf(actor, policy);

  if (grants.length === 0)
    return {
      allowed: false,
      code: 'no-role',
      reason: `${need}, and you have no cloudsec role yet (without one you can use only help and whoami) — ${help}`,
    };

  const holding = grants.filter((g) => g.permissions.includes(permission));
  if (holding.length === 0)
    return {
      allowed: false,
      code: 'missing-permission',
      reason: `${need}; your ${plural('role', grants.length)} (${uniqueRoles(grants)}) ${grants.length === 1 ? 'does' : 'do'} not include it — ${help}`,
    };

  const inScope = holding.filter((g) => grantsOn(g, permission, account));
  // Without an account, prefer the broadest grant so `via` does not understate what was allowed.
  const grant = inScope.find((g) => g.scope.kind === 'all') ?? inScope[0];
  if (!grant)
    return {
      allowed: false,
      code: 'out-of-scope',
      reason: `${need}; you have it only on ${holding.map((g) => describeScope(g.scope)).join('; ')} — ${help}`,
    };

  const allowedBy = `allowed by your ${grant.role} role on ${describeScope(grant.scope)}`;
  if (!channel || !showsFindings(permission))
    return { allowed: true, via: toGrant(grant), delivery: 'in-channel', reason: allowedBy };

  const { findings, dms, elsewhere } = policy.channels;
  if ((channel.kind === 'dm' && dms) || findings.includes(channel.id))
    return { allowed: true, via: toGrant(grant), delivery: 'in-channel', reason: allowedBy };

  const places = findingsPlaces(findings, dms);
  if (elsewhere === 'private')
    return {
      allowed: true,
      via: toGrant(grant),
      delivery: 'private',
      reason: `${allowedBy}; findings are shown openly only in ${places || 'no channel'}, so only you can see this answer`,
    };
  return {
    allowed: false,
    code: 'channel-refused',
    reason: places
      ? `findings cannot be shown in this channel — ask in ${places}`
      : `findings cannot be shown in any channel under the current configuration — ${help}`,
  };
};

const whereText = (permission: Permission, account: AccountRef | undefined): string => {
  if (isGlobalPermission(permission)) return ' on all accounts (a role limited to some accounts does not grant it)';
  return account ? ` on ${describeAccount(account)}` : '';
};

export const describeAccount = (a: AccountRef): string =>
  a.name && a.name !== a.id ? `account ${a.id} (${a.name})` : `account ${a.id}`;

export const describeScope = (scope: Scope): string => {
  if (scope.kind === 'all') return 'all accounts';
  const parts = [
    ...(scope.accounts.length > 0 ? [`${plural('account', scope.accounts.length)} ${scope.accounts.join(', ')}`] : []),
    ...(scope.ous.length > 0 ? [`${plural('OU', scope.ous.length)} ${scope.ous.join(', ')}`] : []),
  ];
  return parts.join(' and ') || 'no account';
};

const findingsPlaces = (channels: readonly string[], dms: boolean): string =>
  [...channels.map((c) => `<#${c}>`), ...(dms ? ['a direct message with cloudsec'] : [])].join(', ');

const plural = (word: string, n: number): string => (n === 1 ? word : `${word}s`);
const uniqueRoles = (grants: readonly RoleGrant[]): string => [...new Set(grants.map((g) => g.role))].join(', ');
