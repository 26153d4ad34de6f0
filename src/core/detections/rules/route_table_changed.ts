import { defineDetection } from '../define';
import type { CloudTrailRecord } from '../record';
import { type Describe, ec2Resource, eventListDetection, unread } from './cis/common';
import { clip, firstText, regionOf } from './shared/helpers';

/** CIS 4.13: route tables, which decide where a subnet's traffic goes (and whether it reaches the internet). */

const tableOf = (r: CloudTrailRecord) => {
  const id =
    firstText(r.requestParameters, ['routeTableId']) ?? firstText(r.responseElements, ['routeTable', 'routeTableId']);
  return {
    resource: ec2Resource(r, 'AwsEc2RouteTable', 'route-table', id),
    label: id ? `route table \`${clip(id)}\`` : 'a route table the record does not name',
    missing: id ? [] : [unread('which route table', 'requestParameters.routeTableId')],
  };
};

/** Where a route sends traffic: the first target field the request holds. */
const TARGETS = [
  ['gatewayId', 'gateway'],
  ['natGatewayId', 'NAT gateway'],
  ['transitGatewayId', 'transit gateway'],
  ['vpcPeeringConnectionId', 'peering connection'],
  ['networkInterfaceId', 'network interface'],
  ['instanceId', 'instance'],
  ['egressOnlyInternetGatewayId', 'egress-only internet gateway'],
  ['vpcEndpointId', 'VPC endpoint'],
  ['localGatewayId', 'local gateway'],
  ['carrierGatewayId', 'carrier gateway'],
  ['coreNetworkArn', 'core network'],
] as const;

const routeWords = (r: CloudTrailRecord): { destination: string; target: string | null } => {
  const destination =
    firstText(
      r.requestParameters,
      ['destinationCidrBlock'],
      ['destinationIpv6CidrBlock'],
      ['destinationPrefixListId'],
    ) ?? undefined;
  const target = TARGETS.map(([field, word]) => {
    const v = firstText(r.requestParameters, [field]);
    return v ? `${word} \`${clip(v)}\`` : null;
  }).find((x) => x !== null);
  return {
    destination: destination ? `\`${clip(destination)}\`` : 'a destination the record does not name',
    target: target ?? null,
  };
};

const route =
  (verb: 'added' | 'replaced' | 'deleted'): Describe =>
  (r) => {
    const table = tableOf(r);
    const { destination, target } = routeWords(r);
    const via = verb === 'deleted' || target === null ? '' : ` via ${target}`;
    return {
      summary: `${verb} the route to ${destination}${via} in ${table.label}`,
      resource: table.resource,
      details: table.missing,
    };
  };

const association = (r: CloudTrailRecord): string[] => {
  const id = firstText(r.requestParameters, ['associationId']);
  return id ? [`Association: \`${clip(id)}\``] : [unread('which association', 'requestParameters.associationId')];
};

const detection = eventListDetection('ec2.amazonaws.com', {
  CreateRoute: route('added'),
  ReplaceRoute: route('replaced'),
  DeleteRoute: route('deleted'),
  CreateRouteTable: (r) => {
    const table = tableOf(r);
    const vpc = firstText(r.requestParameters, ['vpcId']);
    return {
      summary: `created ${table.label}${vpc ? ` in VPC \`${clip(vpc)}\`` : ''}`,
      resource: table.resource,
      details: table.missing,
    };
  },
  DeleteRouteTable: (r) => {
    const table = tableOf(r);
    return { summary: `deleted ${table.label}`, resource: table.resource, details: table.missing };
  },
  ReplaceRouteTableAssociation: (r) => {
    const table = tableOf(r);
    return {
      summary: `moved a subnet or gateway onto ${table.label}: its traffic now follows that table's routes`,
      resource: table.resource,
      details: [...association(r), ...table.missing],
    };
  },
  // The request names only the association (which has no ARN); which table it left is not in the record.
  DisassociateRouteTable: (r) => ({
    summary: "disassociated a subnet from its route table: it now follows the VPC's main route table",
    resource: {
      type: 'Other',
      id: firstText(r.requestParameters, ['associationId']) ?? 'unknown',
      arn: null,
      region: regionOf(r),
    },
    details: association(r),
  }),
});

export default defineDetection({
  id: 'route_table_changed',
  title: 'Route table changed',
  severity: 'medium',
  rationale:
    "Routes decide where a subnet's traffic goes: a new route can send private traffic to the internet, through someone else's appliance or into a peered network.",
  events: detection.events,
  cis: '4.13',
  securityHub: 'CloudWatch.13',
  mitre: { id: 'T1599', name: 'Network Boundary Bridging' },
  match: detection.match,
});
