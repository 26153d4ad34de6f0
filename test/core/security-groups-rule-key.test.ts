import { ruleKey } from '../../src/core/security-groups';
import { aRule } from '../fixtures/snapshot-builders';

describe('ruleKey', () => {
  it('when IpPermissions leave out the ports of an all-protocols rule and the rule listing says -1, then both name the same rule', () => {
    expect(ruleKey(aRule({ ipProtocol: '-1', fromPort: null, toPort: null }))).toBe(
      ruleKey(aRule({ ipProtocol: '-1', fromPort: -1, toPort: -1 })),
    );
  });

  it('when one answer spells the protocol by number and the other by name, then both name the same rule', () => {
    expect(ruleKey(aRule({ ipProtocol: '6', fromPort: 22, toPort: 22 }))).toBe(
      ruleKey(aRule({ ipProtocol: 'tcp', fromPort: 22, toPort: 22 })),
    );
  });

  it('when only the id or the description differs, then both name the same rule', () => {
    expect(ruleKey(aRule({ ruleId: 'sgr-1', description: 'a' }))).toBe(
      ruleKey(aRule({ ruleId: null, description: null })),
    );
  });

  it.each<[string, Parameters<typeof aRule>[0]]>([
    ['the direction', { isEgress: true }],
    ['the protocol', { ipProtocol: 'udp' }],
    ['the first port', { fromPort: 442 }],
    ['the last port', { toPort: 444 }],
    ['the IPv4 range', { cidrIpv4: '10.0.0.0/8' }],
    ['the source kind', { cidrIpv4: null, cidrIpv6: '::/0' }],
    ['the referenced group', { cidrIpv4: null, referencedGroupId: 'sg-0other' }],
    ['the prefix list', { cidrIpv4: null, prefixListId: 'pl-0abc' }],
  ])('when %s differs, then the keys differ', (_what, change) => {
    expect(ruleKey(aRule(change))).not.toBe(ruleKey(aRule()));
  });

  it('when a TCP rule’s ports are missing, then it does not match a rule with real ports', () => {
    expect(ruleKey(aRule({ fromPort: null, toPort: null }))).not.toBe(ruleKey(aRule({ fromPort: 0, toPort: 65535 })));
  });
});
