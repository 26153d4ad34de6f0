import {
  GetEbsEncryptionByDefaultCommand,
  paginateDescribeInstances,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeSnapshots,
  type EC2Client,
  type Instance as Ec2Instance,
  type SecurityGroup as Ec2SecurityGroup,
  type SecurityGroupRule as Ec2SecurityGroupRule,
  type Snapshot as Ec2Snapshot,
} from '@aws-sdk/client-ec2';
import {
  missing,
  type EbsSnapshot,
  type Ec2Region,
  type Fact,
  type Instance,
  type SecurityGroup,
  type SecurityGroupRule,
} from '../../core/model';
import { attempt } from '../attempt';
import type { CollectContext } from './context';

/** The largest page every Describe call here accepts: fewer round trips in big accounts. */
const PAGE_SIZE = 1000;

const SERVICE = 'ec2';

/** Collects one region's security groups, EBS snapshots, instances and EBS default encryption. */
export const collectEc2Region = async (ctx: CollectContext, region: string): Promise<Ec2Region> => {
  const client = ctx.clients.ec2(region);
  const [securityGroups, snapshots, instances, ebsEncryptionByDefault] = await Promise.all([
    collectSecurityGroups(client, region),
    collectSnapshots(client, region),
    collectInstances(client, region),
    attempt(
      { service: SERVICE, operation: 'GetEbsEncryptionByDefault', permission: 'ec2:GetEbsEncryptionByDefault', region },
      async () => {
        const out = await client.send(new GetEbsEncryptionByDefaultCommand({}));
        return out.EbsEncryptionByDefault ?? false;
      },
    ),
  ]);
  return { securityGroups, snapshots, instances, ebsEncryptionByDefault };
};

const collectAll = async <P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> => {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
};

// ---------------------------------------------------------------- security groups

/**
 * Rules come from DescribeSecurityGroupRules rather than the groups' IpPermissions because only it
 * gives each rule its SecurityGroupRuleId, which a remediation needs to revoke exactly one rule.
 */
const collectSecurityGroups = async (client: EC2Client, region: string): Promise<Fact<SecurityGroup[]>> => {
  const [groups, rules] = await Promise.all([
    attempt(
      { service: SERVICE, operation: 'DescribeSecurityGroups', permission: 'ec2:DescribeSecurityGroups', region },
      () => collectAll(paginateDescribeSecurityGroups({ client, pageSize: PAGE_SIZE }, {}), (p) => p.SecurityGroups),
    ),
    attempt(
      {
        service: SERVICE,
        operation: 'DescribeSecurityGroupRules',
        permission: 'ec2:DescribeSecurityGroupRules',
        region,
      },
      () =>
        collectAll(
          paginateDescribeSecurityGroupRules({ client, pageSize: PAGE_SIZE }, {}),
          (p) => p.SecurityGroupRules,
        ),
    ),
  ]);
  if (!groups.ok) return groups;
  if (!rules.ok) return missing(rules.error);
  return { ok: true, value: joinRules(groups.value, rules.value) };
};

const joinRules = (groups: Ec2SecurityGroup[], rules: Ec2SecurityGroupRule[]): SecurityGroup[] => {
  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const rule of rules) {
    if (!rule.GroupId || !rule.SecurityGroupRuleId) continue;
    const list = rulesByGroup.get(rule.GroupId) ?? [];
    list.push(toRule(rule, rule.SecurityGroupRuleId));
    rulesByGroup.set(rule.GroupId, list);
  }
  return groups.flatMap((g) =>
    g.GroupId
      ? [
          {
            groupId: g.GroupId,
            groupName: g.GroupName ?? g.GroupId,
            vpcId: g.VpcId ?? null,
            rules: rulesByGroup.get(g.GroupId) ?? [],
          },
        ]
      : [],
  );
};

/** Ports are passed through as AWS gives them: `-1` for "all" (protocol `-1`, or every ICMP type). */
const toRule = (r: Ec2SecurityGroupRule, ruleId: string): SecurityGroupRule => ({
  ruleId,
  isEgress: r.IsEgress ?? false,
  ipProtocol: r.IpProtocol ?? '-1',
  fromPort: r.FromPort ?? null,
  toPort: r.ToPort ?? null,
  cidrIpv4: r.CidrIpv4 ?? null,
  cidrIpv6: r.CidrIpv6 ?? null,
  referencedGroupId: r.ReferencedGroupInfo?.GroupId ?? null,
  prefixListId: r.PrefixListId ?? null,
  description: r.Description || null,
});

// ---------------------------------------------------------------- snapshots

/**
 * Public snapshots are found with a second listing filtered by RestorableByUserIds=['all'] (the
 * createVolumePermission group `all`) instead of DescribeSnapshotAttribute per snapshot: two
 * paginated calls whatever the number of snapshots, where accounts with thousands of snapshots
 * would otherwise need thousands of calls and hit EC2's request rate limit.
 */
const collectSnapshots = (client: EC2Client, region: string): Promise<Fact<EbsSnapshot[]>> =>
  attempt(
    { service: SERVICE, operation: 'DescribeSnapshots', permission: 'ec2:DescribeSnapshots', region },
    async () => {
      const list = (input: { OwnerIds: string[]; RestorableByUserIds?: string[] }) =>
        collectAll(paginateDescribeSnapshots({ client, pageSize: PAGE_SIZE }, input), (p) => p.Snapshots);
      const [owned, restorableByAll] = await Promise.all([
        list({ OwnerIds: ['self'] }),
        list({ OwnerIds: ['self'], RestorableByUserIds: ['all'] }),
      ]);
      const publicIds = new Set(restorableByAll.map((s) => s.SnapshotId));
      return owned.flatMap((s) => (s.SnapshotId ? [toSnapshot(s, s.SnapshotId, publicIds.has(s.SnapshotId))] : []));
    },
  );

const toSnapshot = (s: Ec2Snapshot, snapshotId: string, isPublic: boolean): EbsSnapshot => ({
  snapshotId,
  volumeId: s.VolumeId ?? null,
  encrypted: s.Encrypted ?? false,
  startTime: s.StartTime ? s.StartTime.toISOString() : null,
  public: isPublic,
});

// ---------------------------------------------------------------- instances

const collectInstances = (client: EC2Client, region: string): Promise<Fact<Instance[]>> =>
  attempt(
    { service: SERVICE, operation: 'DescribeInstances', permission: 'ec2:DescribeInstances', region },
    async () => {
      const reservations = await collectAll(
        paginateDescribeInstances({ client, pageSize: PAGE_SIZE }, {}),
        (p) => p.Reservations,
      );
      return reservations
        .flatMap((r) => r.Instances ?? [])
        .filter((i) => i.State?.Name !== 'terminated')
        .flatMap((i) => (i.InstanceId ? [toInstance(i, i.InstanceId)] : []));
    },
  );

const toInstance = (i: Ec2Instance, instanceId: string): Instance => {
  const tokens = i.MetadataOptions?.HttpTokens;
  const endpoint = i.MetadataOptions?.HttpEndpoint;
  return {
    instanceId,
    state: i.State?.Name ?? 'unknown',
    name: i.Tags?.find((t) => t.Key === 'Name')?.Value ?? null,
    httpTokens: tokens === 'required' || tokens === 'optional' ? tokens : null,
    httpEndpoint: endpoint === 'enabled' || endpoint === 'disabled' ? endpoint : null,
  };
};
