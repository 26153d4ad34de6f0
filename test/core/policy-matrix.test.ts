import {
  PERMISSIONS,
  type AccessPolicy,
  type AccountRef,
  type Binding,
  type ChannelRef,
  type Permission,
} from '../../src/core/access/permissions';
import { authorize } from '../../src/core/access/policy';

/**
 * The authorization rules written out by hand, independently of src/core/policy.ts, and checked
 * for every built-in role × permission × account scope × channel.
 */

type Role = 'viewer' | 'responder' | 'approver' | 'admin';

// prettier-ignore
const ROLE_HAS: Record<Role, Record<Permission, boolean>> = {
  viewer:    { 'check:run': true, 'findings:read': true, 'remediation:request': false, 'remediation:approve': false, 'remediation:undo': false, 'exception:request': false, 'exception:approve': false, 'alert:read': true, 'alert:triage': false, 'digest:manage': false, 'audit:read': false, admin: false },
  responder: { 'check:run': true, 'findings:read': true, 'remediation:request': true,  'remediation:approve': false, 'remediation:undo': false, 'exception:request': true,  'exception:approve': false, 'alert:read': true, 'alert:triage': true, 'digest:manage': false, 'audit:read': false, admin: false },
  approver:  { 'check:run': true, 'findings:read': true, 'remediation:request': true,  'remediation:approve': true,  'remediation:undo': true,  'exception:request': true,  'exception:approve': true, 'alert:read': true, 'alert:triage': true,  'digest:manage': false, 'audit:read': false, admin: false },
  admin:     { 'check:run': true, 'findings:read': true, 'remediation:request': true,  'remediation:approve': true,  'remediation:undo': true,  'exception:request': true,  'exception:approve': true, 'alert:read': true, 'alert:triage': true,  'digest:manage': true,  'audit:read': true,  admin: true  },
};

/** About cloudsec itself, not an account: only a binding without a scope grants them. */
const CLOUDSEC_WIDE: Permission[] = ['admin', 'audit:read'];
/** Their answers show findings, so the channel policy applies. */
const SHOWS_FINDINGS: Permission[] = ['check:run', 'findings:read'];

const USER = 'U0ALICE001';
const PROD: AccountRef = { id: '111111111111', name: 'prod', ou: 'ou-ab12-prodprod', ouPath: ['ou-ab12-workload'] };

type ScopeCase = { name: string; scope: Pick<Binding, 'accounts' | 'ous'>; coversProd: boolean; unscoped: boolean };
const SCOPES: ScopeCase[] = [
  { name: 'unscoped', scope: {}, coversProd: true, unscoped: true },
  { name: 'scoped to this account id', scope: { accounts: ['111111111111'] }, coversProd: true, unscoped: false },
  {
    name: 'scoped to another account',
    scope: { accounts: ['222222222222', 'dev'] },
    coversProd: false,
    unscoped: false,
  },
  { name: 'scoped by account name', scope: { accounts: ['prod'] }, coversProd: true, unscoped: false },
  { name: "scoped by the account's OU", scope: { ous: ['ou-ab12-prodprod'] }, coversProd: true, unscoped: false },
  { name: 'scoped by a parent OU', scope: { ous: ['ou-ab12-workload'] }, coversProd: true, unscoped: false },
  { name: 'scoped by another OU', scope: { ous: ['ou-ab12-sandboxx'] }, coversProd: false, unscoped: false },
];

type ChannelCase = {
  name: string;
  channel: ChannelRef;
  channels: AccessPolicy['channels'];
  findings: 'in-channel' | 'private' | 'refused';
};
const CHANNELS: ChannelCase[] = [
  {
    name: 'a DM (DMs allowed)',
    channel: { id: 'D0DIRECT01', kind: 'dm' },
    channels: { findings: ['C0SECURITY'], dms: true, elsewhere: 'refuse' },
    findings: 'in-channel',
  },
  {
    name: 'an allowed channel',
    channel: { id: 'C0SECURITY', kind: 'private' },
    channels: { findings: ['C0SECURITY'], dms: false, elsewhere: 'refuse' },
    findings: 'in-channel',
  },
  {
    name: 'another channel, elsewhere=private',
    channel: { id: 'C0GENERAL1', kind: 'public' },
    channels: { findings: ['C0SECURITY'], dms: true, elsewhere: 'private' },
    findings: 'private',
  },
  {
    name: 'another channel, elsewhere=refuse',
    channel: { id: 'C0GENERAL1', kind: 'public' },
    channels: { findings: ['C0SECURITY'], dms: true, elsewhere: 'refuse' },
    findings: 'refused',
  },
  {
    name: 'a DM with DMs not allowed, elsewhere=refuse',
    channel: { id: 'D0DIRECT01', kind: 'dm' },
    channels: { findings: ['C0SECURITY'], dms: false, elsewhere: 'refuse' },
    findings: 'refused',
  },
];

type Expected = { allowed: true; delivery: 'in-channel' | 'private' } | { allowed: false; code: string };

const expectedFor = (role: Role, permission: Permission, scope: ScopeCase, channel: ChannelCase): Expected => {
  if (!ROLE_HAS[role][permission]) return { allowed: false, code: 'missing-permission' };
  const covered = CLOUDSEC_WIDE.includes(permission) ? scope.unscoped : scope.coversProd;
  if (!covered) return { allowed: false, code: 'out-of-scope' };
  if (!SHOWS_FINDINGS.includes(permission)) return { allowed: true, delivery: 'in-channel' };
  if (channel.findings === 'refused') return { allowed: false, code: 'channel-refused' };
  return { allowed: true, delivery: channel.findings };
};

const ROLES: Role[] = ['viewer', 'responder', 'approver', 'admin'];
const rows = ROLES.flatMap((role) =>
  PERMISSIONS.flatMap((permission) =>
    SCOPES.flatMap((scope) =>
      CHANNELS.map((channel) => ({
        role,
        permission,
        scope,
        channel,
        expected: expectedFor(role, permission, scope, channel),
      })),
    ),
  ),
);

describe('authorization matrix', () => {
  it('covers every built-in role, permission, scope and channel', () => {
    expect(rows).toHaveLength(4 * 12 * SCOPES.length * CHANNELS.length);
  });

  it.each(rows.map((r) => [r.role, r.scope.name, r.permission, r.channel.name, r.expected, r] as const))(
    'when a user bound as %s (%s) asks for %s on prod in %s, then the decision is %j',
    (_role, _scope, _permission, _channel, expected, { role, permission, scope, channel }) => {
      const policy: AccessPolicy = {
        roles: {},
        bindings: [{ role, users: [USER], ...scope.scope }],
        channels: channel.channels,
        accessHelp: '#sec-leads',
      };
      const decision = authorize(
        { actor: { userId: USER, groups: [] }, permission, account: PROD, channel: channel.channel },
        policy,
      );
      if (expected.allowed) {
        expect(decision).toMatchObject({ allowed: true, delivery: expected.delivery, via: { role, binding: 0 } });
      } else {
        expect(decision).toMatchObject({ allowed: false, code: expected.code });
      }
    },
  );
});
