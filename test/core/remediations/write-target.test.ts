/**
 * What a request writes to (its target): the store keeps one open request per target, so the key
 * must be equal exactly when two requests would write to the same thing.
 */
import { getRemediation } from '../../../src/core/remediations';
import type { Remediation } from '../../../src/core/remediations/define';
import { aFinding, aSecurityHubFinding } from '../../fixtures/remediation-builders';

const remediation = (id: string): Remediation => {
  const found = getRemediation(id);
  if (!found) throw new Error(`no remediation ${id}`);
  return found;
};

const blockBucket = remediation('s3_block_public_access');
const markHubFinding = remediation('securityhub_update_workflow');
const ebsDefault = remediation('ec2_enable_ebs_default_encryption');

const publicAccess = aFinding({ resource: { type: 'AwsS3Bucket', id: 'app-data', arn: 'arn:aws:s3:::app-data' } });
const publicByPolicy = aFinding({
  id: 'f_00000000000000c2',
  checkId: 's3_bucket_not_public_by_policy',
  resource: publicAccess.resource,
});

describe('Remediation.target', () => {
  it('when two findings about one bucket are fixed by the same remediation, then they share the target: it is one call', () => {
    expect(blockBucket.target(publicAccess)).toBe(blockBucket.target(publicByPolicy));
    expect(blockBucket.target(publicAccess)).toBe('s3_block_public_access|111111111111|arn:aws:s3:::app-data');
  });

  it('when a Security Hub finding is about the same bucket, then its fix has the cloudsec finding’s target', () => {
    const fromHub = aSecurityHubFinding({}, { resource: { ...publicAccess.resource, id: 'arn:aws:s3:::app-data' } });
    expect(blockBucket.target(fromHub)).toBe(blockBucket.target(publicAccess));
  });

  it('when remediations, buckets or accounts differ, then the targets differ', () => {
    const otherBucket = aFinding({ resource: { type: 'AwsS3Bucket', id: 'logs', arn: 'arn:aws:s3:::logs' } });
    const otherAccount = aFinding({ accountId: '222222222222' });
    const targets = [
      blockBucket.target(publicAccess),
      remediation('s3_default_encryption').target(publicAccess),
      blockBucket.target(otherBucket),
      blockBucket.target(otherAccount),
    ];
    expect(new Set(targets).size).toBe(targets.length);
  });

  it('when a remediation changes the Security Hub finding itself, then two findings about one bucket do not share a target', () => {
    const s38 = aSecurityHubFinding();
    const s32 = aSecurityHubFinding({}, { id: 'f_00000000000000b2', checkId: 'securityhub:S3.2' });
    expect(s38.resource).toEqual(s32.resource);
    expect(markHubFinding.target(s38)).not.toBe(markHubFinding.target(s32));
    expect(markHubFinding.target(s38)).toBe(`securityhub_update_workflow|111111111111|${s38.id}`);
  });

  it('when a resource has no ARN (a region setting), then region, type and id name it; an empty ARN names nothing', () => {
    const inRegion = (region: string, arn: string | null = null) =>
      aFinding({
        checkId: 'ec2_ebs_default_encryption',
        region,
        resource: { type: 'AwsAccount', id: `111111111111/${region}/ebs-default-encryption`, arn },
      });
    expect(ebsDefault.target(inRegion('eu-west-1'))).toBe(
      'ec2_enable_ebs_default_encryption|111111111111|eu-west-1|AwsAccount|111111111111/eu-west-1/ebs-default-encryption',
    );
    expect(ebsDefault.target(inRegion('eu-west-1'))).not.toBe(ebsDefault.target(inRegion('us-east-1')));
    expect(ebsDefault.target(inRegion('eu-west-1', ''))).not.toBe(ebsDefault.target(inRegion('us-east-1', '')));
  });
});
