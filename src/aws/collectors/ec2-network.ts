import type {
  EC2Client,
  FlowLog as SdkFlowLog,
  Image as SdkImage,
  Instance as SdkInstance,
  InstanceNetworkInterface as SdkInterface,
  NetworkAcl as SdkNetworkAcl,
  NetworkAclEntry as SdkNetworkAclEntry,
  Tag,
  Vpc as SdkVpc,
} from '@aws-sdk/client-ec2';
import { sdk } from '../sdk';
import type {
  Ami,
  Ec2Vpc,
  Fact,
  Instance,
  InstanceNetworkInterface,
  NetworkAcl,
  NetworkAclEntry,
  VpcFlowLog,
} from '../../core/model';
import type { Command } from '@aws-sdk/types';
import { attempt } from '../attempt';
import type { CallMeta } from '../errors';
import { expectXml, type ExpectedXml } from '../expect-xml';
import { PAGE_SIZE, collectAll, malformed, required } from './ec2-answers';
import { tagsField } from './resource-tags';

/**
 * The network half of the EC2 slice (issue 12): VPCs and their flow logs, network ACLs, the
 * account's own AMIs, and what DescribeInstances says about how an instance is reached. Four list
 * calls per region, whatever the number of resources: AMI publicity is in the list answer itself.
 */

/** The IAM action of each call here; spread into EC2_COLLECTOR_PERMISSIONS (ec2.ts). */
export const EC2_NETWORK_PERMISSIONS = {
  DescribeVpcs: 'ec2:DescribeVpcs',
  DescribeFlowLogs: 'ec2:DescribeFlowLogs',
  DescribeNetworkAcls: 'ec2:DescribeNetworkAcls',
  DescribeImages: 'ec2:DescribeImages',
} as const;

type Operation = keyof typeof EC2_NETWORK_PERMISSIONS;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'ec2',
  operation,
  permission: EC2_NETWORK_PERMISSIONS[operation],
  region,
});

/**
 * What each answer must be, checked on the raw body before the SDK reads it: the SDK's EC2 reader
 * reads a boolean whose text is not `true` as `false`, and "not public", "inbound" or "not the
 * default" must not follow from garbage.
 */
const EXPECTED: Record<Operation, ExpectedXml> = {
  DescribeVpcs: { root: 'DescribeVpcsResponse', booleans: ['isDefault'] },
  DescribeFlowLogs: { root: 'DescribeFlowLogsResponse' },
  DescribeNetworkAcls: { root: 'DescribeNetworkAclsResponse', booleans: ['egress', 'default'] },
  DescribeImages: { root: 'DescribeImagesResponse', booleans: ['isPublic'] },
};

/** For the paginators' `withCommand`: every page's command checks its answer (see EXPECTED). */
const checkedPages =
  (operation: Operation) =>
  // The paginators type the command they hand over loosely (smithy's PaginationConfiguration).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (command: Command<any, any, any, any, any>) =>
    expectXml(command, EXPECTED[operation], operation);

export interface Ec2NetworkFacts {
  vpcs: Fact<Ec2Vpc[]>;
  flowLogs: Fact<VpcFlowLog[]>;
  networkAcls: Fact<NetworkAcl[]>;
  images: Fact<Ami[]>;
}

export const collectEc2Network = async (client: EC2Client, region: string): Promise<Ec2NetworkFacts> => {
  const list = <P, T, R>(
    operation: Operation,
    pages: AsyncIterable<P>,
    items: (page: P) => T[] | undefined,
    element: string,
    map: (item: T) => R,
  ): Promise<Fact<R[]>> =>
    attempt(meta(operation, region), async () => (await collectAll(pages, items, operation, element)).map(map));
  const [vpcs, flowLogs, networkAcls, images] = await Promise.all([
    list(
      'DescribeVpcs',
      sdk.ec2.paginateDescribeVpcs({ client, pageSize: PAGE_SIZE, withCommand: checkedPages('DescribeVpcs') }, {}),
      (p) => p.Vpcs,
      'vpcSet',
      toVpc,
    ),
    list(
      'DescribeFlowLogs',
      sdk.ec2.paginateDescribeFlowLogs(
        { client, pageSize: PAGE_SIZE, withCommand: checkedPages('DescribeFlowLogs') },
        {},
      ),
      (p) => p.FlowLogs,
      'flowLogSet',
      toFlowLog,
    ),
    list(
      'DescribeNetworkAcls',
      sdk.ec2.paginateDescribeNetworkAcls(
        { client, pageSize: PAGE_SIZE, withCommand: checkedPages('DescribeNetworkAcls') },
        {},
      ),
      (p) => p.NetworkAcls,
      'networkAclSet',
      toNetworkAcl,
    ),
    // Owners=self: only the AMIs this account can share; public AMIs of others are not its exposure.
    list(
      'DescribeImages',
      sdk.ec2.paginateDescribeImages(
        { client, pageSize: PAGE_SIZE, withCommand: checkedPages('DescribeImages') },
        { Owners: ['self'] },
      ),
      (p) => p.Images,
      'imagesSet',
      toAmi,
    ),
  ]);
  return { vpcs, flowLogs, networkAcls, images };
};

const nameTag = (tags: Tag[] | undefined): string | null => tags?.find((t) => t.Key === 'Name')?.Value ?? null;

// ---------------------------------------------------------------- VPCs and flow logs

const toVpc = (v: SdkVpc): Ec2Vpc => ({
  // A VPC without its id cannot be matched to a flow log: the answer as a whole is unreadable.
  vpcId: required(v.VpcId, 'DescribeVpcs', 'a vpcId'),
  // The flow-log check skips VPCs another account owns (shared through RAM); an absent owner is
  // judged as this account's, so the VPC is never skipped on missing evidence.
  ownerId: v.OwnerId ?? null,
  isDefault: v.IsDefault ?? null,
  cidrBlock: v.CidrBlock ?? null,
  name: nameTag(v.Tags),
  ...tagsField(v.Tags),
});

const toFlowLog = (f: SdkFlowLog): VpcFlowLog => ({
  flowLogId: required(f.FlowLogId, 'DescribeFlowLogs', 'a flowLogId'),
  // Dropping a flow log whose resource is unknown could fail a VPC it records: unreadable instead.
  resourceId: required(f.ResourceId, 'DescribeFlowLogs', 'the resourceId of a flow log'),
  // Status and traffic type stay null when absent: the check then cannot count this flow log as
  // recording the VPC, and says so (unknown) unless another flow log does.
  status: f.FlowLogStatus ?? null,
  trafficType: f.TrafficType ?? null,
  destinationType: f.LogDestinationType ?? null,
  deliverLogsStatus: f.DeliverLogsStatus ?? null,
});

// ---------------------------------------------------------------- network ACLs

const OP_ACLS = 'DescribeNetworkAcls';

const toNetworkAcl = (a: SdkNetworkAcl): NetworkAcl => {
  const networkAclId = required(a.NetworkAclId, OP_ACLS, 'a networkAclId');
  return {
    networkAclId,
    vpcId: a.VpcId ?? null,
    isDefault: a.IsDefault ?? null,
    // Evidence only (which subnets the ACL guards); no verdict reads it.
    subnetIds: a.Associations?.flatMap((s) => (s.SubnetId ? [s.SubnetId] : [])) ?? null,
    // An ACL whose rules were left out must not read as one that allows nothing.
    entries: required(a.Entries, OP_ACLS, `the entrySet of ${networkAclId}`).map((e) => toEntry(e, networkAclId)),
    ...tagsField(a.Tags),
  };
};

/**
 * Every field that decides which traffic an entry lets in is required: an entry read without its
 * number, direction, protocol, action or source could be the one that opens the ACL.
 */
const toEntry = (e: SdkNetworkAclEntry, networkAclId: string): NetworkAclEntry => {
  const where = `an entry of ${networkAclId}`;
  const action = required(e.RuleAction, OP_ACLS, `the ruleAction of ${where}`);
  if (action !== 'allow' && action !== 'deny') malformed(OP_ACLS, `a ruleAction of allow or deny in ${where}`);
  if (!e.CidrBlock && !e.Ipv6CidrBlock) malformed(OP_ACLS, `the cidrBlock or ipv6CidrBlock of ${where}`);
  return {
    ruleNumber: required(e.RuleNumber, OP_ACLS, `the ruleNumber of ${where}`),
    egress: required(e.Egress, OP_ACLS, `the egress flag of ${where}`),
    protocol: required(e.Protocol, OP_ACLS, `the protocol of ${where}`),
    ruleAction: action as NetworkAclEntry['ruleAction'],
    cidrBlock: e.CidrBlock ?? null,
    ipv6CidrBlock: e.Ipv6CidrBlock ?? null,
    // Absent for protocol -1 and ICMP; a TCP/UDP entry without them is read as all ports (network-acls.ts).
    fromPort: e.PortRange?.From ?? null,
    toPort: e.PortRange?.To ?? null,
  };
};

// ---------------------------------------------------------------- AMIs

const toAmi = (i: SdkImage): Ami => ({
  imageId: required(i.ImageId, 'DescribeImages', 'an imageId'),
  name: i.Name ?? null,
  state: i.State ?? null,
  // isPublic is in every image of the API reference; without it this image alone is unknown.
  public: i.Public ?? null,
  ...tagsField(i.Tags),
});

// ---------------------------------------------------------------- how an instance is reached

/** The fields of an Instance that the network checks read, from the DescribeInstances answer. */
export const instanceNetworkFields = (
  i: SdkInstance,
  instanceId: string,
): Pick<Instance, 'publicIp' | 'instanceProfileArn' | 'networkInterfaces'> => ({
  // Both are left out of the answer when the instance has none (API reference), so absence is "none".
  publicIp: i.PublicIpAddress ?? null,
  instanceProfileArn: i.IamInstanceProfile
    ? required(i.IamInstanceProfile.Arn, 'DescribeInstances', `the instance profile arn of ${instanceId}`)
    : null,
  networkInterfaces: i.NetworkInterfaces ? toInterfaces(i.NetworkInterfaces) : null,
});

/**
 * The instance's interfaces, or null when one of them lacks what names it: then how the instance is
 * reached is unknown (for this instance only; the IMDS and other instance checks still judge it).
 * A missing group or IPv6 list stays null on that interface, for the same reason.
 */
const toInterfaces = (interfaces: SdkInterface[]): InstanceNetworkInterface[] | null => {
  const mapped: InstanceNetworkInterface[] = [];
  for (const n of interfaces) {
    if (!n.NetworkInterfaceId) return null;
    const publicIps = [n.Association?.PublicIp, ...(n.PrivateIpAddresses ?? []).map((p) => p.Association?.PublicIp)];
    const groups = n.Groups?.map((g) => g.GroupId);
    const ipv6 = n.Ipv6Addresses?.map((a) => a.Ipv6Address);
    mapped.push({
      networkInterfaceId: n.NetworkInterfaceId,
      publicIps: [...new Set(publicIps.filter((ip): ip is string => typeof ip === 'string' && ip !== ''))],
      ipv6Addresses: ipv6 && ipv6.every((a) => typeof a === 'string') ? (ipv6 as string[]) : null,
      securityGroupIds: groups && groups.every((g) => typeof g === 'string') ? (groups as string[]) : null,
    });
  }
  return mapped;
};
