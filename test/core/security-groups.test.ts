import {
  describeOpenRules,
  groupLabel,
  isWorldCidr,
  openRuleEvidence,
  portRangeLabel,
  worldOpenIngress,
} from '../../src/core/security-groups';
import fc from 'fast-check';
import type { SecurityGroupRule } from '../../src/core/model';
import { aRule, aSecurityGroup, anEgressAllRule } from '../fixtures/snapshot-builders';

const groupWith = (...rules: SecurityGroupRule[]) => aSecurityGroup({ rules });
const ids = (rules: SecurityGroupRule[]) => rules.map((r) => r.ruleId);

describe('worldOpenIngress', () => {
  describe('ports and ranges', () => {
    it('when a TCP rule opens exactly the port to 0.0.0.0/0, then it is returned', () => {
      const group = groupWith(aRule({ ruleId: 'sgr-ssh', fromPort: 22, toPort: 22 }));
      expect(ids(worldOpenIngress(group, 22))).toEqual(['sgr-ssh']);
    });

    it('when a range includes the port, then the rule is returned', () => {
      const group = groupWith(aRule({ ruleId: 'sgr-range', fromPort: 0, toPort: 1024 }));
      expect(ids(worldOpenIngress(group, 22))).toEqual(['sgr-range']);
    });

    it('when the port is exactly a range bound, then the rule is returned', () => {
      const group = groupWith(
        aRule({ ruleId: 'sgr-low', fromPort: 22, toPort: 80 }),
        aRule({ ruleId: 'sgr-high', fromPort: 10, toPort: 22 }),
      );
      expect(ids(worldOpenIngress(group, 22))).toEqual(['sgr-low', 'sgr-high']);
    });

    it('when the range stops just short of the port, then the rule is not returned', () => {
      const group = groupWith(aRule({ fromPort: 23, toPort: 3388 }), aRule({ fromPort: 0, toPort: 21 }));
      expect(worldOpenIngress(group, 22)).toEqual([]);
      expect(worldOpenIngress(group, 3389)).toEqual([]);
    });

    it('when the protocol is -1 (all traffic), then any port is open', () => {
      const group = groupWith(aRule({ ruleId: 'sgr-all', ipProtocol: '-1', fromPort: -1, toPort: -1 }));
      expect(ids(worldOpenIngress(group, 22))).toEqual(['sgr-all']);
      expect(ids(worldOpenIngress(group, 3389))).toEqual(['sgr-all']);
    });

    it('when the protocol is given by number (6 = tcp, 17 = udp), then it counts like its name', () => {
      const group = groupWith(
        aRule({ ruleId: 'sgr-6', ipProtocol: '6', fromPort: 22, toPort: 22 }),
        aRule({ ruleId: 'sgr-17', ipProtocol: '17', fromPort: 22, toPort: 22 }),
      );
      expect(ids(worldOpenIngress(group, 22))).toEqual(['sgr-6', 'sgr-17']);
    });

    it('when a UDP rule covers the port, then it is returned (CIS counts TCP, UDP and ALL)', () => {
      const group = groupWith(aRule({ ruleId: 'sgr-udp', ipProtocol: 'udp', fromPort: 3389, toPort: 3389 }));
      expect(ids(worldOpenIngress(group, 3389))).toEqual(['sgr-udp']);
    });

    it('when the protocol has no ports (ICMP, ESP), then no port is open through it', () => {
      const group = groupWith(
        aRule({ ipProtocol: 'icmp', fromPort: -1, toPort: -1 }),
        aRule({ ipProtocol: 'icmp', fromPort: 8, toPort: 22 }),
        aRule({ ipProtocol: '50', fromPort: null, toPort: null }),
      );
      expect(worldOpenIngress(group, 22)).toEqual([]);
      expect(worldOpenIngress(group, 'all')).toEqual([]);
    });

    it('when a TCP rule has no port bounds, then it is read as every port rather than none', () => {
      const group = groupWith(aRule({ ruleId: 'sgr-null', fromPort: null, toPort: null }));
      expect(ids(worldOpenIngress(group, 22))).toEqual(['sgr-null']);
      expect(ids(worldOpenIngress(group, 'all'))).toEqual(['sgr-null']);
    });
  });

  it('for any TCP range and port, the rule is returned exactly when the port lies inside the range', () => {
    const port = fc.integer({ min: 0, max: 65535 });
    fc.assert(
      fc.property(port, port, port, (a, b, p) => {
        const [fromPort, toPort] = a <= b ? [a, b] : [b, a];
        const open = worldOpenIngress(groupWith(aRule({ fromPort, toPort })), p);
        expect(open.length === 1).toBe(fromPort <= p && p <= toPort);
      }),
    );
  });

  describe('sources', () => {
    it('when the source is ::/0, then the rule is open to the world', () => {
      const group = groupWith(aRule({ ruleId: 'sgr-v6', fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '::/0' }));
      expect(ids(worldOpenIngress(group, 22))).toEqual(['sgr-v6']);
    });

    it('when the source is a private or partial range, then it is not the world', () => {
      const group = groupWith(
        aRule({ fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' }),
        aRule({ fromPort: 22, toPort: 22, cidrIpv4: '203.0.113.7/32' }),
        aRule({ fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/1' }),
        aRule({ fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '2001:db8::/32' }),
        aRule({ fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '::/1' }),
      );
      expect(worldOpenIngress(group, 22)).toEqual([]);
    });

    it('when the source is another security group or a prefix list, then it is ignored', () => {
      const group = groupWith(
        aRule({ fromPort: 22, toPort: 22, cidrIpv4: null, referencedGroupId: 'sg-0bastion' }),
        aRule({ fromPort: 22, toPort: 22, cidrIpv4: null, prefixListId: 'pl-0office' }),
      );
      expect(worldOpenIngress(group, 22)).toEqual([]);
    });

    it('when the rule is egress, then it is ignored however open it is', () => {
      const group = groupWith(anEgressAllRule(), aRule({ isEgress: true, fromPort: 22, toPort: 22 }));
      expect(worldOpenIngress(group, 22)).toEqual([]);
      expect(worldOpenIngress(group, 'all')).toEqual([]);
    });
  });

  describe("the 'all' target", () => {
    it('when the protocol is -1 or a TCP/UDP range covers 0-65535, then every port is open', () => {
      const group = groupWith(
        aRule({ ruleId: 'sgr-all', ipProtocol: '-1', fromPort: -1, toPort: -1 }),
        aRule({ ruleId: 'sgr-tcp', fromPort: 0, toPort: 65535 }),
        aRule({ ruleId: 'sgr-udp', ipProtocol: 'udp', fromPort: 0, toPort: 65535, cidrIpv4: null, cidrIpv6: '::/0' }),
      );
      expect(ids(worldOpenIngress(group, 'all'))).toEqual(['sgr-all', 'sgr-tcp', 'sgr-udp']);
    });

    it('when a range starts at 1 (port 0 is unusable), then it still opens every port', () => {
      const group = groupWith(aRule({ ruleId: 'sgr-1', fromPort: 1, toPort: 65535 }));
      expect(ids(worldOpenIngress(group, 'all'))).toEqual(['sgr-1']);
    });

    it('when a range leaves out any usable port, then it does not open every port', () => {
      const group = groupWith(aRule({ fromPort: 2, toPort: 65535 }), aRule({ fromPort: 0, toPort: 65534 }));
      expect(worldOpenIngress(group, 'all')).toEqual([]);
    });

    it('when an all-traffic rule admits only a private range, then it does not count', () => {
      const group = groupWith(aRule({ ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '10.0.0.0/16' }));
      expect(worldOpenIngress(group, 'all')).toEqual([]);
    });
  });
});

describe('isWorldCidr', () => {
  it('when the prefix is /0, then it is the world; anything else or nothing is not', () => {
    expect([isWorldCidr('0.0.0.0/0'), isWorldCidr('::/0')]).toEqual([true, true]);
    expect([isWorldCidr('0.0.0.0/1'), isWorldCidr('0.0.0.0'), isWorldCidr('10.0.0.0/10'), isWorldCidr(null)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('evidence and labels', () => {
  it('when rules are described, then ids, sources and port ranges are kept for revoke and undo', () => {
    const rules = [
      aRule({ ruleId: 'sgr-a', fromPort: 22, toPort: 22, description: 'admin' }),
      aRule({ ruleId: 'sgr-b', ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: null, cidrIpv6: '::/0' }),
      aRule({ ruleId: 'sgr-c', fromPort: 0, toPort: 1024 }),
    ];
    expect(openRuleEvidence(rules)).toEqual({
      ruleIds: ['sgr-a', 'sgr-b', 'sgr-c'],
      rules: [
        {
          ruleId: 'sgr-a',
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          portRange: '22',
          cidrIpv4: '0.0.0.0/0',
          cidrIpv6: null,
          description: 'admin',
        },
        {
          ruleId: 'sgr-b',
          ipProtocol: '-1',
          fromPort: -1,
          toPort: -1,
          portRange: 'all',
          cidrIpv4: null,
          cidrIpv6: '::/0',
          description: null,
        },
        {
          ruleId: 'sgr-c',
          ipProtocol: 'tcp',
          fromPort: 0,
          toPort: 1024,
          portRange: '0-1024',
          cidrIpv4: '0.0.0.0/0',
          cidrIpv6: null,
          description: null,
        },
      ],
    });
    expect(describeOpenRules(rules)).toBe(
      'sgr-a (0.0.0.0/0, tcp 22), sgr-b (::/0, all traffic), sgr-c (0.0.0.0/0, tcp 0-1024)',
    );
  });

  it('when a rule has no ports, then its range reads n/a', () => {
    expect(portRangeLabel(aRule({ ipProtocol: 'icmp', fromPort: -1, toPort: -1 }))).toBe('n/a');
  });

  it('when the group has a name, then the label shows name and id', () => {
    expect(groupLabel({ groupId: 'sg-1', groupName: 'web' })).toBe('web (sg-1)');
    expect(groupLabel({ groupId: 'sg-1', groupName: 'sg-1' })).toBe('sg-1');
  });
});
