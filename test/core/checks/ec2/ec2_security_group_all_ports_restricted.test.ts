import check from '../../../../src/core/checks/ec2/ec2_security_group_all_ports_restricted';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithEc2, accountWithGroups } from '../../../fixtures/ec2-builders';
import { aRule, aSecurityGroup, anAccount, denied } from '../../../fixtures/snapshot-builders';

describe('ec2_security_group_all_ports_restricted', () => {
  it('when groups open only single ports to the world, then they pass', () => {
    expect(statuses(run(check, anAccount()))).toEqual(['sg-0web:pass', 'sg-0default:pass']);
  });

  it('when all traffic (protocol -1) is open to 0.0.0.0/0, then the group fails naming the rule', () => {
    const group = aSecurityGroup({ rules: [aRule({ ruleId: 'sgr-all', ipProtocol: '-1', fromPort: -1, toPort: -1 })] });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0web');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'Security group web (sg-0web) allows traffic on all ports from the internet through sgr-all (0.0.0.0/0, all traffic).',
    );
    expect(result.evidence).toMatchObject({ ruleIds: ['sgr-all'], rules: [{ portRange: 'all' }] });
  });

  it('when every TCP port is open to ::/0, then the group fails', () => {
    const group = aSecurityGroup({
      rules: [aRule({ ruleId: 'sgr-tcp', fromPort: 0, toPort: 65535, cidrIpv4: null, cidrIpv6: '::/0' })],
    });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('fail');
  });

  it('when a wide range still leaves ports closed, then the group passes', () => {
    const group = aSecurityGroup({ rules: [aRule({ fromPort: 1024, toPort: 65535 })] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when all traffic is allowed only from another security group, then the group passes', () => {
    const group = aSecurityGroup({
      rules: [aRule({ ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: null, referencedGroupId: 'sg-0web' })],
    });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when security groups cannot be read, then the region is unknown', () => {
    const results = run(check, accountWithEc2({ securityGroups: denied('ec2:DescribeSecurityGroups') }));
    expect(statuses(results)).toEqual(['111111111111/us-east-1/security-groups:unknown']);
  });
});
