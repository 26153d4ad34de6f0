import type { AccountSnapshotWith, RdsInstance, SecurityGroup, SecurityGroupRule } from '../../model';
import { describeOpenRules, groupLabel, openRuleEvidence, worldOpenIngress } from '../../security-groups';
import { defineCheck, fail, pass, type CheckResult } from '../define';
import { eachInstance, fieldNotReported, instanceEvidence, instanceLabel } from './common/instances';

/** A security group that lets the whole internet reach the instance's port, with the rules that do. */
interface OpenGroup {
  group: SecurityGroup;
  rules: SecurityGroupRule[];
}

/**
 * Whether the internet can reach a publicly accessible instance's port through its VPC security groups
 * (the ec2 slice's groups of the same region). `unknown` says why it could not be told: a missing
 * port, group list or group listing is missing evidence, and the finding says so instead of reading
 * it as "closed".
 */
type Exposure =
  | { kind: 'open'; port: number; open: OpenGroup[] }
  | { kind: 'closed'; port: number; groupIds: string[] }
  | { kind: 'unknown'; reason: string };

const exposureOf = (account: AccountSnapshotWith<'rds' | 'ec2'>, region: string, i: RdsInstance): Exposure => {
  if (i.securityGroupIds === null)
    return { kind: 'unknown', reason: 'DescribeDBInstances did not list its VPC security groups' };
  if (i.port === null) return { kind: 'unknown', reason: 'AWS did not report the port it listens on' };
  const port = i.port;
  const listing = account.ec2[region]?.securityGroups;
  if (listing === undefined) return { kind: 'unknown', reason: `the security groups of ${region} were not collected` };
  if (!listing.ok) {
    const { code, permission } = listing.error;
    return {
      kind: 'unknown',
      reason: `the security groups of ${region} could not be read (${code}; cloudsec needs ${permission})`,
    };
  }
  const open: OpenGroup[] = [];
  const absent: string[] = [];
  for (const id of i.securityGroupIds) {
    const group = listing.value.find((g) => g.groupId === id);
    if (!group) absent.push(id);
    else {
      const rules = worldOpenIngress(group, port);
      if (rules.length > 0) open.push({ group, rules });
    }
  }
  if (open.length > 0) return { kind: 'open', port, open };
  // A group the listing does not hold may be the open one: that is not "closed".
  if (absent.length > 0)
    return { kind: 'unknown', reason: `security group ${absent.join(', ')} is not in the listing of ${region}` };
  return { kind: 'closed', port, groupIds: i.securityGroupIds };
};

const judge =
  (account: AccountSnapshotWith<'rds' | 'ec2'>) =>
  (instance: RdsInstance, region: string, resource: CheckResult['resource']): CheckResult => {
    const label = instanceLabel(instance);
    if (instance.publiclyAccessible === null)
      return fieldNotReported(instance, region, resource, 'PubliclyAccessible', 'whether it is publicly accessible');
    const base = {
      ...instanceEvidence(instance),
      publiclyAccessible: instance.publiclyAccessible,
      port: instance.port,
      securityGroupIds: instance.securityGroupIds,
    };
    if (!instance.publiclyAccessible)
      return pass(resource, region, `RDS DB instance ${label} is not publicly accessible.`, base);

    const exposure = exposureOf(account, region, instance);
    const publicly = `RDS DB instance ${label} is publicly accessible: its endpoint resolves to a public address`;
    switch (exposure.kind) {
      case 'open': {
        const through = exposure.open
          .map(({ group, rules }) => `security group ${groupLabel(group)} through ${describeOpenRules(rules)}`)
          .join('; ');
        return {
          ...fail(
            resource,
            region,
            `${publicly}, and its port ${exposure.port} is open to the internet (${through}): anyone can try to log in to the database.`,
            {
              ...base,
              worldOpen: true,
              openGroups: exposure.open.map(({ group, rules }) => ({
                groupId: group.groupId,
                groupName: group.groupName,
                ...openRuleEvidence(rules),
              })),
            },
          ),
          severity: 'critical',
        };
      }
      case 'closed':
        return fail(
          resource,
          region,
          exposure.groupIds.length === 0
            ? `${publicly}. It has no VPC security groups, so nothing lets the internet reach port ${exposure.port} today, but one change would.`
            : `${publicly}. None of its security groups (${exposure.groupIds.join(', ')}) lets the internet reach port ${exposure.port} today, but one rule change would.`,
          { ...base, worldOpen: false },
        );
      case 'unknown':
        return fail(
          resource,
          region,
          `${publicly}. Whether the internet can reach its port is unknown: ${exposure.reason}.`,
          { ...base, worldOpen: null, exposureUnknown: exposure.reason },
        );
    }
  };

export default defineCheck({
  id: 'rds_instance_not_publicly_accessible',
  service: 'rds',
  severity: 'high',
  title: 'RDS DB instances are not publicly accessible',
  failTitle: 'RDS DB instance is publicly accessible',
  rationale:
    'A publicly accessible instance gets a public address, so its security groups are all that stands between the database and the internet; when one of them admits the world on the database port (reported as critical), anyone can try passwords and exploits against it.',
  remediationText:
    'Make the instance private (RDS console → Databases → Modify → Connectivity → Public access: Not publicly accessible, apply immediately), or run `aws rds modify-db-instance --db-instance-identifier <id> --no-publicly-accessible --apply-immediately`; clients outside the VPC then need a VPN, a bastion or VPC peering. Remove 0.0.0.0/0 and ::/0 rules on the database port from its security groups.',
  frameworks: { cis: '2.3.3', securityHub: 'RDS.2' },
  // The ec2 slice holds the security groups that decide whether the internet reaches the port.
  requires: ['rds', 'ec2'],
  remediation: 'rds_instance_make_private',
  evaluate: ({ account }) => eachInstance(account, judge(account)),
});
