import { evaluateChecks, findingId, summarize } from '../../src/core/findings';
import { defineCheck, fail, pass } from '../../src/core/checks/define';
import { missing, type AccountSnapshot } from '../../src/core/model';
import { accountResource, bucketResource } from '../../src/core/resources';
import {
  NOW,
  aBucket,
  aSecurityHubFinding,
  aSecurityHubRegion,
  aSnapshot,
  accessDenied,
  anAccount,
} from '../fixtures/snapshot-builders';
import { known } from '../../src/core/model';

const bucketCheck = defineCheck({
  id: 's3_bucket_named_safely',
  service: 's3',
  severity: 'high',
  title: 'Bucket name does not contain "public"',
  failTitle: 'Bucket name contains "public"',
  rationale: 'A test check.',
  remediationText: 'Rename the bucket.',
  frameworks: { cis: null, securityHub: 'S3.8' },
  requires: ['s3'],
  remediation: 's3_block_public_access',
  evaluate: ({ account }) =>
    account.s3.buckets.ok
      ? account.s3.buckets.value.map((b) =>
          b.name.includes('public')
            ? fail(bucketResource(b), b.region, `${b.name} is public`)
            : pass(bucketResource(b), b.region, 'ok'),
        )
      : [],
});
const iamCheck = defineCheck({
  ...bucketCheck,
  id: 'iam_account_checked',
  service: 'iam',
  severity: 'low',
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) => [fail(accountResource(account), 'global', 'always fails')],
});

const withBuckets = (over: Partial<AccountSnapshot> = {}) =>
  anAccount({
    s3: {
      accountPublicAccessBlock: known(null),
      buckets: known([aBucket({ name: 'a-public' }), aBucket({ name: 'b-private', region: 'eu-west-1' })]),
    },
    ...over,
  });

describe('evaluateChecks', () => {
  it('when a check fails, then the finding carries the check metadata and its remediation', () => {
    const [first] = evaluateChecks([bucketCheck], aSnapshot([withBuckets()]), NOW, { services: ['s3'] });
    expect(first).toMatchObject({
      checkId: 's3_bucket_named_safely',
      status: 'fail',
      severity: 'high',
      accountId: '111111111111',
      region: 'us-east-1',
      resource: { type: 'AwsS3Bucket', id: 'a-public', arn: 'arn:aws:s3:::a-public' },
      remediationId: 's3_block_public_access',
      frameworks: { cis: null, securityHub: 'S3.8' },
      observedAt: NOW.toISOString(),
    });
  });

  it('when a check fails, then the finding is titled by what is wrong (failTitle); when it passes or is unknown, by the desired state (title)', () => {
    const evaluated = evaluateChecks([bucketCheck], aSnapshot([withBuckets()]), NOW, { services: ['s3'] });
    const notCollected = evaluateChecks([bucketCheck], aSnapshot([anAccount({ s3: undefined })]), NOW, {
      services: ['s3'],
    });
    const notEntered = evaluateChecks(
      [bucketCheck],
      aSnapshot([anAccount({ access: missing(accessDenied('sts:AssumeRole')) })]),
      NOW,
      { services: ['s3'] },
    );
    const titles = [...evaluated, ...notCollected, ...notEntered].map((f) => [f.status, f.title]);
    expect(titles).toEqual([
      ['fail', 'Bucket name contains "public"'],
      ['pass', 'Bucket name does not contain "public"'],
      ['unknown', 'Bucket name does not contain "public"'],
      ['unknown', 'Bucket name does not contain "public"'],
    ]);
  });

  it('when a check passes, then the finding has no remediation', () => {
    const findings = evaluateChecks([bucketCheck], aSnapshot([withBuckets()]), NOW, { services: ['s3'] });
    expect(findings.find((f) => f.resource.id === 'b-private')).toMatchObject({ status: 'pass', remediationId: null });
  });

  it('when the same resource is scanned twice, then its finding id is the same; another resource gets another id', () => {
    const a = evaluateChecks([bucketCheck], aSnapshot([withBuckets()]), NOW, { services: ['s3'] });
    const b = evaluateChecks([bucketCheck], aSnapshot([withBuckets()]), new Date(NOW.getTime() + 86_400_000), {
      services: ['s3'],
    });
    expect(a.map((f) => f.id)).toEqual(b.map((f) => f.id));
    expect(new Set(a.map((f) => f.id)).size).toBe(a.length);
    expect(a[0]!.id).toMatch(/^f_[0-9a-f]{16}$/);
  });

  it('orders failing before passing, then by severity', () => {
    const findings = evaluateChecks([iamCheck, bucketCheck], aSnapshot([withBuckets()]), NOW, {
      services: ['s3', 'iam'],
    });
    expect(findings.map((f) => `${f.status}:${f.severity}`)).toEqual(['fail:high', 'fail:low', 'pass:high']);
  });

  it('when a service is not selected, then its checks do not run', () => {
    const findings = evaluateChecks([iamCheck, bucketCheck], aSnapshot([withBuckets()]), NOW, { services: ['iam'] });
    expect(findings.map((f) => f.checkId)).toEqual(['iam_account_checked']);
  });

  it('when a slice was not collected, then each check needing it is one unknown finding on the account, saying so', () => {
    const findings = evaluateChecks([iamCheck, bucketCheck], aSnapshot([anAccount({ s3: undefined })]), NOW, {
      services: ['s3', 'iam'],
    });
    expect(findings.map((f) => [f.checkId, f.status])).toEqual([
      ['iam_account_checked', 'fail'],
      ['s3_bucket_named_safely', 'unknown'],
    ]);
    expect(findings[1]).toMatchObject({
      severity: 'high',
      region: 'global',
      resource: { type: 'AwsAccount', id: '111111111111' },
      remediationId: null,
      evidence: { notCollected: ['s3'] },
    });
    expect(findings[1]!.message).toMatch(
      /^Could not check: the s3 data this check reads was not collected in this snapshot/,
    );
  });

  it('when cloudsec could not enter an account, then every selected check is unknown for it, naming the reason', () => {
    const account = anAccount({
      access: missing(accessDenied('sts:AssumeRole on arn:aws:iam::111111111111:role/cloudsec')),
    });
    const findings = evaluateChecks([iamCheck, bucketCheck], aSnapshot([account]), NOW, { services: ['s3', 'iam'] });
    expect(findings.map((f) => [f.checkId, f.status])).toEqual([
      ['s3_bucket_named_safely', 'unknown'],
      ['iam_account_checked', 'unknown'],
    ]);
    expect(findings[0]!.evidence).toMatchObject({
      missingPermission: 'sts:AssumeRole on arn:aws:iam::111111111111:role/cloudsec',
    });
  });

  it('when regions are given, then regional findings elsewhere are dropped and global ones kept', () => {
    const findings = evaluateChecks([iamCheck, bucketCheck], aSnapshot([withBuckets()]), NOW, {
      services: ['s3', 'iam'],
      regions: ['eu-west-1'],
    });
    expect(findings.map((f) => f.resource.id).sort()).toEqual(['111111111111', 'b-private']);
  });

  it('when Security Hub is selected, then its findings join in the same shape, mapped to a remediation by control id', () => {
    const account = anAccount({
      securityhub: { 'us-east-1': aSecurityHubRegion({ findings: known([aSecurityHubFinding()]) }) },
    });
    const findings = evaluateChecks([bucketCheck], aSnapshot([account]), NOW, { services: ['securityhub'] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      source: 'securityhub',
      checkId: 'securityhub:S3.8',
      status: 'fail',
      severity: 'high',
      resource: { type: 'AwsS3Bucket', id: 'arn:aws:s3:::legacy-public', arn: 'arn:aws:s3:::legacy-public' },
      remediationId: 's3_block_public_access',
      message: 'This control checks whether an Amazon S3 general purpose bucket blocks public access.',
    });
  });
});

describe('findingId', () => {
  it('depends on every part that identifies the finding', () => {
    const base = { source: 'cloudsec', checkId: 'c', accountId: '1', region: 'r', resourceId: 'x' };
    const ids = new Set(
      [
        base,
        { ...base, source: 'securityhub' },
        { ...base, checkId: 'd' },
        { ...base, accountId: '2' },
        { ...base, region: 's' },
        { ...base, resourceId: 'y' },
      ].map(findingId),
    );
    expect(ids.size).toBe(6);
  });
});

describe('summarize', () => {
  it('counts failing findings by severity and all findings by status', () => {
    const findings = evaluateChecks([iamCheck, bucketCheck], aSnapshot([withBuckets()]), NOW, {
      services: ['s3', 'iam'],
    });
    expect(summarize(findings)).toEqual({
      bySeverity: { critical: 0, high: 1, medium: 0, low: 1, informational: 0 },
      byStatus: { fail: 2, unknown: 0, pass: 1 },
      unknownBySeverity: { critical: 0, high: 0, medium: 0, low: 0, informational: 0 },
    });
  });

  it('counts unknown findings by severity, so CI can tell what could not be checked', () => {
    const findings = evaluateChecks([iamCheck, bucketCheck], aSnapshot([anAccount({ s3: undefined })]), NOW, {
      services: ['s3', 'iam'],
    });
    expect(summarize(findings).unknownBySeverity).toEqual({
      critical: 0,
      high: 1,
      medium: 0,
      low: 0,
      informational: 0,
    });
  });
});
