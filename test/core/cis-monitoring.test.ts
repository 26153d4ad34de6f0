import { CIS_MONITORING_CONTROLS, cisMonitoringControl } from '../../src/core/cis-monitoring';
import { coversCisPattern, filterPatternDnf } from '../../src/core/metric-filter-pattern';

const requirementOf = (cis: string) => {
  const control = cisMonitoringControl(cis);
  if (!control) throw new Error(`no control ${cis}`);
  return control.requirement;
};

describe('CIS_MONITORING_CONTROLS', () => {
  it('when listed, then they are CIS v3.0.0 4.1 to 4.15 in order (4.16 is Security Hub, not a metric filter)', () => {
    expect(CIS_MONITORING_CONTROLS.map((c) => c.cis)).toEqual(Array.from({ length: 15 }, (_, i) => `4.${i + 1}`));
  });

  it('when mapped to Security Hub, then 4.1–4.14 are CloudWatch.1–14 as AWS maps them and 4.15 has none', () => {
    expect(Object.fromEntries(CIS_MONITORING_CONTROLS.map((c) => [c.cis, c.securityHub]))).toEqual({
      '4.1': 'CloudWatch.2',
      '4.2': 'CloudWatch.3',
      '4.3': 'CloudWatch.1',
      '4.4': 'CloudWatch.4',
      '4.5': 'CloudWatch.5',
      '4.6': 'CloudWatch.6',
      '4.7': 'CloudWatch.7',
      '4.8': 'CloudWatch.8',
      '4.9': 'CloudWatch.9',
      '4.10': 'CloudWatch.10',
      '4.11': 'CloudWatch.11',
      '4.12': 'CloudWatch.12',
      '4.13': 'CloudWatch.13',
      '4.14': 'CloudWatch.14',
      '4.15': null,
    });
  });

  it('when check ids are given, then they are unique and read cloudwatch_<events>_monitored', () => {
    const ids = CIS_MONITORING_CONTROLS.map((c) => c.checkId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^cloudwatch_[a-z0-9_]+_monitored$/);
  });

  it.each(CIS_MONITORING_CONTROLS.map((c) => [c.cis, c] as const))(
    'when CIS %s is read, then its requirement is a JSON pattern and each allowed narrowing is one term',
    (_cis, control) => {
      expect(filterPatternDnf(control.requirement.pattern).ok).toBe(true);
      for (const narrowing of control.requirement.allowedNarrowings) {
        const dnf = filterPatternDnf(narrowing);
        expect(dnf.ok && dnf.conjunctions.length === 1 && dnf.conjunctions[0]?.length === 1).toBe(true);
      }
      expect(control.title).not.toMatch(/^Ensure/);
      expect(control.events.length).toBeGreaterThan(0);
    },
  );

  it('when one control’s benchmark text is used as another’s filter, then it does not cover it (the events differ)', () => {
    const crossCovers = CIS_MONITORING_CONTROLS.flatMap((filterControl) =>
      filterControl.benchmarkPatterns.flatMap((pattern) =>
        CIS_MONITORING_CONTROLS.filter(
          (c) => c.cis !== filterControl.cis && coversCisPattern(pattern, c.requirement).covers,
        ).map((c) => `${filterControl.cis} covers ${c.cis}`),
      ),
    );
    // The literal 4.1 text included: its `($.eventName!=HeadBucket)` disjunct matches nearly every event,
    // including every other control's, but a catch-all disjunct is no alarm on them and never counts.
    expect(crossCovers).toEqual([]);
  });

  it('when 4.1 is watched only through one of its allowed exclusions, then it does not cover: that matches almost everything', () => {
    const result = coversCisPattern('{ $.eventName != HeadBucket }', requirementOf('4.1'));
    expect(result).toMatchObject({ covers: false, catchAll: ['$.eventName != "HeadBucket"'] });
  });

  it('when looked up by id, then the control is found, and an unknown id finds nothing', () => {
    expect(cisMonitoringControl('4.3')?.checkId).toBe('cloudwatch_root_usage_monitored');
    expect(cisMonitoringControl('4.16')).toBeUndefined();
  });
});
