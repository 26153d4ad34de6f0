import type { SecurityGroup, SecurityGroupRule } from './model';

/** A port number, or `'all'` for "every port of every protocol". */
export type PortTarget = number | 'all';

/** A port target, or several ports of which any one open is enough (CIS 5.2/5.3: 22 or 3389). */
export type PortTargets = PortTarget | readonly number[];

/**
 * Which "whole internet" source counts: `ipv4` (0.0.0.0/0), `ipv6` (::/0) or either. CIS v3.0.0
 * 5.2 / Security Hub EC2.53 judge 0.0.0.0/0 and 5.3 / EC2.54 ::/0 separately.
 */
export type AddressFamily = 'ipv4' | 'ipv6' | 'any';

const MAX_PORT = 65535;

/** AWS returns names for the common protocols but accepts (and may echo) numbers. */
const PROTOCOL_ALIASES: Record<string, string> = { '6': 'tcp', '17': 'udp', all: '-1' };

/**
 * Protocols whose rules carry port ranges. CIS v3.0.0 5.2/5.3 and Security Hub EC2.53/EC2.54 count
 * TCP, UDP and ALL for the admin ports; other protocols (ICMP, ESP, GRE…) have no ports, and for ICMP
 * the "ports" are message types and codes.
 */
const PORTED_PROTOCOLS = new Set(['tcp', 'udp']);

export const normalizeProtocol = (ipProtocol: string): string => {
  const p = ipProtocol.trim().toLowerCase();
  return PROTOCOL_ALIASES[p] ?? p;
};

/**
 * Only a /0 prefix reaches every address. A wide but partial range such as 0.0.0.0/1 is not
 * treated as "the world": it is half of the internet, but it is not what these controls test and
 * flagging it would make the verdict depend on a threshold nobody agreed on.
 */
export const isWorldCidr = (cidr: string | null): boolean => {
  if (cidr === null) return false;
  const slash = cidr.lastIndexOf('/');
  return slash !== -1 && cidr.slice(slash + 1).trim() === '0';
};

const isWorldSource = (rule: SecurityGroupRule, family: AddressFamily = 'any'): boolean =>
  (family !== 'ipv6' && isWorldCidr(rule.cidrIpv4)) || (family !== 'ipv4' && isWorldCidr(rule.cidrIpv6));

/**
 * The inclusive port range a rule opens, or null when the protocol has no ports. A missing or
 * negative bound on a TCP/UDP rule is read as unbounded: AWS always sends both bounds for these
 * protocols, so a gap means unusual data, and a security check must not pass on unusual data.
 */
export const portBounds = (rule: SecurityGroupRule): [number, number] | null => {
  const protocol = normalizeProtocol(rule.ipProtocol);
  if (protocol === '-1') return [0, MAX_PORT];
  if (!PORTED_PROTOCOLS.has(protocol)) return null;
  const from = rule.fromPort === null || rule.fromPort < 0 ? 0 : rule.fromPort;
  const to = rule.toPort === null || rule.toPort < 0 ? MAX_PORT : rule.toPort;
  return [from, to];
};

/** Port 0 is reserved and unusable, so a 1–65535 range opens every port just as 0–65535 does. */
const opensEveryPort = (rule: SecurityGroupRule): boolean => {
  if (normalizeProtocol(rule.ipProtocol) === '-1') return true;
  const bounds = portBounds(rule);
  return bounds !== null && bounds[0] <= 1 && bounds[1] >= MAX_PORT;
};

export const opensPort = (rule: SecurityGroupRule, port: number): boolean => {
  const bounds = portBounds(rule);
  return bounds !== null && bounds[0] <= port && port <= bounds[1];
};

const opensTarget = (rule: SecurityGroupRule, target: PortTargets): boolean =>
  target === 'all'
    ? opensEveryPort(rule)
    : typeof target === 'number'
      ? opensPort(rule, target)
      : target.some((port) => opensPort(rule, port));

const admitsWorld = (target: PortTargets, family: AddressFamily) => (rule: SecurityGroupRule) =>
  !rule.isEgress && isWorldSource(rule, family) && opensTarget(rule, target);

/**
 * The group's ingress rules that let anyone on the internet (0.0.0.0/0 or ::/0, or only the one of
 * `family`) reach `target`. Egress rules, and rules whose source is another security group or a
 * prefix list, never count: they do not admit the whole internet.
 */
export const worldOpenIngress = (
  group: Pick<SecurityGroup, 'rules'>,
  target: PortTargets,
  family: AddressFamily = 'any',
): SecurityGroupRule[] => group.rules.filter(admitsWorld(target, family));

/**
 * The same, among the rules only DescribeSecurityGroupRules showed (see SecurityGroup.unconfirmedRules):
 * when the group's own rules pass but one of these would not, the verdict is unknown, not pass.
 */
export const unconfirmedWorldOpenIngress = (
  group: Pick<SecurityGroup, 'unconfirmedRules'>,
  target: PortTargets,
  family: AddressFamily = 'any',
): SecurityGroupRule[] => group.unconfirmedRules.filter(admitsWorld(target, family));

/**
 * Every ingress rule of `rules` that lets the whole internet of `family` reach some port (TCP, UDP
 * or all traffic). Rules for port-less protocols (ICMP, ESP, …) are left out: they open no port.
 */
export const worldOpenPortedIngress = (
  rules: readonly SecurityGroupRule[],
  family: AddressFamily,
): SecurityGroupRule[] => rules.filter((r) => !r.isEgress && isWorldSource(r, family) && portBounds(r) !== null);

/** What names a rule inside its group, id aside. */
export type RuleValues = Pick<
  SecurityGroupRule,
  'isEgress' | 'ipProtocol' | 'fromPort' | 'toPort' | 'cidrIpv4' | 'cidrIpv6' | 'referencedGroupId' | 'prefixListId'
>;

/**
 * A rule's direction, protocol, ports and source as one string. EC2 refuses to add a rule whose values
 * equal an existing one's, so within a group this names at most one rule; it is how a rule from
 * IpPermissions finds its id in DescribeSecurityGroupRules, and how a plan finds a rule that has none.
 * The two APIs spell "no port" differently (IpPermissions leave ports out for protocol -1 and may for
 * ICMPv6; DescribeSecurityGroupRules says -1), so a missing or negative port is one value here.
 */
export const ruleKey = (rule: RuleValues): string => {
  const protocol = normalizeProtocol(rule.ipProtocol);
  const port = (p: number | null) => (p === null || p < 0 ? '-1' : String(p));
  const ports = protocol === '-1' ? '' : `${port(rule.fromPort)}-${port(rule.toPort)}`;
  const source = [rule.cidrIpv4, rule.cidrIpv6, rule.referencedGroupId, rule.prefixListId]
    .map((v) => v ?? '')
    .join('|');
  return [rule.isEgress ? 'egress' : 'ingress', protocol, ports, source].join(' ');
};

/** `all`, `22` or `0-1024`, as a person would write the rule's port range. */
export const portRangeLabel = (rule: SecurityGroupRule): string => {
  if (normalizeProtocol(rule.ipProtocol) === '-1') return 'all';
  const bounds = portBounds(rule);
  if (bounds === null) return 'n/a';
  return bounds[0] === bounds[1] ? String(bounds[0]) : `${bounds[0]}-${bounds[1]}`;
};

/**
 * What a finding keeps about each offending rule: its id when AWS gave one, and its protocol, ports
 * and source, which name it exactly when it has no id (see ruleKey) and let undo authorize it again.
 */
export const openRuleEvidence = (rules: readonly SecurityGroupRule[]) => ({
  ruleIds: rules.flatMap((r) => (r.ruleId === null ? [] : [r.ruleId])),
  rules: rules.map((r) => ({
    ruleId: r.ruleId,
    ipProtocol: r.ipProtocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    portRange: portRangeLabel(r),
    cidrIpv4: r.cidrIpv4,
    cidrIpv6: r.cidrIpv6,
    description: r.description,
  })),
});

/** `web (sg-0web)`: the name people recognise and the id AWS needs. */
export const groupLabel = (group: Pick<SecurityGroup, 'groupId' | 'groupName'>): string =>
  group.groupName && group.groupName !== group.groupId ? `${group.groupName} (${group.groupId})` : group.groupId;

/** `sgr-1 (0.0.0.0/0, tcp 22)`, for one-sentence finding messages. */
export const describeOpenRules = (rules: readonly SecurityGroupRule[]): string =>
  rules
    .map((r) => `${r.ruleId ?? 'a rule with no known id'} (${r.cidrIpv4 ?? r.cidrIpv6}, ${trafficLabel(r)})`)
    .join(', ');

/** `all traffic`, `tcp 22` or `udp 0-1024`. */
export const trafficLabel = (rule: SecurityGroupRule): string => {
  const p = normalizeProtocol(rule.ipProtocol);
  return p === '-1' ? 'all traffic' : `${p} ${portRangeLabel(rule)}`;
};
