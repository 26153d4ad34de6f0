import {
  known,
  type AccountSnapshot,
  type Ec2Region,
  type EksRegion,
  type Instance,
  type NetworkAclEntry,
} from '../../src/core/model';
import {
  aFlowLog,
  aNetworkAcl,
  aNetworkInterface,
  aVpc,
  anAclEntry,
  anAmi,
  catchAllDenies,
} from '../../test/fixtures/builders/ec2-network';
import { anEksCluster } from '../../test/fixtures/builders/eks';
import { accessDenied, denied } from '../../test/fixtures/snapshot-builders';
import type { DemoExtension } from '.';

/**
 * The demo estate's network (issue 12): VPC flow logs, network ACLs, AMIs, how instances are
 * reached and whether they carry a role, EKS API endpoints. Every new ec2 and eks check fails at
 * least once and passes elsewhere:
 * - prod us-east-1: the `main` VPC has a flow log and a tight ACL; the old default VPC has neither
 *   (its ACL is AWS's allow-all). `web-1` is on a public IP behind `web` (443 to the world: high);
 *   `legacy-app` is on a public IP behind `bastion` (SSH to the world: critical) and has no role. A
 *   release AMI is public. The `platform` EKS cluster's API is open to 0.0.0.0/0.
 * - prod eu-west-1: all clean; the `analytics` cluster is private.
 * - staging us-east-1: clean network; the `staging` cluster's API is public but limited to the office.
 * - staging us-west-2: `batch-worker` is on a public IP behind `debug-wide-open` (every port) without
 *   a role; the ACL lets ::/0 in on everything; the flow log listing and the EKS cluster listing were
 *   refused (unknown).
 */

type Ids = Pick<AccountSnapshot, 'accountId' | 'partition'>;
const profile = (a: Ids, name: string) => `arn:${a.partition}:iam::${a.accountId}:instance-profile/${name}`;
const clusterArn = (a: Ids, region: string, name: string) =>
  `arn:${a.partition}:eks:${region}:${a.accountId}:cluster/${name}`;

/** HTTPS and ephemeral return ports from anywhere: no way in to 22 or 3389. */
const tightAclEntries = (): NetworkAclEntry[] => [
  anAclEntry(),
  anAclEntry({ ruleNumber: 110, fromPort: 32768, toPort: 65535 }),
  anAclEntry({ egress: true, protocol: '-1', fromPort: null, toPort: null }),
  ...catchAllDenies(),
];

/** AWS's default ACL of a VPC with IPv6: everything in from anywhere, over both address families. */
const allowAllEntries = (ipv6: boolean): NetworkAclEntry[] => [
  anAclEntry({ protocol: '-1', fromPort: null, toPort: null }),
  ...(ipv6
    ? [
        anAclEntry({
          ruleNumber: 101,
          protocol: '-1',
          fromPort: null,
          toPort: null,
          cidrBlock: null,
          ipv6CidrBlock: '::/0',
        }),
      ]
    : []),
  anAclEntry({ egress: true, protocol: '-1', fromPort: null, toPort: null }),
  ...catchAllDenies(),
];

/** The instance as the base estate has it, with how it is reached and its role added. */
const reached = (
  instances: Ec2Region['instances'],
  network: Record<string, Pick<Instance, 'publicIp' | 'instanceProfileArn' | 'networkInterfaces'>>,
): Ec2Region['instances'] =>
  instances.ok ? known(instances.value.map((i) => ({ ...i, ...(network[i.instanceId] ?? {}) }))) : instances;

const onPublicIp = (ip: string, eni: string, groupId: string, instanceProfileArn: string | null) => ({
  publicIp: ip,
  instanceProfileArn,
  networkInterfaces: [aNetworkInterface({ networkInterfaceId: eni, publicIps: [ip], securityGroupIds: [groupId] })],
});
const privately = (eni: string, groupId: string, instanceProfileArn: string) => ({
  publicIp: null,
  instanceProfileArn,
  networkInterfaces: [aNetworkInterface({ networkInterfaceId: eni, securityGroupIds: [groupId] })],
});

const withNetwork = (
  account: AccountSnapshot,
  ec2: Record<string, (base: Ec2Region) => Ec2Region>,
  eks: Record<string, EksRegion>,
): AccountSnapshot => ({
  ...account,
  ec2: Object.fromEntries(Object.entries(account.ec2 ?? {}).map(([r, base]) => [r, ec2[r]?.(base) ?? base])),
  eks: Object.fromEntries(account.regions.map((r) => [r, eks[r] ?? { clusters: known([]) }])),
});

const prod = (a: AccountSnapshot): AccountSnapshot =>
  withNetwork(
    a,
    {
      'us-east-1': (base) => ({
        ...base,
        instances: reached(base.instances, {
          'i-0abc123': onPublicIp('54.210.33.7', 'eni-0web1', 'sg-0web', profile(a, 'web')),
          'i-0legacy': onPublicIp('3.91.140.22', 'eni-0legacy', 'sg-0bastion', null),
        }),
        vpcs: known([
          aVpc({ ownerId: a.accountId }),
          aVpc({ vpcId: 'vpc-0legacy', name: null, isDefault: true, ownerId: a.accountId }),
        ]),
        flowLogs: known([aFlowLog()]),
        networkAcls: known([
          aNetworkAcl({ entries: tightAclEntries() }),
          aNetworkAcl({
            networkAclId: 'acl-0legacy',
            vpcId: 'vpc-0legacy',
            subnetIds: ['subnet-0old'],
            entries: allowAllEntries(false),
          }),
        ]),
        images: known([
          anAmi({ imageId: 'ami-0golden' }),
          anAmi({ imageId: 'ami-0release24', name: 'app-release-2024', public: true }),
        ]),
      }),
      'eu-west-1': (base) => ({
        ...base,
        vpcs: known([aVpc({ vpcId: 'vpc-0eu', name: 'eu', ownerId: a.accountId })]),
        flowLogs: known([aFlowLog({ flowLogId: 'fl-0eu', resourceId: 'vpc-0eu', trafficType: 'REJECT' })]),
        networkAcls: known([aNetworkAcl({ networkAclId: 'acl-0eu', vpcId: 'vpc-0eu', entries: tightAclEntries() })]),
        images: known([]),
      }),
    },
    {
      'us-east-1': {
        clusters: known([
          anEksCluster('platform', {
            arn: clusterArn(a, 'us-east-1', 'platform'),
            endpointPublicAccess: true,
            publicAccessCidrs: ['0.0.0.0/0'],
          }),
        ]),
      },
      'eu-west-1': { clusters: known([anEksCluster('analytics', { arn: clusterArn(a, 'eu-west-1', 'analytics') })]) },
    },
  );

const staging = (a: AccountSnapshot): AccountSnapshot =>
  withNetwork(
    a,
    {
      'us-east-1': (base) => ({
        ...base,
        instances: reached(base.instances, {
          'i-0abc123': privately('eni-0stgweb', 'sg-0web', profile(a, 'staging-web')),
        }),
        vpcs: known([aVpc({ vpcId: 'vpc-0stg', name: 'staging', ownerId: a.accountId })]),
        flowLogs: known([aFlowLog({ flowLogId: 'fl-0stg', resourceId: 'vpc-0stg' })]),
        networkAcls: known([aNetworkAcl({ networkAclId: 'acl-0stg', vpcId: 'vpc-0stg', entries: tightAclEntries() })]),
        images: known([anAmi({ imageId: 'ami-0stgbase', name: 'staging-base' })]),
      }),
      'us-west-2': (base) => ({
        ...base,
        instances: reached(base.instances, {
          'i-0batch': onPublicIp('35.88.12.201', 'eni-0batch', 'sg-0debug', null),
        }),
        vpcs: known([aVpc({ vpcId: 'vpc-0west', name: 'west', ownerId: a.accountId })]),
        flowLogs: denied('ec2:DescribeFlowLogs'),
        networkAcls: known([
          aNetworkAcl({ networkAclId: 'acl-0west', vpcId: 'vpc-0west', entries: allowAllEntries(true) }),
        ]),
        images: known([]),
      }),
    },
    {
      'us-east-1': {
        clusters: known([
          anEksCluster('staging', {
            arn: clusterArn(a, 'us-east-1', 'staging'),
            endpointPublicAccess: true,
            publicAccessCidrs: ['198.51.100.0/24'],
          }),
        ]),
      },
      'us-west-2': { clusters: { ok: false, error: accessDenied('eks:ListClusters') } },
    },
  );

export const networkDemo: DemoExtension = { prod, staging };
