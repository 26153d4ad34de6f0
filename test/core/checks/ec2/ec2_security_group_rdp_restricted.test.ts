import check from '../../../../src/core/checks/ec2/ec2_security_group_rdp_restricted';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithEc2, accountWithGroups } from '../../../fixtures/ec2-builders';
import { aRule, aSecurityGroup, anAccount, denied } from '../../../fixtures/snapshot-builders';

describe('ec2_security_group_rdp_restricted', () => {
  it('when no rule admits port 3389 from the internet, then every group passes', () => {
    expect(statuses(run(check, anAccount()))).toEqual(['sg-0web:pass', 'sg-0default:pass']);
  });

  it('when only SSH is open to the world, then the RDP check still passes', () => {
    const group = aSecurityGroup({ rules: [aRule({ fromPort: 22, toPort: 22 })] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when port 3389 is open to 0.0.0.0/0, then the group fails naming the rule', () => {
    const group = aSecurityGroup({ rules: [aRule({ ruleId: 'sgr-rdp', fromPort: 3389, toPort: 3389 })] });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0web');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('RDP (port 3389)');
    expect(result.evidence).toMatchObject({ port: 3389, ruleIds: ['sgr-rdp'] });
  });

  it('when UDP 3389 is open to ::/0, then the group fails (CIS counts UDP too)', () => {
    const group = aSecurityGroup({
      rules: [
        aRule({ ruleId: 'sgr-udp', ipProtocol: 'udp', fromPort: 3389, toPort: 3389, cidrIpv4: null, cidrIpv6: '::/0' }),
      ],
    });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('fail');
  });

  it('when a range ends just below 3389, then the group passes', () => {
    const group = aSecurityGroup({ rules: [aRule({ fromPort: 3000, toPort: 3388 })] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when security groups cannot be read, then the region is unknown naming the permission', () => {
    const results = run(check, accountWithEc2({ securityGroups: denied('ec2:DescribeSecurityGroupRules') }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'ec2:DescribeSecurityGroupRules' },
    });
  });
});
