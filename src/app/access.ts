import {
  isBuiltInRole,
  OPEN_COMMANDS,
  permissionsOfRole,
  roleNames,
  type AccessPolicy,
  type AccountRef,
  type Actor,
  type ChannelPolicy,
  type Permission,
} from '../core/access/permissions';
import {
  accountsVisibleTo,
  describeAccount,
  describeScope,
  permissionsOf,
  rolesOf,
  scopeOf,
  type Grant,
  type Scope,
} from '../core/access/policy';
import { suggest } from '../core/suggest';

/**
 * `/cloudsec whoami` (open to everyone) and `/cloudsec access` (admin): the data, and a plain-text
 * rendering for the CLI and the console. Slack builds Block Kit from the same data.
 */

export interface RoleSummary {
  role: string;
  binding: number;
  permissions: readonly Permission[];
  scope: Scope;
  subject: Grant['subject'];
}

export interface AccountPermissions {
  id: string;
  name: string;
  permissions: Permission[];
}

export interface Whoami {
  userId: string;
  groups: readonly string[];
  roles: RoleSummary[];
  /** Held on every account, including the cloudsec-wide `admin` and `audit:read`. */
  everywhere: Permission[];
  /** The known accounts the user holds at least one permission on; no other account is named. */
  accounts: AccountPermissions[];
  channels: ChannelPolicy;
  /** What anyone may use, role or not. */
  openCommands: readonly string[];
  accessHelp: string | null;
  /** E.g. user groups that could not be read from Slack, so roles may be missing. */
  warnings: readonly string[];
}

export const whoami = (
  actor: Actor,
  access: AccessPolicy,
  accounts: readonly AccountRef[],
  options: { warnings?: readonly string[] } = {},
): Whoami => ({
  userId: actor.userId,
  groups: actor.groups,
  roles: rolesOf(actor, access).map(({ role, binding, permissions, scope, subject }) => ({
    role,
    binding,
    permissions,
    scope,
    subject,
  })),
  everywhere: permissionsOf(actor, access),
  // Only accounts the user holds something on: the others are not theirs to learn about.
  accounts: accounts
    .map((a) => ({ id: a.id, name: a.name, permissions: permissionsOf(actor, access, a) }))
    .filter((a) => a.permissions.length > 0),
  channels: access.channels,
  openCommands: OPEN_COMMANDS,
  accessHelp: access.accessHelp ?? null,
  warnings: options.warnings ?? [],
});

/** An account named in a command (id or name), as the asker may know it; or why it is not one. */
export type NamedAccount = { ok: true; account: AccountRef } | { ok: false; reason: string };

/** Enough accounts to find one's own; a large organization is not listed whole in an error. */
const LISTED_ACCOUNTS = 20;

/**
 * Resolves an account named in a command among the accounts the actor holds `permission` on, so
 * neither the answer nor the suggestion reveals the others: an account outside their scope reads
 * exactly like one that does not exist. A 12-digit id stands for itself (the policy then decides
 * on the id alone, never showing the name of an account the asker may not see).
 */
export const resolveNamedAccount = (
  word: string,
  actor: Actor,
  permission: Permission,
  known: readonly AccountRef[],
  access: AccessPolicy,
): NamedAccount => {
  const visible = accountsVisibleTo(actor, permission, known, access);
  const match = visible.find((a) => a.id === word || a.name.toLowerCase() === word.toLowerCase());
  if (match) return { ok: true, account: match };
  if (/^\d{12}$/.test(word)) return { ok: true, account: { id: word, name: word } };
  const near = suggest(
    word,
    visible.map((a) => a.name),
  );
  const shown = visible.slice(0, LISTED_ACCOUNTS).map(describeAccount);
  const more = visible.length - shown.length;
  return {
    ok: false,
    reason: [
      `"${word}" is not an account you may see with ${permission}.`,
      ...(near ? [`Did you mean \`${near}\`?`] : []),
      visible.length > 0
        ? `Accounts you may see: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`
        : 'You may see no account.',
      `For access to another account, ask ${access.accessHelp ?? 'a cloudsec admin'}.`,
    ].join(' '),
  };
};

export interface RoleDefinition {
  name: string;
  builtIn: boolean;
  permissions: readonly Permission[];
}

export interface BindingSummary {
  index: number;
  role: string;
  permissions: readonly Permission[];
  users: readonly string[];
  groups: readonly string[];
  scope: Scope;
}

export interface AccessListing {
  roles: RoleDefinition[];
  bindings: BindingSummary[];
  channels: ChannelPolicy;
  accessHelp: string | null;
}

export const listBindings = (access: AccessPolicy): AccessListing => ({
  roles: roleNames(access).map((name) => ({
    name,
    builtIn: isBuiltInRole(name),
    permissions: permissionsOfRole(name, access),
  })),
  bindings: access.bindings.map((b, index) => ({
    index,
    role: b.role,
    permissions: permissionsOfRole(b.role, access),
    users: b.users ?? [],
    groups: b.groups ?? [],
    scope: scopeOf(b),
  })),
  channels: access.channels,
  accessHelp: access.accessHelp ?? null,
});

// ---------------------------------------------------------------- plain text

const list = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : 'none');

const subjectText = (s: Grant['subject']): string => ('user' in s ? 'you are listed' : `via group ${s.group}`);

const accountText = (a: { id: string; name: string }): string =>
  a.name && a.name !== a.id ? `${a.id} (${a.name})` : a.id;

export const describeChannelPolicy = (c: ChannelPolicy): string => {
  const places = [...c.findings, ...(c.dms ? ['direct messages'] : [])];
  const elsewhere = c.elsewhere === 'private' ? 'answered only to the person who asked' : 'refused';
  return places.length > 0
    ? `Findings are shown in ${places.join(', ')}; anywhere else they are ${elsewhere}.`
    : `Findings are not shown openly in any channel; requests for them are ${elsewhere}.`;
};

export const renderWhoamiText = (w: Whoami): string => {
  const lines = [`You are ${w.userId}${w.groups.length > 0 ? ` (user groups: ${w.groups.join(', ')})` : ''}.`];
  if (w.roles.length === 0) {
    lines.push(
      `You have no cloudsec role, so you can use only ${w.openCommands.join(' and ')}.`,
      `To get access, ask ${w.accessHelp ?? 'a cloudsec admin'}.`,
    );
  } else {
    lines.push('Roles:');
    for (const r of w.roles)
      lines.push(`  - ${r.role} on ${describeScope(r.scope)} (${subjectText(r.subject)}): ${list(r.permissions)}`);
    lines.push(`On every account: ${list(w.everywhere)}`);
    const byPermissions = groupAccountsByPermissions(w.accounts);
    if (byPermissions.length > 0) {
      lines.push('By account:');
      for (const [permissions, accounts] of byPermissions)
        lines.push(`  - ${accounts.map(accountText).join(', ')}: ${list(permissions)}`);
    }
  }
  lines.push(describeChannelPolicy(w.channels));
  for (const warning of w.warnings) lines.push(`Warning: ${warning}`);
  return lines.join('\n');
};

/** Large organizations have many accounts with the same rights: one line per distinct set. */
const groupAccountsByPermissions = (
  accounts: readonly AccountPermissions[],
): [readonly Permission[], AccountPermissions[]][] => {
  const groups = new Map<string, [readonly Permission[], AccountPermissions[]]>();
  for (const a of accounts) {
    const key = a.permissions.join(',');
    const entry = groups.get(key);
    if (entry) entry[1].push(a);
    else groups.set(key, [a.permissions, [a]]);
  }
  return [...groups.values()];
};

export const renderBindingsText = (listing: AccessListing): string => {
  const lines = ['Roles:'];
  for (const r of listing.roles) lines.push(`  - ${r.name}${r.builtIn ? '' : ' (custom)'}: ${list(r.permissions)}`);
  lines.push('Bindings:');
  if (listing.bindings.length === 0) lines.push('  none: nobody has a role, so everyone can use only help and whoami');
  for (const b of listing.bindings) {
    const who = [...b.users.map((u) => `user ${u}`), ...b.groups.map((g) => `group ${g}`)].join(', ');
    lines.push(`  [${b.index}] ${b.role} on ${describeScope(b.scope)}: ${who}`);
  }
  lines.push(describeChannelPolicy(listing.channels));
  lines.push(`Access requests: ${listing.accessHelp ?? 'not configured (denials say "ask a cloudsec admin")'}`);
  return lines.join('\n');
};
