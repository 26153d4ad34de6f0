import check from '../../../../src/core/checks/ec2/ec2_image_not_public';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aNetworkRegion, anAmi } from '../../../fixtures/builders/ec2-network';
import { REGION, anAccount, anEc2Region, denied } from '../../../fixtures/snapshot-builders';
import type { Ami } from '../../../../src/core/model';

const accountWith = (...images: Ami[]) => anAccount({ ec2: { [REGION]: aNetworkRegion({ images: known(images) }) } });

describe('ec2_image_not_public', () => {
  it('when the account’s AMI is private, then it passes', () => {
    const [result] = run(check, accountWith(anAmi()));
    expect(result).toMatchObject({ status: 'pass', resource: { type: 'AwsEc2Image', id: 'ami-0base' } });
    expect(result!.resource.arn).toBe(`arn:aws:ec2:${REGION}::image/ami-0base`);
  });

  it('when an AMI is public, then it fails naming it, and offers ec2_image_make_private', () => {
    const [, result] = run(
      check,
      accountWith(anAmi(), anAmi({ imageId: 'ami-0pub', name: 'release-7', public: true })),
    );
    expect(result!.status).toBe('fail');
    expect(result!.message).toBe(
      'AMI ami-0pub (release-7) is public: any AWS account can launch it and read its disks.',
    );
    expect(check.remediation).toBe('ec2_image_make_private');
  });

  it('when AWS did not say whether an AMI is public, then that AMI is unknown', () => {
    expect(statuses(run(check, accountWith(anAmi({ public: null }))))).toEqual(['ami-0base:unknown']);
  });

  it('when the account owns no AMI, then there is nothing to report', () => {
    expect(run(check, accountWith())).toEqual([]);
  });

  it('when DescribeImages was refused, then the region is unknown naming the permission', () => {
    const [result] = run(
      check,
      anAccount({ ec2: { [REGION]: aNetworkRegion({ images: denied('ec2:DescribeImages') }) } }),
    );
    expect(result).toMatchObject({ status: 'unknown', resource: { id: `111111111111/${REGION}/images` } });
    expect(result!.message).toContain('ec2:DescribeImages');
  });

  it('when the snapshot was recorded before AMIs were collected, then the region is unknown', () => {
    expect(statuses(run(check, anAccount({ ec2: { [REGION]: anEc2Region() } })))).toEqual([
      `111111111111/${REGION}/images:unknown`,
    ]);
  });
});
