import check from '../../../../src/core/checks/ec2/ec2_instance_public_ports_exposed';
import { known, type Ec2Region, type Instance } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aNetworkInterface, aNetworkRegion, aPrivateInstance } from '../../../fixtures/builders/ec2-network';
import {
  REGION,
  aDefaultSecurityGroup,
  aRule,
  aSecurityGroup,
  anAccount,
  anEc2Region,
  anEgressAllRule,
  anInstance,
  denied,
} from '../../../fixtures/snapshot-builders';

/** web (sg-0web) lets 443 in from 0.0.0.0/0 (the builders' default); the instance decides the rest. */
const accountWith = (instance: Instance, over: Partial<Ec2Region> = {}) =>
  anAccount({ ec2: { [REGION]: aNetworkRegion({ instances: known([instance]), ...over }) } });

const onPublicIp = (over: Partial<Instance> = {}) =>
  aPrivateInstance({
    publicIp: '203.0.113.10',
    networkInterfaces: [aNetworkInterface({ publicIps: ['203.0.113.10'] })],
    ...over,
  });

const groups = (...rules: ReturnType<typeof aRule>[]) =>
  known([aSecurityGroup({ rules: [...rules, anEgressAllRule()] }), aDefaultSecurityGroup()]);

describe('ec2_instance_public_ports_exposed', () => {
  it('when the instance has no public address, then it passes whatever its groups allow', () => {
    const [result] = run(check, accountWith(aPrivateInstance()));
    expect(result).toMatchObject({ status: 'pass', resource: { type: 'AwsEc2Instance', id: 'i-0abc123' } });
    expect(result!.message).toBe('Instance i-0abc123 (web-1) has no public IPv4 or IPv6 address.');
  });

  it('when a public instance’s group lets the world reach 443, then it fails high, naming address, port and group', () => {
    const [result] = run(check, accountWith(onPublicIp()));
    expect(result!.status).toBe('fail');
    expect(result!.severity).toBe('high');
    expect(result!.message).toBe(
      'Instance i-0abc123 (web-1) at 203.0.113.10 is open to the whole internet on tcp 443 through security group web (sg-0web).',
    );
    expect(result!.evidence).toMatchObject({
      publicIps: ['203.0.113.10'],
      openRules: [
        { groupId: 'sg-0web', ruleId: 'sgr-0aaa1111', family: 'ipv4', traffic: 'tcp 443', source: '0.0.0.0/0' },
      ],
    });
  });

  it('when SSH is open to the world on a public instance, then it fails critical and names SSH', () => {
    const [result] = run(
      check,
      accountWith(onPublicIp(), {
        securityGroups: groups(aRule(), aRule({ ruleId: 'sgr-ssh', fromPort: 22, toPort: 22 })),
      }),
    );
    expect(result!.severity).toBe('critical');
    expect(result!.message).toContain('on tcp 443, tcp 22 (SSH) through');
  });

  it('when a wide range covers a database port, then it fails critical, naming the database', () => {
    const [result] = run(
      check,
      accountWith(onPublicIp(), { securityGroups: groups(aRule({ fromPort: 3000, toPort: 6000 })) }),
    );
    expect(result!.severity).toBe('critical');
    expect(result!.message).toContain('tcp 3000-6000 (RDP, MySQL, PostgreSQL)');
  });

  it('when the only world-open rule is ::/0 and the instance has only a public IPv4, then it passes', () => {
    const rule = aRule({ fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '::/0' });
    expect(statuses(run(check, accountWith(onPublicIp(), { securityGroups: groups(rule) })))).toEqual([
      'i-0abc123:pass',
    ]);
  });

  it('when the instance has an IPv6 address and a group opens ::/0, then it fails even without a public IPv4', () => {
    const instance = aPrivateInstance({
      networkInterfaces: [aNetworkInterface({ ipv6Addresses: ['2001:db8::10'] })],
    });
    const rule = aRule({
      ruleId: 'sgr-v6',
      ipProtocol: '-1',
      fromPort: -1,
      toPort: -1,
      cidrIpv4: null,
      cidrIpv6: '::/0',
    });
    const [result] = run(check, accountWith(instance, { securityGroups: groups(rule) }));
    expect(result!.status).toBe('fail');
    expect(result!.severity).toBe('critical');
    expect(result!.message).toContain(
      'at 2001:db8::10 is open to the whole internet on all traffic (every port, SSH and RDP included) through',
    );
  });

  it('when a secondary interface carries the public address, then its own groups decide', () => {
    const instance = aPrivateInstance({
      networkInterfaces: [
        aNetworkInterface({ securityGroupIds: ['sg-0default'] }),
        aNetworkInterface({
          networkInterfaceId: 'eni-0pub',
          publicIps: ['198.51.100.7'],
          securityGroupIds: ['sg-0web'],
        }),
      ],
    });
    expect(statuses(run(check, accountWith(instance)))).toEqual(['i-0abc123:fail']);
  });

  it('when the public instance’s groups admit only private ranges, then it passes, naming its address', () => {
    const [result] = run(
      check,
      accountWith(onPublicIp(), { securityGroups: groups(aRule({ cidrIpv4: '10.0.0.0/8' })) }),
    );
    expect(result!.status).toBe('pass');
    expect(result!.message).toContain('has a public address (203.0.113.10), but no security group');
  });

  it('when the instance is stopped, then it is not judged (it has no address to be reached on)', () => {
    expect(run(check, accountWith(onPublicIp({ state: 'stopped' })))).toEqual([]);
  });

  it('when AWS did not say the instance’s state, then it is judged as if it ran', () => {
    expect(statuses(run(check, accountWith(onPublicIp({ state: 'unknown' }))))).toEqual(['i-0abc123:fail']);
  });

  it('when the security groups could not be read, then a public instance is unknown naming the permission', () => {
    const [result] = run(check, accountWith(onPublicIp(), { securityGroups: denied('ec2:DescribeSecurityGroups') }));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('ec2:DescribeSecurityGroups');
  });

  it('when a group of the interface is not in the group list, then a public instance is unknown', () => {
    const instance = onPublicIp({
      networkInterfaces: [aNetworkInterface({ publicIps: ['203.0.113.10'], securityGroupIds: ['sg-0gone'] })],
    });
    const [result] = run(check, accountWith(instance));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('sg-0gone');
  });

  it('when AWS did not list an interface’s IPv6 addresses or groups, then the instance is unknown, not passing', () => {
    for (const eni of [
      aNetworkInterface({ ipv6Addresses: null }),
      aNetworkInterface({ publicIps: ['203.0.113.10'], securityGroupIds: null }),
    ]) {
      expect(statuses(run(check, accountWith(aPrivateInstance({ networkInterfaces: [eni] }))))).toEqual([
        'i-0abc123:unknown',
      ]);
    }
  });

  it('when AWS did not list the instance’s interfaces, then it is unknown', () => {
    expect(statuses(run(check, accountWith(aPrivateInstance({ networkInterfaces: null }))))).toEqual([
      'i-0abc123:unknown',
    ]);
  });

  it('when the snapshot was recorded before interfaces were collected, then the instance is unknown and says to collect again', () => {
    const [result] = run(check, anAccount({ ec2: { [REGION]: anEc2Region({ instances: known([anInstance()]) }) } }));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('not collected by this snapshot');
  });

  it('when the instance list was refused, then the region is unknown naming the permission', () => {
    const [result] = run(check, accountWith(aPrivateInstance(), { instances: denied('ec2:DescribeInstances') }));
    expect(result).toMatchObject({ status: 'unknown', resource: { id: `111111111111/${REGION}/instances` } });
  });
});
