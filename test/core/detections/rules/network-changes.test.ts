import naclChanged from '../../../../src/core/detections/rules/nacl_changed';
import networkGatewayChanged from '../../../../src/core/detections/rules/network_gateway_changed';
import routeTableChanged from '../../../../src/core/detections/rules/route_table_changed';
import securityGroupChanged from '../../../../src/core/detections/rules/security_group_changed';
import vpcChanged from '../../../../src/core/detections/rules/vpc_changed';
import { matched, record, refused, run, setAt, type Json } from './cis-fixtures';

const arn = (kind: string, id: string) => `arn:aws:ec2:eu-west-1:123456789012:${kind}/${id}`;

const as = (eventName: string, requestParameters: Json | null) => (raw: Json) => {
  raw['eventName'] = eventName;
  raw['requestParameters'] = requestParameters;
  raw['responseElements'] = null;
};

describe('security_group_changed (CIS 4.10)', () => {
  it('when inbound rules are added, then each rule is a detail line', () => {
    const m = matched(securityGroupChanged, record('ec2-authorize-sg-ingress'));
    expect(m.summary).toBe('added inbound rules to security group `sg-0123456789abcdef0`');
    expect(m.resource).toEqual({
      type: 'AwsEc2SecurityGroup',
      id: 'sg-0123456789abcdef0',
      arn: arn('security-group', 'sg-0123456789abcdef0'),
      region: 'eu-west-1',
    });
    expect(m.details).toEqual(['tcp 22 from 0.0.0.0/0', 'tcp 5432 from sg-0fedcba9876543210']);
  });

  it('when a group is created, then its id comes from the response', () => {
    const m = matched(securityGroupChanged, record('ec2-create-security-group'));
    expect(m.summary).toBe('created security group `sg-0aa11bb22cc33dd44` (bastion) in VPC `vpc-0a1b2c3d4e5f67890`');
  });

  it('when the rules have a shape cloudsec cannot read, then it still alerts and says so', () => {
    const m = matched(
      securityGroupChanged,
      record('ec2-authorize-sg-ingress', (raw) => setAt(raw, 'requestParameters.ipPermissions', 'garbled')),
    );
    expect(m.details).toEqual([expect.stringContaining('could not read the rules')]);
  });

  it('when the group is not named and the region is missing, then no ARN is guessed', () => {
    const m = matched(
      securityGroupChanged,
      record('ec2-authorize-sg-ingress', (raw) => {
        setAt(raw, 'requestParameters.groupId', undefined);
        setAt(raw, 'awsRegion', undefined);
      }),
    );
    expect(m.resource).toEqual({ type: 'AwsEc2SecurityGroup', id: 'unknown', arn: null, region: 'unknown' });
    expect(m.details).toContainEqual(expect.stringContaining('requestParameters.groupId'));
  });

  it('when the call was refused, then nothing', () => {
    expect(run(securityGroupChanged, record('ec2-authorize-sg-ingress', refused))).toBeNull();
  });
});

describe('nacl_changed (CIS 4.11)', () => {
  it('when an entry is added, then the rule is described', () => {
    const m = matched(naclChanged, record('ec2-create-network-acl-entry'));
    expect(m.summary).toBe('added rule 90 of network ACL `acl-0123456789abcdef0`');
    expect(m.resource.arn).toBe(arn('network-acl', 'acl-0123456789abcdef0'));
    expect(m.details).toEqual(['Rule 90 (inbound): allow protocol 6 port 3389 from 0.0.0.0/0']);
  });

  it('when an association is replaced, then it says the subnet follows the new ACL', () => {
    const m = matched(
      naclChanged,
      record(
        'ec2-create-network-acl-entry',
        as('ReplaceNetworkAclAssociation', { associationId: 'aclassoc-1', networkAclId: 'acl-2' }),
      ),
    );
    expect(m.summary).toBe("moved a subnet onto network ACL `acl-2`: its traffic now follows that ACL's rules");
  });
});

describe('network_gateway_changed (CIS 4.12)', () => {
  it('when an internet gateway is attached, then the VPC is the resource', () => {
    const m = matched(networkGatewayChanged, record('ec2-attach-internet-gateway'));
    expect(m.summary).toMatch(/^attached internet gateway `igw-0123456789abcdef0` to VPC `vpc-0a1b2c3d4e5f67890`/);
    expect(m.resource).toEqual({
      type: 'AwsEc2Vpc',
      id: 'vpc-0a1b2c3d4e5f67890',
      arn: arn('vpc', 'vpc-0a1b2c3d4e5f67890'),
      region: 'eu-west-1',
    });
  });

  it('when a customer gateway is created, then its id comes from the response and its address is shown', () => {
    const m = matched(networkGatewayChanged, record('ec2-create-customer-gateway'));
    expect(m.summary).toBe('created customer gateway `cgw-0e11f167`');
    expect(m.resource).toEqual({
      type: 'Other',
      id: 'cgw-0e11f167',
      arn: arn('customer-gateway', 'cgw-0e11f167'),
      region: 'eu-west-1',
    });
    expect(m.details).toEqual(['Its address on the other side: 192.0.2.44']);
  });

  it('when the gateway is not named, then it still alerts and says so', () => {
    const m = matched(networkGatewayChanged, record('ec2-attach-internet-gateway', as('DeleteInternetGateway', null)));
    expect(m.summary).toBe('deleted an internet gateway the record does not name');
    expect(m.details).toEqual([expect.stringContaining('requestParameters.internetGatewayId')]);
  });
});

describe('route_table_changed (CIS 4.13)', () => {
  it('when a default route to an internet gateway is added, then the summary names destination and target', () => {
    const m = matched(routeTableChanged, record('ec2-create-route'));
    expect(m.summary).toBe(
      'added the route to `0.0.0.0/0` via gateway `igw-0123456789abcdef0` in route table `rtb-0123456789abcdef0`',
    );
    expect(m.resource.type).toBe('AwsEc2RouteTable');
  });

  it('when a subnet is disassociated, then the association is the resource (the record names no table)', () => {
    const m = matched(
      routeTableChanged,
      record('ec2-create-route', as('DisassociateRouteTable', { associationId: 'rtbassoc-0abc' })),
    );
    expect(m.resource).toEqual({ type: 'Other', id: 'rtbassoc-0abc', arn: null, region: 'eu-west-1' });
  });
});

describe('vpc_changed (CIS 4.14)', () => {
  it('when peering with another account is requested, then the peer is named', () => {
    const m = matched(vpcChanged, record('ec2-create-vpc-peering'));
    expect(m.summary).toBe(
      'asked to peer VPC `vpc-0a1b2c3d4e5f67890` with VPC `vpc-0ffee0ddba11c0de0` (account 444455556666, us-west-2)',
    );
  });

  it('when an attribute changes, then the attribute and value are named', () => {
    const m = matched(vpcChanged, record('ec2-modify-vpc-attribute'));
    expect(m.summary).toBe('changed enableDnsHostnames → true of VPC `vpc-0a1b2c3d4e5f67890`');
  });

  it('when a peering connection is accepted, then the connection is the resource', () => {
    const m = matched(
      vpcChanged,
      record('ec2-create-vpc-peering', as('AcceptVpcPeeringConnection', { vpcPeeringConnectionId: 'pcx-1' })),
    );
    expect(m.resource).toEqual({
      type: 'AwsEc2VpcPeeringConnection',
      id: 'pcx-1',
      arn: arn('vpc-peering-connection', 'pcx-1'),
      region: 'eu-west-1',
    });
  });
});
