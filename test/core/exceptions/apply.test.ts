import { applyExceptions } from '../../../src/core/exceptions/apply';
import { evidenceDigest } from '../../../src/core/exceptions/baseline';
import { RiskExceptionSchema, type RiskException } from '../../../src/core/exceptions/model';
import type { Finding } from '../../../src/core/model';
import { NOW, OU_WORKLOADS, SANDBOX, aFinding, anException, at, daysFrom } from './builders';

const ids = (findings: readonly Finding[]) => findings.map((f) => f.resource.id);
const hiddenBy = (result: ReturnType<typeof applyExceptions>) =>
  result.excepted.map(({ finding, exception }) => [finding.resource.id, exception.id]);

describe('applyExceptions', () => {
  const a = aFinding({ bucket: 'a' });
  const b = aFinding({ bucket: 'b', checkId: 'iam_root_mfa_enabled' });
  const c = aFinding({ bucket: 'c' });

  it('when an exception in force covers failing findings, then they are hidden and the rest keep their order', () => {
    const e = anException();
    const result = applyExceptions([a, b, c], [e], at(NOW));
    expect(ids(result.shown)).toEqual(['b']);
    expect(hiddenBy(result)).toEqual([
      ['a', e.id],
      ['c', e.id],
    ]);
    expect(result.resurfaced).toEqual([]);
  });

  it('when a covered finding passes or is unknown, then it is always shown', () => {
    const passing = aFinding({ bucket: 'p', status: 'pass' });
    const unknown = aFinding({ bucket: 'u', status: 'unknown' });
    const result = applyExceptions([passing, a, unknown], [anException()], at(NOW));
    expect(ids(result.shown)).toEqual(['p', 'u']);
    expect(ids(result.excepted.map((x) => x.finding))).toEqual(['a']);
  });

  it('when there are no exceptions, then everything is shown', () => {
    expect(applyExceptions([a, b], [], at(NOW))).toEqual({ shown: [a, b], excepted: [], resurfaced: [] });
  });

  describe('expiry', () => {
    const expiresAt = '2026-11-01T12:00:00.000Z';
    it('when now is exactly the expiry, then the exception no longer applies; a millisecond before, it does', () => {
      const e = anException({ expiresAt });
      expect(ids(applyExceptions([a], [e], at(new Date(expiresAt))).shown)).toEqual(['a']);
      expect(ids(applyExceptions([a], [e], at(new Date(Date.parse(expiresAt) - 1))).shown)).toEqual([]);
    });

    it.each([
      ['+01:00', '2026-11-01T13:00:00+01:00'],
      ['-05:00', '2026-11-01T07:00:00.000-05:00'],
      ['+05:30', '2026-11-01T17:30:00+05:30'],
    ])('when the expiry is written with offset %s, then it is compared as the same instant', (_offset, written) => {
      const e = anException({ expiresAt: written });
      expect(ids(applyExceptions([a], [e], at(new Date(expiresAt))).shown)).toEqual(['a']);
      expect(ids(applyExceptions([a], [e], at(new Date(Date.parse(expiresAt) - 1))).shown)).toEqual([]);
    });

    it('when an expiry reads later as text but is earlier as an instant, then the instant decides', () => {
      // 20:00 in Tokyo is 11:00 UTC: an hour before NOW, although "…T20" sorts after "…T12".
      const e = anException({ expiresAt: '2026-11-01T20:00:00+09:00' });
      expect(ids(applyExceptions([a], [e], at(NOW)).shown)).toEqual(['a']);
    });

    it('when the expiry has no time zone or is not a time, then the exception hides nothing', () => {
      for (const expiresAt of ['2027-01-01T00:00:00', 'next tuesday', '']) {
        expect(ids(applyExceptions([a], [anException({ expiresAt })], at(NOW)).shown)).toEqual(['a']);
      }
    });
  });

  it.each(['pending', 'denied', 'revoked', 'expired', 'cancelled'] as const)(
    'when the exception is %s, then it hides nothing',
    (status) => {
      expect(ids(applyExceptions([a], [anException({ status })], at(NOW)).shown)).toEqual(['a']);
    },
  );

  describe('resurfacing', () => {
    const accepted = (f: Finding, over: Partial<RiskException['accepted'][number]> = {}) => ({
      findingId: f.id,
      severity: f.severity,
      evidence: evidenceDigest(f),
      ...over,
    });

    it('when a finding accepted at medium is now high, then it is shown again with the reason', () => {
      const e = anException({ accepted: [accepted(a)] });
      const worse = { ...a, severity: 'high' as const };
      const result = applyExceptions([worse, c], [e], at(NOW));
      expect(ids(result.shown)).toEqual(['a']);
      expect(result.resurfaced).toEqual([
        { finding: worse, exception: e, why: 'severity rose from medium to high since the risk was accepted' },
      ]);
      expect(ids(result.excepted.map((x) => x.finding))).toEqual(['c']);
    });

    it('when its severity went down, then it stays hidden', () => {
      const e = anException({ accepted: [accepted(a)] });
      expect(applyExceptions([{ ...a, severity: 'low' }], [e], at(NOW)).shown).toEqual([]);
    });

    it('when its evidence changed, then it is shown again with the reason', () => {
      const e = anException({ accepted: [accepted(a)] });
      const changed = { ...a, evidence: { missing: ['blockPublicAcls', 'blockPublicPolicy'], configured: true } };
      const result = applyExceptions([changed], [e], at(NOW));
      expect(result.shown).toEqual([changed]);
      expect(result.resurfaced.map((r) => r.why)).toEqual(['the evidence changed since the risk was accepted']);
    });

    it('when both changed, then the reason says both', () => {
      const e = anException({ accepted: [accepted(a)] });
      const result = applyExceptions([{ ...a, severity: 'critical', evidence: {} }], [e], at(NOW));
      expect(result.resurfaced.map((r) => r.why)).toEqual([
        'severity rose from medium to critical and the evidence changed since the risk was accepted',
      ]);
    });

    it('when only a day-counting evidence key grew, then the finding stays hidden', () => {
      const key = aFinding({
        bucket: 'alice',
        checkId: 'iam_user_access_key_rotated',
        evidence: { user: 'alice', keyNumber: 1, lastRotated: '2026-04-15T12:00:00.000Z', ageDays: 199 },
      });
      const e = anException({ scope: { accounts: ['*'], checks: ['iam_*'] }, accepted: [accepted(key)] });
      const dayLater = { ...key, evidence: { ...key.evidence, ageDays: 200 }, observedAt: daysFrom(1) };
      const result = applyExceptions([dayLater], [e], at(new Date(daysFrom(1))));
      expect(result.shown).toEqual([]);
      expect(result.excepted).toHaveLength(1);
    });

    it('when the baseline digest is of another version, then the finding is shown again (cannot compare)', () => {
      const e = anException({ accepted: [accepted(a, { evidence: 'ev0:abc' })] });
      const result = applyExceptions([a], [e], at(NOW));
      expect(result.resurfaced.map((r) => r.why)).toEqual([
        'the evidence can no longer be compared (cloudsec changed how it records evidence) since the risk was accepted',
      ]);
    });

    it('when a new resource matches the scope but not the baseline, then it is hidden (what patterns are for)', () => {
      const e = anException({
        scope: { accounts: ['*'], checks: ['s3_*'], resources: ['arn:aws:s3:::*'] },
        accepted: [accepted(a)],
      });
      const result = applyExceptions([a, c], [e], at(NOW));
      expect(result.shown).toEqual([]);
      expect(ids(result.excepted.map((x) => x.finding))).toEqual(['a', 'c']);
    });

    it('when a config exception (empty baseline) covers a finding whose evidence and severity changed, then it stays hidden', () => {
      const e = anException({ id: 'cfg_web', source: 'config', accepted: [] });
      const result = applyExceptions([{ ...a, severity: 'critical', evidence: { other: true } }], [e], at(NOW));
      expect(result.shown).toEqual([]);
      expect(result.excepted.map((x) => x.exception.id)).toEqual(['cfg_web']);
    });
  });

  describe('overlapping exceptions', () => {
    const early = anException({ id: 'ex_b', expiresAt: daysFrom(10) });
    const late = anException({ id: 'ex_c', expiresAt: daysFrom(20) });
    const sameLate = anException({ id: 'ex_a', expiresAt: '2026-11-21T13:00:00+01:00' }); // = daysFrom(20)

    it('when several cover a finding, then the one expiring last hides it, whatever their order', () => {
      expect(hiddenBy(applyExceptions([a], [early, late], at(NOW)))).toEqual([['a', 'ex_c']]);
      expect(hiddenBy(applyExceptions([a], [late, early], at(NOW)))).toEqual([['a', 'ex_c']]);
    });

    it('when they expire at the same instant (written differently), then the smallest id wins', () => {
      expect(hiddenBy(applyExceptions([a], [late, sameLate, early], at(NOW)))).toEqual([['a', 'ex_a']]);
      expect(hiddenBy(applyExceptions([a], [early, sameLate, late], at(NOW)))).toEqual([['a', 'ex_a']]);
    });

    it('when the chosen one has a baseline the finding outgrew, then it resurfaces under that one', () => {
      const strict = anException({
        id: 'ex_z',
        expiresAt: daysFrom(40),
        accepted: [{ findingId: a.id, severity: 'low', evidence: evidenceDigest(a) }],
      });
      const result = applyExceptions([a], [early, strict], at(NOW));
      expect(result.resurfaced.map((r) => [r.exception.id, r.why])).toEqual([
        ['ex_z', 'severity rose from low to medium since the risk was accepted'],
      ]);
    });

    it('when the one expiring last is not in force, then the next one in force hides the finding', () => {
      const revoked = anException({ id: 'ex_0', status: 'revoked', expiresAt: daysFrom(60) });
      expect(hiddenBy(applyExceptions([a], [revoked, early], at(NOW)))).toEqual([['a', 'ex_b']]);
    });
  });

  describe('fail closed', () => {
    it('when the scope needs data cloudsec lacks (tags, OU path), then the finding stays visible', () => {
      const tagsUnknown = aFinding({ bucket: 'x', resource: { type: 'AwsS3Bucket', id: 'x', arn: null } });
      const inSandbox = aFinding({ bucket: 'y', accountId: SANDBOX });
      const byTag = anException({ scope: { accounts: ['*'], checks: ['s3_*'], tags: { team: '*' } } });
      const byOu = anException({ scope: { ous: [OU_WORKLOADS], checks: ['s3_*'] } });
      expect(ids(applyExceptions([tagsUnknown, a], [byTag], at(NOW)).shown)).toEqual(['x']);
      expect(ids(applyExceptions([inSandbox, a], [byOu], at(NOW)).shown)).toEqual(['y']);
    });

    it('when an exception row has a scope of an unexpected shape, then the schema rejects it and it hides nothing', () => {
      const corrupted: unknown[] = [
        { accounts: '111111111111', checks: ['s3_*'] },
        { accounts: ['111111111111'], checks: 's3_*' },
        { accounts: ['111111111111'] },
        { checks: ['*'] },
        { accounts: ['111111111111'], checks: ['*'], everything: true },
        { accounts: ['11111111111*'], checks: ['*'] },
        { accounts: ['*'], checks: [''] },
        { accounts: ['*'], checks: ['*'], tags: { team: 7 } },
        null,
        'all',
      ];
      for (const scope of corrupted) {
        const row = { ...anException(), scope } as unknown as RiskException;
        expect({ scope, parsed: RiskExceptionSchema.safeParse(row).success }).toEqual({ scope, parsed: false });
        const result = applyExceptions([a], [row], at(NOW));
        expect({ scope, shown: ids(result.shown) }).toEqual({ scope, shown: ['a'] });
      }
    });

    it('when a well-formed row is parsed, then the schema accepts it (the rejection above is about the shape)', () => {
      expect(RiskExceptionSchema.safeParse(anException()).success).toBe(true);
    });

    it('when no exception is in force, then nothing is ever hidden, whatever the scopes', () => {
      const notInForce = [
        anException({ status: 'pending', scope: { accounts: ['*'], checks: ['*'] } }),
        anException({ expiresAt: daysFrom(-1), scope: { accounts: ['*'], checks: ['*'] } }),
        anException({ status: 'revoked', scope: { accounts: ['*'], checks: ['*'] } }),
      ];
      const findings = [a, b, c];
      const result = applyExceptions(findings, notInForce, at(NOW));
      expect(result).toEqual({ shown: findings, excepted: [], resurfaced: [] });
    });
  });
});
