import { defineCheck } from '../define';
import { evaluateWorldOpenIngress } from '../../world-open-checks';

const SSH_PORT = 22;

export default defineCheck({
  id: 'ec2_security_group_ssh_restricted',
  service: 'ec2',
  severity: 'high',
  title: 'Security groups do not allow SSH from the internet',
  failTitle: 'Security group allows SSH from the internet',
  rationale:
    'SSH open to 0.0.0.0/0 or ::/0 exposes every instance in the group to constant brute-force and exploit attempts from the whole internet.',
  remediationText:
    'Delete the inbound rules that allow port 22 from 0.0.0.0/0 or ::/0 (VPC console → Security groups → Inbound rules), or narrow their source to known addresses; prefer Session Manager or a bastion for shell access.',
  // EC2.13 is the Security Hub (FSBP) control for exactly "port 22 from 0.0.0.0/0 or ::/0". It
  // claims no CIS id: CIS v3.0.0 splits the address families into 5.2 (0.0.0.0/0) and 5.3 (::/0)
  // over ports 22 and 3389 (Security Hub maps them to EC2.53/EC2.54 and marks EC2.13 "replaced by
  // requirements 5.2 and 5.3"): ec2_security_group_admin_ports_ipv4_restricted and _ipv6_restricted.
  frameworks: { cis: null, securityHub: 'EC2.13' },
  requires: ['ec2'],
  remediation: 'ec2_revoke_world_ingress',
  evaluate: evaluateWorldOpenIngress(SSH_PORT, 'SSH (port 22)'),
});
