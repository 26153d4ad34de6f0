import { listBindings, renderBindingsText, renderWhoamiText, resolveNamedAccount, whoami } from '../../src/app/access';
import type { AccessPolicy, AccountRef } from '../../src/core/access/permissions';

const ALICE = 'U0ALICE001';
const PROD: AccountRef = { id: '111111111111', name: 'prod', ou: 'ou-ab12-prodprod' };
const DEV: AccountRef = { id: '222222222222', name: 'dev' };
const SANDBOX: AccountRef = { id: '333333333333', name: 'sandbox' };

const access: AccessPolicy = {
  roles: { auditor: ['findings:read', 'audit:read'] },
  bindings: [
    { role: 'viewer', groups: ['S0SECTEAM1'] },
    { role: 'approver', users: [ALICE], accounts: ['prod'], ous: ['ou-ab12-devdevde'] },
    { role: 'admin', users: ['U0BOB00001'] },
    { role: 'auditor', groups: ['S0AUDIT001'] },
  ],
  channels: { findings: ['C0SECURITY'], dms: true, elsewhere: 'private' },
  accessHelp: '#sec-leads',
};

describe('whoami', () => {
  it('when the user has roles directly and through a group, then each appears with its scope and source', () => {
    const result = whoami({ userId: ALICE, groups: ['S0SECTEAM1'] }, access, [PROD, DEV, SANDBOX]);
    expect(result).toMatchObject({
      userId: ALICE,
      groups: ['S0SECTEAM1'],
      roles: [
        { role: 'viewer', binding: 0, scope: { kind: 'all' }, subject: { group: 'S0SECTEAM1' } },
        {
          role: 'approver',
          binding: 1,
          scope: { kind: 'limited', accounts: ['prod'], ous: ['ou-ab12-devdevde'] },
          subject: { user: ALICE },
        },
      ],
      everywhere: ['check:run', 'findings:read', 'alert:read'],
      accessHelp: '#sec-leads',
    });
  });

  it('when accounts are given, then the effective permissions are listed per account', () => {
    const result = whoami({ userId: ALICE, groups: ['S0SECTEAM1'] }, access, [PROD, DEV]);
    expect(result.accounts).toEqual([
      {
        id: '111111111111',
        name: 'prod',
        permissions: [
          'check:run',
          'findings:read',
          'remediation:request',
          'remediation:approve',
          'remediation:undo',
          'exception:request',
          'exception:approve',
          'alert:read',
          'alert:triage',
        ],
      },
      { id: '222222222222', name: 'dev', permissions: ['check:run', 'findings:read', 'alert:read'] },
    ]);
  });

  it('when rendered as text, then accounts with the same permissions share a line and the channel policy is stated', () => {
    const text = renderWhoamiText(
      whoami({ userId: ALICE, groups: ['S0SECTEAM1'] }, access, [PROD, DEV, SANDBOX], {
        warnings: ['could not read user group S0AUDIT001 (missing_scope)'],
      }),
    );
    expect(text).toBe(
      [
        'You are U0ALICE001 (user groups: S0SECTEAM1).',
        'Roles:',
        '  - viewer on all accounts (via group S0SECTEAM1): findings:read, check:run, alert:read',
        '  - approver on account prod and OU ou-ab12-devdevde (you are listed): findings:read, check:run, alert:read, remediation:request, exception:request, alert:triage, remediation:approve, remediation:undo, exception:approve',
        'On every account: check:run, findings:read, alert:read',
        'By account:',
        '  - 111111111111 (prod): check:run, findings:read, remediation:request, remediation:approve, remediation:undo, exception:request, exception:approve, alert:read, alert:triage',
        '  - 222222222222 (dev), 333333333333 (sandbox): check:run, findings:read, alert:read',
        'Findings are shown in C0SECURITY, direct messages; anywhere else they are answered only to the person who asked.',
        'Warning: could not read user group S0AUDIT001 (missing_scope)',
      ].join('\n'),
    );
  });

  it('when the user has no role, then whoami says only help and whoami are available and where to ask', () => {
    const result = whoami({ userId: 'U0NOBODY01', groups: [] }, access, [PROD]);
    expect(result.roles).toEqual([]);
    expect(result.accounts).toEqual([]);
    expect(renderWhoamiText(result)).toBe(
      [
        'You are U0NOBODY01.',
        'You have no cloudsec role, so you can use only help and whoami.',
        'To get access, ask #sec-leads.',
        'Findings are shown in C0SECURITY, direct messages; anywhere else they are answered only to the person who asked.',
      ].join('\n'),
    );
  });

  it('when only an account-scoped admin binding applies, then admin and audit:read are absent everywhere', () => {
    const scoped: AccessPolicy = { ...access, bindings: [{ role: 'admin', users: [ALICE], accounts: ['prod'] }] };
    const result = whoami({ userId: ALICE, groups: [] }, scoped, [PROD]);
    expect(result.everywhere).toEqual([]);
    expect(result.accounts[0]?.permissions).not.toContain('admin');
    expect(result.accounts[0]?.permissions).toContain('digest:manage');
  });
});

describe('whoami names only the accounts the user may see', () => {
  it('when a user holds a role on one account only, then the others are not listed', () => {
    const scoped: AccessPolicy = { ...access, bindings: [{ role: 'viewer', users: [ALICE], accounts: ['dev'] }] };

    const result = whoami({ userId: ALICE, groups: [] }, scoped, [PROD, DEV, SANDBOX]);

    expect(result.accounts.map((a) => a.id)).toEqual([DEV.id]);
    expect(renderWhoamiText(result)).not.toContain(PROD.id);
    expect(renderWhoamiText(result)).not.toContain(SANDBOX.id);
  });

  it('when a user holds a role on an OU, then the accounts under it (nested) are listed', () => {
    const scoped: AccessPolicy = {
      ...access,
      bindings: [{ role: 'viewer', users: [ALICE], ous: ['ou-ab12-workload'] }],
    };
    const nested: AccountRef = { ...DEV, ou: 'ou-ab12-devdevde', ouPath: ['ou-ab12-workload', 'ou-ab12-devdevde'] };

    const result = whoami({ userId: ALICE, groups: [] }, scoped, [PROD, nested, SANDBOX]);

    expect(result.accounts.map((a) => a.id)).toEqual([DEV.id]);
  });

  it('when an unscoped admin asks, then every account is listed', () => {
    const result = whoami({ userId: 'U0BOB00001', groups: [] }, access, [PROD, DEV, SANDBOX]);

    expect(result.accounts.map((a) => a.id)).toEqual([PROD.id, DEV.id, SANDBOX.id]);
  });
});

describe('resolveNamedAccount', () => {
  const scoped: AccessPolicy = {
    ...access,
    bindings: [
      { role: 'viewer', users: [ALICE], accounts: ['dev'] },
      { role: 'admin', users: ['U0BOB00001'] },
    ],
  };
  const resolve = (word: string, userId = ALICE) =>
    resolveNamedAccount(word, { userId, groups: [] }, 'check:run', [PROD, DEV, SANDBOX], scoped);

  it('when the user names an account they may see, by name or id, then it resolves to it', () => {
    expect(resolve('DEV')).toEqual({ ok: true, account: DEV });
    expect(resolve(DEV.id)).toEqual({ ok: true, account: DEV });
  });

  it('when the user names an account outside their scope, then the answer is the one for an account that does not exist', () => {
    const outside = resolve('prod');
    const missing = resolve('nope');

    expect(outside).toEqual({ ok: false, reason: expect.stringContaining('"prod" is not an account you may see') });
    expect(!outside.ok && outside.reason.replace('"prod"', '"x"')).toBe(
      !missing.ok && missing.reason.replace('"nope"', '"x"'),
    );
    expect(!outside.ok && outside.reason).toContain('Accounts you may see: account 222222222222 (dev).');
    expect(!outside.ok && outside.reason).not.toContain(PROD.id);
  });

  it('when the user names the id of an account outside their scope, then it stands for itself, without the account’s name', () => {
    expect(resolve(PROD.id)).toEqual({ ok: true, account: { id: PROD.id, name: PROD.id } });
  });

  it('when a user with no role names an account, then no account is listed or suggested', () => {
    const result = resolve('prdo', 'U0NOBODY01');

    expect(result).toEqual({ ok: false, reason: expect.stringContaining('You may see no account.') });
    expect(!result.ok && result.reason).not.toMatch(/prod|dev|sandbox|\d{12}/);
  });

  it('when an admin misspells an account, then the nearest one is suggested', () => {
    expect(resolve('prdo', 'U0BOB00001')).toEqual({
      ok: false,
      reason: expect.stringContaining('Did you mean `prod`?'),
    });
  });
});

describe('listBindings', () => {
  it('when listed, then built-in and custom roles come with their permissions and bindings keep their index', () => {
    const listing = listBindings(access);
    expect(listing.roles.map((r) => [r.name, r.builtIn])).toEqual([
      ['viewer', true],
      ['responder', true],
      ['approver', true],
      ['admin', true],
      ['auditor', false],
    ]);
    expect(listing.bindings[1]).toEqual({
      index: 1,
      role: 'approver',
      permissions: [
        'findings:read',
        'check:run',
        'alert:read',
        'remediation:request',
        'exception:request',
        'alert:triage',
        'remediation:approve',
        'remediation:undo',
        'exception:approve',
      ],
      users: [ALICE],
      groups: [],
      scope: { kind: 'limited', accounts: ['prod'], ous: ['ou-ab12-devdevde'] },
    });
  });

  it('when rendered as text, then every binding shows its role, scope and subjects', () => {
    expect(renderBindingsText(listBindings(access))).toBe(
      [
        'Roles:',
        '  - viewer: findings:read, check:run, alert:read',
        '  - responder: findings:read, check:run, alert:read, remediation:request, exception:request, alert:triage',
        '  - approver: findings:read, check:run, alert:read, remediation:request, exception:request, alert:triage, remediation:approve, remediation:undo, exception:approve',
        '  - admin: check:run, findings:read, remediation:request, remediation:approve, remediation:undo, exception:request, exception:approve, alert:read, alert:triage, digest:manage, audit:read, admin',
        '  - auditor (custom): findings:read, audit:read',
        'Bindings:',
        '  [0] viewer on all accounts: group S0SECTEAM1',
        '  [1] approver on account prod and OU ou-ab12-devdevde: user U0ALICE001',
        '  [2] admin on all accounts: user U0BOB00001',
        '  [3] auditor on all accounts: group S0AUDIT001',
        'Findings are shown in C0SECURITY, direct messages; anywhere else they are answered only to the person who asked.',
        'Access requests: #sec-leads',
      ].join('\n'),
    );
  });

  it('when nobody is bound and findings may show nowhere, then the text says so', () => {
    const text = renderBindingsText(
      listBindings({ roles: {}, bindings: [], channels: { findings: [], dms: false, elsewhere: 'refuse' } }),
    );
    expect(text).toContain('none: nobody has a role, so everyone can use only help and whoami');
    expect(text).toContain('Findings are not shown openly in any channel; requests for them are refused.');
    expect(text).toContain('Access requests: not configured');
  });
});
