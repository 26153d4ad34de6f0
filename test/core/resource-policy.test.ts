import {
  crossAccountGrants,
  describePublicGrant,
  describeRestrictedGrant,
  evaluateResourcePolicy,
  resourcePolicyExposure,
  unscopedServiceGrants,
  type PolicyContext,
  type ResourcePolicyVerdict,
} from '../../src/core/resource-policy';

const OWNER = '111122223333';
const FOREIGN = '999988887777';
const SIBLING = '444455556666';
const SQS: PolicyContext = {
  ownerAccountId: OWNER,
  service: 'sqs',
  knownAccountIds: [SIBLING],
  orgIds: ['o-own12345'],
};
const QUEUE = `arn:aws:sqs:us-east-1:${OWNER}:jobs`;

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) => ({ Version: '2012-10-17', Statement: statements });

/** An Allow of sqs:SendMessage to everyone on the queue: public unless something narrows it. */
const allowAll = (over: Statement = {}): Statement => ({
  Sid: 'AllowAll',
  Effect: 'Allow',
  Principal: '*',
  Action: 'sqs:SendMessage',
  Resource: QUEUE,
  ...over,
});
const denyAll = (over: Statement = {}): Statement => ({
  Sid: 'DenyAll',
  Effect: 'Deny',
  Principal: '*',
  Action: '*',
  Resource: '*',
  ...over,
});
const when = (condition: Record<string, Record<string, unknown>>, over: Statement = {}) =>
  policy(allowAll({ Condition: condition, ...over }));

const statusOf = (document: unknown, context: PolicyContext = SQS) => evaluateResourcePolicy(document, context).status;

const readable = (v: ResourcePolicyVerdict) => {
  if (v.status === 'unreadable') throw new Error(`unreadable: ${v.reason}`);
  return v;
};

describe('evaluateResourcePolicy: the decision table of research §4.2', () => {
  it.each<[string, unknown, PolicyContext, 'public' | 'not-public']>([
    [
      'one "*" in an AWS principal list',
      policy(allowAll({ Principal: { AWS: [`arn:aws:iam::${OWNER}:root`, '*'] } })),
      SQS,
      'public',
    ],
    [
      'aws:SourceAccount pinned with StringEquals',
      when({ StringEquals: { 'aws:SourceAccount': OWNER } }),
      SQS,
      'not-public',
    ],
    [
      'the same with StringEqualsIfExists (true for a caller without the key)',
      when({ StringEqualsIfExists: { 'aws:SourceAccount': OWNER } }),
      SQS,
      'public',
    ],
    [
      'the same with a wildcard value (StringLike "1111*")',
      when({ StringLike: { 'aws:SourceAccount': '1111*' } }),
      SQS,
      'public',
    ],
    [
      'aws:SourceArn pinned with ArnLike to one topic',
      when({ ArnLike: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${OWNER}:topic` } }),
      SQS,
      'not-public',
    ],
    [
      'ForAllValues on aws:PrincipalOrgID (true when the key is missing)',
      when({ 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ['o-abc12345'] } }),
      SQS,
      'public',
    ],
    [
      'ForAnyValue on aws:PrincipalOrgPaths',
      when({ 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': ['o-abc12345/r-ab12/ou-ab12-11111111/'] } }),
      SQS,
      'not-public',
    ],
    [
      'a negated operator (StringNotEquals aws:SourceAccount)',
      when({ StringNotEquals: { 'aws:SourceAccount': FOREIGN } }),
      SQS,
      'public',
    ],
    [
      'aws:SourceIp with one /0 among the ranges',
      when({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '0.0.0.0/0'] } }),
      SQS,
      'public',
    ],
    ['only Bool aws:SecureTransport true', when({ Bool: { 'aws:SecureTransport': 'true' } }), SQS, 'public'],
    [
      'aws:PrincipalOrgID set to a policy variable',
      when({ StringEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalTag/org}' } }),
      SQS,
      'public',
    ],
    [
      'a Deny of everything to everyone outside the organization',
      policy(allowAll(), denyAll({ Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-own12345' } } })),
      SQS,
      'not-public',
    ],
    [
      'a Deny only of plain HTTP',
      policy(allowAll(), denyAll({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })),
      SQS,
      'public',
    ],
    [
      'NotPrincipal with Allow',
      policy(allowAll({ Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${OWNER}:root` } })),
      SQS,
      'public',
    ],
    [
      'a service principal without a condition',
      policy(allowAll({ Principal: { Service: 's3.amazonaws.com' } })),
      SQS,
      'not-public',
    ],
    [
      "SNS's default statement (AWS:SourceOwner, key case differs)",
      policy(
        allowAll({
          Principal: { AWS: '*' },
          Action: 'SNS:Publish',
          Condition: { StringEquals: { 'AWS:SourceOwner': OWNER } },
        }),
      ),
      { ownerAccountId: OWNER, service: 'sns' },
      'not-public',
    ],
    [
      'a Lambda function URL open to anyone (lambda:FunctionUrlAuthType NONE)',
      policy(
        allowAll({
          Action: 'lambda:InvokeFunctionUrl',
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
        }),
      ),
      { ownerAccountId: OWNER, service: 'lambda' },
      'public',
    ],
    [
      'a KMS key pinned by kms:CallerAccount (with kms:ViaService)',
      policy(
        allowAll({
          Principal: { AWS: '*' },
          Action: 'kms:Decrypt',
          Condition: { StringEquals: { 'kms:CallerAccount': OWNER, 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
        }),
      ),
      { ownerAccountId: OWNER, service: 'kms' },
      'not-public',
    ],
  ])('when the policy has %s, then it is %s', (_label, document, context, expected) => {
    expect(statusOf(document, context)).toBe(expected);
  });
});

describe('evaluateResourcePolicy: principals', () => {
  it.each([
    ['"*"', '*', 'Principal "*"'],
    ['{ AWS: "*" }', { AWS: '*' }, 'Principal AWS "*"'],
    ['{ AWS: ["*", account] }', { AWS: ['*', `arn:aws:iam::${FOREIGN}:root`] }, 'Principal AWS "*"'],
    ['a wildcard account ARN', { AWS: 'arn:aws:iam::*:root' }, 'Principal AWS "arn:aws:iam::*:root" (a wildcard)'],
    [
      'a wildcard role ARN',
      { AWS: `arn:aws:iam::${FOREIGN}:role/*` },
      `Principal AWS "arn:aws:iam::${FOREIGN}:role/*" (a wildcard)`,
    ],
  ])(
    'when an Allow names %s, then it is public and the message names the principal as written',
    (_l, principal, label) => {
      const v = evaluateResourcePolicy(policy(allowAll({ Principal: principal })), SQS);
      expect(v).toMatchObject({ status: 'public', publicGrants: [{ statement: 'AllowAll', principal: label }] });
    },
  );

  it.each([
    ['the owner account', { AWS: OWNER }, 'internal', []],
    ['the owner root ARN', { AWS: `arn:aws:iam::${OWNER}:root` }, 'internal', []],
    ['an account of the estate', { AWS: `arn:aws:iam::${SIBLING}:role/reader` }, 'internal', []],
    ['a foreign account', { AWS: `arn:aws:iam::${FOREIGN}:root` }, 'cross-account', [FOREIGN]],
    [
      'an owner and a foreign role',
      { AWS: [OWNER, `arn:aws:sts::${FOREIGN}:assumed-role/r/s`] },
      'cross-account',
      [FOREIGN],
    ],
    ['a unique id (deleted principal)', { AWS: 'AIDAEXAMPLEID' }, 'undetermined', []],
    ['a canonical user', { CanonicalUser: '79a59df900b949e55d96a1e698fbaced' }, 'undetermined', []],
    ['a federated provider', { Federated: 'cognito-identity.amazonaws.com' }, 'undetermined', []],
  ])('when an Allow names %s, then it is not public and its reach is %s', (_l, principal, reach, sharedWith) => {
    const v = readable(evaluateResourcePolicy(policy(allowAll({ Principal: principal })), SQS));
    expect(v.status).toBe('not-public');
    expect(v.restrictedGrants).toEqual([expect.objectContaining({ limitedBy: 'principal', reach, sharedWith })]);
  });

  it('when a foreign account is granted, then crossAccountGrants lists it and the message says it is outside the estate', () => {
    const v = readable(evaluateResourcePolicy(policy(allowAll({ Principal: { AWS: FOREIGN } })), SQS));
    expect(crossAccountGrants(v)).toHaveLength(1);
    expect(describeRestrictedGrant(v.restrictedGrants[0]!)).toBe(
      `statement 'AllowAll' lets AWS ${FOREIGN} sqs:SendMessage (shared with ${FOREIGN}, outside the estate)`,
    );
  });

  it('when the owner account is not known, then a fixed account is not classed as cross-account', () => {
    const v = readable(
      evaluateResourcePolicy(policy(allowAll({ Principal: { AWS: FOREIGN } })), {
        ownerAccountId: null,
        service: 'sqs',
      }),
    );
    expect(v.restrictedGrants[0]).toMatchObject({ reach: 'undetermined', sharedWith: [] });
  });

  describe('service principals (confused deputy)', () => {
    it('when a service principal has no source condition, then it is not public but is reported as an unscoped service grant', () => {
      const v = readable(
        evaluateResourcePolicy(policy(allowAll({ Principal: { Service: 'sns.amazonaws.com' } })), SQS),
      );
      expect(v.status).toBe('not-public');
      expect(unscopedServiceGrants(v)).toEqual([
        expect.objectContaining({ reach: 'service', unscopedService: true, principals: ['Service sns.amazonaws.com'] }),
      ]);
      expect(describeRestrictedGrant(v.restrictedGrants[0]!)).toContain('confused deputy');
    });

    it.each([
      ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': OWNER } }],
      ['aws:SourceArn', { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${OWNER}:t` } }],
      ['aws:SourceOrgID', { StringEquals: { 'aws:SourceOrgID': 'o-own12345' } }],
    ])('when a service principal is scoped by %s, then it is not an unscoped grant', (_l, condition) => {
      const v = readable(
        evaluateResourcePolicy(
          policy(allowAll({ Principal: { Service: 'sns.amazonaws.com' }, Condition: condition })),
          SQS,
        ),
      );
      expect(unscopedServiceGrants(v)).toEqual([]);
    });

    it('when the source condition is IfExists or a wildcard, then the service grant stays unscoped', () => {
      const condition = {
        StringEqualsIfExists: { 'aws:SourceAccount': OWNER },
        ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' },
      };
      const v = readable(
        evaluateResourcePolicy(
          policy(allowAll({ Principal: { Service: 'sns.amazonaws.com' }, Condition: condition })),
          SQS,
        ),
      );
      expect(unscopedServiceGrants(v)).toHaveLength(1);
    });

    it('when a service principal is scoped to a foreign account, then the grant names it', () => {
      const condition = { StringEquals: { 'aws:SourceAccount': FOREIGN } };
      const v = readable(
        evaluateResourcePolicy(
          policy(allowAll({ Principal: { Service: 'sns.amazonaws.com' }, Condition: condition })),
          SQS,
        ),
      );
      expect(crossAccountGrants(v)).toEqual([expect.objectContaining({ reach: 'service', sharedWith: [FOREIGN] })]);
    });
  });
});

describe('evaluateResourcePolicy: actions', () => {
  it.each([
    ['"*"', '*', true],
    ['"sqs:*"', 'sqs:*', true],
    ['a write action', 'sqs:SendMessage', true],
    ['read actions only', ['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], false],
    ['a case variant', 'SQS:sendmessage', true],
  ])('when anyone is granted %s, then it is public (write: %s)', (_l, action, write) => {
    expect(evaluateResourcePolicy(policy(allowAll({ Action: action })), SQS)).toMatchObject({
      status: 'public',
      includesWrite: write,
    });
  });

  it('when anyone is granted only actions of another service, then nothing on the queue is granted', () => {
    expect(statusOf(policy(allowAll({ Action: ['s3:GetObject', 'lambda:InvokeFunction'] })))).toBe('not-public');
  });

  it('when NotAction excludes a few actions, then it is public as "every action except …", writes included', () => {
    const v = evaluateResourcePolicy(policy(allowAll({ Action: undefined, NotAction: 'sqs:DeleteQueue' })), SQS);
    expect(v).toMatchObject({
      status: 'public',
      publicGrants: [{ actions: ['sqs:DeleteQueue'], notAction: true, includesWrite: true }],
    });
    expect(v.status === 'public' && describePublicGrant(v.publicGrants[0]!)).toBe(
      `statement 'AllowAll' lets anyone (Principal "*") every action except sqs:DeleteQueue`,
    );
  });

  it.each(['sqs:*', '*', 'sq*'])('when NotAction excludes %s, then nothing on the queue is granted', (excluded) => {
    expect(statusOf(policy(allowAll({ Action: undefined, NotAction: excluded })))).toBe('not-public');
  });
});

describe('evaluateResourcePolicy: narrowing conditions', () => {
  it.each([
    ['aws:SourceVpc', 'StringEquals', 'vpc-0abc'],
    ['aws:SourceVpce', 'StringEquals', 'vpce-0abc'],
    ['aws:SourceOwner', 'StringEqualsIgnoreCase', OWNER],
    ['aws:PrincipalAccount', 'StringEquals', OWNER],
    ['aws:PrincipalArn', 'ArnEquals', `arn:aws:iam::${OWNER}:role/worker`],
    ['aws:userid', 'StringEquals', 'AIDAEXAMPLE'],
    ['aws:SourceIp', 'IpAddress', '203.0.113.0/24'],
    ['aws:SourceIp', 'IpAddress', '2001:db8::/32'],
    ['aws:SourceIp', 'IpAddress', '203.0.113.7'],
    ['aws:SOURCEACCOUNT', 'stringequals', OWNER],
    ['aws:PrincipalOrgID', 'ForAnyValue:StringEquals', 'o-own12345'],
    ['aws:PrincipalOrgPaths', 'ForAnyValue:StringLike', 'o-own12345/*'],
  ])('when %s is pinned with %s, then anyone is narrowed', (key, operator, value) => {
    expect(statusOf(when({ [operator]: { [key]: value } }))).toBe('not-public');
  });

  it.each([
    ['a wildcard account in aws:SourceArn', 'ArnLike', 'aws:SourceArn', 'arn:aws:sns:us-east-1:*:topic'],
    ['a wildcard anywhere in aws:SourceArn', 'ArnLike', 'aws:SourceArn', `arn:aws:sns:*:${OWNER}:*`],
    ['a "?" in aws:SourceAccount', 'StringLike', 'aws:SourceAccount', '11112222333?'],
    ['a wildcard in aws:PrincipalArn', 'ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/worker'],
    ['an organization path whose org is a wildcard', 'ForAnyValue:StringLike', 'aws:PrincipalOrgPaths', 'o-*/r-ab12/'],
    ['NotIpAddress', 'NotIpAddress', 'aws:SourceIp', '203.0.113.0/24'],
    ['an IP value that is not a range', 'IpAddress', 'aws:SourceIp', 'not-an-ip'],
    ['::/0', 'IpAddress', 'aws:SourceIp', '::/0'],
    ['a Null check', 'Null', 'aws:SourceAccount', 'false'],
    ['ArnNotLike', 'ArnNotLike', 'aws:SourceArn', `arn:aws:sns:us-east-1:${OWNER}:topic`],
    ['IfExists on IpAddress', 'IpAddressIfExists', 'aws:SourceIp', '203.0.113.0/24'],
    ['a key any caller controls', 'StringEquals', 'aws:UserAgent', 'my-app'],
    ['kms:ViaService alone on a KMS key', 'StringEquals', 'kms:ViaService', 'sqs.us-east-1.amazonaws.com'],
    ["a KMS key (kms:CallerAccount) in a queue's policy", 'StringEquals', 'kms:CallerAccount', OWNER],
    ['an empty value list', 'StringEquals', 'aws:SourceAccount', []],
    ['an empty string', 'StringEquals', 'aws:SourceAccount', ''],
  ])('when the only condition is %s, then it stays public', (_l, operator, key, value) => {
    const kms = key.startsWith('kms:ViaService');
    const document = when({ [operator]: { [key]: value } }, kms ? { Action: 'kms:Decrypt' } : {});
    expect(statusOf(document, kms ? { ownerAccountId: OWNER, service: 'kms' } : SQS)).toBe('public');
  });

  it('when a non-narrowing clause sits beside a narrowing one, then the statement is narrowed (clauses are AND-ed)', () => {
    const v = readable(
      evaluateResourcePolicy(
        when({ Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } }),
        SQS,
      ),
    );
    expect(v.restrictedGrants).toEqual([
      expect.objectContaining({
        limitedBy: 'condition',
        narrowedBy: [{ operator: 'StringEquals', key: 'aws:SourceVpce', values: ['vpce-0abc'] }],
        reach: 'undetermined',
      }),
    ]);
  });

  it('when one value of a clause is a wildcard, then the clause does not narrow (values are OR-ed)', () => {
    expect(statusOf(when({ StringEquals: { 'aws:SourceAccount': [OWNER, '*'] } }))).toBe('public');
  });

  it.each([
    ['the owner', { StringEquals: { 'aws:SourceAccount': OWNER } }, 'internal', []],
    ['a foreign account', { StringEquals: { 'aws:PrincipalAccount': FOREIGN } }, 'cross-account', [FOREIGN]],
    ['the estate organization', { StringEquals: { 'aws:PrincipalOrgID': 'o-own12345' } }, 'internal', []],
    [
      'another organization',
      { StringEquals: { 'aws:PrincipalOrgID': 'o-other1234' } },
      'cross-account',
      ['o-other1234'],
    ],
    [
      'a foreign source ARN',
      { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${FOREIGN}:t` } },
      'cross-account',
      [FOREIGN],
    ],
    ['a bucket ARN (no account in it)', { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::logs' } }, 'undetermined', []],
    [
      'a foreign account and the owner together (AND)',
      { StringEquals: { 'aws:PrincipalAccount': FOREIGN, 'aws:SourceAccount': OWNER } },
      'internal',
      [],
    ],
  ])('when anyone is narrowed to %s, then the grant reach is %s', (_l, condition, reach, sharedWith) => {
    const v = readable(evaluateResourcePolicy(when(condition), SQS));
    expect(v.restrictedGrants[0]).toMatchObject({ limitedBy: 'condition', reach, sharedWith });
  });

  it('when the estate organizations are not given, then an organization narrowing is undetermined', () => {
    const v = readable(
      evaluateResourcePolicy(when({ StringEquals: { 'aws:PrincipalOrgID': 'o-own12345' } }), {
        ownerAccountId: OWNER,
        service: 'sqs',
      }),
    );
    expect(v.restrictedGrants[0]).toMatchObject({ reach: 'undetermined' });
  });

  it.each([
    [
      's3',
      's3:x-amz-server-side-encryption-aws-kms-key-id',
      'arn:aws:kms:us-east-1:111122223333:key/k',
      's3:PutObject',
    ],
    ['s3', 's3:DataAccessPointAccount', OWNER, 's3:GetObject'],
    ['lambda', 'lambda:EventSourceToken', 'amzn1.ask.skill.1234', 'lambda:InvokeFunction'],
  ] as const)('when the %s-only key %s is pinned, then it narrows for that service', (service, key, value, action) => {
    expect(
      statusOf(when({ StringEquals: { [key]: value } }, { Action: action }), { ownerAccountId: OWNER, service }),
    ).toBe('not-public');
  });

  it('when EFS access is limited to mount targets (Bool true), then it is not public; false does not narrow', () => {
    const efs: PolicyContext = { ownerAccountId: OWNER, service: 'elasticfilesystem' };
    const mount = (value: string) =>
      when(
        { Bool: { 'elasticfilesystem:AccessedViaMountTarget': value } },
        { Action: 'elasticfilesystem:ClientMount' },
      );
    expect(statusOf(mount('true'), efs)).toBe('not-public');
    expect(statusOf(mount('false'), efs)).toBe('public');
  });

  it('when a public statement carries conditions that do not narrow, then the message says so', () => {
    const v = evaluateResourcePolicy(when({ StringEqualsIfExists: { 'aws:SourceAccount': OWNER } }), SQS);
    expect(v.status === 'public' && describePublicGrant(v.publicGrants[0]!)).toBe(
      `statement 'AllowAll' lets anyone (Principal "*") sqs:SendMessage; its condition StringEqualsIfExists aws:SourceAccount ${OWNER} does not narrow who may call`,
    );
  });
});

describe('evaluateResourcePolicy: Deny statements', () => {
  it('when an unconditional Deny covers the same actions for everyone, then the Allow is cancelled', () => {
    const v = readable(evaluateResourcePolicy(policy(allowAll(), denyAll()), SQS));
    expect(v).toEqual({
      status: 'not-public',
      restrictedGrants: [
        expect.objectContaining({
          limitedBy: 'deny',
          deniedBy: [{ statement: 'DenyAll', except: [] }],
          reach: 'internal',
        }),
      ],
    });
  });

  it.each([
    ['sqs:*', 'sqs:SendMessage'],
    ['sqs:Send*', 'sqs:SendMessage'],
    ['sqs:*', '*'],
    ['sqs:sendmessage', 'SQS:SendMessage'],
    ['sqs:*', 'sqs:Send*'],
  ])('when a Deny of %s meets an Allow of %s, then it is cancelled', (denied, allowed) => {
    expect(statusOf(policy(allowAll({ Action: allowed }), denyAll({ Action: denied })))).toBe('not-public');
  });

  it('when a Deny covers only some of the actions, then the rest stays public and the message says the Deny is partial', () => {
    const v = evaluateResourcePolicy(
      policy(allowAll({ Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'] }), denyAll({ Action: 'sqs:SendMessage' })),
      SQS,
    );
    expect(v).toMatchObject({
      status: 'public',
      includesWrite: false,
      publicGrants: [{ actions: ['sqs:ReceiveMessage'], partlyDeniedBy: ['DenyAll'] }],
    });
  });

  it.each(
    [
      ['denies another action', denyAll({ Action: 'sqs:DeleteQueue' })],
      ['covers only part of a wildcard', denyAll({ Action: 'sqs:SendMessage' }), { Action: 'sqs:Send*' }],
      [
        'names a wildcard ARN principal (not the anonymous caller)',
        denyAll({ Principal: { AWS: 'arn:aws:iam::*:root' } }),
      ],
      ['uses NotPrincipal', denyAll({ Principal: undefined, NotPrincipal: { AWS: OWNER } })],
      ['uses NotAction', denyAll({ Action: undefined, NotAction: 'sqs:DeleteQueue' })],
      ['uses NotResource', denyAll({ Resource: undefined, NotResource: 'arn:aws:sqs:us-east-1:111122223333:other' })],
      ['is on another resource', denyAll({ Resource: 'arn:aws:sqs:us-east-1:111122223333:other' })],
      [
        'is conditioned on IfExists of a positive operator',
        denyAll({ Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } } }),
      ],
      [
        'mixes an outsider exclusion with another condition',
        denyAll({
          Condition: {
            StringNotEquals: { 'aws:PrincipalOrgID': 'o-own12345' },
            Bool: { 'aws:SecureTransport': 'false' },
          },
        }),
      ],
      ['excludes outsiders by a wildcard', denyAll({ Condition: { StringNotLike: { 'aws:PrincipalOrgID': 'o-*' } } })],
      [
        'uses a set operator',
        denyAll({ Condition: { 'ForAllValues:StringNotEquals': { 'aws:PrincipalOrgID': 'o-own12345' } } }),
      ],
      ['names only a fixed account', denyAll({ Principal: { AWS: OWNER } })],
    ].map(([label, deny, over]) => [label, deny, over ?? {}]) as [string, Statement, Statement][],
  )('when a Deny %s, then it does not cancel the public Allow', (_l, deny, allowOver) => {
    expect(statusOf(policy(allowAll(allowOver), deny))).toBe('public');
  });

  it.each([
    [
      'StringNotEqualsIfExists aws:PrincipalOrgID',
      { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-own12345' } },
      'internal',
    ],
    ['StringNotEquals aws:SourceVpce', { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }, 'undetermined'],
    ['NotIpAddress aws:SourceIp', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'undetermined'],
    [
      'StringNotEquals aws:PrincipalAccount (foreign)',
      { StringNotEquals: { 'aws:PrincipalAccount': FOREIGN } },
      'cross-account',
    ],
  ])('when a Deny spares only callers matching %s, then the Allow is limited to them', (_l, condition, reach) => {
    const v = readable(evaluateResourcePolicy(policy(allowAll(), denyAll({ Condition: condition })), SQS));
    expect(v.status).toBe('not-public');
    expect(v.restrictedGrants[0]).toMatchObject({ limitedBy: 'deny', reach });
  });

  it('when a Deny names AWS "*", then it cancels an Allow of AWS principals but not one of "*" (which may include anonymous callers)', () => {
    const deny = denyAll({ Principal: { AWS: '*' } });
    expect(statusOf(policy(allowAll({ Principal: { AWS: '*' } }), deny))).toBe('not-public');
    expect(statusOf(policy(allowAll({ Principal: { AWS: 'arn:aws:iam::*:root' } }), deny))).toBe('not-public');
    expect(statusOf(policy(allowAll(), deny))).toBe('public');
    expect(statusOf(policy(allowAll({ Principal: undefined, NotPrincipal: { AWS: OWNER } }), deny))).toBe('public');
  });

  it('when the Deny and Allow name resources with the same prefix wildcard, then it covers them', () => {
    const document = policy(
      allowAll({ Resource: `arn:aws:sqs:us-east-1:${OWNER}:jobs` }),
      denyAll({ Resource: `arn:aws:sqs:us-east-1:${OWNER}:*` }),
    );
    expect(statusOf(document)).toBe('not-public');
  });

  it('when a NotAction Allow meets a Deny of the whole service, then it is cancelled; a narrower Deny does not', () => {
    const allow = allowAll({ Action: undefined, NotAction: 'sqs:DeleteQueue' });
    expect(statusOf(policy(allow, denyAll({ Action: 'sqs:*' })))).toBe('not-public');
    expect(statusOf(policy(allow, denyAll({ Action: 'sqs:SendMessage' })))).toBe('public');
  });
});

describe('describeRestrictedGrant', () => {
  it.each([
    [
      'a narrowing condition',
      when({ StringEquals: { 'aws:PrincipalOrgID': 'o-own12345' } }),
      `statement 'AllowAll' lets anyone (Principal "*") sqs:SendMessage only when StringEquals aws:PrincipalOrgID o-own12345`,
    ],
    [
      'a Deny that spares the organization',
      policy(allowAll(), denyAll({ Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-own12345' } } })),
      `statement 'AllowAll' lets anyone (Principal "*") sqs:SendMessage, but Deny 'DenyAll' takes it away where StringNotEquals aws:PrincipalOrgID o-own12345`,
    ],
  ])('when a grant to anyone is limited by %s, then the sentence says how', (_l, document, sentence) => {
    const v = readable(evaluateResourcePolicy(document, SQS));
    expect(v.restrictedGrants.map(describeRestrictedGrant)).toEqual([sentence]);
  });
});

describe('evaluateResourcePolicy: document shapes', () => {
  it('when Statement is a single object rather than a list, then it is read', () => {
    expect(statusOf({ Version: '2012-10-17', Statement: allowAll() })).toBe('public');
  });

  it('when the policy arrives as JSON text, then it is read the same way', () => {
    expect(statusOf(JSON.stringify(policy(allowAll())))).toBe('public');
    expect(statusOf(JSON.stringify(when({ StringEquals: { 'aws:SourceAccount': OWNER } })))).toBe('not-public');
  });

  it('when a statement has no Sid, then it is named by its position', () => {
    const v = evaluateResourcePolicy(
      policy(allowAll({ Principal: { AWS: OWNER } }), allowAll({ Sid: undefined })),
      SQS,
    );
    expect(v).toMatchObject({ status: 'public', publicGrants: [{ statement: '#1' }] });
  });

  it('when condition values are JSON numbers or booleans, then they are read as their text', () => {
    expect(statusOf(when({ StringEquals: { 'aws:SourceAccount': Number(OWNER) } }))).toBe('not-public');
  });

  it.each<[string, unknown, string]>([
    ['text that is not JSON', '<html>Sign in</html>', 'the policy is not JSON'],
    ['a JSON array', [allowAll()], 'the policy is not a JSON object'],
    ['null', null, 'the policy is not a JSON object'],
    ['no Statement', { Version: '2012-10-17' }, 'the policy has no Statement'],
    ['an empty Statement list', { Statement: [] }, 'Statement is an empty list'],
    [
      'a Statement that is text',
      { Statement: 'Allow everyone' },
      'Statement must be a statement object or a list of them',
    ],
    [
      'a statement that is not an object',
      policy(allowAll(), 'Allow everyone' as never),
      'statement #1 is not an object',
    ],
    [
      'Effect in lower case',
      policy(allowAll({ Effect: 'allow' })),
      'statement #0 (Sid "AllowAll") Effect must be "Allow" or "Deny"',
    ],
    [
      'no Effect',
      policy(allowAll({ Effect: undefined })),
      'statement #0 (Sid "AllowAll") Effect must be "Allow" or "Deny"',
    ],
    [
      'no Principal',
      policy(allowAll({ Principal: undefined })),
      'statement #0 (Sid "AllowAll") must have exactly one of Principal and NotPrincipal',
    ],
    [
      'both Principal and NotPrincipal',
      policy(allowAll({ NotPrincipal: { AWS: OWNER } })),
      'statement #0 (Sid "AllowAll") must have exactly one of Principal and NotPrincipal',
    ],
    [
      'no Action',
      policy(allowAll({ Action: undefined })),
      'statement #0 (Sid "AllowAll") must have exactly one of Action and NotAction',
    ],
    ['an empty Action list', policy(allowAll({ Action: [] })), 'statement #0 (Sid "AllowAll") Action is an empty list'],
    [
      'a principal that is an ARN string',
      policy(allowAll({ Principal: `arn:aws:iam::${OWNER}:root` })),
      'Principal must be "*"',
    ],
    ['an unknown principal type', policy(allowAll({ Principal: { Aws: '*' } })), 'Principal Unrecognized key'],
    [
      'a numeric principal',
      policy(allowAll({ Principal: { AWS: 42 } })),
      'Principal.AWS must be a string or a non-empty list',
    ],
    ['a Sid that is not text', policy(allowAll({ Sid: 7 })), 'Sid must be a string'],
    [
      'a condition value that is an object',
      when({ StringEquals: { 'aws:SourceAccount': { account: OWNER } } }),
      'Condition.StringEquals.aws:SourceAccount must be a string, number or boolean',
    ],
    [
      'a condition operator mapped to text',
      when({ StringEquals: 'aws:SourceAccount' as never }),
      'each condition operator must map keys',
    ],
  ])('when the document has %s, then it is unreadable with a reason, never "not public"', (_l, document, reason) => {
    const v = evaluateResourcePolicy(document, SQS);
    expect(v.status).toBe('unreadable');
    expect(v.status === 'unreadable' && v.reason).toContain(reason);
  });

  it('when the context is not valid, then it throws (a programming error, not an AWS answer)', () => {
    expect(() => evaluateResourcePolicy(policy(allowAll()), { ownerAccountId: '42', service: 'sqs' })).toThrow(
      /12-digit/,
    );
  });
});

describe('resourcePolicyExposure', () => {
  const source = { service: 'sqs', operation: 'GetQueueAttributes', permission: 'sqs:GetQueueAttributes' };
  const refused = {
    ...source,
    code: 'AccessDenied',
    kind: 'access-denied' as const,
    message: 'not authorized',
  };

  it('when the policy could not be fetched, then it is unknown naming the refused call', () => {
    expect(resourcePolicyExposure({ ok: false, error: refused }, SQS, source)).toEqual({
      status: 'unknown',
      error: refused,
    });
  });

  it('when the resource has no policy, then nothing is exposed', () => {
    expect(resourcePolicyExposure({ ok: true, value: null }, SQS, source)).toEqual({
      status: 'none',
      basis: 'no-policy',
    });
  });

  it('when the policy is not a policy document, then it is unknown as a malformed answer of the call', () => {
    expect(resourcePolicyExposure({ ok: true, value: '{"Statement": 3}' }, SQS, source)).toEqual({
      status: 'unknown',
      error: {
        ...source,
        code: 'MalformedPolicy',
        kind: 'malformed',
        message: 'the queue policy is not a policy document: Statement must be a statement object or a list of them',
      },
    });
  });

  it('when the value is missing altogether, then it is unknown, not "no policy"', () => {
    expect(resourcePolicyExposure({ ok: true, value: undefined }, SQS, source).status).toBe('unknown');
  });

  it('when the policy is public, then the grants say which statement and actions', () => {
    expect(resourcePolicyExposure({ ok: true, value: policy(allowAll()) }, SQS, source)).toMatchObject({
      status: 'public',
      publicGrants: [{ statement: 'AllowAll', actions: ['sqs:SendMessage'] }],
      includesWrite: true,
    });
  });

  it('when the policy is narrowed, then it is not public and the narrowed grant is kept for evidence', () => {
    expect(
      resourcePolicyExposure(
        { ok: true, value: when({ StringEquals: { 'aws:SourceAccount': FOREIGN } }) },
        SQS,
        source,
      ),
    ).toMatchObject({ status: 'none', basis: 'policy-document', restrictedGrants: [{ reach: 'cross-account' }] });
  });
});
