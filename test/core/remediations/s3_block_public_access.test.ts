import type { DeletePublicAccessBlockCommandInput, PutPublicAccessBlockCommandInput } from '@aws-sdk/client-s3';
import { known } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/s3_block_public_access';
import { ACCOUNT_ID, ALL_BLOCKED, aBucket, anAccount, anS3Slice, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, aFinding, aSecurityHubFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const PARTIAL = { ...ALL_BLOCKED, restrictPublicBuckets: false, blockPublicPolicy: false };
const accountWith = (bucket: ReturnType<typeof aBucket>) =>
  anAccount({ s3: anS3Slice({ accountPublicAccessBlock: known(null), buckets: known([bucket]) }) });
const finding = aFinding({ checkId: 's3_bucket_not_public_by_policy', remediationId: 's3_block_public_access' });

describe('s3_block_public_access', () => {
  it('when a bucket turns some settings off, then the plan turns all four on in the bucket region', () => {
    const account = accountWith(aBucket({ region: 'eu-west-1', publicAccessBlock: known(PARTIAL) }));
    const result = planned(remediation.plan(finding, account));
    const expected: PutPublicAccessBlockCommandInput = {
      Bucket: 'app-data',
      ExpectedBucketOwner: ACCOUNT_ID,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    };
    expect(result.calls).toEqual([
      { service: 's3', region: 'eu-west-1', command: 'PutPublicAccessBlock', input: expected },
    ]);
  });

  it('when undone, then the previous bucket settings are put back exactly', () => {
    const account = accountWith(aBucket({ publicAccessBlock: known(PARTIAL) }));
    const result = planned(remediation.plan(finding, account));
    const expected: PutPublicAccessBlockCommandInput = {
      Bucket: 'app-data',
      ExpectedBucketOwner: ACCOUNT_ID,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 's3', region: 'us-east-1', command: 'PutPublicAccessBlock', input: expected }],
    });
  });

  it('when the bucket had no configuration of its own, then undo deletes the one the fix created', () => {
    const result = planned(remediation.plan(finding, accountWith(aBucket({ publicAccessBlock: known(null) }))));
    const expected: DeletePublicAccessBlockCommandInput = { Bucket: 'app-data', ExpectedBucketOwner: ACCOUNT_ID };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 's3', region: 'us-east-1', command: 'DeletePublicAccessBlock', input: expected }],
    });
  });

  it('when the finding comes from Security Hub with the bucket ARN as id, then the bucket is found by name', () => {
    const account = accountWith(aBucket({ name: 'legacy-public', publicAccessBlock: known(null) }));
    const result = planned(remediation.plan(aSecurityHubFinding(), account));
    expect(result.calls[0]?.input).toMatchObject({ Bucket: 'legacy-public' });
  });

  it('when the bucket settings could not be read, then no plan is made, naming the permission', () => {
    const account = accountWith(aBucket({ publicAccessBlock: denied('s3:GetBucketPublicAccessBlock') }));
    expect(reasonOf(remediation.plan(finding, account))).toContain('s3:GetBucketPublicAccessBlock');
  });

  it('when the bucket is not in the snapshot, then no plan is made', () => {
    const other = aFinding({ resource: { type: 'AwsS3Bucket', id: 'gone-bucket', arn: 'arn:aws:s3:::gone-bucket' } });
    expect(reasonOf(remediation.plan(other, SAMPLES.s3_block_public_access!().account))).toContain('gone-bucket');
  });

  it('when the bucket list could not be collected, then no plan is made', () => {
    const account = anAccount({ s3: anS3Slice({ buckets: denied('s3:ListAllMyBuckets') }) });
    expect(reasonOf(remediation.plan(finding, account))).toContain('s3:ListAllMyBuckets');
  });

  it('when the bucket already turns all four on, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, accountWith(aBucket())))).toMatch(/already/);
  });
});
