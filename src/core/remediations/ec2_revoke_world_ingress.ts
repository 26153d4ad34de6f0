import type { IpPermission } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { SecurityGroupRuleSchema, type SecurityGroup, type SecurityGroupRule } from '../model';
import { ruleKey, type RuleValues } from '../security-groups';
import { cannot, collected, defineRemediation, findEc2Region, targetId, type Outcome } from './define';
import { sdkCall } from './sdk-call';

/** The protocol and ports of an IpPermission; EC2 rejects ports for "all protocols". */
const traffic = (rule: SecurityGroupRule): IpPermission =>
  rule.ipProtocol === '-1'
    ? { IpProtocol: rule.ipProtocol }
    : {
        IpProtocol: rule.ipProtocol,
        ...(rule.fromPort === null ? {} : { FromPort: rule.fromPort }),
        ...(rule.toPort === null ? {} : { ToPort: rule.toPort }),
      };

/** AuthorizeSecurityGroupIngress's IpPermission for one rule, description included. */
export const ipPermission = (rule: SecurityGroupRule): IpPermission => {
  const description = rule.description ? { Description: rule.description } : {};
  return {
    ...traffic(rule),
    ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4, ...description }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...description }] } : {}),
  };
};

/**
 * RevokeSecurityGroupIngress's IpPermission for one rule: its protocol, ports and one address range,
 * which EC2 matches against the group's rules exactly (a group never holds two rules with the same
 * values), so it revokes that rule and no other. The description is left out: EC2 does not need it
 * to find the rule.
 */
const revokePermission = (rule: SecurityGroupRule): IpPermission => ({
  ...traffic(rule),
  ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4 }] } : {}),
  ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6 }] } : {}),
});

const Before = z.object({ groupId: z.string(), region: z.string(), rules: z.array(SecurityGroupRuleSchema).min(1) });

/**
 * What the world-open checks keep about each offending rule (openRuleEvidence): the id when AWS gave
 * one, and the values that name the rule when it did not. Older findings carry `ruleIds` only.
 */
const EvidenceSchema = z.object({
  ruleIds: z.array(z.string()).optional(),
  rules: z
    .array(
      z.object({
        ruleId: z.string().nullable(),
        ipProtocol: z.string(),
        fromPort: z.number().int().nullable(),
        toPort: z.number().int().nullable(),
        cidrIpv4: z.string().nullable(),
        cidrIpv6: z.string().nullable(),
      }),
    )
    .optional(),
});

/** A rule the finding names: by id, or (no id known) by its values. */
type Target = { by: 'id'; ruleId: string } | { by: 'values'; values: RuleValues };

const targetsOf = (evidence: Record<string, unknown>): Outcome<Target[]> => {
  const parsed = EvidenceSchema.safeParse(evidence);
  if (!parsed.success) return cannot('The finding does not name the security group rules to revoke.');
  const byId: Target[] = (parsed.data.ruleIds ?? []).map((ruleId) => ({ by: 'id', ruleId }));
  const byValues: Target[] = (parsed.data.rules ?? [])
    .filter((r) => r.ruleId === null)
    .map((r) => ({
      by: 'values',
      values: { ...r, isEgress: false, referencedGroupId: null, prefixListId: null },
    }));
  const targets = [...byId, ...byValues];
  return targets.length > 0
    ? { ok: true, value: targets }
    : cannot('The finding does not name the security group rules to revoke.');
};

const describeTarget = (t: Target): string =>
  t.by === 'id'
    ? `Rule ${t.ruleId}`
    : `The inbound rule from ${t.values.cidrIpv4 ?? t.values.cidrIpv6} (${t.values.ipProtocol} ${t.values.fromPort ?? ''}-${t.values.toPort ?? ''})`;

const findRule = (group: SecurityGroup, target: Target): Outcome<SecurityGroupRule> => {
  const rule =
    target.by === 'id'
      ? group.rules.find((r) => r.ruleId === target.ruleId)
      : group.rules.find((r) => ruleKey(r) === ruleKey(target.values));
  if (!rule) return cannot(`${describeTarget(target)} is not in security group ${group.groupId} any more.`);
  // Only address-range rules can be re-created exactly on undo, and only they open a group to the internet.
  if (rule.isEgress || (rule.cidrIpv4 === null && rule.cidrIpv6 === null)) {
    return cannot(`${describeTarget(target)} of ${group.groupId} is not an inbound rule from an address range.`);
  }
  return { ok: true, value: rule };
};

const UNDO_NOTE = 'Undo re-creates the same rules under new rule ids; tags on the revoked rules are not restored.';

/**
 * Rules are revoked by id when AWS gave every one of them an id. When it did not (DescribeSecurityGroupRules
 * refused, unreadable, or disagreeing with the group's IpPermissions), all of them are revoked in one
 * call by their exact IpPermissions instead: no separate lookup is needed, and the execution step
 * re-collects the group and re-plans before sending, so the call only goes out if these rules are still
 * there exactly as approved. The check run afterwards verifies they are gone (in a default VPC, EC2
 * answers a revoke that matches nothing without an error).
 */
export default defineRemediation({
  id: 'ec2_revoke_world_ingress',
  title: 'Remove the inbound rules that open the security group to the internet',
  fixes: [
    'ec2_security_group_ssh_restricted',
    'ec2_security_group_rdp_restricted',
    'ec2_security_group_all_ports_restricted',
    'ec2_security_group_admin_ports_ipv4_restricted',
    'ec2_security_group_admin_ports_ipv6_restricted',
  ],
  // People and systems may reach instances through exactly these rules.
  risk: 'high',
  permissions: ['ec2:RevokeSecurityGroupIngress'],
  undoPermissions: ['ec2:AuthorizeSecurityGroupIngress'],
  before: Before,
  plan: (finding, account) => {
    const targets = targetsOf(finding.evidence);
    if (!targets.ok) return targets;
    const ec2 = findEc2Region(finding, account);
    if (!ec2.ok) return ec2;
    const groups = collected(ec2.value.securityGroups, `the security groups of ${finding.region}`);
    if (!groups.ok) return groups;
    const groupId = targetId(finding);
    const group = groups.value.find((g) => g.groupId === groupId);
    if (!group) return cannot(`Security group ${groupId} is not in the snapshot.`);
    const rules: SecurityGroupRule[] = [];
    for (const target of targets.value) {
      const rule = findRule(group, target);
      if (!rule.ok) return rule;
      if (!rules.includes(rule.value)) rules.push(rule.value);
    }
    const ids = rules.flatMap((r) => (r.ruleId === null ? [] : [r.ruleId]));
    const byId = ids.length === rules.length;
    return {
      ok: true,
      calls: [
        sdkCall(
          'ec2',
          'RevokeSecurityGroupIngress',
          finding.region,
          byId
            ? { GroupId: groupId, SecurityGroupRuleIds: ids }
            : { GroupId: groupId, IpPermissions: rules.map(revokePermission) },
        ),
      ],
      before: { groupId, region: finding.region, rules },
      notes: byId
        ? [UNDO_NOTE]
        : [
            `AWS gave no rule id for ${rules.length - ids.length} of these rules (DescribeSecurityGroupRules was refused or did not match the group), so the plan revokes all of them by their exact protocol, ports and address range, which EC2 matches to exactly one rule each.`,
            'In a default VPC, EC2 accepts a revoke that matches nothing without an error; the check run after the call shows whether the rules are gone.',
            UNDO_NOTE,
          ],
    };
  },
  inverse: (_calls, before) => [
    sdkCall('ec2', 'AuthorizeSecurityGroupIngress', before.region, {
      GroupId: before.groupId,
      IpPermissions: before.rules.map(ipPermission),
    }),
  ],
});
