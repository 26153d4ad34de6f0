import type {
  EC2Client,
  Instance as Ec2Instance,
  IpPermission,
  SecurityGroup as Ec2SecurityGroup,
  SecurityGroupRule as Ec2SecurityGroupRule,
  Snapshot as Ec2Snapshot,
} from '@aws-sdk/client-ec2';
import { sdk } from '../sdk';
import {
  type EbsSnapshot,
  type Ec2Region,
  type Fact,
  type Instance,
  type SecurityGroup,
  type SecurityGroupRule,
} from '../../core/model';
import { ruleKey } from '../../core/security-groups';
import { attempt } from '../attempt';
import type { CallMeta } from '../errors';
import { PAGE_SIZE, collectAll, malformed, required } from './ec2-answers';
import type { CollectContext } from './context';
import { tagsField } from './resource-tags';
import { EC2_NETWORK_PERMISSIONS, collectEc2Network, instanceNetworkFields } from './ec2-network';

const SERVICE = 'ec2';

/**
 * The IAM action each call of this collector needs, by operation: named when AWS refuses the call,
 * and granted by the read-only policy (src/aws/permissions.ts), from this one declaration.
 */
export const EC2_COLLECTOR_PERMISSIONS = {
  DescribeSecurityGroups: 'ec2:DescribeSecurityGroups',
  DescribeSecurityGroupRules: 'ec2:DescribeSecurityGroupRules',
  DescribeSnapshots: 'ec2:DescribeSnapshots',
  DescribeInstances: 'ec2:DescribeInstances',
  GetEbsEncryptionByDefault: 'ec2:GetEbsEncryptionByDefault',
  ...EC2_NETWORK_PERMISSIONS,
} as const;

const meta = (operation: keyof typeof EC2_COLLECTOR_PERMISSIONS, region: string): CallMeta => ({
  service: SERVICE,
  operation,
  permission: EC2_COLLECTOR_PERMISSIONS[operation],
  region,
});

/**
 * Collects one region's security groups, EBS snapshots, instances, EBS default encryption, and its
 * network (VPCs, flow logs, network ACLs, own AMIs: ec2-network.ts).
 */
export const collectEc2Region = async (ctx: CollectContext, region: string): Promise<Ec2Region> => {
  const client = ctx.clients.ec2(region);
  const [securityGroups, snapshots, instances, ebsEncryptionByDefault, network] = await Promise.all([
    collectSecurityGroups(client, region),
    collectSnapshots(client, region),
    collectInstances(client, region),
    attempt(meta('GetEbsEncryptionByDefault', region), async () => {
      const out = await client.send(new sdk.ec2.GetEbsEncryptionByDefaultCommand({}));
      // The API reference lists EbsEncryptionByDefault in every answer; without it the setting is unknown.
      return out.EbsEncryptionByDefault ?? malformed('GetEbsEncryptionByDefault', 'ebsEncryptionByDefault');
    }),
    collectEc2Network(client, region),
  ]);
  return { securityGroups, snapshots, instances, ebsEncryptionByDefault, ...network };
};

// ---------------------------------------------------------------- security groups

/**
 * The groups are judged on their own IpPermissions / IpPermissionsEgress (DescribeSecurityGroups):
 * that is the group as EC2 describes it. DescribeSecurityGroupRules only adds each rule's
 * SecurityGroupRuleId, which lets a remediation revoke a rule by id. When that listing is refused,
 * unreadable, or does not match the group's rules, the rules keep `ruleId: null` and are still
 * evaluated; the remediation then names them by their exact protocol, ports and source.
 */
const collectSecurityGroups = async (client: EC2Client, region: string): Promise<Fact<SecurityGroup[]>> => {
  const [groups, listed] = await Promise.all([
    attempt(meta('DescribeSecurityGroups', region), async () =>
      (
        await collectAll(
          sdk.ec2.paginateDescribeSecurityGroups({ client, pageSize: PAGE_SIZE }, {}),
          (p) => p.SecurityGroups,
          'DescribeSecurityGroups',
          'securityGroupInfo',
        )
      ).map(toGroup),
    ),
    attempt(meta('DescribeSecurityGroupRules', region), () =>
      collectAll(
        sdk.ec2.paginateDescribeSecurityGroupRules({ client, pageSize: PAGE_SIZE }, {}),
        (p) => p.SecurityGroupRules,
        'DescribeSecurityGroupRules',
        'securityGroupRuleSet',
      ),
    ),
  ]);
  if (!groups.ok) return groups;
  // Without the rule listing the verdicts stand; only the rule ids are missing.
  return { ok: true, value: listed.ok ? joinRuleIds(groups.value, listed.value) : groups.value };
};

const OP_GROUPS = 'DescribeSecurityGroups';

const toGroup = (g: Ec2SecurityGroup): SecurityGroup => {
  // Dropping a group without an id could hide an open one, so the answer as a whole is unreadable.
  const groupId = required(g.GroupId, OP_GROUPS, 'a groupId');
  const rules = (permissions: IpPermission[] | undefined, isEgress: boolean, element: string) =>
    required(permissions, OP_GROUPS, `${element} for ${groupId}`).flatMap((p) =>
      expandPermission(p, isEgress, groupId),
    );
  return {
    groupId,
    // Documented as always present, and it is how the default group is told apart (its name is
    // `default`): without it the default-group check would silently skip the group.
    groupName: required(g.GroupName, OP_GROUPS, `the groupName of ${groupId}`),
    // Only names the VPC in messages; no verdict depends on it.
    vpcId: g.VpcId ?? null,
    rules: [
      ...rules(g.IpPermissions, false, 'ipPermissions'),
      ...rules(g.IpPermissionsEgress, true, 'ipPermissionsEgress'),
    ],
    unconfirmedRules: [],
    // For accepted-risk scopes only; unreadable tags leave them unknown (resource-tags.ts).
    ...tagsField(g.Tags),
  };
};

/**
 * One IpPermission holds every source for one protocol and port range; each source (address range,
 * security group, prefix list) is a rule of its own, as DescribeSecurityGroupRules lists it.
 * The four source lists are always in EC2's answer, empty ones as empty elements (API reference
 * example of DescribeSecurityGroups); a missing list, or a permission with no source at all, is not
 * a real answer, and reading it as "no source" could hide a 0.0.0.0/0 range.
 */
const expandPermission = (p: IpPermission, isEgress: boolean, groupId: string): SecurityGroupRule[] => {
  const where = `a rule of ${groupId}`;
  const ipProtocol = required(p.IpProtocol, OP_GROUPS, `the ipProtocol of ${where}`);
  const list = <T>(items: T[] | undefined, element: string) => required(items, OP_GROUPS, `${element} in ${where}`);
  const base = {
    ruleId: null,
    isEgress,
    ipProtocol,
    // AWS leaves the ports out for protocol -1 (and may for ICMPv6). An absent port stays null, never a
    // number: portBounds reads a TCP/UDP rule without ports as open on every port.
    fromPort: p.FromPort ?? null,
    toPort: p.ToPort ?? null,
    cidrIpv4: null,
    cidrIpv6: null,
    referencedGroupId: null,
    prefixListId: null,
  };
  const rule = (source: Partial<SecurityGroupRule>, description: string | undefined): SecurityGroupRule => ({
    ...base,
    ...source,
    description: description || null,
  });
  const rules = [
    ...list(p.UserIdGroupPairs, 'groups').map((pair) =>
      rule(
        { referencedGroupId: required(pair.GroupId, OP_GROUPS, `the groupId of a source of ${where}`) },
        pair.Description,
      ),
    ),
    ...list(p.IpRanges, 'ipRanges').map((r) =>
      rule({ cidrIpv4: required(r.CidrIp, OP_GROUPS, `the cidrIp of a range of ${where}`) }, r.Description),
    ),
    ...list(p.Ipv6Ranges, 'ipv6Ranges').map((r) =>
      rule({ cidrIpv6: required(r.CidrIpv6, OP_GROUPS, `the cidrIpv6 of a range of ${where}`) }, r.Description),
    ),
    ...list(p.PrefixListIds, 'prefixListIds').map((r) =>
      rule({ prefixListId: required(r.PrefixListId, OP_GROUPS, `the prefixListId of ${where}`) }, r.Description),
    ),
  ];
  return rules.length > 0 ? rules : malformed(OP_GROUPS, `any source in ${where}`);
};

/**
 * A rule of DescribeSecurityGroupRules in our shape, or null when it lacks what names it (group, id,
 * direction, protocol): such a rule cannot be joined, and the group's own rule keeps `ruleId: null`.
 * These rules never decide a pass: a field read as null here can only leave a rule without its id,
 * or keep an unconfirmed rule from turning a pass into unknown, which the group's own rules decide.
 */
const toListedRule = (r: Ec2SecurityGroupRule): { groupId: string; rule: SecurityGroupRule } | null => {
  if (!r.GroupId || !r.SecurityGroupRuleId || r.IsEgress === undefined || !r.IpProtocol) return null;
  return {
    groupId: r.GroupId,
    rule: {
      ruleId: r.SecurityGroupRuleId,
      isEgress: r.IsEgress,
      ipProtocol: r.IpProtocol,
      fromPort: r.FromPort ?? null,
      toPort: r.ToPort ?? null,
      cidrIpv4: r.CidrIpv4 ?? null,
      cidrIpv6: r.CidrIpv6 ?? null,
      referencedGroupId: r.ReferencedGroupInfo?.GroupId ?? null,
      prefixListId: r.PrefixListId ?? null,
      description: r.Description || null,
    },
  };
};

/**
 * Gives each rule of the groups the id DescribeSecurityGroupRules lists for the same group, direction,
 * protocol, ports and source (ruleKey), when exactly one listed rule matches. Listed rules that match
 * none of the group's rules are kept as the group's `unconfirmedRules`.
 */
const joinRuleIds = (groups: SecurityGroup[], listed: Ec2SecurityGroupRule[]): SecurityGroup[] => {
  const byGroup = new Map<string, SecurityGroupRule[]>();
  for (const entry of listed.map(toListedRule)) {
    if (entry) byGroup.set(entry.groupId, [...(byGroup.get(entry.groupId) ?? []), entry.rule]);
  }
  return groups.map((group) => {
    const candidates = byGroup.get(group.groupId) ?? [];
    const used = new Set<SecurityGroupRule>();
    const rules = group.rules.map((rule) => {
      const key = ruleKey(rule);
      const matches = candidates.filter((c) => ruleKey(c) === key);
      matches.forEach((m) => used.add(m));
      return matches.length === 1 ? { ...rule, ruleId: matches[0]!.ruleId } : rule;
    });
    return { ...group, rules, unconfirmedRules: candidates.filter((c) => !used.has(c)) };
  });
};

// ---------------------------------------------------------------- snapshots

/**
 * Public snapshots are found with a second listing filtered by RestorableByUserIds=['all'] (the
 * createVolumePermission group `all`) instead of DescribeSnapshotAttribute per snapshot: two
 * paginated calls whatever the number of snapshots, where accounts with thousands of snapshots
 * would otherwise need thousands of calls and hit EC2's request rate limit.
 */
const collectSnapshots = (client: EC2Client, region: string): Promise<Fact<EbsSnapshot[]>> =>
  attempt(meta('DescribeSnapshots', region), async () => {
    const list = async (input: { OwnerIds: string[]; RestorableByUserIds?: string[] }) =>
      (
        await collectAll(
          sdk.ec2.paginateDescribeSnapshots({ client, pageSize: PAGE_SIZE }, input),
          (p) => p.Snapshots,
          'DescribeSnapshots',
          'snapshotSet',
        )
      ).map((s) => ({ s, snapshotId: required(s.SnapshotId, 'DescribeSnapshots', 'a snapshotId') }));
    const [owned, restorableByAll] = await Promise.all([
      list({ OwnerIds: ['self'] }),
      list({ OwnerIds: ['self'], RestorableByUserIds: ['all'] }),
    ]);
    const publicIds = new Set(restorableByAll.map(({ snapshotId }) => snapshotId));
    return owned.map(({ s, snapshotId }) => toSnapshot(s, snapshotId, publicIds.has(snapshotId)));
  });

const toSnapshot = (s: Ec2Snapshot, snapshotId: string, isPublic: boolean): EbsSnapshot => ({
  snapshotId,
  // Informational only; the API reference notes that copied snapshots carry an arbitrary volume id.
  volumeId: s.VolumeId ?? null,
  // No verdict reads it; an absent flag stays unknown rather than "not encrypted".
  encrypted: s.Encrypted ?? null,
  startTime: s.StartTime ? s.StartTime.toISOString() : null,
  public: isPublic,
  ...tagsField(s.Tags),
});

// ---------------------------------------------------------------- instances

const collectInstances = (client: EC2Client, region: string): Promise<Fact<Instance[]>> =>
  attempt(meta('DescribeInstances', region), async () => {
    const reservations = await collectAll(
      sdk.ec2.paginateDescribeInstances({ client, pageSize: PAGE_SIZE }, {}),
      (p) => p.Reservations,
      'DescribeInstances',
      'reservationSet',
    );
    return reservations
      .flatMap((r) => required(r.Instances, 'DescribeInstances', 'the instancesSet of a reservation'))
      .filter((i) => i.State?.Name !== 'terminated')
      .map((i) => toInstance(i, required(i.InstanceId, 'DescribeInstances', 'an instanceId')));
  });

/**
 * Metadata options the SDK does not report, or values it does not know, stay null: the IMDSv2 check
 * reads null as missing evidence (unknown), never as either setting.
 */
const toInstance = (i: Ec2Instance, instanceId: string): Instance => {
  const tokens = i.MetadataOptions?.HttpTokens;
  const endpoint = i.MetadataOptions?.HttpEndpoint;
  return {
    instanceId,
    // A state-less instance is still judged (only shutting-down and terminated ones are skipped).
    state: i.State?.Name ?? 'unknown',
    name: i.Tags?.find((t) => t.Key === 'Name')?.Value ?? null,
    httpTokens: tokens === 'required' || tokens === 'optional' ? tokens : null,
    httpEndpoint: endpoint === 'enabled' || endpoint === 'disabled' ? endpoint : null,
    ...instanceNetworkFields(i, instanceId),
    ...tagsField(i.Tags),
  };
};
