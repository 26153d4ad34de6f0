import {
  BUILT_IN_ROLES,
  isOpenCommand,
  PERMISSIONS,
  type AccessPolicy,
  type AccountRef,
  type Binding,
} from '../../src/core/access/permissions';
import { accountsVisibleTo, authorize, groupsNamedIn, permissionsOf, rolesOf } from '../../src/core/access/policy';

const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
const PROD: AccountRef = { id: '111111111111', name: 'prod', ou: 'ou-ab12-prodprod' };
const DEV: AccountRef = { id: '222222222222', name: 'dev', ou: 'ou-ab12-devdevde' };
const SANDBOX: AccountRef = { id: '333333333333', name: 'sandbox' };

const policyWith = (bindings: Binding[], extra: Partial<AccessPolicy> = {}): AccessPolicy => ({
  roles: {},
  bindings,
  channels: { findings: ['C0SECURITY'], dms: true, elsewhere: 'private' },
  accessHelp: '#sec-leads',
  ...extra,
});
const alice = { userId: ALICE, groups: [] as string[] };

describe('built-in roles', () => {
  it('when listed, then each includes the one before it and admin holds every permission', () => {
    expect(BUILT_IN_ROLES.viewer).toEqual(expect.arrayContaining(['check:run', 'findings:read']));
    expect(BUILT_IN_ROLES.responder).toEqual(
      expect.arrayContaining([...BUILT_IN_ROLES.viewer, 'remediation:request', 'exception:request']),
    );
    expect(BUILT_IN_ROLES.approver).toEqual(
      expect.arrayContaining([
        ...BUILT_IN_ROLES.responder,
        'remediation:approve',
        'remediation:undo',
        'exception:approve',
      ]),
    );
    expect([...BUILT_IN_ROLES.admin].sort()).toEqual([...PERMISSIONS].sort());
  });
});

describe('deny by default', () => {
  it.each(PERMISSIONS)('when a user with no binding asks for %s, then it is denied with no-role', (permission) => {
    const decision = authorize(
      { actor: alice, permission, account: PROD },
      policyWith([{ role: 'admin', users: [BOB] }]),
    );
    expect(decision).toMatchObject({ allowed: false, code: 'no-role' });
  });

  it('when there are no bindings at all, then even check:run in a DM is denied', () => {
    const decision = authorize(
      { actor: alice, permission: 'check:run', channel: { id: 'D0DIRECT01', kind: 'dm' } },
      policyWith([]),
    );
    expect(decision.allowed).toBe(false);
  });

  it('when a user has no binding, then the reason says help and whoami still work and where to ask', () => {
    const decision = authorize({ actor: alice, permission: 'check:run', account: PROD }, policyWith([]));
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('check:run');
    expect(decision.reason).toContain('help and whoami');
    expect(decision.reason).toContain('#sec-leads');
  });

  it.each([
    ['help', true],
    ['whoami', true],
    ['check', false],
    ['access', false],
    ['audit', false],
  ])('when the command is %s, then isOpenCommand is %s', (command, open) => {
    expect(isOpenCommand(command)).toBe(open);
  });

  it('when the binding names an unknown role, then it grants nothing', () => {
    const decision = authorize(
      { actor: alice, permission: 'findings:read', account: PROD },
      policyWith([{ role: 'ghost', users: [ALICE] }]),
    );
    expect(decision).toMatchObject({ allowed: false, code: 'missing-permission' });
  });
});

describe('reasons', () => {
  it('when the role lacks the permission, then the reason names the permission, the account, the role and accessHelp', () => {
    const decision = authorize(
      { actor: alice, permission: 'remediation:approve', account: PROD },
      policyWith([{ role: 'responder', users: [ALICE] }]),
    );
    expect(decision).toEqual({
      allowed: false,
      code: 'missing-permission',
      reason:
        'you need remediation:approve on account 111111111111 (prod); your role (responder) does not include it — ask #sec-leads',
    });
  });

  it('when the permission is held on other accounts only, then the reason says where it is held', () => {
    const decision = authorize(
      { actor: alice, permission: 'remediation:approve', account: PROD },
      policyWith([{ role: 'approver', users: [ALICE], accounts: ['dev'], ous: ['ou-ab12-sandboxx'] }]),
    );
    expect(decision).toEqual({
      allowed: false,
      code: 'out-of-scope',
      reason:
        'you need remediation:approve on account 111111111111 (prod); you have it only on account dev and OU ou-ab12-sandboxx — ask #sec-leads',
    });
  });

  it('when a responder asks to approve an accepted risk, then it is refused naming exception:approve; asking for one is allowed', () => {
    const policy = policyWith([{ role: 'responder', users: [ALICE] }]);
    expect(authorize({ actor: alice, permission: 'exception:approve', account: PROD }, policy)).toEqual({
      allowed: false,
      code: 'missing-permission',
      reason:
        'you need exception:approve on account 111111111111 (prod); your role (responder) does not include it — ask #sec-leads',
    });
    expect(authorize({ actor: alice, permission: 'exception:request', account: PROD }, policy).allowed).toBe(true);
  });

  it('when an approver is scoped to dev, then they may approve accepted risks on dev only', () => {
    const policy = policyWith([{ role: 'approver', users: [ALICE], accounts: ['dev'] }]);
    expect(authorize({ actor: alice, permission: 'exception:approve', account: DEV }, policy).allowed).toBe(true);
    expect(authorize({ actor: alice, permission: 'exception:approve', account: PROD }, policy)).toMatchObject({
      allowed: false,
      code: 'out-of-scope',
    });
    expect(accountsVisibleTo(alice, 'exception:approve', [PROD, DEV, SANDBOX], policy)).toEqual([DEV]);
  });

  it('when admin is asked for with a scoped admin binding, then the reason says a scoped role does not grant it', () => {
    const decision = authorize(
      { actor: alice, permission: 'admin' },
      policyWith([{ role: 'admin', users: [ALICE], accounts: ['prod'] }]),
    );
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('you need admin on all accounts');
  });

  it('when accessHelp is not configured, then denials point to a cloudsec admin', () => {
    const decision = authorize(
      { actor: alice, permission: 'audit:read' },
      policyWith([{ role: 'viewer', users: [ALICE] }], { accessHelp: undefined }),
    );
    expect(decision.reason).toMatch(/ask a cloudsec admin$/);
  });

  it('when findings are refused in a channel, then the reason names where to ask instead', () => {
    const decision = authorize(
      { actor: alice, permission: 'findings:read', account: PROD, channel: { id: 'C0GENERAL1', kind: 'public' } },
      policyWith([{ role: 'viewer', users: [ALICE] }], {
        channels: { findings: ['C0SECURITY'], dms: true, elsewhere: 'refuse' },
      }),
    );
    expect(decision).toEqual({
      allowed: false,
      code: 'channel-refused',
      reason: 'findings cannot be shown in this channel — ask in <#C0SECURITY>, a direct message with cloudsec',
    });
  });

  it('when no place may show findings and elsewhere is refuse, then the reason says to ask for access help', () => {
    const decision = authorize(
      { actor: alice, permission: 'findings:read', channel: { id: 'D0DIRECT01', kind: 'dm' } },
      policyWith([{ role: 'viewer', users: [ALICE] }], { channels: { findings: [], dms: false, elsewhere: 'refuse' } }),
    );
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('#sec-leads');
  });

  it('when findings are answered privately, then the allowed decision says why', () => {
    const decision = authorize(
      { actor: alice, permission: 'check:run', account: PROD, channel: { id: 'C0GENERAL1', kind: 'public' } },
      policyWith([{ role: 'viewer', users: [ALICE] }]),
    );
    expect(decision).toMatchObject({ allowed: true, delivery: 'private' });
    expect(decision.reason).toContain('only you can see this answer');
  });
});

describe('channel policy', () => {
  it('when a permission does not show findings, then any channel is fine', () => {
    const decision = authorize(
      {
        actor: alice,
        permission: 'remediation:request',
        account: PROD,
        channel: { id: 'C0GENERAL1', kind: 'public' },
      },
      policyWith([{ role: 'responder', users: [ALICE] }], {
        channels: { findings: [], dms: false, elsewhere: 'refuse' },
      }),
    );
    expect(decision).toMatchObject({ allowed: true, delivery: 'in-channel' });
  });

  it('when there is no channel (CLI, scheduler), then findings are delivered as asked', () => {
    const decision = authorize(
      { actor: alice, permission: 'findings:read', account: PROD },
      policyWith([{ role: 'viewer', users: [ALICE] }], { channels: { findings: [], dms: false, elsewhere: 'refuse' } }),
    );
    expect(decision).toMatchObject({ allowed: true, delivery: 'in-channel' });
  });
});

describe('custom roles', () => {
  const auditorPolicy = policyWith([{ role: 'auditor', users: [ALICE] }], {
    roles: { auditor: ['findings:read', 'audit:read'] },
  });

  it.each([
    ['findings:read', true],
    ['audit:read', true],
    ['check:run', false],
    ['remediation:request', false],
    ['admin', false],
  ] as const)('when an auditor asks for %s, then allowed is %s', (permission, allowed) => {
    expect(authorize({ actor: alice, permission, account: PROD }, auditorPolicy).allowed).toBe(allowed);
  });
});

describe('group-based bindings', () => {
  const policy = policyWith([
    { role: 'viewer', groups: ['S0SECTEAM1'] },
    { role: 'approver', groups: ['S0SECLEADS'], accounts: ['prod'] },
  ]);

  it('when the user is in the bound group, then the decision says it came through that group', () => {
    const decision = authorize(
      { actor: { userId: ALICE, groups: ['S0SECLEADS'] }, permission: 'remediation:approve', account: PROD },
      policy,
    );
    expect(decision).toMatchObject({
      allowed: true,
      via: { role: 'approver', binding: 1, subject: { group: 'S0SECLEADS' }, scope: { kind: 'limited' } },
    });
  });

  it('when the user is not in the group, then the binding does not apply', () => {
    const decision = authorize(
      { actor: { userId: ALICE, groups: ['S0SECTEAM1'] }, permission: 'remediation:approve', account: PROD },
      policy,
    );
    expect(decision).toMatchObject({ allowed: false, code: 'missing-permission' });
  });

  it('when group and scoped bindings combine, then each account gets the union of what applies there', () => {
    const actor = { userId: ALICE, groups: ['S0SECTEAM1', 'S0SECLEADS'] };
    expect(permissionsOf(actor, policy, PROD)).toEqual([
      'check:run',
      'findings:read',
      'remediation:request',
      'remediation:approve',
      'remediation:undo',
      'exception:request',
      'exception:approve',
      'alert:read',
      'alert:triage',
    ]);
    expect(permissionsOf(actor, policy, DEV)).toEqual(['check:run', 'findings:read', 'alert:read']);
  });

  it('when groups are listed, then groupsNamedIn returns each once', () => {
    expect(
      groupsNamedIn(policyWith([...policy.bindings, { role: 'admin', groups: ['S0SECLEADS'], users: [BOB] }])),
    ).toEqual(['S0SECTEAM1', 'S0SECLEADS']);
  });
});

describe('requests without an account', () => {
  it('when the actor holds an account permission somewhere, then it is allowed with the scope that allowed it', () => {
    const decision = authorize(
      { actor: alice, permission: 'check:run' },
      policyWith([{ role: 'viewer', users: [ALICE], accounts: ['dev'] }]),
    );
    expect(decision).toMatchObject({ allowed: true, via: { scope: { kind: 'limited', accounts: ['dev'] } } });
  });

  it('when both a scoped and an unscoped binding grant it, then via names the unscoped one', () => {
    const decision = authorize(
      { actor: alice, permission: 'check:run' },
      policyWith([
        { role: 'viewer', users: [ALICE], accounts: ['dev'] },
        { role: 'viewer', users: [ALICE] },
      ]),
    );
    expect(decision).toMatchObject({ allowed: true, via: { binding: 1, scope: { kind: 'all' } } });
  });
});

describe('rolesOf, permissionsOf, accountsVisibleTo', () => {
  const policy = policyWith([
    { role: 'viewer', users: [ALICE] },
    { role: 'approver', users: [ALICE], ous: ['ou-ab12-prodprod'] },
    { role: 'admin', users: [BOB] },
  ]);

  it('when asked for roles, then only the bindings naming the actor come back, with their scopes', () => {
    expect(rolesOf(alice, policy)).toEqual([
      expect.objectContaining({ role: 'viewer', binding: 0, scope: { kind: 'all' }, subject: { user: ALICE } }),
      expect.objectContaining({
        role: 'approver',
        binding: 1,
        scope: { kind: 'limited', accounts: [], ous: ['ou-ab12-prodprod'] },
      }),
    ]);
  });

  it('when no account is given, then permissionsOf lists what is held on every account', () => {
    expect(permissionsOf(alice, policy)).toEqual(['check:run', 'findings:read', 'alert:read']);
  });

  it('when an account-scoped admin asks, then admin and audit:read are not among its permissions', () => {
    const scopedAdmin = policyWith([{ role: 'admin', users: [ALICE], accounts: ['prod'] }]);
    expect(permissionsOf(alice, scopedAdmin, PROD)).toEqual([
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
    ]);
  });

  it('when filtering accounts, then only those where the permission is held remain, in input order', () => {
    expect(accountsVisibleTo(alice, 'remediation:approve', [SANDBOX, PROD, DEV], policy)).toEqual([PROD]);
    expect(accountsVisibleTo(alice, 'findings:read', [SANDBOX, PROD, DEV], policy)).toEqual([SANDBOX, PROD, DEV]);
    expect(accountsVisibleTo({ userId: 'U0NOBODY01', groups: [] }, 'findings:read', [PROD], policy)).toEqual([]);
  });

  it('when a binding names an account by name, then the id of that account does not need to be known', () => {
    const byName = policyWith([{ role: 'viewer', users: [ALICE], accounts: ['sandbox'] }]);
    expect(accountsVisibleTo(alice, 'check:run', [SANDBOX, PROD], byName)).toEqual([SANDBOX]);
  });
});
