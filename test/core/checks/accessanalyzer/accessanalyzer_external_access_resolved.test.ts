import check from '../../../../src/core/checks/accessanalyzer/accessanalyzer_external_access_resolved';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import {
  anAccessAnalyzerRegion,
  anAccessFinding,
  anAccountWithAccessAnalyzer,
} from '../../../fixtures/builders/accessanalyzer';
import { denied } from '../../../fixtures/snapshot-builders';

const withFindings = (active: ReturnType<typeof anAccessFinding>[], truncated = false) =>
  anAccountWithAccessAnalyzer({ 'us-east-1': anAccessAnalyzerRegion({ findings: known({ active, truncated }) }) });

describe('accessanalyzer_external_access_resolved', () => {
  it('when the analyzer has no active finding, then the region passes with one result', () => {
    const results = run(check, withFindings([]));

    expect(statuses(results)).toEqual(['111111111111/us-east-1/access-analyzer-findings:pass']);
  });

  it('when a bucket is shared with another account, then one finding fails naming resource, principal and actions', () => {
    const [result] = run(check, withFindings([anAccessFinding()]));

    expect(result).toMatchObject({
      status: 'fail',
      resource: {
        type: 'AwsS3Bucket',
        id: 'arn:aws:s3:::shared-reports#a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
        arn: 'arn:aws:s3:::shared-reports',
      },
      evidence: { principal: { AWS: '999999999999' }, actions: ['s3:GetObject', 's3:ListBucket'], isPublic: false },
    });
    expect(result!.severity).toBeUndefined();
    expect(result!.message).toBe(
      'S3 bucket shared-reports is reachable by AWS 999999999999 from outside the zone of trust via s3:GetObject, s3:ListBucket (IAM Access Analyzer finding a1b2c3d4-5678-90ab-cdef-EXAMPLE11111).',
    );
  });

  it('when one resource is shared with two principals, then each finding is its own result', () => {
    const results = run(
      check,
      withFindings([anAccessFinding(), anAccessFinding({ id: 'second', principal: { AWS: '888888888888' } })]),
    );

    expect(new Set(results.map((r) => r.resource.id)).size).toBe(2);
    expect(results.every((r) => r.status === 'fail')).toBe(true);
  });

  it('when the access is public, then the finding is critical and says anyone, with the condition', () => {
    const queue = anAccessFinding({
      resource: 'arn:aws:sqs:us-east-1:111111111111:orders',
      resourceType: 'AWS::SQS::Queue',
      isPublic: true,
      principal: { AWS: '*' },
      actions: ['sqs:SendMessage'],
      condition: { 'aws:SourceIp': '0.0.0.0/0' },
    });

    const [result] = run(check, withFindings([queue]));

    expect(result).toMatchObject({ status: 'fail', severity: 'critical', resource: { type: 'AwsSqsQueue' } });
    expect(result!.message).toContain(
      'SQS queue orders is public: anyone can use sqs:SendMessage when aws:SourceIp = 0.0.0.0/0 (IAM Access Analyzer finding',
    );
  });

  it('when Access Analyzer did not say whether access is public, then it is reported as critical and says so', () => {
    const [result] = run(check, withFindings([anAccessFinding({ isPublic: null })]));

    expect(result).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(result!.message).toContain('did not say whether it is public');
  });

  it('when more findings exist than were listed, then the listed ones fail and an unknown result says the list is cut', () => {
    const results = run(check, withFindings([anAccessFinding()], true));

    expect(results.map((r) => r.status)).toEqual(['fail', 'unknown']);
    expect(results[1]!.message).toContain('more than 1 active external-access findings');
  });

  it('when the region has no active external-access analyzer, then the region is unknown, never passing', () => {
    const account = anAccountWithAccessAnalyzer({
      'us-east-1': anAccessAnalyzerRegion({ analyzers: known([]), findings: known(null) }),
    });

    const [result] = run(check, account);

    expect(result).toMatchObject({ status: 'unknown', evidence: { analyzer: null } });
    expect(result!.message).toContain('no active external-access analyzer in us-east-1');
  });

  it('when the findings are refused, then the region is unknown naming the permission', () => {
    const account = anAccountWithAccessAnalyzer({
      'us-east-1': anAccessAnalyzerRegion({ findings: denied('access-analyzer:ListFindings') }),
    });

    expect(run(check, account)[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'access-analyzer:ListFindings' },
    });
  });
});
