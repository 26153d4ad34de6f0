import { defineCheck, fail, pass, withFact } from '../define';
import { regionSettingResource, securityGroupResource } from '../../resources';
import { describeOpenRules, groupLabel, openRuleEvidence, worldOpenIngress } from '../../security-groups';

const SSH_PORT = 22;

export default defineCheck({
  id: 'ec2_security_group_ssh_restricted',
  service: 'ec2',
  severity: 'high',
  title: 'Security groups do not allow SSH from the internet',
  rationale:
    'SSH open to 0.0.0.0/0 or ::/0 exposes every instance in the group to constant brute-force and exploit attempts from the whole internet.',
  remediationText:
    'Delete the inbound rules that allow port 22 from 0.0.0.0/0 or ::/0 (VPC console → Security groups → Inbound rules), or narrow their source to known addresses; prefer Session Manager or a bastion for shell access.',
  // CIS v3.0.0 5.2 is the 0.0.0.0/0 recommendation; its ::/0 twin 5.3 is enforced here too, but the
  // catalog holds one id per check. EC2.13 is the Security Hub control for exactly "port 22 from
  // 0.0.0.0/0 or ::/0" (EC2.53/EC2.54 split the two address families and add port 3389).
  frameworks: { cis: '5.2', securityHub: 'EC2.13' },
  requires: ['ec2'],
  remediation: 'ec2_revoke_world_ingress',
  evaluate: ({ account }) =>
    Object.entries(account.ec2 ?? {}).flatMap(([region, ec2]) =>
      withFact(ec2.securityGroups, regionSettingResource(account, region, 'security-groups'), region, (groups) =>
        groups.map((group) => {
          const resource = securityGroupResource(account, region, group);
          const open = worldOpenIngress(group, SSH_PORT);
          return open.length === 0
            ? pass(
                resource,
                region,
                `Security group ${groupLabel(group)} does not allow SSH (port 22) from the internet.`,
              )
            : fail(
                resource,
                region,
                `Security group ${groupLabel(group)} allows SSH (port 22) from the internet through ${describeOpenRules(open)}.`,
                { groupName: group.groupName, vpcId: group.vpcId, port: SSH_PORT, ...openRuleEvidence(open) },
              );
        }),
      ),
    ),
});
