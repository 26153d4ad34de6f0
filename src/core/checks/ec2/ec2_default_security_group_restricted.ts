import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import type { SecurityGroupRule } from '../../model';
import { regionSettingResource, securityGroupResource } from '../../resources';
import { groupLabel } from '../../security-groups';

/** Every VPC has exactly one group with this name; AWS does not let any other group take it. */
const DEFAULT_GROUP_NAME = 'default';

const plural = (n: number, word: string) => `${n} ${word} rule${n === 1 ? '' : 's'}`;

const idsOf = (rules: readonly SecurityGroupRule[]) => rules.flatMap((r) => (r.ruleId === null ? [] : [r.ruleId]));

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
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withFact(ec2.securityGroups, regionSettingResource(account, region, 'security-groups'), region, (groups) =>
        groups
          .filter((group) => group.groupName === DEFAULT_GROUP_NAME)
          .map((group): CheckResult => {
            const resource = securityGroupResource(account, region, group);
            const ingress = group.rules.filter((r) => !r.isEgress);
            const egress = group.rules.filter((r) => r.isEgress);
            const where = group.vpcId ? ` of ${group.vpcId}` : '';
            if (ingress.length > 0 || egress.length > 0) {
              const withoutId = group.rules.filter((r) => r.ruleId === null).length;
              return fail(
                resource,
                region,
                `Default security group ${groupLabel(group)}${where} still has ${plural(ingress.length, 'inbound')} and ${plural(egress.length, 'outbound')}.`,
                {
                  vpcId: group.vpcId,
                  ingressRuleIds: idsOf(ingress),
                  egressRuleIds: idsOf(egress),
                  // Rules AWS gave no id for (DescribeSecurityGroupRules refused or disagreeing) are counted above.
                  ...(withoutId > 0 ? { rulesWithoutId: withoutId } : {}),
                },
              );
            }
            // The group's own rules are empty, but the rule listing says otherwise: do not pass on that.
            if (group.unconfirmedRules.length > 0) {
              return {
                status: 'unknown',
                resource,
                region,
                message: `Could not check: default security group ${groupLabel(group)}${where} has no rules in DescribeSecurityGroups, but DescribeSecurityGroupRules lists ${plural(group.unconfirmedRules.length, 'other')} for it (the group may have changed during the scan); scan again.`,
                evidence: { vpcId: group.vpcId, unconfirmedRuleIds: idsOf(group.unconfirmedRules) },
              };
            }
            return pass(resource, region, `Default security group ${groupLabel(group)}${where} has no rules.`);
          }),
      ),
    ),
});
