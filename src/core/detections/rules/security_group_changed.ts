import { defineDetection } from '../define';
import type { CloudTrailRecord } from '../record';
import { type Describe, ec2Resource, eventListDetection, unread } from './cis/common';
import { clip, firstText, quoted } from './shared/helpers';
import { permissionLines } from './cis/ec2';

/**
 * CIS 4.10: every security group change. ec2_ingress_opened_to_world judges the ones that open a
 * port to the internet; this one reports each rule added or removed, and groups created or deleted.
 */

const groupOf = (r: CloudTrailRecord) => {
  const id = firstText(r.requestParameters, ['groupId']) ?? firstText(r.responseElements, ['groupId']);
  const name = firstText(r.requestParameters, ['groupName']);
  const label = id
    ? `security group \`${clip(id)}\`${name ? ` (${clip(name)})` : ''}`
    : `security group ${quoted(name, '(not named in the record)')}`;
  return {
    resource: ec2Resource(r, 'AwsEc2SecurityGroup', 'security-group', id),
    label,
    missing: id || name ? [] : [unread('which security group', 'requestParameters.groupId')],
  };
};

const rules =
  (verb: string, direction: 'inbound' | 'outbound', preposition: 'from' | 'to'): Describe =>
  (r) => {
    const group = groupOf(r);
    return {
      summary: `${verb} ${direction} rules ${verb === 'added' ? 'to' : 'from'} ${group.label}`,
      resource: group.resource,
      details: [...permissionLines(r, preposition), ...group.missing],
    };
  };

const detection = eventListDetection('ec2.amazonaws.com', {
  AuthorizeSecurityGroupIngress: rules('added', 'inbound', 'from'),
  AuthorizeSecurityGroupEgress: rules('added', 'outbound', 'to'),
  RevokeSecurityGroupIngress: rules('removed', 'inbound', 'from'),
  RevokeSecurityGroupEgress: rules('removed', 'outbound', 'to'),
  CreateSecurityGroup: (r) => {
    const group = groupOf(r);
    const vpc = firstText(r.requestParameters, ['vpcId']);
    return {
      summary: `created ${group.label}${vpc ? ` in VPC \`${clip(vpc)}\`` : ''}`,
      resource: group.resource,
      details: group.missing,
    };
  },
  DeleteSecurityGroup: (r) => {
    const group = groupOf(r);
    return { summary: `deleted ${group.label}`, resource: group.resource, details: group.missing };
  },
});

export default defineDetection({
  id: 'security_group_changed',
  title: 'Security group changed',
  severity: 'medium',
  rationale:
    'Security groups are the firewall around every instance, database and load balancer; an unplanned rule can expose a service or open a path out for data.',
  events: detection.events,
  cis: '4.10',
  securityHub: 'CloudWatch.10',
  mitre: { id: 'T1562.007', name: 'Impair Defenses: Disable or Modify Cloud Firewall' },
  match: detection.match,
});
