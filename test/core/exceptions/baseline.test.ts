import { readSnapshotFile } from '../../../src/app/snapshot-source';
import { CHECKS } from '../../../src/core/checks';
import {
  EVIDENCE_DIGEST_VERSION,
  acceptedBaseline,
  canonicalEvidence,
  evidenceDigest,
} from '../../../src/core/exceptions/baseline';
import { AcceptedFindingSchema } from '../../../src/core/exceptions/model';
import { evaluateChecks } from '../../../src/core/findings';
import { SERVICES, type Finding, type Snapshot } from '../../../src/core/model';
import { demoSnapshotPath } from '../../../src/paths';
import { SAMPLES } from '../../fixtures/remediation-builders';
import { aSnapshot } from '../../fixtures/snapshot-builders';
import { NOW, aFinding } from './builders';

const digestOf = (evidence: Record<string, unknown>) => evidenceDigest({ evidence });

describe('evidenceDigest', () => {
  const rule = { ruleId: 'sgr-0ssh', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' };

  it('when the evidence is the same, then the digest is the same, versioned and 64 hex digits long', () => {
    const digest = digestOf({ groupName: 'bastion', rules: [rule] });
    expect(digest).toBe(digestOf({ groupName: 'bastion', rules: [rule] }));
    expect(digest).toMatch(new RegExp(`^${EVIDENCE_DIGEST_VERSION}:[0-9a-f]{64}$`));
    expect(AcceptedFindingSchema.shape.evidence.safeParse(digest).success).toBe(true);
  });

  it('when keys come in another order, at any depth, then the digest is the same', () => {
    expect(digestOf({ a: 1, b: { x: 1, y: [1, 2] } })).toBe(digestOf({ b: { y: [1, 2], x: 1 }, a: 1 }));
  });

  it('when AWS lists the same rules in another order, then the digest is the same', () => {
    const other = { ...rule, ruleId: 'sgr-0rdp', fromPort: 3389, toPort: 3389 };
    expect(digestOf({ rules: [rule, other], ports: [22, 3389] })).toBe(
      digestOf({ rules: [other, rule], ports: [3389, 22] }),
    );
  });

  it('when a key is set to undefined rather than left out, then the digest is the same', () => {
    expect(digestOf({ a: 1, b: undefined })).toBe(digestOf({ a: 1 }));
  });

  describe('time that passes without the risk changing', () => {
    it('when an access key is one day older, then the digest is the same', () => {
      const today = { user: 'alice', keyNumber: 1, lastRotated: '2026-04-15T12:00:00.000Z', ageDays: 199 };
      expect(digestOf({ ...today, ageDays: 200 })).toBe(digestOf(today));
    });
    it('when the last root use is one day further back, then the digest is the same', () => {
      const uses = { lastUsed: { password: '2026-10-29T12:00:00.000Z' }, mostRecentUse: '2026-10-29T12:00:00.000Z' };
      expect(digestOf({ ...uses, daysAgo: 4 })).toBe(digestOf({ ...uses, daysAgo: 3 }));
    });
    it('when an unused credential has been idle one more day, then the digest is the same', () => {
      const idle = (idleDays: number) => ({
        unused: [{ credential: 'password', lastUsed: null, idleSince: '2026-07-04T12:00:00.000Z', idleDays }],
      });
      expect(digestOf(idle(120))).toBe(digestOf(idle(119)));
    });
    it('when AWS Config attempted another delivery, then the digest is the same (deep key)', () => {
      const channel = (lastAttemptTime: string) => ({
        deliveryChannels: [{ name: 'default', status: { history: { lastStatus: 'Failure', lastAttemptTime } } }],
      });
      expect(digestOf(channel('2026-11-02T12:00:00.000Z'))).toBe(digestOf(channel('2026-11-01T12:00:00.000Z')));
    });
    it('when Security Hub re-evaluated the finding and cloudsec suppressed it, then the digest is the same', () => {
      const hub = { securityHubId: 'arn:x', complianceStatus: 'FAILED', generatorId: 'security-control/S3.8' };
      expect(digestOf({ ...hub, workflowStatus: 'SUPPRESSED', updatedAt: '2026-11-02T00:00:00.000Z' })).toBe(
        digestOf({ ...hub, workflowStatus: 'NEW', updatedAt: '2026-10-30T12:00:00.000Z' }),
      );
    });
    it('when GuardDuty counted other findings, then the digest of a suspended detector is the same', () => {
      const detector = { detectorId: 'd-1', status: 'DISABLED' };
      expect(digestOf({ ...detector, openFindingsBySeverity: { high: 2 } })).toBe(
        digestOf({ ...detector, openFindingsBySeverity: { high: 0 } }),
      );
    });
  });

  describe('changes of the risk itself', () => {
    it('when a port changes, then the digest changes', () => {
      expect(digestOf({ rules: [{ ...rule, fromPort: 3389, toPort: 3389 }] })).not.toBe(digestOf({ rules: [rule] }));
    });
    it('when the principal changes, then the digest changes', () => {
      const grant = { principal: { AWS: '444455556666' }, actions: ['s3:GetObject'] };
      expect(digestOf({ ...grant, principal: { AWS: '*' } })).not.toBe(digestOf(grant));
    });
    it('when an action is added, then the digest changes', () => {
      const grant = { principal: { AWS: '*' }, actions: ['s3:GetObject'] };
      expect(digestOf({ ...grant, actions: ['s3:GetObject', 's3:PutObject'] })).not.toBe(digestOf(grant));
    });
    it('when an access key is rotated or the root user is used again, then the digest changes', () => {
      expect(digestOf({ lastRotated: '2026-11-01T00:00:00.000Z', ageDays: 0 })).not.toBe(
        digestOf({ lastRotated: '2026-04-15T12:00:00.000Z', ageDays: 0 }),
      );
      expect(digestOf({ mostRecentUse: '2026-11-01T00:00:00.000Z' })).not.toBe(
        digestOf({ mostRecentUse: '2026-10-29T12:00:00.000Z' }),
      );
    });
    it('when a value changes type ("22" vs 22, null vs absent), then the digest changes', () => {
      expect(digestOf({ port: '22' })).not.toBe(digestOf({ port: 22 }));
      expect(digestOf({ kmsKeyId: null })).not.toBe(digestOf({}));
    });
    it('when an array holds the same item a different number of times, then the digest changes', () => {
      expect(digestOf({ ports: [22, 22] })).not.toBe(digestOf({ ports: [22] }));
    });
  });

  it('when evidence holds values JSON cannot spell, then they are still told apart', () => {
    expect(canonicalEvidence({ n: Number.NaN })).not.toBe(canonicalEvidence({ n: null }));
    expect(canonicalEvidence({ d: new Date('2026-01-01T00:00:00Z') })).toContain('2026-01-01T00:00:00.000Z');
  });
});

describe('evidenceDigest on what the checks emit', () => {
  const estates: Record<string, Snapshot> = {
    demo: readSnapshotFile(demoSnapshotPath()),
    ...Object.fromEntries(Object.entries(SAMPLES).map(([id, s]) => [`sample ${id}`, aSnapshot([s().account])])),
  };
  const scan = (snapshot: Snapshot, now: Date) => evaluateChecks(CHECKS, snapshot, now, { services: [...SERVICES] });
  const failing = (findings: Finding[]) => new Map(findings.filter((f) => f.status === 'fail').map((f) => [f.id, f]));

  it.each([1, 7])(
    'when the same estate is scanned %i day(s) later, then no finding that still fails gets another digest',
    (days) => {
      const later = new Date(NOW.getTime() + days * 86_400_000);
      let compared = 0;
      let rawChanged = 0;
      for (const snapshot of Object.values(estates)) {
        const before = failing(scan(snapshot, NOW));
        for (const [id, after] of failing(scan(snapshot, later))) {
          const was = before.get(id);
          if (!was) continue;
          compared += 1;
          if (JSON.stringify(was.evidence) !== JSON.stringify(after.evidence)) rawChanged += 1;
          expect({ id: after.checkId, digest: evidenceDigest(after) }).toEqual({
            id: was.checkId,
            digest: evidenceDigest(was),
          });
        }
      }
      // The estates exercise the rule: many findings, some of whose raw evidence did age.
      expect(compared).toBeGreaterThan(100);
      expect(rawChanged).toBeGreaterThan(0);
    },
  );
});

describe('acceptedBaseline', () => {
  it('when given covered findings, then it records each failing one once with its severity and digest', () => {
    const a = aFinding({ bucket: 'a', severity: 'high' });
    const b = aFinding({ bucket: 'b', evidence: { missing: ['blockPublicPolicy'] } });
    const passing = aFinding({ bucket: 'c', status: 'pass' });
    const unknown = aFinding({ bucket: 'd', status: 'unknown' });
    expect(acceptedBaseline([a, b, passing, unknown, a])).toEqual([
      { findingId: a.id, severity: 'high', evidence: evidenceDigest(a) },
      { findingId: b.id, severity: 'medium', evidence: evidenceDigest(b) },
    ]);
  });
});
