import check from '../../../../src/core/checks/ec2/ec2_security_group_admin_ports_ipv4_restricted';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithGroups, accountWithTwoRegions } from '../../../fixtures/ec2-builders';
import { aRule, aSecurityGroup, anAccount, anEgressAllRule, denied } from '../../../fixtures/snapshot-builders';

const groupWith = (...rules: ReturnType<typeof aRule>[]) => aSecurityGroup({ rules: [...rules, anEgressAllRule()] });

describe('ec2_security_group_admin_ports_ipv4_restricted', () => {
  it('when no rule admits 22 or 3389 from 0.0.0.0/0, then every group passes', () => {
    expect(statuses(run(check, anAccount()))).toEqual(['sg-0web:pass', 'sg-0default:pass']);
    expect(run(check, anAccount())[0]!.message).toBe(
      'Security group web (sg-0web) does not allow SSH or RDP (port 22 or 3389) from the whole IPv4 internet (0.0.0.0/0).',
    );
  });

  it('when port 22 is open to 0.0.0.0/0, then the group fails with the rule as evidence for the revoke remediation', () => {
    const result = resultFor(
      run(check, accountWithGroups([groupWith(aRule({ ruleId: 'sgr-ssh', fromPort: 22, toPort: 22 }))])),
      'sg-0web',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'Security group web (sg-0web) allows SSH or RDP (port 22 or 3389) from the whole IPv4 internet (0.0.0.0/0) through sgr-ssh (0.0.0.0/0, tcp 22).',
    );
    expect(result.evidence).toMatchObject({ ports: [22, 3389], addressFamily: 'ipv4', ruleIds: ['sgr-ssh'] });
  });

  it('when RDP over UDP, or all traffic, is open to 0.0.0.0/0, then the group fails', () => {
    for (const rule of [
      aRule({ ruleId: 'sgr-rdpu', ipProtocol: 'udp', fromPort: 3389, toPort: 3389 }),
      aRule({ ruleId: 'sgr-all', ipProtocol: '-1', fromPort: -1, toPort: -1 }),
    ]) {
      expect(resultFor(run(check, accountWithGroups([groupWith(rule)])), 'sg-0web').status).toBe('fail');
    }
  });

  it('when 22 is open only to ::/0, then this IPv4 check passes (CIS 5.3 is the IPv6 twin)', () => {
    const rule = aRule({ fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '::/0' });
    expect(resultFor(run(check, accountWithGroups([groupWith(rule)])), 'sg-0web').status).toBe('pass');
  });

  it('when 22 is open to a private range, or another port is open to everyone, then the group passes', () => {
    const group = groupWith(
      aRule({ fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' }),
      aRule({ fromPort: 8080, toPort: 8080 }),
    );
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when only DescribeSecurityGroupRules shows a world-open SSH rule, then the group is unknown, not passing', () => {
    const group = aSecurityGroup({ unconfirmedRules: [aRule({ ruleId: 'sgr-ghost', fromPort: 22, toPort: 22 })] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('unknown');
  });

  it('when a region’s security groups cannot be read, then that region is unknown naming the permission', () => {
    const results = run(check, accountWithTwoRegions({ securityGroups: denied('ec2:DescribeSecurityGroups') }));
    expect(resultFor(results, '111111111111/us-east-1/security-groups').message).toContain(
      'ec2:DescribeSecurityGroups',
    );
  });
});
