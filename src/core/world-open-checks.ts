import { fail, pass, withFact, type CheckContext, type CheckResult } from './checks/define';
import { regionSettingResource, securityGroupResource } from './resources';
import { describeOpenRules, groupLabel, openRuleEvidence, worldOpenIngress, type PortTarget } from './security-groups';

/**
 * The evaluation shared by the "open to the internet" security-group checks: one result per group
 * in every scanned region; a failure names the offending rule ids (the revoke remediation needs them).
 * `what` completes "does not allow …" / "allows …", e.g. `SSH (port 22)`.
 */
export const evaluateWorldOpenIngress =
  (target: PortTarget, what: string) =>
  ({ account }: CheckContext): CheckResult[] =>
    Object.entries(account.ec2 ?? {}).flatMap(([region, ec2]) =>
      withFact(ec2.securityGroups, regionSettingResource(account, region, 'security-groups'), region, (groups) =>
        groups.map((group) => {
          const resource = securityGroupResource(account, region, group);
          const open = worldOpenIngress(group, target);
          return open.length === 0
            ? pass(resource, region, `Security group ${groupLabel(group)} does not allow ${what} from the internet.`)
            : fail(
                resource,
                region,
                `Security group ${groupLabel(group)} allows ${what} from the internet through ${describeOpenRules(open)}.`,
                {
                  groupName: group.groupName,
                  vpcId: group.vpcId,
                  ...(target === 'all' ? {} : { port: target }),
                  ...openRuleEvidence(open),
                },
              );
        }),
      ),
    );
