import { defineCheck } from '../define';
import { evaluateWorldOpenIngress } from '../../world-open-checks';

export default defineCheck({
  id: 'ec2_security_group_admin_ports_ipv6_restricted',
  service: 'ec2',
  severity: 'high',
  title: 'Security groups do not allow SSH or RDP from ::/0',
  failTitle: 'Security group allows SSH or RDP from ::/0',
  rationale:
    'Remote administration ports (22 SSH, 3389 RDP) open to every IPv6 address are as exposed as over IPv4: IPv6 addresses are globally routable, and scanners do find them.',
  remediationText:
    'Delete the inbound rules that allow port 22 or 3389 (or all traffic) from ::/0 (VPC console → Security groups → Inbound rules), or narrow their source to known addresses; prefer Session Manager, a VPN or a bastion.',
  // CIS v3.0.0 5.3, which Security Hub maps to EC2.54: TCP, UDP or all traffic to 22 or 3389, IPv6 only.
  frameworks: { cis: '5.3', securityHub: 'EC2.54' },
  requires: ['ec2'],
  // ec2_revoke_world_ingress reads this check's evidence as it is; it offers itself once its `fixes` lists this id.
  remediation: 'ec2_revoke_world_ingress',
  evaluate: evaluateWorldOpenIngress([22, 3389], 'SSH or RDP (port 22 or 3389)', 'ipv6'),
});
