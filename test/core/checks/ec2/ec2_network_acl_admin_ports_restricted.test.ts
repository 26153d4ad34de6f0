import check from '../../../../src/core/checks/ec2/ec2_network_acl_admin_ports_restricted';
import { known, type NetworkAclEntry } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aNetworkAcl, aNetworkRegion, anAclEntry, catchAllDenies } from '../../../fixtures/builders/ec2-network';
import { ACCOUNT_ID, REGION, anAccount, anEc2Region, denied } from '../../../fixtures/snapshot-builders';

const withEntries = (...entries: NetworkAclEntry[]) =>
  anAccount({
    ec2: {
      [REGION]: aNetworkRegion({ networkAcls: known([aNetworkAcl({ entries: [...entries, ...catchAllDenies()] })]) }),
    },
  });

/** The default network ACL of a new VPC: everything in and out, from anywhere, over IPv4 and IPv6. */
const AWS_DEFAULT_ENTRIES = [
  anAclEntry({ ruleNumber: 100, protocol: '-1', fromPort: null, toPort: null }),
  anAclEntry({ ruleNumber: 101, protocol: '-1', fromPort: null, toPort: null, cidrBlock: null, ipv6CidrBlock: '::/0' }),
];

describe('ec2_network_acl_admin_ports_restricted', () => {
  it('when the ACL lets in only HTTPS from anywhere, then it passes', () => {
    const [result] = run(check, anAccount({ ec2: { [REGION]: aNetworkRegion() } }));
    expect(result).toMatchObject({ status: 'pass', resource: { type: 'AwsEc2NetworkAcl', id: 'acl-0main' } });
    expect(result!.resource.arn).toBe(`arn:aws:ec2:${REGION}:${ACCOUNT_ID}:network-acl/acl-0main`);
  });

  it('when the ACL is AWS’s default (all traffic from anywhere), then it fails naming both ports, both protocols and both address families', () => {
    const [result] = run(check, withEntries(...AWS_DEFAULT_ENTRIES));
    expect(result!.status).toBe('fail');
    expect(result!.message).toBe(
      'Network ACL acl-0main (vpc-0main) lets the whole internet in on port 22 (SSH) over tcp and udp from 0.0.0.0/0 (rule 100), ' +
        'port 22 (SSH) over tcp and udp from ::/0 (rule 101), port 3389 (RDP) over tcp and udp from 0.0.0.0/0 (rule 100), ' +
        'port 3389 (RDP) over tcp and udp from ::/0 (rule 101).',
    );
    expect(result!.evidence.openings).toHaveLength(8);
  });

  it('when a TCP range including 22 is allowed from 0.0.0.0/0, then the ACL fails on SSH over tcp only', () => {
    const [result] = run(check, withEntries(anAclEntry({ fromPort: 0, toPort: 1024 })));
    expect(result!.status).toBe('fail');
    expect(result!.evidence.openings).toEqual([
      { port: 22, protocol: 'tcp', source: '0.0.0.0/0', ruleNumber: 100, entryProtocol: '6' },
    ]);
  });

  it('when a lower-numbered deny for 0.0.0.0/0 covers the admin ports, then a later allow-all does not open them', () => {
    const account = withEntries(
      anAclEntry({ ruleNumber: 50, protocol: '-1', ruleAction: 'deny', fromPort: null, toPort: null }),
      ...AWS_DEFAULT_ENTRIES.slice(0, 1),
    );
    expect(statuses(run(check, account))).toEqual(['acl-0main:pass']);
  });

  it('when the deny comes after the allow, then the allow wins (first match in rule-number order)', () => {
    const account = withEntries(
      anAclEntry({ ruleNumber: 200, protocol: '6', ruleAction: 'deny', fromPort: 22, toPort: 22 }),
      anAclEntry({ ruleNumber: 100, protocol: '6', fromPort: 22, toPort: 22 }),
    );
    expect(statuses(run(check, account))).toEqual(['acl-0main:fail']);
  });

  it('when SSH is allowed from a partial range only, then the ACL passes; a lower partial deny does not stop a later 0.0.0.0/0 allow', () => {
    expect(
      statuses(run(check, withEntries(anAclEntry({ fromPort: 22, toPort: 22, cidrBlock: '203.0.113.0/24' })))),
    ).toEqual(['acl-0main:pass']);
    const partialDeny = withEntries(
      anAclEntry({ ruleNumber: 50, ruleAction: 'deny', fromPort: 22, toPort: 22, cidrBlock: '198.51.100.0/24' }),
      anAclEntry({ ruleNumber: 100, fromPort: 22, toPort: 22 }),
    );
    expect(statuses(run(check, partialDeny))).toEqual(['acl-0main:fail']);
  });

  it('when only an outbound entry opens 22 to anywhere, or only ICMP is allowed, then the ACL passes', () => {
    const account = withEntries(
      anAclEntry({ egress: true, fromPort: 22, toPort: 22 }),
      anAclEntry({ ruleNumber: 110, protocol: '1', fromPort: null, toPort: null }),
    );
    expect(statuses(run(check, account))).toEqual(['acl-0main:pass']);
  });

  it('when a TCP entry from anywhere carries no port range, then it is read as every port and the ACL fails', () => {
    expect(statuses(run(check, withEntries(anAclEntry({ fromPort: null, toPort: null }))))).toEqual(['acl-0main:fail']);
  });

  it('when DescribeNetworkAcls was refused, then the region is unknown naming the permission', () => {
    const account = anAccount({
      ec2: { [REGION]: aNetworkRegion({ networkAcls: denied('ec2:DescribeNetworkAcls') }) },
    });
    const [result] = run(check, account);
    expect(result).toMatchObject({ status: 'unknown', resource: { id: `${ACCOUNT_ID}/${REGION}/network-acls` } });
    expect(result!.message).toContain('ec2:DescribeNetworkAcls');
  });

  it('when the snapshot was recorded before network ACLs were collected, then the region is unknown', () => {
    const [result] = run(check, anAccount({ ec2: { [REGION]: anEc2Region() } }));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('not collected by this snapshot');
  });
});
