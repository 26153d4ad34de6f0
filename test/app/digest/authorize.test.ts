import { authorizeDigest } from '../../../src/app/digest/authorize';
import { estateView } from '../../../src/app/account-directory';
import type { AccountDirectory, DirectoryAccount, EstateView } from '../../../src/core/account-directory';
import { parseConfig } from '../../../src/config';
import { DigestConfigSchema, type DigestConfig } from '../../../src/digest-config';

/**
 * authorizeDigest on the account directory, table by table: which accounts a digest covers comes
 * from the directory (OU paths, nested OUs, unknown OUs), and whatever it cannot tell needs the
 * permission on every account, never on "some account".
 */

const WORKLOADS = 'ou-ab12-workload';
const PROD_OU = 'ou-ab12-prodprod';
const STAGING_OU = 'ou-ab12-stagings';

const PROD: DirectoryAccount = { id: '111111111111', name: 'prod', ouPath: [WORKLOADS, PROD_OU] };
const STAGING: DirectoryAccount = { id: '222222222222', name: 'staging', ouPath: [WORKLOADS, STAGING_OU] };
const ROOTED: DirectoryAccount = { id: '333333333333', name: 'management', ouPath: [] };
const UNPLACED: DirectoryAccount = { id: '444444444444', name: 'unplaced', ouPath: null };

const config = parseConfig(
  `organization:
  roleName: cloudsec-read
accounts:
  - id: "555555555555"
    name: listed
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0STAGING]
    ous: [${STAGING_OU}]
  - role: viewer
    users: [U0WORKLOAD]
    ous: [${WORKLOADS}]
  - role: viewer
    users: [U0BYID]
    accounts: ["${PROD.id}"]
  - role: viewer
    users: [U0LISTED]
    accounts: [listed]
`,
  'cloudsec.yml',
);

const aDigest = (scope: Record<string, unknown> = {}): DigestConfig =>
  DigestConfigSchema.parse({ name: 'd', channel: 'C0SECURITY', schedule: '0 9 * * *', scope });

const discovered = (...accounts: DirectoryAccount[]): EstateView => {
  const stored: AccountDirectory = { source: 'organization', accounts, refreshedAt: '2026-11-01T00:00:00.000Z' };
  return estateView(config, stored);
};
const NEVER_DISCOVERED = estateView(config, null);

const decide = (
  userId: string,
  digest: DigestConfig,
  estate: EstateView,
  permission: 'findings:read' | 'digest:manage' = 'findings:read',
) => authorizeDigest({ actor: { userId, groups: [] }, permission, digest }, estate, config);

describe('authorizeDigest with a discovered organization', () => {
  const estate = discovered(PROD, STAGING, ROOTED);

  it.each([
    ['a viewer of the parent OU', 'U0WORKLOAD', { ous: [STAGING_OU] }, true],
    ['a viewer of the parent OU', 'U0WORKLOAD', { ous: [WORKLOADS] }, true],
    ['a viewer of a child OU', 'U0STAGING', { ous: [WORKLOADS] }, false],
    ['a viewer of a child OU', 'U0STAGING', { ous: [STAGING_OU] }, true],
    ['a viewer of the parent OU', 'U0WORKLOAD', {}, false],
    ['a viewer of one account by id', 'U0BYID', { accounts: ['prod'] }, true],
    ['a viewer of one account by id', 'U0BYID', { ous: [PROD_OU] }, true],
    ['a viewer of one account by id', 'U0BYID', { ous: [WORKLOADS] }, false],
    ['the unscoped admin', 'U0ADMIN', {}, true],
  ])('when %s (%s) asks for a digest scoped %j, then allowed is %s', (_, userId, scope, allowed) => {
    expect(decide(userId, aDigest(scope), estate).allowed).toBe(allowed);
  });

  it('when an account’s OU is unknown and the digest is scoped by OU, then the account counts as covered (it may be in it)', () => {
    const withUnplaced = discovered(PROD, STAGING, UNPLACED);

    expect(decide('U0STAGING', aDigest({ ous: [STAGING_OU] }), withUnplaced).allowed).toBe(false);
    expect(decide('U0ADMIN', aDigest({ ous: [STAGING_OU] }), withUnplaced).allowed).toBe(true);
    // Scoped by account only, the unknown OU does not matter.
    expect(decide('U0BYID', aDigest({ accounts: ['prod'] }), withUnplaced).allowed).toBe(true);
  });

  it('when a digest covers no account the directory knows, then only the permission on every account allows it', () => {
    const nowhere = aDigest({ ous: ['ou-ab12-nosuchou'] });

    const scoped = decide('U0STAGING', nowhere, estate);

    expect(scoped).toMatchObject({ allowed: false, code: 'out-of-scope' });
    expect(scoped.reason).toContain('covers no account cloudsec knows of');
    expect(decide('U0ADMIN', nowhere, estate).allowed).toBe(true);
  });

  it('when a scoped viewer is refused, then the refusal names their own scope and no account outside it', () => {
    const decision = decide('U0STAGING', aDigest({ ous: [WORKLOADS] }), estate);

    expect(decision).toMatchObject({ allowed: false, outside: true });
    expect(decision.reason).toContain(`OU ${STAGING_OU}`);
    expect(decision.reason).not.toContain(PROD.id);
    expect(decision.reason).not.toContain('prod');
  });
});

describe('authorizeDigest before the organization was ever discovered', () => {
  it.each([
    ['every account', {}],
    ['an OU', { ous: [STAGING_OU] }],
    ['an account name nobody listed', { accounts: ['staging'] }],
  ])(
    'when a scoped viewer asks for a digest of %s, then it is refused with the reason, not allowed through "some account"',
    (_, scope) => {
      const decision = decide('U0STAGING', aDigest(scope), NEVER_DISCOVERED);

      expect(decision).toMatchObject({ allowed: false, code: 'out-of-scope' });
      expect(decision.reason).toContain('cannot tell which accounts digest "d" covers');
      expect(decision.reason).toContain('have not been listed yet');
    },
  );

  it('when the digest names its accounts by id, or by a name listed in cloudsec.yml, then those are decided on', () => {
    expect(decide('U0BYID', aDigest({ accounts: [PROD.id] }), NEVER_DISCOVERED).allowed).toBe(true);
    expect(decide('U0BYID', aDigest({ accounts: [STAGING.id] }), NEVER_DISCOVERED).allowed).toBe(false);
    expect(decide('U0LISTED', aDigest({ accounts: ['listed'] }), NEVER_DISCOVERED).allowed).toBe(true);
  });

  it('when the unscoped admin asks, then it is allowed: the permission holds on every account, whichever they are', () => {
    expect(decide('U0ADMIN', aDigest(), NEVER_DISCOVERED).allowed).toBe(true);
    expect(decide('U0ADMIN', aDigest({ ous: [STAGING_OU] }), NEVER_DISCOVERED, 'digest:manage').allowed).toBe(true);
  });

  it('when the directory was stored under another kind of config, then it is not used', () => {
    const listedBefore: AccountDirectory = {
      source: 'listed',
      accounts: [STAGING],
      refreshedAt: '2026-11-01T00:00:00.000Z',
    };

    const decision = decide('U0STAGING', aDigest({ ous: [STAGING_OU] }), estateView(config, listedBefore));

    expect(decision.allowed).toBe(false);
  });
});

describe('authorizeDigest refuses first what has nothing to do with accounts', () => {
  it('when the asker has no role, then the answer is about having no role', () => {
    const decision = decide('U0NOBODY', aDigest(), discovered(PROD));

    expect(decision).toMatchObject({ allowed: false, code: 'no-role' });
  });

  it('when the asker lacks the permission everywhere, then the answer names the permission', () => {
    const decision = decide('U0WORKLOAD', aDigest({ ous: [WORKLOADS] }), discovered(PROD, STAGING), 'digest:manage');

    expect(decision).toMatchObject({ allowed: false, code: 'missing-permission' });
  });
});
