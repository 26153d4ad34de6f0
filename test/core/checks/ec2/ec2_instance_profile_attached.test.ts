import check from '../../../../src/core/checks/ec2/ec2_instance_profile_attached';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aNetworkRegion, aPrivateInstance } from '../../../fixtures/builders/ec2-network';
import { REGION, anAccount, anEc2Region, anInstance, denied } from '../../../fixtures/snapshot-builders';
import type { Instance } from '../../../../src/core/model';

const accountWith = (...instances: Instance[]) =>
  anAccount({ ec2: { [REGION]: aNetworkRegion({ instances: known(instances) }) } });

describe('ec2_instance_profile_attached', () => {
  it('when the instance has an instance profile, then it passes naming the profile', () => {
    const [result] = run(check, accountWith(aPrivateInstance()));
    expect(result!.status).toBe('pass');
    expect(result!.message).toBe(
      'Instance i-0abc123 (web-1) uses instance profile arn:aws:iam::111111111111:instance-profile/web.',
    );
  });

  it('when a running or stopped instance has none, then it fails; terminated and shutting-down ones are left out', () => {
    const account = accountWith(
      aPrivateInstance({ instanceId: 'i-0run', instanceProfileArn: null }),
      aPrivateInstance({ instanceId: 'i-0stop', state: 'stopped', instanceProfileArn: null }),
      aPrivateInstance({ instanceId: 'i-0gone', state: 'terminated', instanceProfileArn: null }),
      aPrivateInstance({ instanceId: 'i-0going', state: 'shutting-down', instanceProfileArn: null }),
    );
    const results = run(check, account);
    expect(statuses(results)).toEqual(['i-0run:fail', 'i-0stop:fail']);
    expect(results[0]!.message).toContain('has no IAM instance profile');
  });

  it('when the snapshot was recorded before instance profiles were collected, then the instance is unknown', () => {
    const [result] = run(check, anAccount({ ec2: { [REGION]: anEc2Region({ instances: known([anInstance()]) }) } }));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('not collected by this snapshot');
  });

  it('when DescribeInstances was refused, then the region is unknown naming the permission', () => {
    const [result] = run(
      check,
      anAccount({ ec2: { [REGION]: aNetworkRegion({ instances: denied('ec2:DescribeInstances') }) } }),
    );
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('ec2:DescribeInstances');
  });
});
