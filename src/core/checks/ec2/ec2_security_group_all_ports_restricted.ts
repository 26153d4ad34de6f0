import { defineCheck } from '../define';
import { evaluateWorldOpenIngress } from '../../world-open-checks';

export default defineCheck({
  id: 'ec2_security_group_all_ports_restricted',
  service: 'ec2',
  severity: 'critical',
  title: 'Security groups do not open all ports to the internet',
  failTitle: 'Security group opens all ports to the internet',
  rationale:
    'A rule admitting all traffic, or every TCP/UDP port, from 0.0.0.0/0 or ::/0 leaves the security group doing no filtering at all: every service on the instances, including ones never meant to be public, is reachable from the internet.',
  remediationText:
    'Delete the inbound rules that allow all traffic or all ports from 0.0.0.0/0 or ::/0 (VPC console → Security groups → Inbound rules) and add rules for only the ports the workload serves.',
  // No CIS recommendation covers this. Security Hub EC2.18 (only authorized ports open) and EC2.19
  // (high-risk ports) both fail on such a group but are broader, so neither stands for this check.
  frameworks: { cis: null, securityHub: null },
  requires: ['ec2'],
  remediation: 'ec2_revoke_world_ingress',
  evaluate: evaluateWorldOpenIngress('all', 'traffic on all ports'),
});
