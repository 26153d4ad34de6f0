import check from '../../../../src/core/checks/guardduty/guardduty_detector_enabled';
import { known, missing } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { DETECTOR_ID, aDetector, aGuardDutyRegion, anAccountWithGuardDuty } from '../../../fixtures/builders/guardduty';
import { accessDenied, anAccount, denied } from '../../../fixtures/snapshot-builders';

const twoRegions = (euWest: ReturnType<typeof aGuardDutyRegion>) =>
  anAccountWithGuardDuty({ 'us-east-1': aGuardDutyRegion(), 'eu-west-1': euWest });

describe('guardduty_detector_enabled', () => {
  it('when every region has an enabled detector, then each region passes with its open findings by severity', () => {
    const account = anAccountWithGuardDuty({
      'us-east-1': aGuardDutyRegion({
        detector: known(aDetector({ findingsBySeverity: known({ critical: 0, high: 2, medium: 1, low: 0 }) })),
      }),
    });

    const results = run(check, account);

    expect(statuses(results)).toEqual(['111111111111/us-east-1/guardduty:pass']);
    expect(results[0]!.message).toBe(
      `GuardDuty is on in us-east-1 (detector ${DETECTOR_ID}); open findings: 2 high, 1 medium.`,
    );
    expect(results[0]!.evidence).toMatchObject({
      detectorId: DETECTOR_ID,
      openFindingsBySeverity: { critical: 0, high: 2, medium: 1, low: 0 },
    });
  });

  it('when a region has no detector, then only that region fails as off', () => {
    const results = run(check, twoRegions(aGuardDutyRegion({ detector: known(null) })));

    expect(statuses(results)).toEqual([
      '111111111111/us-east-1/guardduty:pass',
      '111111111111/eu-west-1/guardduty:fail',
    ]);
    expect(results[1]).toMatchObject({
      region: 'eu-west-1',
      message: 'GuardDuty is off in eu-west-1: the region has no GuardDuty detector.',
      evidence: { detectorId: null },
    });
  });

  it('when the detector is suspended, then the region fails naming the detector', () => {
    const results = run(check, twoRegions(aGuardDutyRegion({ detector: known(aDetector({ status: 'DISABLED' })) })));

    expect(results[1]).toMatchObject({ status: 'fail', evidence: { detectorId: DETECTOR_ID, status: 'DISABLED' } });
    expect(results[1]!.message).toContain(`detector ${DETECTOR_ID} exists but is disabled`);
  });

  it('when the detector list is refused, then the region is unknown naming the permission, never off', () => {
    const results = run(check, twoRegions({ detector: denied('guardduty:ListDetectors') }));

    expect(results[1]).toMatchObject({
      status: 'unknown',
      region: 'eu-west-1',
      evidence: { missingPermission: 'guardduty:ListDetectors' },
    });
  });

  it('when only the findings count is refused, then the region still passes and the evidence says why the count is missing', () => {
    const detector = aDetector({ findingsBySeverity: denied('guardduty:GetFindingsStatistics') });

    const [result] = run(
      check,
      anAccountWithGuardDuty({ 'us-east-1': aGuardDutyRegion({ detector: known(detector) }) }),
    );

    expect(result).toMatchObject({ status: 'pass', evidence: { openFindingsBySeverity: null } });
    expect(result!.message).toContain('its open findings could not be counted');
    expect(String(result!.evidence.openFindingsUnknown)).toContain('guardduty:GetFindingsStatistics');
  });

  it('when the region is an opt-in region the account has not enabled, then it is unknown saying so', () => {
    const optIn = missing<null>({
      ...accessDenied('guardduty:ListDetectors'),
      region: 'ap-east-1',
      code: 'UnrecognizedClientException',
      kind: 'region-unavailable',
    });

    const [result] = run(check, anAccountWithGuardDuty({ 'ap-east-1': { detector: optIn } }));

    expect(result).toMatchObject({ status: 'unknown' });
    expect(result!.message).toContain('region ap-east-1 is not enabled');
  });

  it('when GuardDuty was not collected, then the check is unknown, not passing', () => {
    const [result] = run(check, anAccount());

    expect(result).toMatchObject({ status: 'unknown', evidence: { notCollected: ['guardduty'] } });
  });
});
