import { z } from 'zod';
import { SecurityGroupRuleSchema, type SecurityGroupRule } from '../model';
import { cannot, collected, defineRemediation, findEc2Region, targetId } from './define';

/** AuthorizeSecurityGroupIngress's IpPermission for one rule, description included. */
export const ipPermission = (rule: SecurityGroupRule) => {
  const description = rule.description ? { Description: rule.description } : {};
  // Ports mean nothing for "all protocols", and EC2 rejects them there.
  const ports =
    rule.ipProtocol === '-1'
      ? {}
      : {
          ...(rule.fromPort === null ? {} : { FromPort: rule.fromPort }),
          ...(rule.toPort === null ? {} : { ToPort: rule.toPort }),
        };
  return {
    IpProtocol: rule.ipProtocol,
    ...ports,
    ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4, ...description }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...description }] } : {}),
  };
};

const Before = z.object({ groupId: z.string(), region: z.string(), rules: z.array(SecurityGroupRuleSchema).min(1) });

export default defineRemediation({
  id: 'ec2_revoke_world_ingress',
  title: 'Remove the inbound rules that open the security group to the internet',
  fixes: [
    'ec2_security_group_ssh_restricted',
    'ec2_security_group_rdp_restricted',
    'ec2_security_group_all_ports_restricted',
  ],
  // People and systems may reach instances through exactly these rules.
  risk: 'high',
  permissions: ['ec2:RevokeSecurityGroupIngress'],
  undoPermissions: ['ec2:AuthorizeSecurityGroupIngress'],
  before: Before,
  plan: (finding, account) => {
    const { ruleIds } = finding.evidence;
    if (!Array.isArray(ruleIds) || ruleIds.length === 0 || !ruleIds.every((id) => typeof id === 'string')) {
      return cannot('The finding does not name the security group rules to revoke.');
    }
    const ec2 = findEc2Region(finding, account);
    if (!ec2.ok) return ec2;
    const groups = collected(ec2.value.securityGroups, `the security groups of ${finding.region}`);
    if (!groups.ok) return groups;
    const groupId = targetId(finding);
    const group = groups.value.find((g) => g.groupId === groupId);
    if (!group) return cannot(`Security group ${groupId} is not in the snapshot.`);
    const rules: SecurityGroupRule[] = [];
    for (const id of ruleIds as string[]) {
      const rule = group.rules.find((r) => r.ruleId === id);
      if (!rule) return cannot(`Rule ${id} is not in security group ${groupId} any more.`);
      // Only address-range rules can be re-created exactly on undo, and only they open a group to the internet.
      if (rule.isEgress || (rule.cidrIpv4 === null && rule.cidrIpv6 === null)) {
        return cannot(`Rule ${id} of ${groupId} is not an inbound rule from an address range.`);
      }
      rules.push(rule);
    }
    return {
      ok: true,
      calls: [
        {
          service: 'ec2',
          region: finding.region,
          command: 'RevokeSecurityGroupIngress',
          input: { GroupId: groupId, SecurityGroupRuleIds: rules.map((r) => r.ruleId) },
        },
      ],
      before: { groupId, region: finding.region, rules },
      notes: ['Undo re-creates the same rules under new rule ids; tags on the revoked rules are not restored.'],
    };
  },
  inverse: (_calls, before) => [
    {
      service: 'ec2',
      region: before.region,
      command: 'AuthorizeSecurityGroupIngress',
      input: { GroupId: before.groupId, IpPermissions: before.rules.map(ipPermission) },
    },
  ],
});
