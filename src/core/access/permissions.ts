/**
 * The vocabulary of cloudsec's authorization: permissions, built-in roles, and the shape of the
 * access policy that cloudsec.yml describes. Pure data; `policy.ts` makes the decisions.
 */

/**
 * `exception:request` asks to accept a risk; `exception:approve` approves, denies, revokes an
 * accepted risk and approves its extension. Both are account permissions, like `remediation:*`: a
 * scoped binding grants them on its accounts only (an exception covering every account, `*`, can
 * therefore be approved only through an unscoped binding).
 *
 * `alert:read` sees CloudTrail alerts (`/cloudsec alerts`, the cards' details) and who changed a
 * resource (`/cloudsec who`, "Who did this?"; asked by finding id, seeing the finding as well);
 * `alert:triage` acknowledges, assigns, resolves, marks false positive, re-checks and asks the actor.
 * Undo is a remediation request (`remediation:request`), approved like any other. Both are account
 * permissions: a scoped user sees and triages only their accounts' alerts.
 */
export const PERMISSIONS = [
  'check:run',
  'findings:read',
  'remediation:request',
  'remediation:approve',
  'remediation:undo',
  'exception:request',
  'exception:approve',
  'alert:read',
  'alert:triage',
  'digest:manage',
  'audit:read',
  'admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Permissions about cloudsec itself rather than an AWS account. A binding scoped to accounts or
 * OUs never grants them: an admin of the dev account must not be able to rewrite everyone's access
 * or read the whole audit log.
 */
export const GLOBAL_PERMISSIONS: readonly Permission[] = ['admin', 'audit:read'];
export const isGlobalPermission = (p: Permission): boolean => GLOBAL_PERMISSIONS.includes(p);

/** Permissions whose answers show findings, so the channel policy decides where they may appear. */
export const FINDINGS_PERMISSIONS: readonly Permission[] = ['findings:read', 'check:run'];
export const showsFindings = (p: Permission): boolean => FINDINGS_PERMISSIONS.includes(p);

/**
 * Built-in roles. Each includes the one before it, except `admin`, which holds every permission.
 * - `viewer`: run checks, read findings and alerts.
 * - `responder`: viewer + ask for a remediation or to accept a risk (someone else approves either),
 *   triage alerts (acknowledge, assign, resolve, false positive, re-check, ask the actor).
 * - `approver`: responder + approve remediations and undo them; approve, deny, revoke accepted
 *   risks and approve their extensions.
 * - `admin`: everything, including digests, the audit log and the access listing.
 */
const VIEWER: readonly Permission[] = ['findings:read', 'check:run', 'alert:read'];
const RESPONDER: readonly Permission[] = [...VIEWER, 'remediation:request', 'exception:request', 'alert:triage'];
const APPROVER: readonly Permission[] = [...RESPONDER, 'remediation:approve', 'remediation:undo', 'exception:approve'];

export const BUILT_IN_ROLES = {
  viewer: VIEWER,
  responder: RESPONDER,
  approver: APPROVER,
  admin: PERMISSIONS,
} as const satisfies Record<string, readonly Permission[]>;
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;
export const BUILT_IN_ROLE_NAMES = Object.keys(BUILT_IN_ROLES) as BuiltInRole[];

export const isBuiltInRole = (name: string): name is BuiltInRole => Object.hasOwn(BUILT_IN_ROLES, name);

/** Commands anyone may use, bound or not: they reveal nothing but the asker's own access. */
export const OPEN_COMMANDS = ['help', 'whoami'] as const;
export const isOpenCommand = (command: string): boolean => (OPEN_COMMANDS as readonly string[]).includes(command);

/** One role binding: who (users and/or user groups) gets a role, and where (all accounts when unscoped). */
export interface Binding {
  role: string;
  /** Slack user ids. */
  users?: readonly string[];
  /** Slack user-group (subteam) ids. */
  groups?: readonly string[];
  /** Account ids or account names. */
  accounts?: readonly string[];
  /** Organization OU ids; an account matches when the OU is on its path. */
  ous?: readonly string[];
}

export interface ChannelPolicy {
  /** Channels where findings may be shown to everyone in them. */
  findings: readonly string[];
  /** Direct messages with the bot count as an allowed place. */
  dms: boolean;
  /** Anywhere else: answer the asker only (`private`), or not at all (`refuse`). */
  elsewhere: 'private' | 'refuse';
}

/** The access part of cloudsec.yml, as validated by `src/access-config.ts`. */
export interface AccessPolicy {
  /** Custom roles; built-in names are not allowed here. */
  roles: Readonly<Record<string, readonly Permission[]>>;
  bindings: readonly Binding[];
  channels: ChannelPolicy;
  /** Where to ask for access (a channel, a person); quoted in denial reasons. */
  accessHelp?: string | undefined;
}

export const DEFAULT_CHANNEL_POLICY: ChannelPolicy = { findings: [], dms: true, elsewhere: 'private' };

/** Who is asking: a Slack user and the user groups (among those named in bindings) they belong to. */
export interface Actor {
  userId: string;
  groups: readonly string[];
}

/** The account a request is about. `ouPath` (outermost first) lets a binding on a parent OU match. */
export interface AccountRef {
  id: string;
  name: string;
  /** Innermost OU id. */
  ou?: string | undefined;
  ouPath?: readonly string[] | undefined;
}

export type ChannelKind = 'dm' | 'private' | 'public';
export interface ChannelRef {
  id: string;
  kind: ChannelKind;
}

/** Permissions of a role, built-in or custom; empty for an unknown name (config validation rejects those). */
export const permissionsOfRole = (role: string, policy: Pick<AccessPolicy, 'roles'>): readonly Permission[] =>
  isBuiltInRole(role) ? BUILT_IN_ROLES[role] : (policy.roles[role] ?? []);

export const roleNames = (policy: Pick<AccessPolicy, 'roles'>): string[] => [
  ...BUILT_IN_ROLE_NAMES,
  ...Object.keys(policy.roles).filter((r) => !isBuiltInRole(r)),
];
