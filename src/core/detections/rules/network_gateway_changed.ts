import { defineDetection } from '../define';
import type { CloudTrailRecord } from '../record';
import { type Describe, ec2Resource, eventListDetection, unread } from './cis/common';
import { clip, firstText } from './shared/helpers';

/**
 * CIS 4.12: internet and customer (VPN) gateways, the doors between a VPC and the outside. ASFF has
 * no type for either gateway, so they are `Other` (with their ARN); attaching or detaching one is a
 * change to the VPC, which is the resource then.
 */

const igwOf = (r: CloudTrailRecord) =>
  firstText(r.requestParameters, ['internetGatewayId']) ??
  firstText(r.responseElements, ['internetGateway', 'internetGatewayId']);

const cgwOf = (r: CloudTrailRecord) =>
  firstText(r.requestParameters, ['customerGatewayId']) ??
  firstText(r.responseElements, ['customerGateway', 'customerGatewayId']);

const named = (id: string | undefined, what: string) =>
  id ? `${what} \`${clip(id)}\`` : `${what === 'internet gateway' ? 'an' : 'a'} ${what} the record does not name`;

const gateway =
  (kind: 'internet-gateway' | 'customer-gateway', verb: string): Describe =>
  (r) => {
    const id = kind === 'internet-gateway' ? igwOf(r) : cgwOf(r);
    const what = kind === 'internet-gateway' ? 'internet gateway' : 'customer gateway';
    const idField = kind === 'internet-gateway' ? 'internetGatewayId' : 'customerGatewayId';
    const field =
      verb === 'created'
        ? `responseElements.${kind === 'internet-gateway' ? 'internetGateway' : 'customerGateway'}.${idField}`
        : `requestParameters.${idField}`;
    const address = kind === 'customer-gateway' ? firstText(r.requestParameters, ['ipAddress']) : undefined;
    return {
      summary: `${verb} ${named(id, what)}`,
      resource: ec2Resource(r, 'Other', kind, id),
      details: [
        ...(address ? [`Its address on the other side: ${clip(address)}`] : []),
        ...(id ? [] : [unread(`which ${what}`, field)]),
      ],
    };
  };

const attachment =
  (verb: 'attached' | 'detached'): Describe =>
  (r) => {
    const igw = igwOf(r);
    const vpc = firstText(r.requestParameters, ['vpcId']);
    return {
      summary:
        verb === 'attached'
          ? `attached ${named(igw, 'internet gateway')} to VPC ${vpc ? `\`${clip(vpc)}\`` : '(not named in the record)'}: the VPC can now reach and be reached from the internet where routes allow`
          : `detached ${named(igw, 'internet gateway')} from VPC ${vpc ? `\`${clip(vpc)}\`` : '(not named in the record)'}`,
      resource: ec2Resource(r, 'AwsEc2Vpc', 'vpc', vpc),
      details: [
        ...(vpc ? [] : [unread('which VPC', 'requestParameters.vpcId')]),
        ...(igw ? [] : [unread('which internet gateway', 'requestParameters.internetGatewayId')]),
      ],
    };
  };

const detection = eventListDetection('ec2.amazonaws.com', {
  CreateCustomerGateway: gateway('customer-gateway', 'created'),
  DeleteCustomerGateway: gateway('customer-gateway', 'deleted'),
  CreateInternetGateway: gateway('internet-gateway', 'created'),
  DeleteInternetGateway: gateway('internet-gateway', 'deleted'),
  AttachInternetGateway: attachment('attached'),
  DetachInternetGateway: attachment('detached'),
});

export default defineDetection({
  id: 'network_gateway_changed',
  title: 'Network gateway changed',
  severity: 'medium',
  rationale:
    "Gateways are a VPC's only ways in and out; a new or moved gateway can open a private network to the internet or to someone else's network.",
  events: detection.events,
  cis: '4.12',
  securityHub: 'CloudWatch.12',
  mitre: { id: 'T1599', name: 'Network Boundary Bridging' },
  match: detection.match,
});
