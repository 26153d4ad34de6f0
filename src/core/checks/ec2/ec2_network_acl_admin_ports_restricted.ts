import { defineCheck, fail, pass } from '../define';
import type { NetworkAcl } from '../../model';
import { ADMIN_PORTS, describeOpenings, naclWorldOpenings, openingEvidence } from '../../network-acls';
import { networkAclResource, regionSettingResource } from '../../resources';
import { withCollectedFact } from '../../world-open-checks';

const PORTS = Object.keys(ADMIN_PORTS).map(Number);

const label = (acl: NetworkAcl) => (acl.vpcId ? `${acl.networkAclId} (${acl.vpcId})` : acl.networkAclId);

export default defineCheck({
  id: 'ec2_network_acl_admin_ports_restricted',
  service: 'ec2',
  severity: 'medium',
  title: 'Network ACLs do not let the internet reach SSH or RDP',
  failTitle: 'Network ACL lets the internet reach SSH or RDP',
  rationale:
    'A network ACL is the subnet-wide filter in front of every instance in its subnets. One that lets 0.0.0.0/0 or ::/0 reach port 22 or 3389 leaves only the security groups between remote administration and the whole internet.',
  remediationText:
    'Add a deny entry for ports 22 and 3389 from 0.0.0.0/0 (and ::/0) numbered below the allow entry, or narrow the allow entry to known address ranges (VPC console → Network ACLs → Inbound rules → Edit). Check first that the subnets\u2019 administration traffic still has a way in (Session Manager, a VPN, a bastion).',
  frameworks: { cis: '5.1', securityHub: 'EC2.21' },
  requires: ['ec2'],
  // Rewriting an ACL's numbered entries can cut a subnet off: left to a person.
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withCollectedFact(
        ec2.networkAcls,
        regionSettingResource(account, region, 'network-acls'),
        region,
        'the network ACL list (DescribeNetworkAcls)',
        (acls) =>
          acls.map((acl) => {
            const resource = networkAclResource(account, region, acl);
            const evidence = { vpcId: acl.vpcId, isDefault: acl.isDefault, subnetIds: acl.subnetIds, ports: PORTS };
            const openings = naclWorldOpenings(acl, PORTS);
            return openings.length > 0
              ? fail(
                  resource,
                  region,
                  `Network ACL ${label(acl)} lets the whole internet in on ${describeOpenings(openings)}.`,
                  { ...evidence, openings: openingEvidence(openings) },
                )
              : pass(
                  resource,
                  region,
                  `Network ACL ${label(acl)} does not let the whole internet reach port 22 (SSH) or 3389 (RDP).`,
                  evidence,
                );
          }),
      ),
    ),
});
