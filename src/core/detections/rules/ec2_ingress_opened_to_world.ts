import type { SecurityGroupRule, Severity } from '../../model';
import { securityGroupResource } from '../../resources';
import {
  normalizeProtocol,
  opensPort,
  portBounds,
  portRangeLabel,
  trafficLabel,
  worldOpenIngress,
  worldOpenPortedIngress,
} from '../../security-groups';
import { defineDetection, type AlertResource, type DetectionMatch, type UndoRule } from '../define';
import type { CloudTrailRecord } from '../record';
import { accountRefOf, forEvents, located, undoFor, unreadableDetail } from './exposure/common';
import { quoted, regionOf, tidy } from './shared/helpers';
import { ingressChange, type IngressChange } from './exposure/ingress';

const EVENTS = [
  { source: 'ec2.amazonaws.com', names: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'] },
] as const;

/**
 * The ports whose exposure is critical: remote administration and databases, the list
 * ec2_instance_public_ports_exposed judges as critical (kept in step with that check by hand: it does
 * not export it).
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

/** A range this wide opens services nobody meant to publish, even without an admin port in it. */
const WIDE_RANGE = 100;

const SEVERITY_BELOW: Record<Severity, Severity> = {
  critical: 'high',
  high: 'medium',
  medium: 'low',
  low: 'low',
  informational: 'informational',
};

const opensEverything = (rules: SecurityGroupRule[]) => worldOpenIngress({ rules }, 'all').length > 0;

const namedPorts = (rule: SecurityGroupRule): string[] =>
  CRITICAL_PORTS.filter(([port]) => opensPort(rule, port)).map(([port, name]) => `${name} ${port}`);

const severityOf = (rules: SecurityGroupRule[]): Severity => {
  if (opensEverything(rules) || rules.some((r) => namedPorts(r).length > 0)) return 'critical';
  const wide = rules.some((r) => {
    const b = portBounds(r);
    return b !== null && b[1] - b[0] + 1 >= WIDE_RANGE;
  });
  return wide ? 'high' : 'medium';
};

/**
 * The check that gates and verifies the undo: a check ec2_revoke_world_ingress fixes, failing on one
 * of these rules. The remediation itself revokes rules of any ports (by id, or by protocol, ports and
 * source); what it cannot do without such a check is confirm the group is closed afterwards, so a
 * change that opens only ports no check covers (443, 8080, …) offers no Undo.
 */
const checkFor = (rules: SecurityGroupRule[]): string | undefined => {
  if (opensEverything(rules)) return 'ec2_security_group_all_ports_restricted';
  if (rules.some((r) => opensPort(r, 22))) return 'ec2_security_group_ssh_restricted';
  if (rules.some((r) => opensPort(r, 3389))) return 'ec2_security_group_rdp_restricted';
  return undefined;
};

/** `port 22`, `ports 8000-8100`, `udp port 53`, `all ports`. */
const portsLabel = (r: SecurityGroupRule): string => {
  const protocol = normalizeProtocol(r.ipProtocol);
  if (protocol === '-1') return 'all ports';
  const range = portRangeLabel(r);
  const prefix = protocol === 'tcp' ? '' : `${protocol} `;
  return range === '0-65535' || range === '1-65535'
    ? `all ${prefix}ports`
    : `${prefix}port${range.includes('-') ? 's' : ''} ${range}`;
};

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * Whether the revoke remediation can find the rule from what the record says: by id, or by protocol,
 * ports and source (a TCP/UDP rule without both ports and without an id cannot be named exactly).
 */
const namedExactly = (rule: SecurityGroupRule): boolean =>
  rule.ruleId !== null ||
  normalizeProtocol(rule.ipProtocol) === '-1' ||
  (rule.fromPort !== null && rule.toPort !== null);

const undoRuleOf = ({ ruleId, ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6 }: SecurityGroupRule): UndoRule => ({
  ruleId,
  ipProtocol,
  fromPort,
  toPort,
  cidrIpv4,
  cidrIpv6,
});

const MAX_UNDO_LISTED = 3;

/** `Revoke tcp 22 from 0.0.0.0/0 and tcp 8080 from ::/0 on sg-1 (the rules this change opened)`. */
const undoDescription = (groupId: string, rules: SecurityGroupRule[]): string => {
  const listed = rules
    .slice(0, MAX_UNDO_LISTED)
    .map(
      (r) =>
        `${r.ruleId ? `${r.ruleId} (` : ''}${trafficLabel(r)} from ${r.cidrIpv4 ?? r.cidrIpv6}${r.ruleId ? ')' : ''}`,
    );
  const more = rules.length > MAX_UNDO_LISTED ? ` and ${rules.length - MAX_UNDO_LISTED} more` : '';
  const words = listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}` : listed[0];
  return `Revoke ${words}${more} on ${groupId}: the ${rules.length === 1 ? 'rule' : 'rules'} this change opened to the internet, no others`;
};

const resourceOf = (r: CloudTrailRecord, change: IngressChange): AlertResource => {
  const region = regionOf(r);
  const account = accountRefOf(r);
  if (change.groupId === undefined)
    return located({ type: 'AwsEc2SecurityGroup', id: change.groupName ?? 'unknown', arn: null }, region);
  return located(
    account
      ? securityGroupResource(account, region, { groupId: change.groupId, tags: undefined })
      : { type: 'AwsEc2SecurityGroup', id: change.groupId, arn: null },
    region,
  );
};

const match = (r: CloudTrailRecord): DetectionMatch | null => {
  const change = ingressChange(r);
  const resource = resourceOf(r, change);
  const group = quoted(change.groupId ?? change.groupName, 'a security group the record does not name');
  const world = worldOpenPortedIngress(change.rules, 'any');
  if (world.length === 0) {
    if (change.unreadable.length === 0) return null;
    return tidy({
      summary: `changed the inbound rules of security group ${group}; cloudsec could not read them all from the record: re-check`,
      resource,
      severity: 'medium',
      details: [unreadableDetail(change.unreadable.join(', '), 'not in the shape CloudTrail records them')],
      dedupSuffix: resource.id,
    });
  }
  const ports = unique(world.map(portsLabel)).join(', ');
  const sources = unique(world.map((w) => (w.cidrIpv4 ?? w.cidrIpv6)!)).join(', ');
  const base = severityOf(world);
  const checkId = checkFor(world);
  const ruleIds = unique(world.flatMap((w) => (w.ruleId ? [w.ruleId] : [])));
  // Every world-open rule the record names exactly, whichever its ports: the undo revokes these.
  const nameable = world.filter(namedExactly);
  const groupId = change.groupId;
  const undo =
    checkId !== undefined && groupId !== undefined && accountRefOf(r) !== null && nameable.length > 0
      ? undoFor('ec2_revoke_world_ingress', checkId, resource, undoDescription(groupId, nameable), {
          rules: nameable.map(undoRuleOf),
        })
      : undefined;
  const summary = change.directionUnknown
    ? `changed ${ruleIds.length === 1 ? `rule ${ruleIds[0]}` : 'rules'} of security group ${group} to allow ${ports} from the internet (${sources})`
    : `opened ${ports} of security group ${group} to the internet (${sources})`;
  return tidy({
    summary,
    resource,
    severity: change.directionUnknown ? SEVERITY_BELOW[base] : base,
    details: [
      ...world.map((w) => {
        const named = namedPorts(w);
        return `${w.ruleId ?? 'new rule'}: ${trafficLabel(w)} from ${w.cidrIpv4 ?? w.cidrIpv6}${named.length > 0 ? ` (${named.join(', ')})` : ''}`;
      }),
      ...(change.directionUnknown
        ? ['ModifySecurityGroupRules does not record whether a rule is inbound or outbound; Re-check shows which.']
        : []),
      ...(change.unreadable.length > 0
        ? [unreadableDetail(change.unreadable.join(', '), 'not in the shape CloudTrail records them')]
        : []),
      ...(checkId === undefined
        ? [
            `No Undo here: no cloudsec check covers ${ports}, and Undo needs one to confirm the group is closed afterwards. Remove the rule in the console (VPC → Security groups → Inbound rules).`,
          ]
        : []),
    ],
    undo,
    dedupSuffix: resource.id,
  });
};

export default defineDetection({
  id: 'ec2_ingress_opened_to_world',
  title: 'Security group opened to the internet',
  severity: 'high',
  rationale:
    'An inbound rule from 0.0.0.0/0 or ::/0 puts every instance in the group in reach of the whole internet; remote administration and database ports are scanned and brute-forced within minutes of opening.',
  events: EVENTS,
  // EC2.13 (port 22 from anywhere) is the closest Security Hub control; EC2.14, EC2.53 and EC2.54 cover the rest.
  securityHub: 'EC2.13',
  mitre: { id: 'T1562.007', name: 'Disable or Modify Cloud Firewall' },
  remediation: 'ec2_revoke_world_ingress',
  match: forEvents(EVENTS, match),
});
