import type {
  AuthorizeSecurityGroupIngressCommandInput,
  RevokeSecurityGroupIngressCommandInput,
} from '@aws-sdk/client-ec2';
import { known } from '../../../src/core/model';
import { evaluateAccount } from '../../../src/core/findings';
import sshCheck from '../../../src/core/checks/ec2/ec2_security_group_ssh_restricted';
import remediation from '../../../src/core/remediations/ec2_revoke_world_ingress';
import { NOW, REGION, aRule, aSecurityGroup, anAccount, anEc2Region, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding, account } = SAMPLES.ec2_revoke_world_ingress!();
const withGroup = (group: ReturnType<typeof aSecurityGroup>) =>
  anAccount({ ec2: { [REGION]: anEc2Region({ securityGroups: known([group]) }) } });

describe('ec2_revoke_world_ingress', () => {
  it('when a group opens SSH to 0.0.0.0/0 and ::/0, then the plan revokes exactly those rules by id', () => {
    const expected: RevokeSecurityGroupIngressCommandInput = {
      GroupId: 'sg-0web',
      SecurityGroupRuleIds: ['sgr-0ssh', 'sgr-0ssh6'],
    };
    const result = planned(remediation.plan(finding, account));
    expect(result.calls).toEqual([
      { service: 'ec2', region: REGION, command: 'RevokeSecurityGroupIngress', input: expected },
    ]);
    expect(result.notes?.join(' ')).toMatch(/new rule ids/);
  });

  it('when undone, then the same rules are authorized again with their descriptions', () => {
    const result = planned(remediation.plan(finding, account));
    const expected: AuthorizeSecurityGroupIngressCommandInput = {
      GroupId: 'sg-0web',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'admin' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      ],
    };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'ec2', region: REGION, command: 'AuthorizeSecurityGroupIngress', input: expected }],
    });
  });

  it('when the rule allows all protocols, then undo re-creates it without ports', () => {
    const all = aRule({ ruleId: 'sgr-0all', ipProtocol: '-1', fromPort: -1, toPort: -1 });
    const f = aFinding({
      ...finding,
      checkId: 'ec2_security_group_all_ports_restricted',
      evidence: { ruleIds: ['sgr-0all'] },
    });
    const result = planned(remediation.plan(f, withGroup(aSecurityGroup({ rules: [all] }))));
    const undo = remediation.inverse(result.calls, result.before);
    expect(undo).toEqual({
      ok: true,
      calls: [
        expect.objectContaining({
          input: { GroupId: 'sg-0web', IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
        }),
      ],
    });
  });

  it('when the real SSH check fails a group, then its evidence is enough to plan', () => {
    const failing = evaluateAccount([sshCheck], account, NOW).filter((f) => f.status === 'fail');
    expect(failing).toHaveLength(1);
    const result = planned(remediation.plan(failing[0]!, account));
    expect(result.calls[0]?.input).toEqual({ GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-0ssh', 'sgr-0ssh6'] });
  });

  it('when the finding names no rules (e.g. a Security Hub finding), then no plan is made', () => {
    expect(reasonOf(remediation.plan(aFinding({ ...finding, evidence: {} }), account))).toMatch(
      /does not name the security group rules/,
    );
  });

  it('when a named rule is gone from the group, then no plan is made', () => {
    expect(reasonOf(remediation.plan(finding, withGroup(aSecurityGroup())))).toMatch(
      /sgr-0ssh is not in security group/,
    );
  });

  it('when a named rule is an egress rule, then it is not revoked as ingress', () => {
    const egress = aRule({ ruleId: 'sgr-0ssh', isEgress: true });
    const f = aFinding({ ...finding, evidence: { ruleIds: ['sgr-0ssh'] } });
    expect(reasonOf(remediation.plan(f, withGroup(aSecurityGroup({ rules: [egress] }))))).toMatch(
      /not an inbound rule/,
    );
  });

  it('when the group is not in the snapshot, then no plan is made', () => {
    const f = aFinding({ ...finding, resource: { ...finding.resource, id: 'sg-0gone' } });
    expect(reasonOf(remediation.plan(f, account))).toContain('sg-0gone');
  });

  it('when security groups could not be listed, then no plan is made, naming the permission', () => {
    const acct = anAccount({
      ec2: { [REGION]: anEc2Region({ securityGroups: denied('ec2:DescribeSecurityGroupRules') }) },
    });
    expect(reasonOf(remediation.plan(finding, acct))).toContain('ec2:DescribeSecurityGroupRules');
  });

  it('when the region was not scanned, then no plan is made', () => {
    expect(reasonOf(remediation.plan(aFinding({ ...finding, region: 'ap-south-1' }), account))).toContain('ap-south-1');
  });

  it('when declared, then it needs two approvals because it can cut off access', () => {
    expect(remediation).toMatchObject({ risk: 'high', approvals: 2 });
  });

  describe('when AWS gave no rule id for the offending rules', () => {
    // As collected when DescribeSecurityGroupRules is refused, unreadable, or disagrees with IpPermissions.
    const sshNoId = aRule({ ruleId: null, fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', description: 'admin' });
    const sshV6NoId = aRule({ ruleId: null, fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '::/0' });
    const https = aRule({ ruleId: null });
    const noIds = withGroup(aSecurityGroup({ rules: [https, sshNoId, sshV6NoId] }));
    const failingSsh = (acct: ReturnType<typeof withGroup>) => {
      const failing = evaluateAccount([sshCheck], acct, NOW).filter((f) => f.status === 'fail');
      expect(failing).toHaveLength(1);
      return failing[0]!;
    };

    it('then the check still fails and the plan revokes exactly their IpPermissions, saying why', () => {
      const result = planned(remediation.plan(failingSsh(noIds), noIds));

      const expected: RevokeSecurityGroupIngressCommandInput = {
        GroupId: 'sg-0web',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        ],
      };
      expect(result.calls).toEqual([
        { service: 'ec2', region: REGION, command: 'RevokeSecurityGroupIngress', input: expected },
      ]);
      expect(result.notes?.join(' ')).toMatch(
        /no rule id for 2 of these rules .* exact protocol, ports and address range/,
      );
    });

    it('then undo authorizes the same rules again, descriptions included', () => {
      const result = planned(remediation.plan(failingSsh(noIds), noIds));

      const expected: AuthorizeSecurityGroupIngressCommandInput = {
        GroupId: 'sg-0web',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'admin' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        ],
      };
      expect(remediation.inverse(result.calls, JSON.parse(JSON.stringify(result.before)))).toEqual({
        ok: true,
        calls: [{ service: 'ec2', region: REGION, command: 'AuthorizeSecurityGroupIngress', input: expected }],
      });
    });

    it('when only some rules have an id, then all of them are revoked by IpPermissions in one call', () => {
      const mixed = withGroup(aSecurityGroup({ rules: [https, { ...sshNoId, ruleId: 'sgr-0ssh' }, sshV6NoId] }));

      const result = planned(remediation.plan(failingSsh(mixed), mixed));

      expect(result.calls).toHaveLength(1);
      expect(result.calls[0]!.input).toEqual({
        GroupId: 'sg-0web',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        ],
      });
      expect(result.notes?.join(' ')).toMatch(/no rule id for 1 of these rules/);
    });

    it('when the rules have ids by the time the plan is made, then they are revoked by id', () => {
      const finding = failingSsh(noIds);
      const withIds = withGroup(
        aSecurityGroup({
          rules: [https, { ...sshNoId, ruleId: 'sgr-0ssh' }, { ...sshV6NoId, ruleId: 'sgr-0ssh6' }],
        }),
      );

      expect(planned(remediation.plan(finding, withIds)).calls[0]!.input).toEqual({
        GroupId: 'sg-0web',
        SecurityGroupRuleIds: ['sgr-0ssh', 'sgr-0ssh6'],
      });
    });

    it('when a rule named by its values has changed since (another port), then no plan is made', () => {
      const finding = failingSsh(noIds);
      const changed = withGroup(
        aSecurityGroup({ rules: [https, { ...sshNoId, fromPort: 2222, toPort: 2222 }, sshV6NoId] }),
      );

      expect(reasonOf(remediation.plan(finding, changed))).toMatch(
        /inbound rule from 0\.0\.0\.0\/0 \(tcp 22-22\) is not in security group sg-0web/,
      );
    });

    it('when the finding’s rule list is unreadable, then no plan is made rather than a guess', () => {
      const finding = aFinding({ ...failingSsh(noIds), evidence: { ruleIds: [], rules: [{ ruleId: null }] } });

      expect(reasonOf(remediation.plan(finding, noIds))).toMatch(/does not name the security group rules/);
    });
  });
});
