import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import { CREDENTIAL_REPORT_MAX_POLLS, CREDENTIAL_REPORT_POLL_MS, collectIam } from '../../../src/aws/collectors/iam';
import { decodePolicyDocument } from '../../../src/aws/collectors/iam-details';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { IamSliceSchema, ROOT_USER, type Fact, type IamSlice } from '../../../src/core/model';
import {
  ACCOUNT,
  ADMIN_DOCUMENT,
  IAM_ENDPOINT,
  READ_BUCKET_DOCUMENT,
  REALISTIC_REPORT,
  ROOT_LINE,
  accessDeniedXml,
  accountSummaryXml,
  arn,
  authorizationDetailsXml,
  credentialReportCsv,
  generateCredentialReportXml,
  getCredentialReportXml,
  iamError,
  isAction,
  noPasswordPolicyXml,
  passwordPolicyXml,
  serverCertificatesXml,
  throttlingXml,
  urlEncodedPolicy,
  virtualMfaDevicesXml,
  awsManagedArn,
  EC2_TRUST_DOCUMENT,
  iamResponse,
  type AuthorizationDetailsPage,
  type WireUser,
} from '../../fixtures/aws/iam';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';

const ACTIONS = [
  'GenerateCredentialReport',
  'GetCredentialReport',
  'GetAccountAuthorizationDetails',
  'GetAccountPasswordPolicy',
  'GetAccountSummary',
  'ListVirtualMFADevices',
] as const;
type Action = (typeof ACTIONS)[number];
type Reply = [status: number, body: string];

const makeContext = (sleep: (ms: number) => Promise<void> = async () => {}): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT,
  }),
  accountId: ACCOUNT,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: ['us-east-1'],
  sleep,
  fanOut: (fn) => fn(),
});

const READ_ONLY_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 's3:Get*', 's3:List*'], Resource: '*' }],
};

const ACCOUNT_DETAILS: AuthorizationDetailsPage = {
  users: [
    {
      name: 'alice',
      id: 'AIDAALICEEXAMPLE',
      groups: ['admins'],
      attached: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      inline: [{ name: 'read-reports', document: urlEncodedPolicy(READ_BUCKET_DOCUMENT) }],
    },
    { name: 'ci-deployer' },
  ],
  groups: [
    { name: 'admins', attached: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] },
  ],
  roles: [{ name: 'app-server', inline: [{ name: 'everything', document: urlEncodedPolicy(ADMIN_DOCUMENT) }] }],
  policies: [
    {
      name: 'deploy',
      attachmentCount: 2,
      versions: [
        { id: 'v1', document: urlEncodedPolicy({ Version: '2012-10-17', Statement: [] }), isDefault: false },
        { id: 'v2', document: urlEncodedPolicy(ADMIN_DOCUMENT), isDefault: true },
      ],
    },
    {
      name: 'AdministratorAccess',
      arn: awsManagedArn('AdministratorAccess'),
      versions: [{ id: 'v1', document: urlEncodedPolicy(ADMIN_DOCUMENT), isDefault: true }],
    },
    {
      name: 'ReadOnlyAccess',
      arn: awsManagedArn('ReadOnlyAccess'),
      versions: [{ id: 'v120', document: urlEncodedPolicy(READ_ONLY_DOCUMENT), isDefault: true }],
    },
    {
      // In the answer, but attached to nobody here: not kept.
      name: 'AmazonEC2FullAccess',
      arn: awsManagedArn('AmazonEC2FullAccess'),
      attachmentCount: 0,
      versions: [{ id: 'v5', document: urlEncodedPolicy(ADMIN_DOCUMENT), isDefault: true }],
    },
  ],
};

const SUMMARY = { Users: 3, Groups: 1, Roles: 1, AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, MFADevices: 2 };

const DEFAULT_REPLIES: Record<Action, Reply[]> = {
  GenerateCredentialReport: [[200, generateCredentialReportXml('COMPLETE')]],
  GetCredentialReport: [[200, getCredentialReportXml(REALISTIC_REPORT)]],
  GetAccountAuthorizationDetails: [[200, authorizationDetailsXml(ACCOUNT_DETAILS)]],
  GetAccountPasswordPolicy: [
    [
      200,
      passwordPolicyXml({
        minimumPasswordLength: 14,
        requireSymbols: true,
        requireNumbers: true,
        requireUppercaseCharacters: true,
        requireLowercaseCharacters: true,
        allowUsersToChangePassword: true,
        passwordReusePrevention: 24,
        hardExpiry: false,
      }),
    ],
  ],
  GetAccountSummary: [[200, accountSummaryXml(SUMMARY)]],
  ListVirtualMFADevices: [
    [
      200,
      virtualMfaDevicesXml([
        { serialNumber: arn('mfa/root-account-mfa-device'), user: 'root' },
        { serialNumber: arn('mfa/alice'), user: 'user/alice' },
      ]),
    ],
  ],
};

/**
 * Intercepts every IAM call of a scan; each action answers with its replies in order, once each.
 * `calls` lists the actions in the order the collector sent them.
 */
const mockIam = (replies: Partial<Record<Action, Reply[]>> = {}) => {
  const scope = nock(IAM_ENDPOINT);
  for (const action of ACTIONS) {
    for (const [status, body] of replies[action] ?? DEFAULT_REPLIES[action]) {
      scope.post('/', isAction(action)).reply(status, body, { 'Content-Type': 'text/xml' });
    }
  }
  const calls: string[] = [];
  scope.on('request', (_req: unknown, _interceptor: unknown, body: string) => {
    calls.push(new URLSearchParams(body).get('Action') ?? '?');
  });
  return { scope, calls };
};

const valueOf = <T>(fact: Fact<T>): T => {
  if (!fact.ok) throw new Error(`expected a value, got ${fact.error.code}: ${fact.error.message}`);
  return fact.value;
};

const OK_KEYS = (slice: IamSlice) => (Object.keys(slice) as (keyof IamSlice)[]).filter((k) => slice[k]?.ok).sort();

describe('collectIam', () => {
  it('when every call succeeds, then the slice holds the whole account and matches the schema', async () => {
    const { scope, calls } = mockIam();

    const slice = await collectIam(makeContext());

    expect(IamSliceSchema.safeParse(slice).success).toBe(true);
    const report = valueOf(slice.credentialReport);
    expect(report.map((r) => r.user)).toEqual([ROOT_USER, 'alice', 'ci-deployer', 'legacy-admin']);
    expect(report[0]).toMatchObject({ passwordEnabled: true, mfaActive: true, passwordLastChanged: null });
    expect(report.find((r) => r.user === 'ci-deployer')).toMatchObject({
      accessKey1Active: true,
      accessKey2Active: true,
      accessKey2LastRotated: '2026-02-20T08:00:00.000Z',
    });

    const details = valueOf(slice.authorizationDetails);
    expect(details.users[0]).toEqual({
      name: 'alice',
      arn: arn('user/alice'),
      id: 'AIDAALICEEXAMPLE',
      groups: ['admins'],
      attachedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      inlinePolicies: [{ name: 'read-reports', document: READ_BUCKET_DOCUMENT }],
    });
    expect(details.users[1]).toMatchObject({
      name: 'ci-deployer',
      groups: [],
      attachedPolicies: [],
      inlinePolicies: [],
    });
    expect(details.groups).toEqual([
      expect.objectContaining({
        name: 'admins',
        arn: arn('group/admins'),
        attachedPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      }),
    ]);
    expect(details.roles).toEqual([
      expect.objectContaining({
        name: 'app-server',
        arn: arn('role/app-server'),
        inlinePolicies: [{ name: 'everything', document: ADMIN_DOCUMENT }],
      }),
    ]);
    expect(details.policies).toEqual([
      { name: 'deploy', arn: arn('policy/deploy'), attachmentCount: 2, defaultDocument: ADMIN_DOCUMENT },
    ]);
    expect(details.awsManagedPolicies).toEqual([
      {
        name: 'AdministratorAccess',
        arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        attachmentCount: 1,
        defaultDocument: ADMIN_DOCUMENT,
      },
      {
        name: 'ReadOnlyAccess',
        arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        attachmentCount: 1,
        defaultDocument: READ_ONLY_DOCUMENT,
      },
    ]);

    expect(valueOf(slice.passwordPolicy)).toEqual({
      minimumPasswordLength: 14,
      requireSymbols: true,
      requireNumbers: true,
      requireUppercaseCharacters: true,
      requireLowercaseCharacters: true,
      allowUsersToChangePassword: true,
      maxPasswordAge: null,
      passwordReusePrevention: 24,
      hardExpiry: false,
    });
    expect(valueOf(slice.accountSummary)).toEqual(SUMMARY);
    expect(valueOf(slice.virtualMfaDevices)).toEqual([
      { serialNumber: arn('mfa/root-account-mfa-device'), userArn: arn('root') },
      { serialNumber: arn('mfa/alice'), userArn: arn('user/alice') },
    ]);

    expect(calls).toHaveLength(ACTIONS.length);
    scope.done();
  });

  it('when the report is still being generated, then it polls every 2 s until COMPLETE', async () => {
    const { scope } = mockIam({
      GenerateCredentialReport: [
        [200, generateCredentialReportXml('STARTED')],
        [200, generateCredentialReportXml('INPROGRESS')],
        [200, generateCredentialReportXml('COMPLETE')],
      ],
    });
    const waits: number[] = [];

    const slice = await collectIam(makeContext(async (ms) => void waits.push(ms)));

    expect(valueOf(slice.credentialReport)).toHaveLength(4);
    expect(waits).toEqual([CREDENTIAL_REPORT_POLL_MS, CREDENTIAL_REPORT_POLL_MS]);
    expect(CREDENTIAL_REPORT_POLL_MS).toBe(2_000);
    scope.done();
  });

  it.each([
    ['ReportInProgress', 404],
    ['ReportNotPresent', 410],
  ])('when GetCredentialReport answers %s, then it polls again and collects the report', async (code, status) => {
    const { scope } = mockIam({
      GenerateCredentialReport: [
        [200, generateCredentialReportXml('COMPLETE')],
        [200, generateCredentialReportXml('COMPLETE')],
      ],
      GetCredentialReport: [
        [status, iamError(code, 'The credential report is not ready.')],
        [200, getCredentialReportXml(REALISTIC_REPORT)],
      ],
    });
    const waits: number[] = [];

    const slice = await collectIam(makeContext(async (ms) => void waits.push(ms)));

    expect(valueOf(slice.credentialReport)).toHaveLength(4);
    expect(waits).toHaveLength(1);
    scope.done();
  });

  it('when the report never completes, then it gives up after the poll bound with CredentialReportTimeout', async () => {
    const { scope, calls } = mockIam({
      GenerateCredentialReport: Array.from({ length: CREDENTIAL_REPORT_MAX_POLLS }, (): Reply => [
        200,
        generateCredentialReportXml('INPROGRESS'),
      ]),
      GetCredentialReport: [],
    });
    let waits = 0;

    const slice = await collectIam(makeContext(async () => void waits++));

    expect(slice.credentialReport).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'CredentialReportTimeout',
        kind: 'other',
        permission: 'iam:GenerateCredentialReport',
      }),
    });
    expect(calls.filter((a) => a === 'GenerateCredentialReport')).toHaveLength(CREDENTIAL_REPORT_MAX_POLLS);
    expect(waits).toBe(CREDENTIAL_REPORT_MAX_POLLS - 1);
    expect(OK_KEYS(slice)).toEqual(['accountSummary', 'authorizationDetails', 'passwordPolicy', 'virtualMfaDevices']);
    scope.done();
  });

  it('when the account has no password policy (NoSuchEntity), then the policy is a known null', async () => {
    const { scope } = mockIam({ GetAccountPasswordPolicy: [[404, noPasswordPolicyXml()]] });

    const slice = await collectIam(makeContext());

    expect(slice.passwordPolicy).toEqual({ ok: true, value: null });
    scope.done();
  });

  it.each<[Action, keyof IamSlice]>([
    ['GenerateCredentialReport', 'credentialReport'],
    ['GetCredentialReport', 'credentialReport'],
    ['GetAccountAuthorizationDetails', 'authorizationDetails'],
    ['GetAccountPasswordPolicy', 'passwordPolicy'],
    ['GetAccountSummary', 'accountSummary'],
    ['ListVirtualMFADevices', 'virtualMfaDevices'],
  ])('when %s is denied, then only %s is unknown, naming the permission', async (action, key) => {
    const { scope } = mockIam({
      [action]: [[403, accessDeniedXml(action)]],
      ...(action === 'GenerateCredentialReport' ? { GetCredentialReport: [] } : {}),
    });

    const slice = await collectIam(makeContext());

    expect(slice[key]).toEqual({
      ok: false,
      error: expect.objectContaining({
        service: 'iam',
        operation: action,
        permission: `iam:${action}`,
        code: 'AccessDenied',
        kind: 'access-denied',
      }),
    });
    expect(OK_KEYS(slice)).toEqual(
      (
        ['accountSummary', 'authorizationDetails', 'credentialReport', 'passwordPolicy', 'virtualMfaDevices'] as const
      ).filter((k) => k !== key),
    );
    expect(IamSliceSchema.safeParse(slice).success).toBe(true);
    scope.done();
  });

  it('when a call is throttled once, then the SDK retries and the data is still collected', async () => {
    const { scope, calls } = mockIam({
      GetAccountSummary: [
        [400, throttlingXml()],
        [200, accountSummaryXml(SUMMARY)],
      ],
    });

    const slice = await collectIam(makeContext());

    expect(valueOf(slice.accountSummary)).toEqual(SUMMARY);
    expect(calls.filter((a) => a === 'GetAccountSummary')).toHaveLength(2);
    scope.done();
  });

  it('when authorization details span two pages, then both pages are merged and the second is asked for by marker', async () => {
    const page1: AuthorizationDetailsPage = {
      users: [{ name: 'alice' }],
      roles: [{ name: 'role-a' }],
      marker: 'bWFya2VyLTE=',
    };
    const page2: AuthorizationDetailsPage = {
      users: [{ name: 'bob' }],
      groups: [{ name: 'devs' }],
      policies: [{ name: 'p', versions: [{ id: 'v1', document: urlEncodedPolicy(ADMIN_DOCUMENT), isDefault: true }] }],
    };
    const { scope } = mockIam({ GetAccountAuthorizationDetails: [] });
    const pages = nock(IAM_ENDPOINT)
      .post(
        '/',
        (b: Record<string, string>) =>
          b.Action === 'GetAccountAuthorizationDetails' &&
          b.Marker === undefined &&
          b.MaxItems === '1000' &&
          ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'].every((f) =>
            Object.values(b).includes(f),
          ),
      )
      .reply(200, authorizationDetailsXml(page1))
      .post(
        '/',
        (b: Record<string, string>) => b.Action === 'GetAccountAuthorizationDetails' && b.Marker === page1.marker,
      )
      .reply(200, authorizationDetailsXml(page2));

    const slice = await collectIam(makeContext());

    const details = valueOf(slice.authorizationDetails);
    expect(details.users.map((u) => u.name)).toEqual(['alice', 'bob']);
    expect(details.roles.map((r) => r.name)).toEqual(['role-a']);
    expect(details.groups.map((g) => g.name)).toEqual(['devs']);
    expect(details.policies.map((p) => p.defaultDocument)).toEqual([ADMIN_DOCUMENT]);
    pages.done();
    scope.done();
  });

  it('when virtual MFA devices span two pages, then both pages are collected', async () => {
    const { scope } = mockIam({
      ListVirtualMFADevices: [
        [200, virtualMfaDevicesXml([{ serialNumber: arn('mfa/root-account-mfa-device'), user: 'root' }], 'next')],
        [200, virtualMfaDevicesXml([{ serialNumber: arn('mfa/bob'), user: 'user/bob' }])],
      ],
    });

    const slice = await collectIam(makeContext());

    expect(valueOf(slice.virtualMfaDevices).map((d) => d.userArn)).toEqual([arn('root'), arn('user/bob')]);
    scope.done();
  });

  it('when policy documents are URL-encoded, then they are decoded to JSON, and undecodable ones are kept as text', async () => {
    const tricky = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: 's3:*',
          Resource: '*',
          Condition: { StringNotLike: { 'aws:userid': ['AIDA*:*+admin@example.com', '100% "quoted" <tag>'] } },
        },
      ],
    };
    const { scope } = mockIam({
      GetAccountAuthorizationDetails: [
        [
          200,
          authorizationDetailsXml({
            users: [
              {
                name: 'alice',
                inline: [
                  { name: 'tricky', document: urlEncodedPolicy(tricky) },
                  { name: 'not-json', document: encodeURIComponent('this is not { json') },
                  { name: 'bad-escape', document: '%7B%ZZ' },
                ],
              },
            ],
          }),
        ],
      ],
    });

    const slice = await collectIam(makeContext());

    expect(valueOf(slice.authorizationDetails).users[0]?.inlinePolicies).toEqual([
      { name: 'tricky', document: tricky },
      { name: 'not-json', document: 'this is not { json' },
      { name: 'bad-escape', document: '%7B%ZZ' },
    ]);
    scope.done();
  });

  it('when the credential report is not CSV AWS would send, then the report is unknown with the reason', async () => {
    const { scope } = mockIam({ GetCredentialReport: [[200, getCredentialReportXml('hello,world\n1,2\n')]] });

    const slice = await collectIam(makeContext());

    expect(slice.credentialReport).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'CredentialReportMalformed',
        kind: 'malformed',
        permission: 'iam:GetCredentialReport',
      }),
    });
    scope.done();
  });

  it('when the credential report is being polled, then the other calls do not wait for it', async () => {
    const { scope, calls } = mockIam({
      GenerateCredentialReport: [
        [200, generateCredentialReportXml('STARTED')],
        [200, generateCredentialReportXml('COMPLETE')],
      ],
    });
    const others = ACTIONS.filter((a) => a !== 'GenerateCredentialReport' && a !== 'GetCredentialReport');
    let otherCallsBeforeFirstWait: string[] = [];
    // The wait ends only once the other four calls have been sent, so collecting them after the report would hang.
    const sleep = () =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (others.every((a) => calls.includes(a))) {
            otherCallsBeforeFirstWait = calls.filter((a) => others.includes(a as (typeof others)[number]));
            resolve();
          } else setImmediate(check);
        };
        check();
      });

    const slice = await collectIam(makeContext(sleep));

    expect(otherCallsBeforeFirstWait.sort()).toEqual([...others].sort());
    expect(OK_KEYS(slice)).toHaveLength(5);
    scope.done();
  }, 5_000);

  describe('what the checks need to say who is admin', () => {
    const detailsOf = async (page: AuthorizationDetailsPage) => {
      const { scope } = mockIam({ GetAccountAuthorizationDetails: [[200, authorizationDetailsXml(page)]] });
      const slice = await collectIam(makeContext());
      scope.done();
      return slice.authorizationDetails;
    };

    it('when a role comes with its trust policy and a permissions boundary, then both are kept', async () => {
      const boundary = arn('policy/dev-boundary');
      const details = valueOf(
        await detailsOf({
          users: [{ name: 'carol', boundary }],
          roles: [
            { name: 'ec2-app', boundary },
            { name: 'no-trust', trust: null },
          ],
        }),
      );

      expect(details.users[0]?.permissionsBoundaryArn).toBe(boundary);
      expect(details.roles).toEqual([
        expect.objectContaining({ name: 'ec2-app', trustPolicy: EC2_TRUST_DOCUMENT, permissionsBoundaryArn: boundary }),
        expect.objectContaining({ name: 'no-trust', trustPolicy: null }),
      ]);
      expect(details.roles[1]).not.toHaveProperty('permissionsBoundaryArn');
    });

    it('when an AWS-managed policy sits under a path, then it is still told apart from customer-managed ones', async () => {
      const path = '/service-role/';
      const ref = { name: 'AWSOpsWorksRole', arn: awsManagedArn('AWSOpsWorksRole', path) };
      const details = valueOf(
        await detailsOf({
          roles: [{ name: 'opsworks', attached: [ref] }],
          policies: [
            {
              ...ref,
              path,
              versions: [{ id: 'v1', document: urlEncodedPolicy(READ_ONLY_DOCUMENT), isDefault: true }],
            },
          ],
        }),
      );

      expect(details.policies).toEqual([]);
      expect(details.awsManagedPolicies?.map((p) => p.arn)).toEqual([ref.arn]);
    });

    it('when IAM leaves out the empty lists of a principal, then they read as empty, as in its own sample answer', async () => {
      const details = valueOf(
        await detailsOf({
          users: [{ name: 'alice', omit: ['UserPolicyList', 'GroupList', 'AttachedManagedPolicies'] }],
          groups: [{ name: 'devs', omit: ['GroupPolicyList'] }],
        }),
      );

      expect(details.users[0]).toMatchObject({ groups: [], attachedPolicies: [], inlinePolicies: [] });
      expect(details.groups[0]).toMatchObject({ inlinePolicies: [] });
    });

    it('when AttachmentCount is left out, then it is null rather than "attached to nobody"', async () => {
      const details = valueOf(
        await detailsOf({
          policies: [
            {
              name: 'p',
              attachmentCount: null,
              versions: [{ id: 'v1', document: urlEncodedPolicy(ADMIN_DOCUMENT), isDefault: true }],
            },
          ],
        }),
      );

      expect(details.policies[0]?.attachmentCount).toBeNull();
    });

    it.each([
      ['a user without its UserName', { users: [{ name: 'x', omit: ['UserName'] }] }],
      ['a role without its Arn', { roles: [{ name: 'x', omit: ['Arn'] }] }],
      ['a group without its GroupName', { groups: [{ name: 'x', omit: ['GroupName'] }] }],
    ] as [string, AuthorizationDetailsPage][])(
      'when the answer holds %s, then the details are unknown as malformed, not a nameless principal',
      async (_what, page) => {
        const details = await detailsOf(page);

        expect(details).toEqual({
          ok: false,
          error: expect.objectContaining({
            kind: 'malformed',
            operation: 'GetAccountAuthorizationDetails',
            permission: 'iam:GetAccountAuthorizationDetails',
          }),
        });
      },
    );
  });

  describe('answers missing what AWS always sends', () => {
    it('when ListVirtualMFADevices answers without its device list, then the devices are unknown, not "none"', async () => {
      const { scope } = mockIam({
        ListVirtualMFADevices: [[200, iamResponse('ListVirtualMFADevices', '<IsTruncated>false</IsTruncated>')]],
      });

      const slice = await collectIam(makeContext());

      expect(slice.virtualMfaDevices).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
      scope.done();
    });

    it("when an assigned MFA device names no user, then the devices are unknown (it could be root's)", async () => {
      const { scope } = mockIam({
        ListVirtualMFADevices: [[200, virtualMfaDevicesXml([{ serialNumber: arn('mfa/mystery') }])]],
      });

      const slice = await collectIam(makeContext());

      expect(slice.virtualMfaDevices).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
      scope.done();
    });

    it.each([
      ['an empty body', ''],
      [
        'the response without its result element',
        iamResponse('GetAccountAuthorizationDetails', '').replace(
          /<GetAccountAuthorizationDetailsResult>.*<\/GetAccountAuthorizationDetailsResult>/,
          '',
        ),
      ],
    ])(
      'when GetAccountAuthorizationDetails answers 200 with %s, then the details are unknown, not an account without principals',
      async (_label, body) => {
        const { scope } = mockIam({ GetAccountAuthorizationDetails: [[200, body]] });

        const slice = await collectIam(makeContext());

        expect(slice.authorizationDetails).toEqual({
          ok: false,
          error: expect.objectContaining({ kind: 'malformed' }),
        });
        scope.done();
      },
    );

    it('when a GetAccountAuthorizationDetails page says more pages follow but names no Marker, then the details are unknown, not the first page alone', async () => {
      const truncated = authorizationDetailsXml({ ...ACCOUNT_DETAILS, marker: 'page-2' }).replace(
        '<Marker>page-2</Marker>',
        '',
      );
      const { scope } = mockIam({ GetAccountAuthorizationDetails: [[200, truncated]] });

      const slice = await collectIam(makeContext());

      expect(slice.authorizationDetails).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
      scope.done();
    });

    it("when a ListVirtualMFADevices page says more pages follow but names no Marker, then the devices are unknown (the next page could hold root's)", async () => {
      const truncated = virtualMfaDevicesXml([{ serialNumber: arn('mfa/alice'), user: 'user/alice' }], 'mfa-2').replace(
        '<Marker>mfa-2</Marker>',
        '',
      );
      const { scope } = mockIam({ ListVirtualMFADevices: [[200, truncated]] });

      const slice = await collectIam(makeContext());

      expect(slice.virtualMfaDevices).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
      scope.done();
    });

    it('when GetAccountSummary answers without its SummaryMap, then the summary is unknown', async () => {
      const { scope } = mockIam({ GetAccountSummary: [[200, iamResponse('GetAccountSummary', '')]] });

      const slice = await collectIam(makeContext());

      expect(slice.accountSummary).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
      scope.done();
    });

    it('when GetCredentialReport answers without Content, then the report is unknown as malformed', async () => {
      const { scope } = mockIam({
        GetCredentialReport: [[200, iamResponse('GetCredentialReport', '<ReportFormat>text/csv</ReportFormat>')]],
      });

      const slice = await collectIam(makeContext());

      expect(slice.credentialReport).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'CredentialReportMalformed', kind: 'malformed' }),
      });
      scope.done();
    });
  });

  describe('call count', () => {
    const manyUsers = (n: number): WireUser[] =>
      Array.from({ length: n }, (_, i) => ({
        name: `user-${i}`,
        groups: ['devs'],
        inline: [{ name: 'own', document: urlEncodedPolicy(READ_BUCKET_DOCUMENT) }],
      }));
    const reportFor = (users: WireUser[]) =>
      credentialReportCsv([
        ROOT_LINE,
        ...users.map((u) => ({ user: u.name, password_enabled: 'true', access_key_1_active: 'true' })),
      ]);
    const scan = async (n: number) => {
      const users = manyUsers(n);
      const { scope, calls } = mockIam({
        GetCredentialReport: [[200, getCredentialReportXml(reportFor(users))]],
        GetAccountAuthorizationDetails: [[200, authorizationDetailsXml({ users })]],
      });
      const slice = await collectIam(makeContext());
      scope.done();
      return { slice, calls };
    };

    it('when the account has 1,000 users, then the scan costs the same six IAM calls as with 3 users', async () => {
      const small = await scan(3);
      const large = await scan(1_000);

      expect(valueOf(large.slice.credentialReport)).toHaveLength(1_001);
      expect(valueOf(large.slice.authorizationDetails).users).toHaveLength(1_000);
      expect(large.calls).toHaveLength(6);
      expect([...large.calls].sort()).toEqual([...small.calls].sort());
    });
  });
});

describe('decodePolicyDocument', () => {
  it('when the document is URL-encoded JSON, then it returns the parsed object', () => {
    expect(decodePolicyDocument(urlEncodedPolicy(ADMIN_DOCUMENT))).toEqual(ADMIN_DOCUMENT);
  });

  it('when the document is plain JSON with a percent sign, then it still parses', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Sid: '100%' }] };

    expect(decodePolicyDocument(JSON.stringify(doc))).toEqual(doc);
  });

  it('when there is no document, then it is null', () => {
    expect(decodePolicyDocument(undefined)).toBeNull();
  });
});

describe('collectIam: server certificates (CIS 1.19)', () => {
  /**
   * Every other IAM call answered as usual, and ListServerCertificates with `replies` in order, each
   * for the request with that Marker (null: the first page). `markers` lists the Markers sent.
   */
  const mockWithCertificates = (replies: [marker: string | null, status: number, body: string][]) => {
    const { scope } = mockIam();
    const markers: (string | null)[] = [];
    for (const [marker, status, body] of replies) {
      scope
        .post('/', (sent: Record<string, unknown>) => {
          if (sent.Action !== 'ListServerCertificates' || (sent.Marker ?? null) !== marker) return false;
          markers.push(marker);
          return true;
        })
        .reply(status, body, { 'Content-Type': 'text/xml' });
    }
    return { scope, markers };
  };

  it('when certificates span two pages, then both pages are read with their expiration dates', async () => {
    const { scope, markers } = mockWithCertificates([
      [null, 200, serverCertificatesXml([{ name: 'legacy-www', expiration: '2025-01-31T23:59:59Z' }], 'm1')],
      ['m1', 200, serverCertificatesXml([{ name: 'api', expiration: '2027-06-30T23:59:59Z' }])],
    ]);

    const slice = await collectIam(makeContext());

    expect(markers).toEqual([null, 'm1']);
    expect(slice.serverCertificates).toEqual({
      ok: true,
      value: [
        {
          name: 'legacy-www',
          id: 'ASCALEGACYWWWEXAMPLE',
          arn: arn('server-certificate/cloudfront/legacy-www'),
          uploadDate: '2024-05-01T10:00:00.000Z',
          expiration: '2025-01-31T23:59:59.000Z',
        },
        {
          name: 'api',
          id: 'ASCAAPIEXAMPLE',
          arn: arn('server-certificate/cloudfront/api'),
          uploadDate: '2024-05-01T10:00:00.000Z',
          expiration: '2027-06-30T23:59:59.000Z',
        },
      ],
    });
    expect(IamSliceSchema.safeParse(slice).success).toBe(true);
    scope.done();
  });

  it('when IAM stores none, then the list is known and empty', async () => {
    const { scope } = mockWithCertificates([[null, 200, serverCertificatesXml([])]]);

    expect((await collectIam(makeContext())).serverCertificates).toEqual({ ok: true, value: [] });
    scope.done();
  });

  it('when the listing is refused, then only the certificates are unknown, naming the permission', async () => {
    const { scope } = mockWithCertificates([[null, 403, accessDeniedXml('ListServerCertificates')]]);

    const slice = await collectIam(makeContext());

    expect(slice.serverCertificates).toEqual({
      ok: false,
      error: expect.objectContaining({
        operation: 'ListServerCertificates',
        permission: 'iam:ListServerCertificates',
        kind: 'access-denied',
      }),
    });
    expect(OK_KEYS(slice)).toEqual([
      'accountSummary',
      'authorizationDetails',
      'credentialReport',
      'passwordPolicy',
      'virtualMfaDevices',
    ]);
    scope.done();
  });

  it('when the listing is throttled once, then the SDK retries and the certificates are still read', async () => {
    const { scope } = mockWithCertificates([
      [null, 400, throttlingXml()],
      [null, 200, serverCertificatesXml([{ name: 'api', expiration: '2027-06-30T23:59:59Z' }])],
    ]);

    const slice = await collectIam(makeContext());

    expect(slice.serverCertificates).toMatchObject({ ok: true, value: [{ name: 'api' }] });
    scope.done();
  });

  it('when a certificate has no expiration date, then it is kept with a null date (the check says unknown)', async () => {
    const { scope } = mockWithCertificates([[null, 200, serverCertificatesXml([{ name: 'mystery' }])]]);

    expect((await collectIam(makeContext())).serverCertificates).toMatchObject({
      ok: true,
      value: [{ name: 'mystery', expiration: null }],
    });
    scope.done();
  });

  it.each<[string, string]>([
    ['a page without IsTruncated', iamResponse('ListServerCertificates', '<ServerCertificateMetadataList/>')],
    [
      'a truncated page without a Marker',
      iamResponse('ListServerCertificates', '<IsTruncated>true</IsTruncated><ServerCertificateMetadataList/>'),
    ],
    ['a page without the list', iamResponse('ListServerCertificates', '<IsTruncated>false</IsTruncated>')],
    ['a certificate without its name', serverCertificatesXml([{ name: 'x', omit: ['ServerCertificateName'] }])],
    ['a certificate without its ARN', serverCertificatesXml([{ name: 'x', omit: ['Arn'] }])],
  ])('when IAM answers %s, then the certificates are unknown (malformed), never "none"', async (_label, body) => {
    const { scope } = mockWithCertificates([[null, 200, body]]);

    expect((await collectIam(makeContext())).serverCertificates).toMatchObject({
      ok: false,
      error: { kind: 'malformed', operation: 'ListServerCertificates' },
    });
    scope.done();
  });
});
