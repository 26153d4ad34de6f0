import detection from '../../../../src/core/detections/rules/ec2_ingress_opened_to_world';
import { alertOf, fixture, severityOf, withRequest, withResponse } from './exposure-harness';

const SG = 'sg-0a1b2c3d4e5f60718';

describe('ec2_ingress_opened_to_world', () => {
  it('when port 22 is opened to 0.0.0.0/0, then it alerts critical and offers the SSH check Undo', () => {
    const m = alertOf(detection, fixture('authorize-sg-ingress-ssh-world'));

    expect(m.summary).toBe(`opened port 22 of security group \`${SG}\` to the internet (0.0.0.0/0)`);
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.resource).toEqual({
      type: 'AwsEc2SecurityGroup',
      id: SG,
      arn: `arn:aws:ec2:eu-west-1:111122223333:security-group/${SG}`,
      region: 'eu-west-1',
    });
    expect(m.details).toEqual(['sgr-00f1e2d3c4b5a69788: tcp 22 from 0.0.0.0/0 (SSH 22)']);
    expect(m.undo).toEqual(
      expect.objectContaining({
        remediationId: 'ec2_revoke_world_ingress',
        checkId: 'ec2_security_group_ssh_restricted',
        resource: m.resource,
      }),
    );
  });

  it('when the source is 10.0.0.0/8, then it does not alert', () => {
    expect(detection.match(fixture('authorize-sg-ingress-private'))).toBeNull();
  });

  it('when port 443 is opened to ::/0, then it alerts medium without Undo (no check covers port 443)', () => {
    const m = alertOf(detection, fixture('authorize-sg-ingress-https-world-ipv6'));

    expect(m.summary).toBe(`opened port 443 of security group \`${SG}\` to the internet (::/0)`);
    expect(severityOf(detection, m)).toBe('medium');
    expect(m.undo).toBeUndefined();
  });

  it('when a database port is opened, then it is critical even though no check offers Undo', () => {
    const record = withRequest('authorize-sg-ingress-https-world-ipv6', (rp) => {
      const item = (rp.ipPermissions as { items: Record<string, unknown>[] }).items[0]!;
      Object.assign(item, { fromPort: 5432, toPort: 5432 });
      return rp;
    });

    // The answer still lists port 443: only the request is changed here.
    const m = alertOf(detection, { ...record, responseElements: null });
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.details?.[0]).toContain('PostgreSQL 5432');
  });

  it('when a wide port range is opened, then it is high', () => {
    const record = withRequest('authorize-sg-ingress-https-world-ipv6', (rp) => {
      Object.assign((rp.ipPermissions as { items: Record<string, unknown>[] }).items[0]!, {
        fromPort: 8000,
        toPort: 8999,
      });
      return rp;
    });

    const m = alertOf(detection, { ...record, responseElements: null });
    expect(m.summary).toContain('ports 8000-8999');
    expect(severityOf(detection, m)).toBe('high');
  });

  it('when all traffic is opened with the flat cidrIp form, then it alerts critical with the all-ports check Undo', () => {
    const m = alertOf(detection, fixture('authorize-sg-ingress-all-traffic-flat'));

    expect(m.summary).toBe(`opened all ports of security group \`${SG}\` to the internet (0.0.0.0/0)`);
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.undo?.checkId).toBe('ec2_security_group_all_ports_restricted');
  });

  it('when only the response lists the world-open rule, then it still alerts', () => {
    const record = withRequest('authorize-sg-ingress-ssh-world', (rp) => ({ groupId: rp.groupId, ipPermissions: {} }));

    expect(alertOf(detection, record).summary).toContain('opened port 22');
  });

  it('when the answer lists only an outbound rule to the world, then it does not alert on it', () => {
    const record = withResponse('authorize-sg-ingress-private', (re) => {
      const set = re.securityGroupRuleSet as { items: Record<string, unknown>[] };
      set.items.push({ ...set.items[0], isEgress: true, cidrIpv4: '0.0.0.0/0', securityGroupRuleId: 'sgr-0egress' });
      return re;
    });

    expect(detection.match(record)).toBeNull();
  });

  it('when ModifySecurityGroupRules opens RDP, then it alerts one step lower (the record does not say inbound) with the RDP Undo', () => {
    const m = alertOf(detection, fixture('modify-sg-rules-rdp-world'));

    expect(m.summary).toBe(
      `changed rule sgr-0123456789abcdef0 of security group \`${SG}\` to allow port 3389 from the internet (0.0.0.0/0)`,
    );
    expect(severityOf(detection, m)).toBe('high');
    expect(m.details).toContain(
      'ModifySecurityGroupRules does not record whether a rule is inbound or outbound; Re-check shows which.',
    );
    expect(m.undo?.checkId).toBe('ec2_security_group_rdp_restricted');
  });

  it.each([
    ['ipPermissions is a bare string', (rp: Record<string, unknown>) => ({ ...rp, ipPermissions: 'tcp/22 anywhere' })],
    [
      'an address range is not an object',
      (rp: Record<string, unknown>) => ({
        ...rp,
        ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: ['0.0.0.0/0'] } }] },
      }),
    ],
  ])(
    'when %s and the response is missing, then it alerts medium that the rules could not be read, never crashes',
    (_, change) => {
      const record = withRequest('authorize-sg-ingress-ssh-world', change);

      const m = alertOf(detection, { ...record, responseElements: null });
      expect(m.summary).toBe(
        `changed the inbound rules of security group \`${SG}\`; cloudsec could not read them all from the record: re-check`,
      );
      expect(severityOf(detection, m)).toBe('medium');
    },
  );

  it('when the record lists no rule at all, then it alerts that it could not read them', () => {
    const record = withRequest('authorize-sg-ingress-ssh-world', (rp) => ({ groupId: rp.groupId }));

    expect(alertOf(detection, { ...record, responseElements: null }).summary).toContain('could not read them all');
  });
});

describe('ec2_ingress_opened_to_world, rules from another security group', () => {
  it('when the only rule admits another security group and the answer lists nothing, then it does not alert', () => {
    const record = withRequest('authorize-sg-ingress-private', (rp) => ({
      groupId: rp.groupId,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            groups: { items: [{ groupId: 'sg-0app00000000000001' }] },
            ipRanges: {},
            ipv6Ranges: {},
            prefixListIds: {},
          },
        ],
      },
    }));

    expect(detection.match({ ...record, responseElements: null })).toBeNull();
  });
});
