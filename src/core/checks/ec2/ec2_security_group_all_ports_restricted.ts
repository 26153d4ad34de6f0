import { defineCheck, fail, pass, withFact } from '../define';
import { regionSettingResource, securityGroupResource } from '../../resources';
import { describeOpenRules, groupLabel, openRuleEvidence, worldOpenIngress } from '../../security-groups';

export default defineCheck({
  id: 'ec2_security_group_all_ports_restricted',
  service: 'ec2',
  severity: 'critical',
  title: 'Security groups do not open all ports to the internet',
  rationale:
    'A rule admitting all traffic, or every TCP/UDP port, from 0.0.0.0/0 or ::/0 leaves the security group doing no filtering at all: every service on the instances, including ones never meant to be public, is reachable from the internet.',
  remediationText:
    'Delete the inbound rules that allow all traffic or all ports from 0.0.0.0/0 or ::/0 (VPC console → Security groups → Inbound rules) and add rules for only the ports the workload serves.',
  // No CIS recommendation covers this. Security Hub EC2.18 (only authorized ports open) and EC2.19
  // (high-risk ports) both fail on such a group but are broader, so neither stands for this check.
  frameworks: { cis: null, securityHub: null },
  requires: ['ec2'],
  remediation: 'ec2_revoke_world_ingress',
  evaluate: ({ account }) =>
    Object.entries(account.ec2 ?? {}).flatMap(([region, ec2]) =>
      withFact(ec2.securityGroups, regionSettingResource(account, region, 'security-groups'), region, (groups) =>
        groups.map((group) => {
          const resource = securityGroupResource(account, region, group);
          const open = worldOpenIngress(group, 'all');
          return open.length === 0
            ? pass(resource, region, `Security group ${groupLabel(group)} does not open all ports to the internet.`)
            : fail(
                resource,
                region,
                `Security group ${groupLabel(group)} opens all ports to the internet through ${describeOpenRules(open)}.`,
                { groupName: group.groupName, vpcId: group.vpcId, ...openRuleEvidence(open) },
              );
        }),
      ),
    ),
});
