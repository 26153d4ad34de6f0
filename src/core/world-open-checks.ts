import { fail, pass, withFact, type CheckContext, type CheckResult } from './checks/define';
import { regionSettingResource, securityGroupResource } from './resources';
import {
  describeOpenRules,
  groupLabel,
  openRuleEvidence,
  unconfirmedWorldOpenIngress,
  worldOpenIngress,
  type PortTarget,
} from './security-groups';

/**
 * The evaluation shared by the "open to the internet" security-group checks: one result per group
 * in every scanned region, judged on the group's own IpPermissions. A failure names the offending
 * rules (by id when AWS gave one, else by protocol, ports and source), which the revoke remediation
 * needs. A group whose own rules pass while DescribeSecurityGroupRules showed an offending rule they
 * lack is unknown: the two answers disagree, and passing would hide a rule that may be live.
 * `what` completes "does not allow …" / "allows …", e.g. `SSH (port 22)`.
 */
export const evaluateWorldOpenIngress =
  (target: PortTarget, what: string) =>
  ({ account }: CheckContext): CheckResult[] =>
    Object.entries(account.ec2 ?? {}).flatMap(([region, ec2]) =>
      withFact(ec2.securityGroups, regionSettingResource(account, region, 'security-groups'), region, (groups) =>
        groups.map((group) => {
          const resource = securityGroupResource(account, region, group);
          const evidence = {
            groupName: group.groupName,
            vpcId: group.vpcId,
            ...(target === 'all' ? {} : { port: target }),
          };
          const open = worldOpenIngress(group, target);
          if (open.length > 0) {
            return fail(
              resource,
              region,
              `Security group ${groupLabel(group)} allows ${what} from the internet through ${describeOpenRules(open)}.`,
              { ...evidence, ...openRuleEvidence(open) },
            );
          }
          const unconfirmed = unconfirmedWorldOpenIngress(group, target);
          if (unconfirmed.length > 0) {
            return {
              status: 'unknown',
              resource,
              region,
              message:
                `Could not check: DescribeSecurityGroupRules lists ${describeOpenRules(unconfirmed)} in security group ` +
                `${groupLabel(group)}, allowing ${what} from the internet, but the group's own rules from ` +
                'DescribeSecurityGroups do not have it (the group may have changed during the scan); scan again.',
              evidence: { ...evidence, unconfirmedRules: openRuleEvidence(unconfirmed).rules },
            };
          }
          return pass(
            resource,
            region,
            `Security group ${groupLabel(group)} does not allow ${what} from the internet.`,
          );
        }),
      ),
    );
