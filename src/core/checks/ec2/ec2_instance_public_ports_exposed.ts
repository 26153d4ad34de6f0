import { defineCheck, describeCollectError, fail, pass, withFact, type CheckResult } from '../define';
import type { Fact, Instance, ResourceRef, SecurityGroup, SecurityGroupRule } from '../../model';
import { instanceResource, regionSettingResource } from '../../resources';
import { groupLabel, opensPort, trafficLabel, worldOpenPortedIngress } from '../../security-groups';
import { notCollectedResult } from '../../world-open-checks';

/**
 * Ports whose exposure makes the finding critical: remote administration and databases, the services
 * attackers sweep the internet for. Any other port open to everyone is high.
 */
const CRITICAL_PORTS: readonly (readonly [number, string])[] = [
  [22, 'SSH'],
  [3389, 'RDP'],
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [27017, 'MongoDB'],
  [6379, 'Redis'],
  [9200, 'Elasticsearch'],
];
const CRITICAL = CRITICAL_PORTS.map(([port]) => port);

/**
 * Instances that answer on no address: stopped ones (no public IPv4 until started) and those on their
 * way out. Every other state is judged, an unknown one too: skipping it could hide an open instance.
 */
const UNREACHABLE_STATES = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

type Family = 'ipv4' | 'ipv6';
interface OpenRule {
  group: SecurityGroup;
  rule: SecurityGroupRule;
  family: Family;
}

const label = (i: Instance) => (i.name ? `${i.instanceId} (${i.name})` : i.instanceId);

/** `tcp 443`, `tcp 22 (SSH)`, `tcp 3000-6000 (MySQL, PostgreSQL)`, `all traffic (every port, …)`. */
const describeRule = (rule: SecurityGroupRule): string => {
  const named = CRITICAL_PORTS.filter(([port]) => opensPort(rule, port)).map(([, name]) => name);
  if (named.length === CRITICAL_PORTS.length) return `${trafficLabel(rule)} (every port, SSH and RDP included)`;
  return named.length > 0 ? `${trafficLabel(rule)} (${named.join(', ')})` : trafficLabel(rule);
};

/** What is known about how the internet reaches one instance: the open rules, and what could not be read. */
const exposureOf = (i: Instance, groups: Fact<SecurityGroup[]>) => {
  const open: OpenRule[] = [];
  const unknown: string[] = [];
  for (const eni of i.networkInterfaces ?? []) {
    const families: Family[] = [];
    if (eni.publicIps.length > 0) families.push('ipv4');
    if (eni.ipv6Addresses === null)
      unknown.push(`DescribeInstances did not list the IPv6 addresses of ${eni.networkInterfaceId}`);
    else if (eni.ipv6Addresses.length > 0) families.push('ipv6');
    if (families.length === 0) continue;
    if (eni.securityGroupIds === null) {
      unknown.push(`DescribeInstances did not list the security groups of ${eni.networkInterfaceId}`);
      continue;
    }
    if (!groups.ok) {
      unknown.push(describeCollectError(groups.error).replace(/^Could not check: /, ''));
      continue;
    }
    for (const groupId of eni.securityGroupIds) {
      const group = groups.value.find((g) => g.groupId === groupId);
      if (!group) {
        unknown.push(
          `security group ${groupId} of ${eni.networkInterfaceId} is not in the DescribeSecurityGroups answer`,
        );
        continue;
      }
      for (const family of families) {
        for (const rule of worldOpenPortedIngress(group.rules, family)) open.push({ group, rule, family });
        // A rule only DescribeSecurityGroupRules showed keeps a group that looks closed from passing.
        if (worldOpenPortedIngress(group.unconfirmedRules, family).length > 0)
          unknown.push(
            `DescribeSecurityGroupRules lists a rule open to the internet in ${groupLabel(group)} that its own rules lack`,
          );
      }
    }
  }
  return { open, unknown: [...new Set(unknown)] };
};

const addresses = (i: Instance) => {
  const interfaces = i.networkInterfaces ?? [];
  return {
    publicIps: [...new Set(interfaces.flatMap((n) => n.publicIps))],
    ipv6Addresses: [...new Set(interfaces.flatMap((n) => n.ipv6Addresses ?? []))],
  };
};

const judge = (i: Instance, groups: Fact<SecurityGroup[]>, resource: ResourceRef, region: string): CheckResult => {
  if (i.networkInterfaces === undefined)
    return notCollectedResult(resource, region, `how instance ${label(i)} is reached (its network interfaces)`);
  const { publicIps, ipv6Addresses } = addresses(i);
  const base = { state: i.state, publicIps, ipv6Addresses };
  if (i.networkInterfaces === null) {
    const message = `Could not check: DescribeInstances did not list the network interfaces of instance ${label(i)}; collect again.`;
    return { status: 'unknown', resource, region, message, evidence: base };
  }
  const { open, unknown } = exposureOf(i, groups);
  if (open.length > 0) {
    const critical = open.some(({ rule }) => CRITICAL.some((p) => opensPort(rule, p)));
    const where = [...publicIps, ...(open.some((o) => o.family === 'ipv6') ? ipv6Addresses : [])].join(', ');
    const traffic = [...new Set(open.map(({ rule }) => describeRule(rule)))].join(', ');
    const through = [...new Set(open.map(({ group }) => groupLabel(group)))].join(', ');
    return {
      ...fail(
        resource,
        region,
        `Instance ${label(i)} at ${where} is open to the whole internet on ${traffic} through security group ${through}.`,
        {
          ...base,
          openRules: open.map(({ group, rule, family }) => ({
            groupId: group.groupId,
            ruleId: rule.ruleId,
            family,
            traffic: trafficLabel(rule),
            source: family === 'ipv4' ? rule.cidrIpv4 : rule.cidrIpv6,
          })),
        },
      ),
      severity: critical ? 'critical' : 'high',
    };
  }
  if (unknown.length > 0) {
    const message = `Could not check whether instance ${label(i)} is open to the internet: ${unknown.join('; ')}.`;
    return { status: 'unknown', resource, region, message, evidence: base };
  }
  return publicIps.length === 0 && ipv6Addresses.length === 0
    ? pass(resource, region, `Instance ${label(i)} has no public IPv4 or IPv6 address.`, base)
    : pass(
        resource,
        region,
        `Instance ${label(i)} has a public address (${[...publicIps, ...ipv6Addresses].join(', ')}), but no security group lets the whole internet reach a port.`,
        base,
      );
};

export default defineCheck({
  id: 'ec2_instance_public_ports_exposed',
  service: 'ec2',
  severity: 'high',
  title: 'EC2 instances with a public address are not open to the whole internet',
  failTitle: 'EC2 instance is open to the whole internet',
  rationale:
    'A security group rule from 0.0.0.0/0 or ::/0 only matters where it meets a public address: this is where it does. Every port it opens on the instance is probed by internet-wide scanners within minutes; SSH, RDP and database ports are attacked at once.',
  remediationText:
    'Narrow the named security group rules to the addresses that need them (VPC console → Security groups → Inbound rules), or take the instance off the internet: remove its public IP or Elastic IP and put it behind a load balancer, Session Manager or a VPN.',
  // Related Security Hub controls judge one side only: EC2.9 the public IPv4 address, EC2.19 the groups.
  frameworks: { cis: null, securityHub: null },
  requires: ['ec2'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withFact(ec2.instances, regionSettingResource(account, region, 'instances'), region, (instances) =>
        instances
          .filter((i) => !UNREACHABLE_STATES.has(i.state))
          .map((i) => judge(i, ec2.securityGroups, instanceResource(account, region, i), region)),
      ),
    ),
});
