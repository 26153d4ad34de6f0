import { fail, pass, withFact, type CheckContext, type CheckResult } from './checks/define';
import type { Fact, ResourceRef } from './model';
import { regionSettingResource, securityGroupResource } from './resources';
import {
  describeOpenRules,
  groupLabel,
  openRuleEvidence,
  unconfirmedWorldOpenIngress,
  worldOpenIngress,
  type AddressFamily,
  type PortTargets,
} from './security-groups';

/** How a message names the whole internet of an address family. */
export const WORLD_OF: Record<AddressFamily, string> = {
  any: 'the internet',
  ipv4: 'the whole IPv4 internet (0.0.0.0/0)',
  ipv6: 'the whole IPv6 internet (::/0)',
};

/** What the evidence says about the ports judged (`port` for one, `ports` for several, nothing for all). */
const targetEvidence = (target: PortTargets): Record<string, unknown> =>
  target === 'all' ? {} : typeof target === 'number' ? { port: target } : { ports: [...target] };

/**
 * The evaluation shared by the "open to the internet" security-group checks: one result per group
 * in every scanned region, judged on the group's own IpPermissions. A failure names the offending
 * rules (by id when AWS gave one, else by protocol, ports and source), which the revoke remediation
 * needs. A group whose own rules pass while DescribeSecurityGroupRules showed an offending rule they
 * lack is unknown: the two answers disagree, and passing would hide a rule that may be live.
 * `what` completes "does not allow …" / "allows …", e.g. `SSH (port 22)`.
 */
export const evaluateWorldOpenIngress =
  (target: PortTargets, what: string, family: AddressFamily = 'any') =>
  ({ account }: CheckContext<readonly ['ec2']>): CheckResult[] =>
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withFact(ec2.securityGroups, regionSettingResource(account, region, 'security-groups'), region, (groups) =>
        groups.map((group) => {
          const resource = securityGroupResource(account, region, group);
          const world = WORLD_OF[family];
          const evidence = {
            groupName: group.groupName,
            vpcId: group.vpcId,
            ...targetEvidence(target),
            ...(family === 'any' ? {} : { addressFamily: family }),
          };
          const open = worldOpenIngress(group, target, family);
          if (open.length > 0) {
            return fail(
              resource,
              region,
              `Security group ${groupLabel(group)} allows ${what} from ${world} through ${describeOpenRules(open)}.`,
              { ...evidence, ...openRuleEvidence(open) },
            );
          }
          const unconfirmed = unconfirmedWorldOpenIngress(group, target, family);
          if (unconfirmed.length > 0) {
            return {
              status: 'unknown',
              resource,
              region,
              message:
                `Could not check: DescribeSecurityGroupRules lists ${describeOpenRules(unconfirmed)} in security group ` +
                `${groupLabel(group)}, allowing ${what} from ${world}, but the group's own rules from ` +
                'DescribeSecurityGroups do not have it (the group may have changed during the scan); scan again.',
              evidence: { ...evidence, unconfirmedRules: openRuleEvidence(unconfirmed).rules },
            };
          }
          return pass(resource, region, `Security group ${groupLabel(group)} does not allow ${what} from ${world}.`);
        }),
      ),
    );

/**
 * `withFact` for a value an older snapshot may lack altogether (a field added to an existing slice,
 * e.g. the EC2 network lists of issue 12): absent means "this snapshot did not collect it", reported
 * as unknown with the way out, never as a pass.
 */
export const withCollectedFact = <T>(
  f: Fact<T> | undefined,
  resource: ResourceRef,
  region: string,
  what: string,
  fn: (value: T) => CheckResult[],
): CheckResult[] =>
  f === undefined ? [notCollectedResult(resource, region, what)] : withFact(f, resource, region, fn);

/** One unknown result: `what` is not in this snapshot (recorded before cloudsec collected it). */
export const notCollectedResult = (resource: ResourceRef, region: string, what: string): CheckResult => ({
  status: 'unknown',
  resource,
  region,
  message: `Could not check: ${what} was not collected by this snapshot (it was recorded by an older cloudsec); collect again (\`cloudsec collect --service ec2\`).`,
  evidence: { notCollected: what },
});
