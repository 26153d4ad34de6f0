import check from '../../../../src/core/checks/s3/s3_bucket_secure_transport';
import { known } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import {
  aDenyInsecureTransportStatement,
  aPolicy,
  aPublicReadStatement,
  type Statement,
} from '../../../fixtures/s3-builders';
import { aBucket, anAccount, anS3Slice, denied } from '../../../fixtures/snapshot-builders';

const withPolicy = (document: unknown) =>
  anAccount({ s3: anS3Slice({ buckets: known([aBucket({ policy: known(document) })]) }) });
const statusFor = (...statements: Statement[]) =>
  resultFor(run(check, withPolicy(aPolicy(...statements))), 'app-data').status;

describe('s3_bucket_secure_transport', () => {
  it('when the policy has the documented deny on aws:SecureTransport false, then it passes naming the statement', () => {
    const result = resultFor(
      run(check, withPolicy(aPolicy(aPublicReadStatement(), aDenyInsecureTransportStatement()))),
      'app-data',
    );
    expect(result).toMatchObject({ status: 'pass', evidence: { statements: ['DenyInsecureTransport'] } });
  });

  it.each<[string, Statement]>([
    ['Action "*"', { Action: '*' }],
    ['Action list containing s3:*', { Action: ['s3:GetObject', 's3:*'] }],
    ['Principal { AWS: "*" }', { Principal: { AWS: '*' } }],
    ['a JSON boolean false', { Condition: { Bool: { 'aws:SecureTransport': false } } }],
    ['BoolIfExists', { Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }],
  ])('when the deny uses %s, then it passes', (_label, over) => {
    expect(statusFor(aDenyInsecureTransportStatement(over))).toBe('pass');
  });

  it('when the bucket has no policy, then it fails saying plain HTTP is accepted', () => {
    const result = resultFor(run(check, anAccount()), 'app-data');
    expect(result).toMatchObject({ status: 'fail', evidence: { hasPolicy: false } });
    expect(result.message).toContain('plain HTTP');
  });

  it.each<[string, Statement]>([
    ['it covers only s3:GetObject', { Action: 's3:GetObject' }],
    ['it names one account instead of everyone', { Principal: { AWS: 'arn:aws:iam::222222222222:root' } }],
    ['it is an Allow', { Effect: 'Allow' }],
    ['it tests SecureTransport true', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
    [
      'a second condition narrows it',
      { Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:SourceVpce': 'vpce-1' } } },
    ],
    ['it has no condition', { Condition: undefined }],
  ])('when the only deny fails because %s, then the bucket fails', (_label, over) => {
    expect(statusFor(aDenyInsecureTransportStatement(over))).toBe('fail');
  });

  it('when the policy cannot be read, then it is unknown naming the permission', () => {
    const account = anAccount({
      s3: anS3Slice({ buckets: known([aBucket({ policy: denied('s3:GetBucketPolicy') })]) }),
    });
    const result = resultFor(run(check, account), 'app-data');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketPolicy');
  });
});
