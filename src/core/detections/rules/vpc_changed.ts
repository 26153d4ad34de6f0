import { defineDetection } from '../define';
import { valueAt, type CloudTrailRecord } from '../record';
import { type Describe, ec2Resource, eventListDetection, unread } from './cis/common';
import { clip, firstText } from './shared/helpers';

/** CIS 4.14: VPCs, their attributes, peering with other networks, and ClassicLink. */

const vpcOf = (r: CloudTrailRecord) => {
  const id = firstText(r.requestParameters, ['vpcId']) ?? firstText(r.responseElements, ['vpc', 'vpcId']);
  return {
    resource: ec2Resource(r, 'AwsEc2Vpc', 'vpc', id),
    label: id ? `VPC \`${clip(id)}\`` : 'a VPC the record does not name',
    missing: id ? [] : [unread('which VPC', 'requestParameters.vpcId')],
  };
};

const peeringOf = (r: CloudTrailRecord) => {
  const id =
    firstText(r.requestParameters, ['vpcPeeringConnectionId']) ??
    firstText(r.responseElements, ['vpcPeeringConnection', 'vpcPeeringConnectionId']);
  return {
    resource: ec2Resource(r, 'AwsEc2VpcPeeringConnection', 'vpc-peering-connection', id),
    label: id ? `peering connection \`${clip(id)}\`` : 'a peering connection the record does not name',
    missing: id ? [] : [unread('which peering connection', 'requestParameters.vpcPeeringConnectionId')],
  };
};

const ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics'] as const;

const vpcChange =
  (words: (vpc: string, r: CloudTrailRecord) => string): Describe =>
  (r) => {
    const vpc = vpcOf(r);
    return { summary: words(vpc.label, r), resource: vpc.resource, details: vpc.missing };
  };

const peering =
  (verb: string): Describe =>
  (r) => {
    const p = peeringOf(r);
    return { summary: `${verb} ${p.label}`, resource: p.resource, details: p.missing };
  };

const detection = eventListDetection('ec2.amazonaws.com', {
  CreateVpc: (r) => {
    const vpc = vpcOf(r);
    const cidr = firstText(r.requestParameters, ['cidrBlock']);
    return {
      summary: `created ${vpc.label}${cidr ? ` (${clip(cidr)})` : ''}`,
      resource: vpc.resource,
      details: vpc.missing,
    };
  },
  DeleteVpc: vpcChange((v) => `deleted ${v}`),
  ModifyVpcAttribute: (r) => {
    const vpc = vpcOf(r);
    const changed = ATTRIBUTES.flatMap((a) => {
      const value = valueAt(r.requestParameters, a, 'value');
      return value === undefined ? [] : [`${a} → ${String(value)}`];
    });
    return {
      summary: `changed ${changed.length > 0 ? changed.join(', ') : 'an attribute'} of ${vpc.label}`,
      resource: vpc.resource,
      details: vpc.missing,
    };
  },
  CreateVpcPeeringConnection: (r) => {
    const vpc = vpcOf(r);
    const peer = firstText(r.requestParameters, ['peerVpcId']);
    const owner = firstText(r.requestParameters, ['peerOwnerId']);
    const region = firstText(r.requestParameters, ['peerRegion']);
    const where = [owner ? `account ${clip(owner)}` : undefined, region].filter((x) => x !== undefined).join(', ');
    return {
      summary: `asked to peer ${vpc.label} with VPC ${peer ? `\`${clip(peer)}\`` : '(not named in the record)'}${where ? ` (${where})` : ''}`,
      resource: vpc.resource,
      details: vpc.missing,
    };
  },
  AcceptVpcPeeringConnection: peering('accepted'),
  RejectVpcPeeringConnection: peering('rejected'),
  DeleteVpcPeeringConnection: peering('deleted'),
  AttachClassicLinkVpc: vpcChange((v, r) => {
    const instance = firstText(r.requestParameters, ['instanceId']);
    return `linked EC2-Classic instance ${instance ? `\`${clip(instance)}\`` : '(not named in the record)'} to ${v}`;
  }),
  DetachClassicLinkVpc: vpcChange((v, r) => {
    const instance = firstText(r.requestParameters, ['instanceId']);
    return `unlinked EC2-Classic instance ${instance ? `\`${clip(instance)}\`` : '(not named in the record)'} from ${v}`;
  }),
  EnableVpcClassicLink: vpcChange((v) => `enabled ClassicLink on ${v}`),
  DisableVpcClassicLink: vpcChange((v) => `disabled ClassicLink on ${v}`),
});

export default defineDetection({
  id: 'vpc_changed',
  title: 'VPC changed',
  severity: 'medium',
  rationale:
    'A VPC is the private network boundary of its workloads; peering connects it to another network (possibly another account), and its attributes change how its hosts resolve names.',
  events: detection.events,
  cis: '4.14',
  securityHub: 'CloudWatch.14',
  mitre: { id: 'T1599', name: 'Network Boundary Bridging' },
  match: detection.match,
});
