import check from '../../../../src/core/checks/ec2/ec2_default_security_group_restricted';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithEc2, accountWithGroups } from '../../../fixtures/ec2-builders';
import {
  aDefaultSecurityGroup,
  aRule,
  aSecurityGroup,
  anAccount,
  anEgressAllRule,
  denied,
} from '../../../fixtures/snapshot-builders';

describe('ec2_default_security_group_restricted', () => {
  it('when the default group has no rules, then it passes and other groups are not judged', () => {
    expect(statuses(run(check, anAccount()))).toEqual(['sg-0default:pass']);
  });

  it('when the default group keeps AWS’s original rules, then it fails listing inbound and outbound rule ids', () => {
    const group = aDefaultSecurityGroup({
      rules: [
        aRule({ ruleId: 'sgr-self', cidrIpv4: null, referencedGroupId: 'sg-0default' }),
        anEgressAllRule('sgr-out'),
      ],
    });
    const result = resultFor(run(check, accountWithGroups([aSecurityGroup(), group])), 'sg-0default');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'Default security group default (sg-0default) of vpc-0main still has 1 inbound rule and 1 outbound rule.',
    );
    expect(result.evidence).toEqual({ vpcId: 'vpc-0main', ingressRuleIds: ['sgr-self'], egressRuleIds: ['sgr-out'] });
  });

  it('when only an outbound rule remains, then the default group still fails', () => {
    const group = aDefaultSecurityGroup({ rules: [anEgressAllRule('sgr-out')] });
    expect(resultFor(run(check, accountWithGroups([group])), 'sg-0default').status).toBe('fail');
  });

  it('when each VPC has its own default group, then each gets its own result', () => {
    const groups = [
      aDefaultSecurityGroup(),
      aDefaultSecurityGroup({ groupId: 'sg-0default2', vpcId: 'vpc-0other', rules: [aRule()] }),
    ];
    expect(statuses(run(check, accountWithGroups(groups)))).toEqual(['sg-0default:pass', 'sg-0default2:fail']);
  });

  it('when security groups cannot be read, then the region is unknown', () => {
    const results = run(check, accountWithEc2({ securityGroups: denied('ec2:DescribeSecurityGroups') }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { id: '111111111111/us-east-1/security-groups' } });
  });

  it('when AWS gave no ids for the default group’s rules, then it still fails, counting them', () => {
    const group = aDefaultSecurityGroup({
      rules: [aRule({ ruleId: null, cidrIpv4: null, referencedGroupId: 'sg-0default' }), anEgressAllRule('sgr-out')],
    });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0default');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('still has 1 inbound rule and 1 outbound rule');
    expect(result.evidence).toEqual({
      vpcId: 'vpc-0main',
      ingressRuleIds: [],
      egressRuleIds: ['sgr-out'],
      rulesWithoutId: 1,
    });
  });

  it('when the default group has no rules of its own but the rule listing shows some, then it is unknown, not passing', () => {
    const group = aDefaultSecurityGroup({ unconfirmedRules: [anEgressAllRule('sgr-late')] });
    const result = resultFor(run(check, accountWithGroups([group])), 'sg-0default');
    expect(result.status).toBe('unknown');
    expect(result.evidence).toEqual({ vpcId: 'vpc-0main', unconfirmedRuleIds: ['sgr-late'] });
  });
});
