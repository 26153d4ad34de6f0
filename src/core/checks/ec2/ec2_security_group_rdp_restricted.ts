import { defineCheck } from '../define';
import { evaluateWorldOpenIngress } from '../../world-open-checks';

const RDP_PORT = 3389;

export default defineCheck({
  id: 'ec2_security_group_rdp_restricted',
  service: 'ec2',
  severity: 'high',
  title: 'Security groups do not allow RDP from the internet',
  failTitle: 'Security group allows RDP from the internet',
  rationale:
    'Remote Desktop open to 0.0.0.0/0 or ::/0 is a favourite ransomware entry point: every instance in the group faces brute-force and RDP exploits from the whole internet.',
  remediationText:
    'Delete the inbound rules that allow port 3389 from 0.0.0.0/0 or ::/0 (VPC console → Security groups → Inbound rules), or narrow their source to known addresses; prefer Fleet Manager, a VPN or a bastion for desktop access.',
  // EC2.14 is the Security Hub (FSBP) control for exactly "port 3389 from 0.0.0.0/0 or ::/0". It
  // claims no CIS id: CIS v3.0.0 splits the address families into 5.2 (0.0.0.0/0) and 5.3 (::/0)
  // over ports 22 and 3389 (Security Hub maps them to EC2.53/EC2.54 and marks EC2.14 "replaced by
  // requirements 5.2 and 5.3"): ec2_security_group_admin_ports_ipv4_restricted and _ipv6_restricted.
  frameworks: { cis: null, securityHub: 'EC2.14' },
  requires: ['ec2'],
  remediation: 'ec2_revoke_world_ingress',
  evaluate: evaluateWorldOpenIngress(RDP_PORT, 'RDP (port 3389)'),
});
