import { known } from '../../src/core/model';
import {
  actionIncludesWrite,
  aclExposure,
  bucketPublicity,
  effectiveAclExposure,
  effectivePolicyExposure,
  policyExposure,
  publicPolicyStatements,
} from '../../src/core/s3-public';
import {
  aBucketJudgedByDocument,
  aGroupGrant,
  anOwnerGrant,
  aPolicy,
  aPublicReadStatement,
} from '../fixtures/s3-builders';
import { ALL_BLOCKED, aBucket, denied } from '../fixtures/snapshot-builders';

const NO_BLOCK = known(null);

describe('publicPolicyStatements', () => {
  describe('principal shapes', () => {
    it.each([
      ['"*"', '*'],
      ['{ AWS: "*" }', { AWS: '*' }],
      ['{ AWS: [account, "*"] }', { AWS: ['arn:aws:iam::222222222222:root', '*'] }],
    ])('when an Allow names %s as principal, then the statement is public', (_label, principal) => {
      const statements = publicPolicyStatements(aPolicy(aPublicReadStatement({ Principal: principal })));
      expect(statements).toEqual([{ statement: 'PublicRead', actions: ['s3:GetObject'], includesWrite: false }]);
    });

    it.each([
      ['a specific account', { AWS: 'arn:aws:iam::222222222222:root' }],
      ['a list of specific roles', { AWS: ['arn:aws:iam::222222222222:role/reader'] }],
      ['a service principal', { Service: 'cloudtrail.amazonaws.com' }],
    ])('when an Allow names %s, then it is not public', (_label, principal) => {
      expect(publicPolicyStatements(aPolicy(aPublicReadStatement({ Principal: principal })))).toEqual([]);
    });

    it('when an Allow uses NotPrincipal, then it is public (everyone but the listed principals)', () => {
      const statement = aPublicReadStatement({ NotPrincipal: { AWS: 'arn:aws:iam::222222222222:root' } });
      delete statement.Principal;
      expect(publicPolicyStatements(aPolicy(statement))).toHaveLength(1);
    });
  });

  it('when a public statement is a Deny, then it is ignored', () => {
    expect(publicPolicyStatements(aPolicy(aPublicReadStatement({ Effect: 'Deny', Action: 's3:*' })))).toEqual([]);
  });

  it('when a statement has no Sid, then it is reported by its position', () => {
    const anonymous = aPublicReadStatement();
    delete anonymous.Sid;
    const document = aPolicy(aPublicReadStatement({ Principal: { Service: 's3.amazonaws.com' } }), anonymous);
    expect(publicPolicyStatements(document).map((s) => s.statement)).toEqual(['#1']);
  });

  it('when Statement is a single object rather than a list, then it is still read', () => {
    expect(publicPolicyStatements({ Version: '2012-10-17', Statement: aPublicReadStatement() })).toHaveLength(1);
  });

  it('when the policy arrives as unparsed JSON text, then it is still read', () => {
    expect(publicPolicyStatements(JSON.stringify(aPolicy(aPublicReadStatement())))).toHaveLength(1);
  });

  it('when the document is not a policy at all, then no statement is public', () => {
    expect(publicPolicyStatements('not json')).toEqual([]);
    expect(publicPolicyStatements(42)).toEqual([]);
  });

  describe('narrowing conditions', () => {
    it.each([
      ['aws:SourceArn', 'ArnEquals', 'arn:aws:cloudfront::111111111111:distribution/E1ABC'],
      ['aws:SourceArn', 'ArnLike', 'arn:aws:cloudfront::111111111111:distribution/E1ABC'],
      ['aws:SourceVpc', 'StringEquals', 'vpc-0abc'],
      ['aws:SourceVpce', 'StringEquals', 'vpce-0abc'],
      ['aws:SourceAccount', 'StringEquals', '111111111111'],
      ['aws:SourceOwner', 'StringEquals', '111111111111'],
      ['aws:PrincipalOrgID', 'StringEquals', 'o-abc123'],
      ['aws:PrincipalAccount', 'StringEquals', '111111111111'],
      ['aws:PrincipalArn', 'ArnEquals', 'arn:aws:iam::111111111111:role/reader'],
      ['aws:userid', 'StringEquals', 'AIDAEXAMPLE'],
      ['aws:SourceIp', 'IpAddress', '203.0.113.0/24'],
      ['aws:sourcevpce', 'StringEquals', 'vpce-0abc'],
      ['aws:PrincipalOrgID', 'ForAnyValue:StringEquals', 'o-abc123'],
    ])('when %s is fixed with %s, then the statement is not public', (key, operator, value) => {
      const statement = aPublicReadStatement({ Condition: { [operator]: { [key]: value } } });
      expect(publicPolicyStatements(aPolicy(statement))).toEqual([]);
    });

    it.each([
      ['aws:SourceVpce', 'StringEquals', '*'],
      ['aws:SourceArn', 'ArnLike', 'arn:aws:cloudfront::111111111111:distribution/*'],
      ['aws:PrincipalOrgID', 'StringLike', 'o-*'],
      ['aws:userid', 'StringLike', 'AROAEXAMPLE:*'],
      ['aws:SourceAccount', 'StringEquals', '${aws:PrincipalAccount}'],
    ])('when %s is a wildcard or variable value (%s %s), then the statement stays public', (key, operator, value) => {
      const statement = aPublicReadStatement({ Condition: { [operator]: { [key]: value } } });
      expect(publicPolicyStatements(aPolicy(statement))).toHaveLength(1);
    });

    it.each(['0.0.0.0/0', '::/0'])('when aws:SourceIp includes %s, then the statement stays public', (open) => {
      const statement = aPublicReadStatement({
        Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', open] } },
      });
      expect(publicPolicyStatements(aPolicy(statement))).toHaveLength(1);
    });

    it('when aws:SourceIp lists only specific IPv6 ranges, then the statement is not public', () => {
      const statement = aPublicReadStatement({ Condition: { IpAddress: { 'aws:SourceIp': ['2001:db8::/32'] } } });
      expect(publicPolicyStatements(aPolicy(statement))).toEqual([]);
    });

    it.each([
      ['a negated operator', { StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc' } }],
      ['IfExists (true for the anonymous caller)', { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-0abc' } }],
      [
        'ForAllValues (true when the key is absent)',
        { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc' } },
      ],
      ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
      ['a key that does not identify the caller', { StringEquals: { 's3:prefix': 'public/' } }],
      ['a Bool on SecureTransport', { Bool: { 'aws:SecureTransport': 'true' } }],
    ])('when the only condition is %s, then the statement stays public', (_label, condition) => {
      expect(publicPolicyStatements(aPolicy(aPublicReadStatement({ Condition: condition })))).toHaveLength(1);
    });

    it('when a non-narrowing condition sits beside a narrowing one, then the statement is not public', () => {
      const condition = {
        Bool: { 'aws:SecureTransport': 'true' },
        StringEquals: { 'aws:SourceVpce': 'vpce-0abc' },
      };
      expect(publicPolicyStatements(aPolicy(aPublicReadStatement({ Condition: condition })))).toEqual([]);
    });
  });

  describe('write actions', () => {
    it.each(['s3:PutObject', 's3:DeleteObject', 's3:Put*', 's3:Delete*', 's3:*', '*', 'S3:PUTOBJECT', 's3:*Object'])(
      'when %s is granted, then it counts as write',
      (action) => expect(actionIncludesWrite(action)).toBe(true),
    );

    it.each(['s3:GetObject', 's3:Get*', 's3:ListBucket', 's3:List*'])(
      'when %s is granted, then it is read only',
      (action) => expect(actionIncludesWrite(action)).toBe(false),
    );

    it('when one of several public statements grants writes, then that statement is flagged', () => {
      const document = aPolicy(
        aPublicReadStatement(),
        aPublicReadStatement({ Sid: 'PublicUpload', Action: ['s3:GetObject', 's3:PutObject'] }),
      );
      expect(publicPolicyStatements(document)).toEqual([
        { statement: 'PublicRead', actions: ['s3:GetObject'], includesWrite: false },
        { statement: 'PublicUpload', actions: ['s3:GetObject', 's3:PutObject'], includesWrite: true },
      ]);
    });

    it('when a public statement uses NotAction, then it is reported as everything but those actions, writes included', () => {
      const statement = aPublicReadStatement({ NotAction: 's3:DeleteBucket' });
      delete statement.Action;
      expect(publicPolicyStatements(aPolicy(statement))).toEqual([
        { statement: 'PublicRead', actions: ['NOT s3:DeleteBucket'], includesWrite: true },
      ]);
    });
  });
});

describe('policyExposure', () => {
  it('when AWS reports the policy public, then it is public and the document names the statements', () => {
    const bucket = aBucket({
      policyStatus: known({ isPublic: true }),
      policy: known(aPolicy(aPublicReadStatement({ Action: 's3:*' }))),
    });
    expect(policyExposure(bucket)).toEqual({
      status: 'public',
      basis: 'policy-status',
      statements: [{ statement: 'PublicRead', actions: ['s3:*'], includesWrite: true }],
      includesWrite: true,
    });
  });

  it('when AWS reports the policy public but the document cannot be read, then it is public with writes undetermined', () => {
    const bucket = aBucket({ policyStatus: known({ isPublic: true }), policy: denied('s3:GetBucketPolicy') });
    expect(policyExposure(bucket)).toMatchObject({ status: 'public', statements: [], includesWrite: null });
  });

  it('when AWS reports the policy not public, then its verdict stands over our reading of the document', () => {
    const bucket = aBucket({
      policyStatus: known({ isPublic: false }),
      policy: known(aPolicy(aPublicReadStatement())),
    });
    expect(policyExposure(bucket)).toEqual({ status: 'none', basis: 'policy-status' });
  });

  it('when the bucket has no policy, then nothing is exposed', () => {
    expect(policyExposure(aBucket())).toEqual({ status: 'none', basis: 'no-policy' });
  });

  it('when the policy status is unreadable, then the document decides (public)', () => {
    expect(policyExposure(aBucketJudgedByDocument(aPolicy(aPublicReadStatement())))).toMatchObject({
      status: 'public',
      basis: 'policy-document',
      includesWrite: false,
    });
  });

  it('when the policy status is unreadable, then the document decides (not public)', () => {
    const document = aPolicy(aPublicReadStatement({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }));
    expect(policyExposure(aBucketJudgedByDocument(document))).toEqual({
      status: 'none',
      basis: 'policy-document',
      statusError: expect.objectContaining({ permission: 's3:GetBucketPolicyStatus' }),
    });
  });

  it('when the policy status is unreadable and there is no policy, then nothing is exposed', () => {
    expect(policyExposure(aBucketJudgedByDocument(null))).toEqual({ status: 'none', basis: 'no-policy' });
  });

  it('when neither the status nor the document can be read, then it is unknown naming the status permission', () => {
    const bucket = aBucket({ policyStatus: denied('s3:GetBucketPolicyStatus'), policy: denied('s3:GetBucketPolicy') });
    expect(policyExposure(bucket)).toMatchObject({
      status: 'unknown',
      error: { permission: 's3:GetBucketPolicyStatus' },
    });
  });
});

describe('aclExposure', () => {
  it('when the ACL grants only the owner, then nothing is exposed', () => {
    expect(aclExposure(aBucket())).toEqual({ status: 'none' });
  });

  it('when AllUsers may read, then it is public read', () => {
    const bucket = aBucket({ acl: known({ ownerId: 'o', grants: [anOwnerGrant(), aGroupGrant('AllUsers', 'READ')] }) });
    expect(aclExposure(bucket)).toEqual({
      status: 'public',
      grants: [
        {
          grantee: 'AllUsers',
          granteeUri: 'http://acs.amazonaws.com/groups/global/AllUsers',
          permission: 'READ',
          includesWrite: false,
        },
      ],
      includesWrite: false,
    });
  });

  it.each(['WRITE', 'WRITE_ACP', 'FULL_CONTROL'])(
    'when AuthenticatedUsers hold %s, then it is public write',
    (permission) => {
      const bucket = aBucket({ acl: known({ ownerId: 'o', grants: [aGroupGrant('AuthenticatedUsers', permission)] }) });
      expect(aclExposure(bucket)).toMatchObject({
        status: 'public',
        grants: [{ grantee: 'AuthenticatedUsers', permission }],
        includesWrite: true,
      });
    },
  );

  it('when the group URI is written with https and a trailing slash, then it is still recognised', () => {
    const grant = aGroupGrant('AllUsers', 'READ', { granteeUri: 'https://acs.amazonaws.com/groups/global/AllUsers/' });
    expect(aclExposure(aBucket({ acl: known({ ownerId: 'o', grants: [grant] }) })).status).toBe('public');
  });

  it('when the grant is to the log delivery group, then it is not public', () => {
    const grant = aGroupGrant('AllUsers', 'WRITE', { granteeUri: 'http://acs.amazonaws.com/groups/s3/LogDelivery' });
    expect(aclExposure(aBucket({ acl: known({ ownerId: 'o', grants: [grant] }) }))).toEqual({ status: 'none' });
  });

  it('when the ACL cannot be read, then it is unknown naming the permission', () => {
    expect(aclExposure(aBucket({ acl: denied('s3:GetBucketAcl') }))).toMatchObject({
      status: 'unknown',
      error: { permission: 's3:GetBucketAcl' },
    });
  });
});

describe('effective exposure under Block Public Access', () => {
  const publicPolicyBucket = aBucket({
    policyStatus: known({ isPublic: true }),
    policy: known(aPolicy(aPublicReadStatement())),
    publicAccessBlock: known(null),
  });
  const publicAclBucket = aBucket({
    acl: known({ ownerId: 'o', grants: [aGroupGrant('AllUsers')] }),
    publicAccessBlock: known(null),
  });

  it('when restrictPublicBuckets is on at the bucket, then a public policy is neutralised', () => {
    const bucket = { ...publicPolicyBucket, publicAccessBlock: known({ ...ALL_BLOCKED, ignorePublicAcls: false }) };
    expect(effectivePolicyExposure(bucket, NO_BLOCK)).toMatchObject({
      status: 'blocked',
      by: 'restrictPublicBuckets',
      exposure: { status: 'public' },
    });
  });

  it('when restrictPublicBuckets is on at the account only, then a public policy is neutralised', () => {
    const account = known({ ...ALL_BLOCKED, blockPublicPolicy: false });
    expect(effectivePolicyExposure(publicPolicyBucket, account).status).toBe('blocked');
  });

  it('when only blockPublicPolicy is on, then an existing public policy still exposes the bucket', () => {
    const account = known({ ...ALL_BLOCKED, restrictPublicBuckets: false });
    expect(effectivePolicyExposure(publicPolicyBucket, account).status).toBe('public');
  });

  it('when ignorePublicAcls is on, then a public ACL is neutralised', () => {
    const account = known({ ...ALL_BLOCKED, restrictPublicBuckets: false });
    expect(effectiveAclExposure(publicAclBucket, account)).toMatchObject({ status: 'blocked', by: 'ignorePublicAcls' });
  });

  it('when only restrictPublicBuckets is on, then a public ACL still exposes the bucket', () => {
    const account = known({ ...ALL_BLOCKED, ignorePublicAcls: false });
    expect(effectiveAclExposure(publicAclBucket, account).status).toBe('public');
  });

  it('when restrictPublicBuckets is on, then an unreadable policy no longer matters', () => {
    const bucket = aBucket({ policyStatus: denied('s3:GetBucketPolicyStatus'), policy: denied('s3:GetBucketPolicy') });
    expect(effectivePolicyExposure(bucket, known(ALL_BLOCKED))).toEqual({
      status: 'blocked',
      by: 'restrictPublicBuckets',
      exposure: null,
    });
  });

  it('when the policy is public and the bucket setting cannot be read, then it is unknown naming that permission', () => {
    const bucket = { ...publicPolicyBucket, publicAccessBlock: denied<null>('s3:GetBucketPublicAccessBlock') };
    expect(effectivePolicyExposure(bucket, NO_BLOCK)).toMatchObject({
      status: 'unknown',
      error: { permission: 's3:GetBucketPublicAccessBlock' },
    });
  });

  it('when the policy is not public, then an unreadable bucket setting does not matter', () => {
    const bucket = aBucket({ publicAccessBlock: denied('s3:GetBucketPublicAccessBlock') });
    expect(effectivePolicyExposure(bucket, NO_BLOCK)).toEqual({ status: 'none', basis: 'no-policy' });
  });
});

describe('bucketPublicity', () => {
  it('when the ACL is public and the policy unreadable, then the bucket is public', () => {
    const bucket = aBucket({
      policyStatus: denied('s3:GetBucketPolicyStatus'),
      policy: denied('s3:GetBucketPolicy'),
      acl: known({ ownerId: 'o', grants: [aGroupGrant('AllUsers')] }),
      publicAccessBlock: known(null),
    });
    expect(bucketPublicity(bucket, NO_BLOCK).status).toBe('public');
  });

  it('when nothing is public but the ACL is unreadable, then publicity is unknown naming the ACL permission', () => {
    const bucket = aBucket({ acl: denied('s3:GetBucketAcl'), publicAccessBlock: known(null) });
    expect(bucketPublicity(bucket, NO_BLOCK)).toMatchObject({
      status: 'unknown',
      error: { permission: 's3:GetBucketAcl' },
    });
  });

  it('when both routes are closed, then the bucket is not public', () => {
    expect(bucketPublicity(aBucket(), NO_BLOCK).status).toBe('not-public');
  });
});
