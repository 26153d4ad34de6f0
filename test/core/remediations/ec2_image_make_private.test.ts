import remediation from '../../../src/core/remediations/ec2_image_make_private';
import { known } from '../../../src/core/model';
import { aNetworkRegion, anAmi } from '../../fixtures/builders/ec2-network';
import { aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';
import { REGION, anAccount, anEc2Region, denied } from '../../fixtures/snapshot-builders';

const finding = aFinding({
  checkId: 'ec2_image_not_public',
  service: 'ec2',
  resource: { type: 'AwsEc2Image', id: 'ami-0pub', arn: `arn:aws:ec2:${REGION}::image/ami-0pub` },
});
const accountWithImage = (over: Parameters<typeof anAmi>[0]) =>
  anAccount({ ec2: { [REGION]: aNetworkRegion({ images: known([anAmi({ imageId: 'ami-0pub', ...over })]) }) } });

describe('ec2_image_make_private', () => {
  it('when the AMI is public, then the plan removes the launch permission of group all, and undo adds it back', () => {
    const plan = planned(remediation.plan(finding, accountWithImage({ public: true })));
    expect(plan.calls).toEqual([
      {
        service: 'ec2',
        region: REGION,
        command: 'ModifyImageAttribute',
        input: { ImageId: 'ami-0pub', LaunchPermission: { Remove: [{ Group: 'all' }] } },
      },
    ]);
    const undo = remediation.inverse(plan.calls, plan.before);
    expect(undo).toEqual({
      ok: true,
      calls: [
        {
          service: 'ec2',
          region: REGION,
          command: 'ModifyImageAttribute',
          input: { ImageId: 'ami-0pub', LaunchPermission: { Add: [{ Group: 'all' }] } },
        },
      ],
    });
  });

  it('when the AMI is already private, or its publicity unknown, then there is nothing to plan', () => {
    expect(reasonOf(remediation.plan(finding, accountWithImage({ public: false })))).toContain('already private');
    expect(reasonOf(remediation.plan(finding, accountWithImage({ public: null })))).toContain('does not say');
  });

  it('when the AMI is not in the snapshot, or the AMI list was refused or never collected, then it refuses with the reason', () => {
    expect(reasonOf(remediation.plan(finding, anAccount({ ec2: { [REGION]: aNetworkRegion() } })))).toContain(
      'ami-0pub is not in the snapshot',
    );
    const refused = anAccount({ ec2: { [REGION]: aNetworkRegion({ images: denied('ec2:DescribeImages') }) } });
    expect(reasonOf(remediation.plan(finding, refused))).toContain('ec2:DescribeImages');
    expect(reasonOf(remediation.plan(finding, anAccount({ ec2: { [REGION]: anEc2Region() } })))).toContain(
      'collect it first',
    );
  });

  it('when the stored state is not a public AMI, then undo refuses instead of sharing anything', () => {
    expect(remediation.inverse([], { imageId: 'ami-0pub', region: REGION, public: false }).ok).toBe(false);
  });
});
