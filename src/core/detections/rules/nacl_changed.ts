import { defineDetection } from '../define';
import { valueAt, type CloudTrailRecord } from '../record';
import { type Describe, ec2Resource, eventListDetection, unread } from './cis/common';
import { clip, firstText } from './shared/helpers';

/** CIS 4.11: network ACLs, the stateless filters on every subnet. */

const aclOf = (r: CloudTrailRecord) => {
  const id =
    firstText(r.requestParameters, ['networkAclId']) ?? firstText(r.responseElements, ['networkAcl', 'networkAclId']);
  return {
    resource: ec2Resource(r, 'AwsEc2NetworkAcl', 'network-acl', id),
    label: id ? `network ACL \`${clip(id)}\`` : 'a network ACL the record does not name',
    missing: id ? [] : [unread('which network ACL', 'requestParameters.networkAclId')],
  };
};

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** "rule 100 (inbound): allow tcp 22 from 0.0.0.0/0", from the fields the record holds. */
const entryLine = (r: CloudTrailRecord): string[] => {
  const rp = r.requestParameters;
  const number = text(valueAt(rp, 'ruleNumber'));
  if (number === undefined) return [unread('the rule number', 'requestParameters.ruleNumber')];
  const egress = valueAt(rp, 'egress');
  const direction =
    egress === true || egress === 'true'
      ? 'outbound'
      : egress === false || egress === 'false'
        ? 'inbound'
        : 'direction not recorded';
  const action = text(valueAt(rp, 'ruleAction'));
  const protocol = text(valueAt(rp, 'aclProtocol'));
  const from = text(valueAt(rp, 'portRange', 'from'));
  const to = text(valueAt(rp, 'portRange', 'to'));
  const cidr = text(valueAt(rp, 'cidrBlock')) ?? text(valueAt(rp, 'ipv6CidrBlock'));
  const what = [
    action,
    protocol === '-1' ? 'all traffic' : protocol ? `protocol ${protocol}` : undefined,
    from !== undefined ? (from === to || to === undefined ? `port ${from}` : `ports ${from}-${to}`) : undefined,
    cidr ? `${direction === 'outbound' ? 'to' : 'from'} ${clip(cidr)}` : undefined,
  ].filter((x) => x !== undefined);
  return [`Rule ${clip(number, 10)} (${direction})${what.length > 0 ? `: ${what.join(' ')}` : ''}`];
};

const entry =
  (verb: string): Describe =>
  (r) => {
    const acl = aclOf(r);
    const details = r.eventName === 'DeleteNetworkAclEntry' ? [] : entryLine(r);
    const number = text(valueAt(r.requestParameters, 'ruleNumber'));
    return {
      summary: `${verb} rule ${number ? clip(number, 10) : '(number not recorded)'} of ${acl.label}`,
      resource: acl.resource,
      details: [...details, ...acl.missing],
    };
  };

const detection = eventListDetection('ec2.amazonaws.com', {
  CreateNetworkAcl: (r) => {
    const acl = aclOf(r);
    const vpc = firstText(r.requestParameters, ['vpcId']);
    return {
      summary: `created ${acl.label}${vpc ? ` in VPC \`${clip(vpc)}\`` : ''}`,
      resource: acl.resource,
      details: acl.missing,
    };
  },
  DeleteNetworkAcl: (r) => {
    const acl = aclOf(r);
    return { summary: `deleted ${acl.label}`, resource: acl.resource, details: acl.missing };
  },
  CreateNetworkAclEntry: entry('added'),
  ReplaceNetworkAclEntry: entry('replaced'),
  DeleteNetworkAclEntry: entry('deleted'),
  ReplaceNetworkAclAssociation: (r) => {
    const acl = aclOf(r);
    const association = firstText(r.requestParameters, ['associationId']);
    return {
      summary: `moved a subnet onto ${acl.label}: its traffic now follows that ACL's rules`,
      resource: acl.resource,
      details: [...(association ? [`Association replaced: \`${clip(association)}\``] : []), ...acl.missing],
    };
  },
});

export default defineDetection({
  id: 'nacl_changed',
  title: 'Network ACL changed',
  severity: 'medium',
  rationale:
    'Network ACLs filter all traffic in and out of a subnet; a changed rule or association can open a subnet to the internet or cut a service off.',
  events: detection.events,
  cis: '4.11',
  securityHub: 'CloudWatch.11',
  mitre: { id: 'T1562.007', name: 'Impair Defenses: Disable or Modify Cloud Firewall' },
  match: detection.match,
});
