import check from '../../../../src/core/checks/s3/s3_bucket_not_public_by_policy';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import {
  aBucketJudgedByDocument,
  anAccountWithoutBlockPublicAccess,
  aPolicy,
  aPublicReadStatement,
  malformedAnswer,
} from '../../../fixtures/s3-builders';
import { ALL_BLOCKED, aBucket, anAccount, anS3Slice, denied } from '../../../fixtures/snapshot-builders';

const publicBy = (statement = aPublicReadStatement()) =>
  aBucket({ policyStatus: known({ isPublic: true }), policy: known(aPolicy(statement)) });

describe('s3_bucket_not_public_by_policy', () => {
  it('when buckets have no policy, then each passes', () => {
    const results = run(check, anAccount());
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('when a policy lets anyone read, then the bucket fails naming the statement and S3.2', () => {
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([publicBy()])), 'app-data');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('statement PublicRead allows anyone s3:GetObject');
    expect(result.message).not.toContain('write');
    expect(result.evidence).toMatchObject({ basis: 'policy-status', includesWrite: false, securityHubControl: 'S3.2' });
  });

  it('when a policy lets anyone write, then the failure says so and names S3.3', () => {
    const bucket = publicBy(aPublicReadStatement({ Sid: 'Upload', Action: ['s3:GetObject', 's3:PutObject'] }));
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result.message).toContain('including write access');
    expect(result.evidence).toMatchObject({ includesWrite: true, securityHubControl: 'S3.3' });
  });

  it('when the policy is public but restrictPublicBuckets is on at the account, then it passes as neutralised', () => {
    const account = anAccount({
      s3: anS3Slice({ buckets: known([{ ...publicBy(), publicAccessBlock: known(null) }]) }),
    });
    const result = resultFor(run(check, account), 'app-data');
    expect(result).toMatchObject({
      status: 'pass',
      evidence: { neutralisedBy: 'restrictPublicBuckets', wouldBePublic: true },
    });
  });

  it('when only blockPublicPolicy is on, then an existing public policy still fails', () => {
    const account = anAccount({
      s3: anS3Slice({
        accountPublicAccessBlock: known({ ...ALL_BLOCKED, restrictPublicBuckets: false }),
        buckets: known([{ ...publicBy(), publicAccessBlock: known(null) }]),
      }),
    });
    expect(resultFor(run(check, account), 'app-data').status).toBe('fail');
  });

  it('when the policy status is unreadable, then the document decides', () => {
    const bucket = aBucketJudgedByDocument(aPolicy(aPublicReadStatement()));
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result).toMatchObject({ status: 'fail', evidence: { basis: 'policy-document' } });
  });

  it('when the policy is narrowed to a VPC endpoint, then it passes', () => {
    const statement = aPublicReadStatement({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } } });
    const result = resultFor(
      run(check, anAccountWithoutBlockPublicAccess([aBucketJudgedByDocument(aPolicy(statement))])),
      'app-data',
    );
    expect(result.status).toBe('pass');
  });

  it('when neither policy status nor policy can be read, then it is unknown naming the permission', () => {
    const bucket = aBucket({ policyStatus: denied('s3:GetBucketPolicyStatus'), policy: denied('s3:GetBucketPolicy') });
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketPolicyStatus');
  });

  it("when AWS's policy status says not public, then the pass says AWS's verdict decided", () => {
    const bucket = aBucket({
      policyStatus: known({ isPublic: false }),
      policy: known(aPolicy(aPublicReadStatement())),
    });
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result).toMatchObject({ status: 'pass', evidence: { basis: 'policy-status' } });
    expect(result.message).toContain("according to AWS's policy status");
  });

  it('when the policy status answer could not be read and the document is public, then it fails and says the document decided and why', () => {
    const bucket = aBucketJudgedByDocument(aPolicy(aPublicReadStatement()), {
      policyStatus: malformedAnswer('GetBucketPolicyStatus', 's3:GetBucketPolicyStatus'),
    });
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result.status).toBe('fail');
    expect(result.message).toContain("Decided by cloudsec's reading of the policy document");
    expect(result.message).toContain('GetBucketPolicyStatus answered');
    expect(result.evidence).toMatchObject({
      basis: 'policy-document',
      policyStatusUnavailable: { operation: 'GetBucketPolicyStatus', code: 'MalformedAnswer', kind: 'malformed' },
    });
  });

  it('when the policy status was refused and the document grants nothing public, then the pass says the document decided', () => {
    const statement = aPublicReadStatement({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } } });
    const result = resultFor(
      run(check, anAccountWithoutBlockPublicAccess([aBucketJudgedByDocument(aPolicy(statement))])),
      'app-data',
    );
    expect(result).toMatchObject({ status: 'pass', evidence: { basis: 'policy-document' } });
    expect(result.message).toContain('cloudsec needs s3:GetBucketPolicyStatus');
  });

  it.each([
    ['text that is not JSON', '<html><body>Sign in</body></html>'],
    ['JSON without a Statement', { Version: '2012-10-17' }],
    ['statements that are not objects', { Version: '2012-10-17', Statement: ['Allow everyone'] }],
  ])(
    'when the policy status is unavailable and the recorded policy is %s, then it is unknown, not a pass',
    (_label, document) => {
      const result = resultFor(
        run(check, anAccountWithoutBlockPublicAccess([aBucketJudgedByDocument(document)])),
        'app-data',
      );
      expect(result.status).toBe('unknown');
      expect(result.message).toContain('neither AWS');
    },
  );

  it('when neither the policy status nor the policy can be read, then the unknown names both reasons', () => {
    const bucket = aBucket({
      policyStatus: malformedAnswer('GetBucketPolicyStatus', 's3:GetBucketPolicyStatus'),
      policy: denied('s3:GetBucketPolicy'),
    });
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('GetBucketPolicyStatus answered');
    expect(result.message).toContain('cloudsec needs s3:GetBucketPolicy');
    expect(result.evidence).toMatchObject({ documentError: { permission: 's3:GetBucketPolicy' } });
  });

  it('when buckets cannot be listed, then one unknown result stands for the account', () => {
    const results = run(check, anAccount({ s3: anS3Slice({ buckets: denied('s3:ListAllMyBuckets') }) }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
  });
});
