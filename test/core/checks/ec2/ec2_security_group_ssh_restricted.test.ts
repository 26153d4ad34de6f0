import check from '../../../../src/core/checks/ec2/ec2_security_group_ssh_restricted';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithGroups, accountWithTwoRegions } from '../../../fixtures/ec2-builders';
import { aRule, aSecurityGroup, anAccount, anEgressAllRule, denied } from '../../../fixtures/snapshot-builders';

describe('ec2_security_group_ssh_restricted', () => {
  it('when no rule admits port 22 from the internet, then every group passes', () => {
    const results = run(check, anAccount());
    expect(statuses(results)).toEqual(['sg-0web:pass', 'sg-0default:pass']);
  });

  it('when SSH is open only to a private range, then the group passes', () => {
    const group = aSecurityGroup({ rules: [aRule({ fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' })] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when port 22 is open to 0.0.0.0/0, then the group fails with the rule id, source and ports as evidence', () => {
    const group = aSecurityGroup({
      rules: [aRule(), aRule({ ruleId: 'sgr-ssh', fromPort: 22, toPort: 22 }), anEgressAllRule()],
    });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0web');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'Security group web (sg-0web) allows SSH (port 22) from the internet through sgr-ssh (0.0.0.0/0, tcp 22).',
    );
    expect(result.evidence).toMatchObject({
      ruleIds: ['sgr-ssh'],
      rules: [{ ruleId: 'sgr-ssh', cidrIpv4: '0.0.0.0/0', fromPort: 22, toPort: 22, portRange: '22' }],
    });
    expect(result.resource.arn).toBe('arn:aws:ec2:us-east-1:111111111111:security-group/sg-0web');
  });

  it('when a range such as 0-1024 open to ::/0 includes port 22, then the group fails', () => {
    const group = aSecurityGroup({
      rules: [aRule({ ruleId: 'sgr-v6', fromPort: 0, toPort: 1024, cidrIpv4: null, cidrIpv6: '::/0' })],
    });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0web');
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatchObject({ ruleIds: ['sgr-v6'], rules: [{ cidrIpv6: '::/0', portRange: '0-1024' }] });
  });

  it('when all traffic is open to the world, then SSH is too and the group fails', () => {
    const group = aSecurityGroup({ rules: [aRule({ ruleId: 'sgr-all', ipProtocol: '-1', fromPort: -1, toPort: -1 })] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('fail');
  });

  it('when only an egress rule mentions port 22, then the group passes', () => {
    const group = aSecurityGroup({ rules: [aRule({ isEgress: true, fromPort: 22, toPort: 22 })] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });

  it('when a region’s security groups cannot be read, then that region is unknown and the others are still judged', () => {
    const results = run(check, accountWithTwoRegions({ securityGroups: denied('ec2:DescribeSecurityGroups') }));
    const unknown = resultFor(results, '111111111111/us-east-1/security-groups');
    expect(unknown).toMatchObject({ status: 'unknown', region: 'us-east-1' });
    expect(unknown.message).toContain('ec2:DescribeSecurityGroups');
    expect(results.filter((r) => r.region === 'eu-west-1').map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('when AWS gave no id for the open rule, then the group still fails, naming the rule by its source and port', () => {
    const group = aSecurityGroup({ rules: [aRule({ ruleId: null, fromPort: 22, toPort: 22 })] });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0web');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'Security group web (sg-0web) allows SSH (port 22) from the internet through a rule with no known id (0.0.0.0/0, tcp 22).',
    );
    expect(result.evidence).toMatchObject({
      ruleIds: [],
      rules: [{ ruleId: null, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }],
    });
  });

  it('when only the rule listing shows SSH open to the world, then the group is unknown, not passing', () => {
    const listedOnly = aRule({ ruleId: 'sgr-late', fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '::/0' });
    const group = aSecurityGroup({ rules: [aRule()], unconfirmedRules: [listedOnly] });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0web');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('DescribeSecurityGroupRules lists sgr-late (::/0, tcp 22)');
    expect(result.evidence).toMatchObject({ unconfirmedRules: [{ ruleId: 'sgr-late', cidrIpv6: '::/0' }] });
  });

  it('when the group’s own rules open SSH, then it fails whatever the rule listing adds', () => {
    const group = aSecurityGroup({
      rules: [aRule({ ruleId: 'sgr-ssh', fromPort: 22, toPort: 22 })],
      unconfirmedRules: [aRule({ ruleId: 'sgr-late', fromPort: 22, toPort: 22 })],
    });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('fail');
  });

  it('when the rule listing adds only rules that keep SSH closed, then the group passes', () => {
    const group = aSecurityGroup({
      rules: [aRule()],
      unconfirmedRules: [aRule({ ruleId: 'sgr-private', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' })],
    });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0web').status).toBe('pass');
  });
});
