import { defineCheck, fail, pass, withFact } from '../define';
import { regionSettingResource, securityGroupResource } from '../../resources';
import { groupLabel } from '../../security-groups';

/** Every VPC has exactly one group with this name; AWS does not let any other group take it. */
const DEFAULT_GROUP_NAME = 'default';

const plural = (n: number, word: string) => `${n} ${word} rule${n === 1 ? '' : 's'}`;

export default defineCheck({
  id: 'ec2_default_security_group_restricted',
  service: 'ec2',
  severity: 'medium',
  title: 'Default security groups restrict all traffic',
  failTitle: 'Default security group allows traffic',
  rationale:
    'Resources launched without an explicit security group land in the VPC default group; if it allows traffic, they are reachable (and can reach out) in ways nobody designed. An empty default group forces every resource into a deliberate group.',
  remediationText:
    'Move resources to purpose-built security groups, then delete every inbound and outbound rule of the default group (VPC console → Security groups → default → Inbound rules / Outbound rules).',
  frameworks: { cis: '5.4', securityHub: 'EC2.2' },
  requires: ['ec2'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.ec2 ?? {}).flatMap(([region, ec2]) =>
      withFact(ec2.securityGroups, regionSettingResource(account, region, 'security-groups'), region, (groups) =>
        groups
          .filter((group) => group.groupName === DEFAULT_GROUP_NAME)
          .map((group) => {
            const resource = securityGroupResource(account, region, group);
            const ingress = group.rules.filter((r) => !r.isEgress).map((r) => r.ruleId);
            const egress = group.rules.filter((r) => r.isEgress).map((r) => r.ruleId);
            const where = group.vpcId ? ` of ${group.vpcId}` : '';
            return ingress.length === 0 && egress.length === 0
              ? pass(resource, region, `Default security group ${groupLabel(group)}${where} has no rules.`)
              : fail(
                  resource,
                  region,
                  `Default security group ${groupLabel(group)}${where} still has ${plural(ingress.length, 'inbound')} and ${plural(egress.length, 'outbound')}.`,
                  { vpcId: group.vpcId, ingressRuleIds: ingress, egressRuleIds: egress },
                );
          }),
      ),
    ),
});
