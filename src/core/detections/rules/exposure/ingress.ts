import type { SecurityGroupRule } from '../../../model';
import { ruleKey } from '../../../security-groups';
import type { CloudTrailRecord } from '../../record';
import { numberOf, oneOrMany } from './common';
import { ec2Items, isJson, type Json } from '../shared/helpers';

/**
 * The inbound rules a CloudTrail record adds, as the snapshot's SecurityGroupRule so the checks'
 * helpers (security-groups.ts) judge them. Three shapes carry them:
 * - AuthorizeSecurityGroupIngress `requestParameters.ipPermissions.items[]` (ipProtocol, fromPort,
 *   toPort, ipRanges.items[].cidrIp, ipv6Ranges.items[].cidrIpv6), or the flat form (cidrIp,
 *   ipProtocol, fromPort, toPort) older tools send;
 * - its `responseElements.securityGroupRuleSet.items[]` (what EC2 created: securityGroupRuleId,
 *   isEgress, cidrIpv4, cidrIpv6), which also gives the rule ids;
 * - ModifySecurityGroupRules `requestParameters.ModifySecurityGroupRulesRequest` (GroupId and one or
 *   more SecurityGroupRule {SecurityGroupRuleId, SecurityGroupRule {IpProtocol, FromPort, ToPort,
 *   CidrIpv4, CidrIpv6}}), which does not say whether the rule is inbound.
 * A part that is present but not of these shapes is counted in `unreadable`, never skipped as empty.
 */

export interface IngressChange {
  groupId: string | undefined;
  /** The group name, for records that name the group only by name (default VPC). */
  groupName: string | undefined;
  rules: SecurityGroupRule[];
  /** Parts of the record that should hold rules but could not be read. */
  unreadable: string[];
  /** ModifySecurityGroupRules: the direction of the changed rules is not in the record. */
  directionUnknown: boolean;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

const rule = (values: {
  ruleId?: unknown;
  isEgress?: boolean;
  ipProtocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  cidrIpv4?: unknown;
  cidrIpv6?: unknown;
  description?: unknown;
}): SecurityGroupRule | null => {
  const protocol = values.ipProtocol === undefined ? null : String(values.ipProtocol);
  if (protocol === null || protocol === '') return null;
  return {
    ruleId: text(values.ruleId),
    isEgress: values.isEgress ?? false,
    ipProtocol: protocol,
    fromPort: numberOf(values.fromPort) ?? null,
    toPort: numberOf(values.toPort) ?? null,
    cidrIpv4: text(values.cidrIpv4),
    cidrIpv6: text(values.cidrIpv6),
    referencedGroupId: null,
    prefixListId: null,
    description: text(values.description),
  };
};

interface Collected {
  rules: SecurityGroupRule[];
  unreadable: string[];
  /** Whether the record listed any permission at all (one from a security group or prefix list adds no rule here). */
  listed: boolean;
}

/** One IpPermission: a rule per address range (security-group and prefix-list sources never admit the world). */
const fromPermission = (p: unknown, where: string, out: Collected): void => {
  if (!isJson(p)) return void out.unreadable.push(where);
  const v4 = ec2Items(p.ipRanges);
  const v6 = ec2Items(p.ipv6Ranges);
  if (v4 === null || v6 === null) return void out.unreadable.push(`${where}'s address ranges`);
  const base = { ipProtocol: p.ipProtocol, fromPort: p.fromPort, toPort: p.toPort };
  for (const range of [...v4.map((r) => ['v4', r] as const), ...v6.map((r) => ['v6', r] as const)]) {
    const [family, raw] = range;
    const cidr = isJson(raw) ? (family === 'v4' ? raw.cidrIp : raw.cidrIpv6) : undefined;
    const made =
      typeof cidr === 'string'
        ? rule({
            ...base,
            ...(family === 'v4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
            description: isJson(raw) ? raw.description : undefined,
          })
        : null;
    if (made) out.rules.push(made);
    else out.unreadable.push(`an address range of ${where}`);
  }
};

const fromAuthorizeRequest = (rp: Json, out: Collected): void => {
  const items = ec2Items(rp.ipPermissions);
  if (items === null) out.unreadable.push('requestParameters.ipPermissions');
  else {
    if (items.length > 0) out.listed = true;
    items.forEach((p, i) => fromPermission(p, `ipPermissions item ${i + 1}`, out));
  }
  if (typeof rp.cidrIp === 'string' || typeof rp.cidrIpv6 === 'string') {
    const flat = rule({
      ipProtocol: rp.ipProtocol ?? '-1',
      fromPort: rp.fromPort,
      toPort: rp.toPort,
      cidrIpv4: rp.cidrIp,
      cidrIpv6: rp.cidrIpv6,
    });
    out.listed = true;
    if (flat) out.rules.push(flat);
    else out.unreadable.push('the cidrIp rule of requestParameters');
  }
};

/** What EC2 answered it created; egress rules in the answer are left out (this detection is about inbound). */
const fromResponse = (re: Json | null | undefined, out: Collected): string | undefined => {
  const set = re?.securityGroupRuleSet;
  if (set === undefined) return undefined;
  const items = ec2Items(set);
  if (items === null) return void out.unreadable.push('responseElements.securityGroupRuleSet');
  let groupId: string | undefined;
  if (items.length > 0) out.listed = true;
  for (const item of items) {
    if (!isJson(item)) {
      out.unreadable.push('an item of responseElements.securityGroupRuleSet');
      continue;
    }
    groupId ??= typeof item.groupId === 'string' ? item.groupId : undefined;
    if (item.isEgress === true) continue;
    const made = rule({
      ruleId: item.securityGroupRuleId,
      ipProtocol: item.ipProtocol,
      fromPort: item.fromPort,
      toPort: item.toPort,
      cidrIpv4: item.cidrIpv4,
      cidrIpv6: item.cidrIpv6,
      description: item.description,
    });
    if (made) out.rules.push(made);
    else out.unreadable.push('an item of responseElements.securityGroupRuleSet');
  }
  return groupId;
};

const fromModifyRequest = (rp: Json, out: Collected): { groupId: string | undefined } => {
  const req = rp.ModifySecurityGroupRulesRequest;
  if (!isJson(req)) {
    out.unreadable.push('requestParameters.ModifySecurityGroupRulesRequest');
    return { groupId: undefined };
  }
  const updates = oneOrMany(req.SecurityGroupRule);
  if (updates.length === 0) out.unreadable.push('the rules of ModifySecurityGroupRulesRequest');
  for (const u of updates) {
    const values = isJson(u) ? u.SecurityGroupRule : undefined;
    const made =
      isJson(u) && isJson(values)
        ? rule({
            ruleId: u.SecurityGroupRuleId,
            ipProtocol: values.IpProtocol,
            fromPort: values.FromPort,
            toPort: values.ToPort,
            cidrIpv4: values.CidrIpv4,
            cidrIpv6: values.CidrIpv6,
            description: values.Description,
          })
        : null;
    if (made) out.rules.push(made);
    else out.unreadable.push('a SecurityGroupRule of ModifySecurityGroupRulesRequest');
  }
  return { groupId: typeof req.GroupId === 'string' ? req.GroupId : undefined };
};

/** The same rule from the request and the answer once, keeping the id the answer gave it. */
const dedupe = (rules: SecurityGroupRule[]): SecurityGroupRule[] => {
  const byKey = new Map<string, SecurityGroupRule>();
  for (const r of rules) {
    const key = ruleKey(r);
    const seen = byKey.get(key);
    if (!seen || (seen.ruleId === null && r.ruleId !== null)) byKey.set(key, r);
  }
  return [...byKey.values()];
};

export const ingressChange = (r: CloudTrailRecord): IngressChange => {
  const rp = r.requestParameters ?? {};
  const out: Collected = { rules: [], unreadable: [], listed: false };
  if (r.eventName === 'ModifySecurityGroupRules') {
    const { groupId } = fromModifyRequest(rp, out);
    return {
      groupId,
      groupName: undefined,
      rules: dedupe(out.rules),
      unreadable: out.unreadable,
      directionUnknown: true,
    };
  }
  fromAuthorizeRequest(rp, out);
  const answered = fromResponse(r.responseElements, out);
  if (!out.listed && out.unreadable.length === 0) out.unreadable.push('the rules added (the record lists none)');
  return {
    groupId: typeof rp.groupId === 'string' ? rp.groupId : answered,
    groupName: typeof rp.groupName === 'string' ? rp.groupName : undefined,
    rules: dedupe(out.rules),
    unreadable: out.unreadable,
    directionUnknown: false,
  };
};
