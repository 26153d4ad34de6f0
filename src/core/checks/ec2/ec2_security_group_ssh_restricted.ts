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
  // CIS v3.0.0 5.2 is the 0.0.0.0/0 recommendation; its ::/0 twin 5.3 is enforced here too, but the
  // catalog holds one id per check. EC2.13 is the Security Hub control for exactly "port 22 from
  // 0.0.0.0/0 or ::/0" (EC2.53/EC2.54 split the two address families and add port 3389).
  frameworks: { cis: '5.2', securityHub: 'EC2.13' },
  requires: ['ec2'],
  remediation: 'ec2_revoke_world_ingress',
  evaluate: evaluateWorldOpenIngress(SSH_PORT, 'SSH (port 22)'),
});
