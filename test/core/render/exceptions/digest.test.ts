import {
  acceptedRisksLine,
  expiredLines,
  expiringLines,
  staleLines,
  type AcceptedRiskDigestEntry,
} from '../../../../src/core/render/blocks/exceptions';
import { EX_ID, HOSTILE, expectEscapedOnce } from './builders';

const risk = (over: Partial<AcceptedRiskDigestEntry> = {}): AcceptedRiskDigestEntry => ({
  id: EX_ID,
  source: 'slack',
  owner: { id: 'U0OWNER1' },
  expiresAt: '2026-11-05T23:59:59.999Z',
  daysLeft: 4,
  findings: 3,
  ...over,
});

describe('digest lines', () => {
  it('when findings are hidden, then one line counts them and the exceptions', () => {
    expect(acceptedRisksLine({ hidden: 14, exceptions: 3 })).toBe(
      ':shield: *Accepted risks*: 14 findings hidden by 3 exceptions',
    );
    expect(acceptedRisksLine({ hidden: 0, exceptions: 0 })).toBeNull();
  });

  it('when some expire within 7 days, then they are listed with owner, day and what they hide', () => {
    expect(
      expiringLines([risk(), risk({ id: 'cfg_x', source: 'config', owner: { id: 'Dana', name: 'Dana' } })]),
    ).toEqual([
      ':hourglass_flowing_sand: *Expiring within 7 days*: 2',
      `• \`${EX_ID}\` · owner <@U0OWNER1> · ends 2026-11-05 23:59 UTC (4 days left) · hides 3 findings`,
      '• `cfg_x` (cloudsec.yml) · owner `Dana` · ends 2026-11-05 23:59 UTC (4 days left) · hides 3 findings',
    ]);
  });

  it('when some expired, then the heading is loud and says the findings are shown again', () => {
    const lines = expiredLines([risk({ daysLeft: 0, findings: 1 })]);
    expect(lines[0]).toBe(
      ':rotating_light: *1 accepted risk expired*: its findings are *shown again* until fixed or accepted again.',
    );
    expect(lines[1]).toContain('ended 2026-11-05 23:59 UTC · 1 finding back');
  });

  it('when some are stale, then they are said to match nothing any more', () => {
    expect(staleLines([risk(), risk()])[0]).toBe(':zzz: *Stale*: 2 accepted risks match nothing any more');
  });

  it('when lists are long, then at most max are named and the rest counted', () => {
    const lines = expiringLines(
      Array.from({ length: 9 }, () => risk()),
      { max: 3 },
    );
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('• …and 6 more');
  });

  it('when a list is empty, then it adds no lines', () => {
    expect(expiringLines([])).toEqual([]);
    expect(expiredLines([])).toEqual([]);
    expect(staleLines([])).toEqual([]);
  });

  it('when owners and ids are hostile, then the lines are escaped', () => {
    const text = [
      ...expiringLines([risk({ id: HOSTILE, owner: { id: HOSTILE, name: HOSTILE }, expiresAt: HOSTILE })]),
      ...staleLines([risk({ owner: { id: '<!channel>' }, expiresAt: HOSTILE })]),
      ...expiredLines([risk({ id: HOSTILE, expiresAt: HOSTILE })]),
    ].join('\n');
    expectEscapedOnce(text);
    expect(text).toContain('&lt;!channel&gt;');
  });
});
