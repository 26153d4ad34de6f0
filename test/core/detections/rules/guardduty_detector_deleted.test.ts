import detection from '../../../../src/core/detections/rules/guardduty_detector_deleted';
import { alertOf, fixture, severityOf, withRequest } from './exposure-harness';

const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';

describe('guardduty_detector_deleted', () => {
  it('when the detector is deleted, then it alerts critical and Undo turns GuardDuty back on for the region', () => {
    const m = alertOf(detection, fixture('delete-detector'));

    expect(m.summary).toBe(
      `deleted GuardDuty detector \`${DETECTOR}\`: GuardDuty is off in eu-west-1, and its findings there are gone`,
    );
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.resource).toEqual({
      type: 'AwsGuardDutyDetector',
      id: DETECTOR,
      arn: `arn:aws:guardduty:eu-west-1:111122223333:detector/${DETECTOR}`,
      region: 'eu-west-1',
    });
    // The finding guardduty_detector_enabled names: the region's GuardDuty setting.
    expect(m.undo).toEqual(
      expect.objectContaining({
        remediationId: 'guardduty_enable_detector',
        checkId: 'guardduty_detector_enabled',
        resource: { type: 'AwsAccount', id: '111122223333/eu-west-1/guardduty', arn: null, region: 'eu-west-1' },
      }),
    );
  });

  it('when the detector is suspended (enable false), then it alerts high', () => {
    const m = alertOf(detection, fixture('update-detector-suspend'));

    expect(m.summary).toBe(`suspended GuardDuty detector \`${DETECTOR}\`: nothing is analysed in eu-west-1 any more`);
    expect(severityOf(detection, m)).toBe('high');
  });

  it('when UpdateDetector enables it or changes other settings, then it does not alert', () => {
    expect(detection.match(withRequest('update-detector-suspend', (rp) => ({ ...rp, enable: true })))).toBeNull();
    expect(
      detection.match(
        withRequest('update-detector-suspend', (rp) => ({
          detectorId: rp.detectorId,
          findingPublishingFrequency: 'SIX_HOURS',
        })),
      ),
    ).toBeNull();
  });

  it('when enable is neither true nor false, then it is read as a suspension and says so', () => {
    const m = alertOf(
      detection,
      withRequest('update-detector-suspend', (rp) => ({ ...rp, enable: 'off' })),
    );

    expect(m.details?.at(-1)).toBe(
      'The record\'s enable value ("off") is neither true nor false; read as a suspension.',
    );
  });
});
