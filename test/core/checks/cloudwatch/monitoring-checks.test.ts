import { CIS_MONITORING_CONTROLS } from '../../../../src/core/cis-monitoring';
import { CLOUDWATCH_CHECKS } from '../../../../src/core/checks/cloudwatch';
import { GLOBAL_REGION, known } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { aMonitoredAccount, cisAlarm, cisFilter, withLogGroup } from '../../../fixtures/builders/cloudwatch';
import { ACCOUNT_ID, anAccount, denied } from '../../../fixtures/snapshot-builders';

/** Every one of the fifteen CIS 4.x checks behaves alike on the chain; these run each of them. */
const cases = CIS_MONITORING_CONTROLS.map((control) => {
  const check = CLOUDWATCH_CHECKS.find((c) => c.id === control.checkId);
  if (!check) throw new Error(`${control.checkId} is not in CLOUDWATCH_CHECKS`);
  return [control.cis, control, check] as const;
});

describe('the CIS 4.x monitoring checks', () => {
  it('lists one check per CIS 4.x control, carrying its CIS and Security Hub ids', () => {
    expect(CLOUDWATCH_CHECKS.map((c) => c.id)).toEqual(CIS_MONITORING_CONTROLS.map((c) => c.checkId));
    for (const [, control, check] of cases) {
      expect(check.frameworks).toEqual({ cis: control.cis, securityHub: control.securityHub });
      expect(check.requires).toEqual(['cloudwatch', 'cloudtrail']);
    }
  });

  describe.each(cases)('%s', (_cis, control, check) => {
    it('when a filter with the benchmark pattern feeds an alarm notifying a subscribed topic, then the account passes', () => {
      const results = run(check, aMonitoredAccount());
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        status: 'pass',
        resource: { type: 'AwsAccount', id: ACCOUNT_ID },
        region: GLOBAL_REGION,
        evidence: { alarm: `${control.checkId}-alarm`, confirmedSubscribers: 1 },
      });
      expect(results[0]!.message).toContain(control.events);
    });

    it.each(control.benchmarkPatterns.map((p) => [p]))(
      'when the filter is written as the benchmark prints it (text %#), then it passes',
      (pattern) => {
        const filter = { ...cisFilter(control), pattern };
        const account = aMonitoredAccount({
          cloudwatch: withLogGroup({ metricFilters: known([filter]), alarms: known([cisAlarm(control)]) }),
        });
        expect(run(check, account)[0]!.status).toBe('pass');
      },
    );

    it("when only another control's filter is on the log group, then the account fails naming the events", () => {
      const other = CIS_MONITORING_CONTROLS.find((c) => c.cis !== control.cis && c.cis !== '4.13' && c.cis !== '4.1')!;
      const account = aMonitoredAccount({
        cloudwatch: withLogGroup({ metricFilters: known([cisFilter(other)]), alarms: known([cisAlarm(other)]) }),
      });
      const [result] = run(check, account);
      expect(result!.status).toBe('fail');
      expect(result!.message).toContain(`no metric filter on log group aws-cloudtrail-logs-org-trail`);
      expect(result!.message).toContain(control.events);
    });

    it('when DescribeMetricFilters was refused, then the account is unknown naming logs:DescribeMetricFilters', () => {
      const account = aMonitoredAccount({
        cloudwatch: withLogGroup({ metricFilters: denied('logs:DescribeMetricFilters') }),
      });
      const [result] = run(check, account);
      expect(result).toMatchObject({
        status: 'unknown',
        evidence: { missingPermission: 'logs:DescribeMetricFilters' },
      });
    });

    it('when the snapshot holds no cloudwatch slice, then the check is unknown, never skipped', () => {
      const [result] = run(check, anAccount());
      expect(result).toMatchObject({ status: 'unknown', evidence: { notCollected: ['cloudwatch'] } });
    });
  });
});
