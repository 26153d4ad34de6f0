import { z } from 'zod';
import { fact } from './fact';
import { isoDate } from './vocabulary';

/** What cloudsec reads from EC2, per scanned region. */

/**
 * A resource's tags (key → value) as its describe answer listed them, for accepted-risk scopes that
 * name tags. Absent (undefined) = not known: a snapshot recorded before tags were read, an answer
 * without the resource's tagSet, or a tag item the collector could not read. Never "no tags", which
 * is `{}`; an unknown tag set never matches a scope (src/core/exceptions/match.ts). No check reads it.
 */
export const ResourceTagsSchema = z.record(z.string(), z.string());
export type ResourceTags = z.infer<typeof ResourceTagsSchema>;

/**
 * One rule of a security group: one source (CIDR, security group or prefix list) for one protocol and
 * port range. Rules are read from the group's own IpPermissions / IpPermissionsEgress.
 */
export const SecurityGroupRuleSchema = z.object({
  /**
   * The SecurityGroupRuleId, joined from DescribeSecurityGroupRules. `null` when that listing was
   * refused, unreadable, or did not list exactly one matching rule: the rule is still evaluated, and a
   * remediation names it by its exact protocol, ports and source instead of by id.
   */
  ruleId: z.string().nullable(),
  isEgress: z.boolean(),
  /** `-1` means all protocols. */
  ipProtocol: z.string(),
  fromPort: z.number().int().nullable(),
  toPort: z.number().int().nullable(),
  cidrIpv4: z.string().nullable(),
  cidrIpv6: z.string().nullable(),
  referencedGroupId: z.string().nullable(),
  prefixListId: z.string().nullable(),
  description: z.string().nullable(),
});
export type SecurityGroupRule = z.infer<typeof SecurityGroupRuleSchema>;

export const SecurityGroupSchema = z.object({
  groupId: z.string(),
  groupName: z.string(),
  vpcId: z.string().nullable(),
  /** The group's IpPermissions and IpPermissionsEgress, one rule per source: what checks evaluate. */
  rules: z.array(SecurityGroupRuleSchema),
  /**
   * Rules DescribeSecurityGroupRules lists for this group that its IpPermissions do not have (the
   * group changed between the two calls, or AWS's two answers disagree). They are not evaluated as the
   * group's rules, but a check must not pass the group while one of them would fail it.
   */
  unconfirmedRules: z.array(SecurityGroupRuleSchema).default([]),
  tags: ResourceTagsSchema.optional(),
});
export type SecurityGroup = z.infer<typeof SecurityGroupSchema>;

export const EbsSnapshotSchema = z.object({
  snapshotId: z.string(),
  volumeId: z.string().nullable(),
  /** `null`: DescribeSnapshots did not say (shown as evidence only; no verdict reads it). */
  encrypted: z.boolean().nullable(),
  startTime: isoDate.nullable(),
  /** createVolumePermission includes group `all`. */
  public: z.boolean(),
  tags: ResourceTagsSchema.optional(),
});
export type EbsSnapshot = z.infer<typeof EbsSnapshotSchema>;

/**
 * One network interface of an instance, as DescribeInstances lists it (networkInterfaceSet): what
 * decides whether the internet can reach the instance. `null` marks a list AWS did not send, which
 * leaves that part of the verdict unknown rather than empty.
 */
export const InstanceNetworkInterfaceSchema = z.object({
  networkInterfaceId: z.string(),
  /** Public IPv4 addresses on the interface: its own association and those of its private addresses. */
  publicIps: z.array(z.string()),
  /** IPv6 addresses are globally routable: any of them makes the interface reachable over IPv6. */
  ipv6Addresses: z.array(z.string()).nullable(),
  securityGroupIds: z.array(z.string()).nullable(),
});
export type InstanceNetworkInterface = z.infer<typeof InstanceNetworkInterfaceSchema>;

export const InstanceSchema = z.object({
  instanceId: z.string(),
  state: z.string(),
  name: z.string().nullable(),
  /** `required` = IMDSv2 only; `optional` = IMDSv1 allowed. */
  httpTokens: z.enum(['required', 'optional']).nullable(),
  /** `disabled` = no metadata service at all. */
  httpEndpoint: z.enum(['enabled', 'disabled']).nullable(),
  // Added with issue 12. Absent (undefined) in snapshots recorded before: the checks that read them
  // then say "not collected by this snapshot", never pass.
  /** The primary public IPv4 address (`ipAddress`); null when the instance has none. */
  publicIp: z.string().nullable().optional(),
  /** The instance profile's ARN; null when DescribeInstances lists none (no role on the instance). */
  instanceProfileArn: z.string().nullable().optional(),
  /** null: the answer had no networkInterfaceSet, so how the instance is reached is unknown. */
  networkInterfaces: z.array(InstanceNetworkInterfaceSchema).nullable().optional(),
  tags: ResourceTagsSchema.optional(),
});
export type Instance = z.infer<typeof InstanceSchema>;

export const Ec2VpcSchema = z.object({
  vpcId: z.string(),
  /** The owning account: DescribeVpcs also lists VPCs shared with this account through RAM. */
  ownerId: z.string().nullable(),
  isDefault: z.boolean().nullable(),
  cidrBlock: z.string().nullable(),
  name: z.string().nullable(),
  tags: ResourceTagsSchema.optional(),
});
export type Ec2Vpc = z.infer<typeof Ec2VpcSchema>;

export const VpcFlowLogSchema = z.object({
  flowLogId: z.string(),
  /** The VPC, subnet or network interface the flow log records. */
  resourceId: z.string(),
  /** FlowLogStatus; `ACTIVE` is the only documented value. null: not in the answer. */
  status: z.string().nullable(),
  /** `ACCEPT`, `REJECT` or `ALL`; null when not in the answer (Transit Gateway flow logs have none). */
  trafficType: z.string().nullable(),
  /** `cloud-watch-logs`, `s3` or `kinesis-data-firehose`; null when not in the answer. */
  destinationType: z.string().nullable(),
  /** `SUCCESS`, `FAILED` or `SKIPPED`; null when not in the answer. Evidence only. */
  deliverLogsStatus: z.string().nullable(),
});
export type VpcFlowLog = z.infer<typeof VpcFlowLogSchema>;

/** One numbered rule of a network ACL. */
export const NetworkAclEntrySchema = z.object({
  ruleNumber: z.number().int(),
  egress: z.boolean(),
  /** An IANA protocol number as a string: `6` tcp, `17` udp, `-1` all. */
  protocol: z.string(),
  ruleAction: z.enum(['allow', 'deny']),
  cidrBlock: z.string().nullable(),
  ipv6CidrBlock: z.string().nullable(),
  /** portRange.from / to; null when the entry has none (all protocols, ICMP). */
  fromPort: z.number().int().nullable(),
  toPort: z.number().int().nullable(),
});
export type NetworkAclEntry = z.infer<typeof NetworkAclEntrySchema>;

export const NetworkAclSchema = z.object({
  networkAclId: z.string(),
  vpcId: z.string().nullable(),
  isDefault: z.boolean().nullable(),
  /** Subnets the ACL guards (associationSet); evidence only. null: not in the answer. */
  subnetIds: z.array(z.string()).nullable(),
  entries: z.array(NetworkAclEntrySchema),
  tags: ResourceTagsSchema.optional(),
});
export type NetworkAcl = z.infer<typeof NetworkAclSchema>;

/** An AMI this account owns (DescribeImages Owners=self). */
export const AmiSchema = z.object({
  imageId: z.string(),
  name: z.string().nullable(),
  state: z.string().nullable(),
  /** isPublic: launch permission for group `all`. null when the answer did not say. */
  public: z.boolean().nullable(),
  tags: ResourceTagsSchema.optional(),
});
export type Ami = z.infer<typeof AmiSchema>;

export const Ec2RegionSchema = z.object({
  securityGroups: fact(z.array(SecurityGroupSchema)),
  snapshots: fact(z.array(EbsSnapshotSchema)),
  instances: fact(z.array(InstanceSchema)),
  ebsEncryptionByDefault: fact(z.boolean()),
  // Added with issue 12 (optional: a snapshot recorded before them lacks them).
  vpcs: fact(z.array(Ec2VpcSchema)).optional(),
  flowLogs: fact(z.array(VpcFlowLogSchema)).optional(),
  networkAcls: fact(z.array(NetworkAclSchema)).optional(),
  images: fact(z.array(AmiSchema)).optional(),
});
export type Ec2Region = z.infer<typeof Ec2RegionSchema>;
