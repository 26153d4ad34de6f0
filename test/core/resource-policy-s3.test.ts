/**
 * The S3 verdicts that changed when the bucket-policy reading moved to the shared resource-policy
 * reader. They only matter when AWS's own GetBucketPolicyStatus could not be read (the status decides
 * otherwise), and each follows AWS's documentation or fails closed where the old reading passed.
 */
import { known } from '../../src/core/model';
import { policyExposure, publicPolicyStatements } from '../../src/core/s3-public';
import { aBucketJudgedByDocument, aPolicy, aPublicReadStatement } from '../fixtures/s3-builders';
import { aBucket } from '../fixtures/snapshot-builders';

const denyOutsideOrg = {
  Sid: 'OrgOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: ['arn:aws:s3:::app-data', 'arn:aws:s3:::app-data/*'],
  Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc12345' } },
};

describe('S3 bucket policies read by the shared resource-policy reader', () => {
  it('when a Deny takes the public actions from everyone outside the organization, then the bucket is not public (explicit deny wins)', () => {
    const bucket = aBucketJudgedByDocument(aPolicy(aPublicReadStatement(), denyOutsideOrg));
    expect(policyExposure(bucket)).toMatchObject({ status: 'none', basis: 'policy-document' });
  });

  it('when the Deny only forbids plain HTTP, then the bucket stays public', () => {
    const denyHttp = { ...denyOutsideOrg, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(policyExposure(aBucketJudgedByDocument(aPolicy(aPublicReadStatement(), denyHttp))).status).toBe('public');
  });

  it.each([
    ['s3:DataAccessPointAccount', '111122223333'],
    ['s3:DataAccessPointArn', 'arn:aws:s3:us-east-1:111122223333:accesspoint/reader'],
    ['s3:x-amz-server-side-encryption-aws-kms-key-id', 'arn:aws:kms:us-east-1:111122223333:key/abc'],
  ])("when the statement pins S3's own key %s, then it is not public (S3 lists it as narrowing)", (key, value) => {
    const statement = aPublicReadStatement({ Condition: { StringEquals: { [key]: value } } });
    expect(publicPolicyStatements(aPolicy(statement))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['Effect in lower case', aPublicReadStatement({ Effect: 'allow' })],
    ['a Principal written as an ARN string', aPublicReadStatement({ Principal: 'arn:aws:iam::222222222222:root' })],
    ['no Principal at all', aPublicReadStatement({ Principal: undefined })],
    [
      'a condition value that is an object',
      aPublicReadStatement({ Condition: { StringEquals: { 'aws:SourceVpce': {} } } }),
    ],
  ])(
    'when the status is unavailable and a statement has %s, then the bucket is unknown naming the reason (it used to be skipped)',
    (_label, statement) => {
      const exposure = policyExposure(aBucketJudgedByDocument(aPolicy(statement)));
      expect(exposure).toMatchObject({
        status: 'unknown',
        error: { permission: 's3:GetBucketPolicyStatus' },
        documentError: { operation: 'GetBucketPolicy', kind: 'malformed' },
      });
      expect(exposure.status === 'unknown' && exposure.documentError?.message).toMatch(
        /^the bucket policy is not a policy document: statement #0 \(Sid "PublicRead"\)/,
      );
    },
  );

  it('when the status is unavailable and the policy has an empty statement list, then the bucket is unknown', () => {
    expect(policyExposure(aBucketJudgedByDocument({ Version: '2012-10-17', Statement: [] })).status).toBe('unknown');
  });

  it.each(['any', '', 'internal'])(
    'when aws:SourceIp is "%s" (not an address range), then it does not narrow',
    (value) => {
      const statement = aPublicReadStatement({ Condition: { IpAddress: { 'aws:SourceIp': value } } });
      expect(publicPolicyStatements(aPolicy(statement))).toHaveLength(1);
    },
  );

  it('when AWS reports the policy public, then the statements are still named from the document', () => {
    const bucket = aBucket({
      policyStatus: known({ isPublic: true }),
      policy: known(aPolicy(aPublicReadStatement({ NotAction: 's3:DeleteBucket', Action: undefined }))),
    });
    expect(policyExposure(bucket)).toMatchObject({
      status: 'public',
      basis: 'policy-status',
      statements: [{ statement: 'PublicRead', actions: ['NOT s3:DeleteBucket'], includesWrite: true }],
    });
  });
});
