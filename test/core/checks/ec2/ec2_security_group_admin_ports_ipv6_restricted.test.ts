import check from '../../../../src/core/checks/ec2/ec2_security_group_admin_ports_ipv6_restricted';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithGroups, accountWithTwoRegions } from '../../../fixtures/ec2-builders';
import { aRule, aSecurityGroup, anAccount, anEgressAllRule, denied } from '../../../fixtures/snapshot-builders';

const groupWith = (...rules: ReturnType<typeof aRule>[]) => aSecurityGroup({ rules: [...rules, anEgressAllRule()] });
const v6 = (over: Parameters<typeof aRule>[0]) => aRule({ cidrIpv4: null, cidrIpv6: '::/0', ...over });

describe('ec2_security_group_admin_ports_ipv6_restricted', () => {
  it('when no rule admits 22 or 3389 from ::/0, then every group passes', () => {
    expect(statuses(run(check, anAccount()))).toEqual(['sg-0web:pass', 'sg-0default:pass']);
  });

  it('when RDP is open to ::/0, then the group fails naming the rule and the IPv6 internet', () => {
    const result = resultFor(
      run(check, accountWithGroups([groupWith(v6({ ruleId: 'sgr-rdp6', fromPort: 3389, toPort: 3389 }))])),
      'sg-0web',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'Security group web (sg-0web) allows SSH or RDP (port 22 or 3389) from the whole IPv6 internet (::/0) through sgr-rdp6 (::/0, tcp 3389).',
    );
    expect(result.evidence).toMatchObject({ addressFamily: 'ipv6', rules: [{ cidrIpv6: '::/0', portRange: '3389' }] });
  });

  it('when a range 0-1024 is open to ::/0, then it includes SSH and the group fails', () => {
    const group = groupWith(v6({ fromPort: 0, toPort: 1024 }));
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('fail');
  });

  it('when 22 is open only to 0.0.0.0/0, then this IPv6 check passes (CIS 5.2 is the IPv4 twin)', () => {
    const group = groupWith(aRule({ fromPort: 22, toPort: 22 }));
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when 22 is open to an IPv6 prefix narrower than ::/0, then the group passes', () => {
    const group = groupWith(v6({ fromPort: 22, toPort: 22, cidrIpv6: '2001:db8::/32' }));
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when a region’s security groups cannot be read, then that region is unknown naming the permission', () => {
    const results = run(check, accountWithTwoRegions({ securityGroups: denied('ec2:DescribeSecurityGroups') }));
    expect(resultFor(results, '111111111111/us-east-1/security-groups').status).toBe('unknown');
  });
});
