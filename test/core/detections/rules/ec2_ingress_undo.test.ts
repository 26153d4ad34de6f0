import { known } from '../../../../src/core/model';
import { undoRuleEvidence, type UndoSpec } from '../../../../src/core/detections/define';
import detection from '../../../../src/core/detections/rules/ec2_ingress_opened_to_world';
import remediation from '../../../../src/core/remediations/ec2_revoke_world_ingress';
import { REGION, aRule, aSecurityGroup, anAccount, anEc2Region } from '../../../fixtures/snapshot-builders';
import { SAMPLES, planned } from '../../../fixtures/remediation-builders';
import { alertOf, fixture, withRequest } from './exposure-harness';

/**
 * Undo of a world-open ingress change names the exact rules the record added, whichever ports they
 * open, so the revoke remediation takes those and no others. The check named in the spec is the gate
 * and the verification; a change that opens only ports no check covers offers no Undo.
 */

const SG = 'sg-0a1b2c3d4e5f60718';

/** One permission of an AuthorizeSecurityGroupIngress request, as CloudTrail records it. */
const permission = (port: number, cidrIp = '0.0.0.0/0') => ({
  ipProtocol: 'tcp',
  fromPort: port,
  toPort: port,
  groups: {},
  ipRanges: { items: [{ cidrIp }] },
  ipv6Ranges: {},
  prefixListIds: {},
});

/** The SSH fixture's request with these permissions and no answer (so no rule ids). */
const opening = (...permissions: object[]) => ({
  ...withRequest('authorize-sg-ingress-ssh-world', (rp) => ({
    groupId: rp.groupId,
    ipPermissions: { items: permissions },
  })),
  responseElements: null,
});

const undoOf = (m: { undo?: UndoSpec }): UndoSpec => {
  if (!m.undo) throw new Error('expected an Undo');
  return m.undo;
};

describe('ec2_ingress_opened_to_world · Undo', () => {
  it('when port 22 is opened, then the Undo names exactly that rule (by the id EC2 answered)', () => {
    const undo = undoOf(alertOf(detection, fixture('authorize-sg-ingress-ssh-world')));

    expect(undo.checkId).toBe('ec2_security_group_ssh_restricted');
    expect(undo.rules).toEqual([
      {
        ruleId: 'sgr-00f1e2d3c4b5a69788',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: '0.0.0.0/0',
        cidrIpv6: null,
      },
    ]);
    expect(undo.description).toBe(
      `Revoke sgr-00f1e2d3c4b5a69788 (tcp 22 from 0.0.0.0/0) on ${SG}: the rule this change opened to the internet, no others`,
    );
  });

  it('when one change opens 22 and 8080, then the Undo revokes both, 8080 too (no check covers it, the SSH one gates)', () => {
    const undo = undoOf(alertOf(detection, opening(permission(22), permission(8080))));

    expect(undo.checkId).toBe('ec2_security_group_ssh_restricted');
    expect(undo.rules?.map((r) => [r.ruleId, r.fromPort, r.toPort, r.cidrIpv4])).toEqual([
      [null, 22, 22, '0.0.0.0/0'],
      [null, 8080, 8080, '0.0.0.0/0'],
    ]);
    expect(undo.description).toContain('tcp 22 from 0.0.0.0/0 and tcp 8080 from 0.0.0.0/0');
  });

  it('when a change opens only ports no check covers, then there is no Undo and the card says why', () => {
    const m = alertOf(detection, opening(permission(8080)));

    expect(m.undo).toBeUndefined();
    expect(m.details).toContainEqual(expect.stringMatching(/^No Undo here: no cloudsec check covers port 8080/));
  });

  it('when the record gives a TCP rule neither ports nor an id, then it is not offered for revoking (it cannot be named exactly)', () => {
    const { fromPort: _from, toPort: _to, ...portless } = permission(22);
    expect(alertOf(detection, opening(portless)).undo).toBeUndefined();
  });

  it('when the remediation is handed the rules of the Undo, then it revokes exactly them, not an older rule the check also flags', () => {
    const undo = undoOf(alertOf(detection, opening(permission(22), permission(8080))));
    const { finding } = SAMPLES.ec2_revoke_world_ingress!();
    const group = aSecurityGroup({
      rules: [
        // Older, and flagged by the SSH check too (UDP 22 from anywhere), but not this change's.
        aRule({ ruleId: 'sgr-0older22', ipProtocol: 'udp', fromPort: 22, toPort: 22 }),
        aRule({ ruleId: 'sgr-0new22', fromPort: 22, toPort: 22 }),
        aRule({ ruleId: 'sgr-0new8080', fromPort: 8080, toPort: 8080 }),
      ],
    });
    const account = anAccount({ ec2: { [REGION]: anEc2Region({ securityGroups: known([group]) }) } });

    const result = planned(
      remediation.plan({ ...finding, evidence: { ...finding.evidence, ...undoRuleEvidence(undo.rules!) } }, account),
    );

    expect(result.calls).toEqual([
      {
        service: 'ec2',
        region: REGION,
        command: 'RevokeSecurityGroupIngress',
        input: { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-0new22', 'sgr-0new8080'] },
      },
    ]);
  });
});
