import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  directoryUpdateOf,
  resolveAccounts,
  type AccountsConfig,
  type AccountsResult,
  type AccountTarget,
} from '../../src/aws/accounts';
import { makeClientFactory } from '../../src/aws/clients';
import {
  listAccountsJson,
  onOrganizations,
  orgAccountJson,
  ORG_ID,
  ROOT_ID,
  orgFail,
  orgOk,
  type OrgAccountFixture,
} from '../fixtures/aws/organizations';
import { assumeRoleXml, callerIdentityXml, onSts, stsErrorXml } from '../fixtures/aws/sts';
import { answerIfAsked } from '../fixtures/answer-if-asked';

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const OLD = '444444444444';

const factory = (homeRegion = 'us-east-1') => makeClientFactory({ homeRegion, maxAttempts: 3 });

const resolve = (config: AccountsConfig, homeRegion = 'us-east-1'): Promise<AccountsResult> =>
  resolveAccounts(factory(homeRegion)({ accountId: 'caller' }), config);

const callerIs = (account: string, arn?: string, region = 'us-east-1') =>
  onSts('GetCallerIdentity', undefined, region).reply(200, callerIdentityXml(account, arn));

const accountsOf = (result: AccountsResult): AccountTarget[] => {
  if (!result.ok) throw new Error(`expected accounts, got ${JSON.stringify(result.error)}`);
  return result.accounts;
};

const org = (accounts: Omit<OrgAccountFixture, 'managementAccountId'>[]): OrgAccountFixture[] =>
  accounts.map((a) => ({ managementAccountId: MANAGEMENT, ...a }));

/** Stubs ListAccounts over two pages. */
const stubOrganization = (first: OrgAccountFixture[], second: OrgAccountFixture[]) => {
  onOrganizations('ListAccounts', (body) => body.NextToken === undefined).reply(
    ...orgOk(listAccountsJson(first, 'next-1')),
  );
  onOrganizations('ListAccounts', (body) => body.NextToken === 'next-1').reply(...orgOk(listAccountsJson(second)));
};

describe('resolveAccounts', () => {
  it('when nothing is configured, then only the caller’s own account is scanned with its own credentials', async () => {
    callerIs(MANAGEMENT);

    const result = await resolve({});

    expect(result).toEqual({
      ok: true,
      caller: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/cloudsec`, partition: 'aws' },
      accounts: [{ accountId: MANAGEMENT, name: MANAGEMENT, partition: 'aws' }],
    });
  });

  it('when the caller is in GovCloud, then the targets carry the aws-us-gov partition', async () => {
    callerIs(MANAGEMENT, `arn:aws-us-gov:iam::${MANAGEMENT}:user/cloudsec`, 'us-gov-west-1');

    const accounts = accountsOf(await resolve({}, 'us-gov-west-1'));

    expect(accounts.map((a) => a.partition)).toEqual(['aws-us-gov']);
  });

  it('when accounts are listed, then they are scanned as given and the caller’s own account needs no role', async () => {
    callerIs(MANAGEMENT);

    const accounts = accountsOf(
      await resolve({
        accounts: [
          { id: MANAGEMENT, name: 'management' },
          { id: PROD, name: 'prod', roleArn: `arn:aws:iam::${PROD}:role/cloudsec-read`, externalId: 'ext-123' },
        ],
      }),
    );

    expect(accounts).toEqual([
      { accountId: MANAGEMENT, name: 'management', partition: 'aws' },
      {
        accountId: PROD,
        name: 'prod',
        partition: 'aws',
        roleArn: `arn:aws:iam::${PROD}:role/cloudsec-read`,
        externalId: 'ext-123',
      },
    ]);
  });

  it('when a listed account other than the caller’s has no role, then it is a config error naming the account', async () => {
    callerIs(MANAGEMENT);

    const result = await resolve({ accounts: [{ id: PROD, name: 'prod' }] });

    expect(result).toEqual({ ok: false, error: { kind: 'config', message: expect.stringContaining(PROD) } });
  });

  it('when a listed role is in another account than the one listed, then it is a config error', async () => {
    callerIs(MANAGEMENT);

    const result = await resolve({
      accounts: [{ id: PROD, name: 'prod', roleArn: `arn:aws:iam::${DEV}:role/cloudsec-read` }],
    });

    expect(result).toMatchObject({ ok: false, error: { kind: 'config', message: expect.stringContaining(DEV) } });
  });

  it('when the organization is scanned, then every ACTIVE account over all pages is a target with the org role, and suspended ones are skipped', async () => {
    callerIs(MANAGEMENT);
    stubOrganization(
      org([
        { id: MANAGEMENT, name: 'management' },
        { id: PROD, name: 'prod', ous: ['ou-ab12-workloads', 'ou-ab12-prod'] },
      ]),
      org([
        { id: OLD, name: 'old', state: 'SUSPENDED' },
        { id: DEV, name: 'dev' },
      ]),
    );

    const accounts = accountsOf(await resolve({ organization: { roleName: 'cloudsec-read', externalId: 'ext-123' } }));

    expect(accounts).toEqual([
      { accountId: MANAGEMENT, name: 'management', partition: 'aws', ouPath: [] },
      {
        accountId: PROD,
        name: 'prod',
        partition: 'aws',
        roleArn: `arn:aws:iam::${PROD}:role/cloudsec-read`,
        externalId: 'ext-123',
        ou: 'ou-ab12-prod',
        ouPath: ['ou-ab12-workloads', 'ou-ab12-prod'],
      },
      {
        accountId: DEV,
        name: 'dev',
        partition: 'aws',
        roleArn: `arn:aws:iam::${DEV}:role/cloudsec-read`,
        externalId: 'ext-123',
        ouPath: [],
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when the management account is excluded, then it is left out even if the caller is a delegated administrator', async () => {
    callerIs(PROD);
    stubOrganization(org([{ id: MANAGEMENT, name: 'management' }]), org([{ id: PROD, name: 'security-tooling' }]));

    const accounts = accountsOf(
      await resolve({ organization: { roleName: 'cloudsec-read', includeManagementAccount: false } }),
    );

    expect(accounts).toEqual([{ accountId: PROD, name: 'security-tooling', partition: 'aws', ouPath: [] }]);
  });

  it('when an organization account is also listed, then the listed name and role win', async () => {
    callerIs(MANAGEMENT);
    stubOrganization(org([{ id: MANAGEMENT, name: 'management' }]), org([{ id: PROD, name: 'prod' }]));

    const accounts = accountsOf(
      await resolve({
        organization: { roleName: 'cloudsec-read', externalId: 'org-ext' },
        accounts: [{ id: PROD, name: 'Production', roleArn: `arn:aws:iam::${PROD}:role/special` }],
      }),
    );

    expect(accounts[1]).toEqual({
      accountId: PROD,
      name: 'Production',
      partition: 'aws',
      roleArn: `arn:aws:iam::${PROD}:role/special`,
      ouPath: [],
    });
  });

  it('when ListAccounts is denied, then it is a config error naming organizations:ListAccounts', async () => {
    callerIs(PROD);
    onOrganizations('ListAccounts').reply(
      ...orgFail(400, 'AccessDeniedException', 'You don’t have permissions to access this resource.'),
    );

    const result = await resolve({ organization: { roleName: 'cloudsec-read' } });

    expect(result).toEqual({
      ok: false,
      error: { kind: 'config', message: expect.stringContaining('organizations:ListAccounts') },
    });
  });

  it('when the account is not in an organization, then it is a config error naming organizations:ListAccounts', async () => {
    callerIs(PROD);
    onOrganizations('ListAccounts').reply(
      ...orgFail(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.'),
    );

    const result = await resolve({ organization: { roleName: 'cloudsec-read' } });

    expect(result).toEqual({
      ok: false,
      error: { kind: 'config', message: expect.stringContaining('organizations:ListAccounts') },
    });
  });

  describe('when ListAccounts answers with something other than what its API documents', () => {
    it('then a page without its Accounts list is an AWS error, not an organization with fewer accounts', async () => {
      callerIs(MANAGEMENT);
      onOrganizations('ListAccounts', (body) => body.NextToken === undefined).reply(
        ...orgOk(listAccountsJson(org([{ id: PROD, name: 'prod' }]), 'next-1')),
      );
      onOrganizations('ListAccounts', (body) => body.NextToken === 'next-1').reply(...orgOk({}));

      const result = await resolve({ organization: { roleName: 'cloudsec-read' } });

      expect(result).toEqual({
        ok: false,
        error: { kind: 'aws', message: expect.stringMatching(/ListAccounts.*without its Accounts list/) },
      });
    });

    it('then an account listed without its Id is an AWS error, not an account silently skipped', async () => {
      callerIs(MANAGEMENT);
      const [prod] = listAccountsJson(org([{ id: PROD, name: 'prod' }])).Accounts;
      onOrganizations('ListAccounts').reply(...orgOk({ Accounts: [{ ...prod, Id: undefined }] }));

      const result = await resolve({ organization: { roleName: 'cloudsec-read' } });

      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'aws', message: expect.stringContaining('without its Id') },
      });
    });

    it('then an account with neither State nor Status is scanned rather than left out unseen', async () => {
      callerIs(MANAGEMENT);
      const [prod] = listAccountsJson(org([{ id: PROD, name: 'prod' }])).Accounts;
      onOrganizations('ListAccounts').reply(...orgOk({ Accounts: [{ ...prod, State: undefined, Status: undefined }] }));

      const accounts = accountsOf(await resolve({ organization: { roleName: 'cloudsec-read' } }));

      expect(accounts.map((a) => a.accountId)).toEqual([PROD]);
    });

    it('then an HTML page from a proxy is one line naming the HTTP status, never the page', async () => {
      callerIs(MANAGEMENT);
      onOrganizations('ListAccounts').reply(200, '<html><body>Proxy login required</body></html>', {
        'content-type': 'text/html',
      });

      const result = await resolve({ organization: { roleName: 'cloudsec-read' } });

      expect(result).toMatchObject({ ok: false, error: { kind: 'aws' } });
      const text = result.ok ? '' : result.error.message;
      expect(text).toContain('HTTP 200');
      expect(text).not.toMatch(/[\r\n]|Proxy login|Deserialization error/);
    });
  });

  it('when STS cannot be reached, then the message is one line about the network', async () => {
    // The SDK retries a network failure: every attempt meets the same failure.
    onSts('GetCallerIdentity')
      .times(3)
      .replyWithError(
        Object.assign(new Error('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      );

    const result = await resolve({});

    expect(result).toMatchObject({ ok: false, error: { kind: 'aws' } });
    const text = result.ok ? '' : result.error.message;
    expect(text).toMatch(/ENOTFOUND.*network access/);
    expect(text).not.toMatch(/[\r\n]/);
  });

  it.each([
    [403, 'InvalidClientTokenId', 'The security token included in the request is invalid.'],
    [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'],
    [400, 'ExpiredToken', 'The security token included in the request is expired'],
  ])('when STS answers %s %s, then it is a credentials error that says what to set', async (status, code, message) => {
    onSts('GetCallerIdentity').reply(status, stsErrorXml(code, message));

    const result = await resolve({});

    expect(result).toMatchObject({ ok: false, error: { kind: 'credentials' } });
    const text = result.ok ? '' : result.error.message;
    expect(text).toContain(code);
    expect(text).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*--demo/s);
  });

  describe('when no credentials can be found', () => {
    const VARS = [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_CONFIG_FILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_ROLE_ARN',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ];
    const saved: Record<string, string | undefined> = {};
    let dir: string;

    beforeEach(() => {
      for (const name of VARS) saved[name] = process.env[name];
      for (const name of VARS) delete process.env[name];
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-nocreds-'));
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
      fs.writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '');
      fs.writeFileSync(process.env.AWS_CONFIG_FILE, '');
    });

    afterEach(() => {
      for (const name of VARS) {
        const value = saved[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('then it is a credentials error that says what to set, without a stack trace, and nothing is sent to AWS', async () => {
      const sts = answerIfAsked(onSts('GetCallerIdentity'), 200, callerIdentityXml(MANAGEMENT));

      const result = await resolve({});

      expect(result).toMatchObject({ ok: false, error: { kind: 'credentials' } });
      const text = result.ok ? '' : result.error.message;
      expect(text).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*AWS_SECRET_ACCESS_KEY.*--demo/s);
      expect(text).not.toMatch(/\n\s+at /);
      expect(sts.asked).toBe(0);
    });
  });
});

describe('the OU path of an organization account', () => {
  /** One ListAccounts page whose account objects the test has reshaped (the wire JSON, not our types). */
  const answerOnePage = (...accounts: Record<string, unknown>[]) =>
    onOrganizations('ListAccounts').reply(...orgOk({ Accounts: accounts }));
  const orgProd = (over: Record<string, unknown> = {}) => ({
    ...orgAccountJson({
      id: PROD,
      name: 'prod',
      managementAccountId: MANAGEMENT,
      ous: ['ou-ab12-workload', 'ou-ab12-prodprod'],
    }),
    ...over,
  });
  const prodTarget = async (over: Record<string, unknown>) => {
    callerIs(MANAGEMENT);
    answerOnePage(orgProd(over));
    const [target] = accountsOf(await resolve({ organization: { roleName: 'cloudsec-read' } }));
    return target!;
  };

  it('when the account sits in nested OUs, then the whole path is kept, root first, and the innermost OU is its OU', async () => {
    const target = await prodTarget({});

    expect(target).toMatchObject({ ou: 'ou-ab12-prodprod', ouPath: ['ou-ab12-workload', 'ou-ab12-prodprod'] });
  });

  it.each([
    ['no Paths at all', { Paths: undefined }],
    ['an empty Paths list', { Paths: [] }],
    ['two paths', { Paths: [`${ORG_ID}/${ROOT_ID}/ou-ab12-workload/${PROD}/`, `${ORG_ID}/${ROOT_ID}/${PROD}/`] }],
    ['a path ending at another account', { Paths: [`${ORG_ID}/${ROOT_ID}/ou-ab12-workload/${DEV}/`] }],
    ['a path without the organization and root', { Paths: [`ou-ab12-workload/${PROD}/`] }],
    ['a path with something else than an OU in it', { Paths: [`${ORG_ID}/${ROOT_ID}/not-an-ou/${PROD}/`] }],
  ])('when ListAccounts gives %s, then the OU is unknown rather than guessed', async (_, over) => {
    const target = await prodTarget(over);

    expect(target.ou).toBeUndefined();
    expect(target.ouPath).toBeUndefined();
    expect(directoryUpdateOf({ organization: { roleName: 'cloudsec-read' } }, [target]).accounts).toEqual([
      { id: PROD, name: 'prod', ouPath: null },
    ]);
  });
});

describe('directoryUpdateOf', () => {
  const target = (accountId: string, name: string, over: Partial<AccountTarget> = {}): AccountTarget => ({
    accountId,
    name,
    partition: 'aws',
    ...over,
  });

  it('when accounts are listed without an organization, then they have no OU and the source is "listed"', () => {
    const update = directoryUpdateOf(
      { accounts: [{ id: PROD, name: 'prod', roleArn: `arn:aws:iam::${PROD}:role/r` }] },
      [target(PROD, 'prod')],
    );

    expect(update).toEqual({ source: 'listed', accounts: [{ id: PROD, name: 'prod', ouPath: [] }] });
  });

  it('when an organization is scanned, then known paths are kept and an account without one has an unknown OU', () => {
    const update = directoryUpdateOf({ organization: { roleName: 'cloudsec-read' } }, [
      target(PROD, 'prod', { ou: 'ou-ab12-prodprod', ouPath: ['ou-ab12-workload', 'ou-ab12-prodprod'] }),
      target(DEV, 'dev', { ouPath: [] }),
      target(OLD, 'listed-only'),
    ]);

    expect(update).toEqual({
      source: 'organization',
      accounts: [
        { id: PROD, name: 'prod', ouPath: ['ou-ab12-workload', 'ou-ab12-prodprod'] },
        { id: DEV, name: 'dev', ouPath: [] },
        { id: OLD, name: 'listed-only', ouPath: null },
      ],
    });
  });

  it('when nothing is configured, then the source is the caller’s own account', () => {
    expect(directoryUpdateOf({}, [target(MANAGEMENT, MANAGEMENT)])).toEqual({
      source: 'caller',
      accounts: [{ id: MANAGEMENT, name: MANAGEMENT, ouPath: [] }],
    });
  });
});

describe('a target reached through an assumed role', () => {
  it('when its clients are used, then STS AssumeRole runs with its role and external id and later calls are signed with the temporary keys', async () => {
    const roleArn = `arn:aws:iam::${PROD}:role/cloudsec-read`;
    const temporary = {
      accessKeyId: 'ASIAEXAMPLETEMPKEY01',
      secretAccessKey: 'temporary-secret',
      sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
    };
    let assumeRoleAuthorization = '';
    const assume = onSts('AssumeRole', (body) => body.RoleArn === roleArn && body.ExternalId === 'ext-123').reply(
      function () {
        assumeRoleAuthorization = String(this.req.headers.authorization);
        return [200, assumeRoleXml(roleArn, temporary)];
      },
    );
    let signedWith = { authorization: '', token: '' };
    const inAccount = onSts('GetCallerIdentity').reply(function () {
      signedWith = {
        authorization: String(this.req.headers.authorization),
        token: String(this.req.headers['x-amz-security-token']),
      };
      return [200, callerIdentityXml(PROD, `arn:aws:sts::${PROD}:assumed-role/cloudsec-read/cloudsec`)];
    });

    const clients = factory()({ accountId: PROD, roleArn, externalId: 'ext-123' });
    const identity = await clients.sts().send(new GetCallerIdentityCommand({}));

    expect(assume.isDone()).toBe(true);
    expect(inAccount.isDone()).toBe(true);
    expect(assumeRoleAuthorization).toContain('Credential=AKIDEXAMPLETEST/');
    expect(signedWith.authorization).toContain(`Credential=${temporary.accessKeyId}/`);
    expect(signedWith.token).toBe(temporary.sessionToken);
    expect(identity.Account).toBe(PROD);
  });
});
