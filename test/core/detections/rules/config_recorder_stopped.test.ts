import detection from '../../../../src/core/detections/rules/config_recorder_stopped';
import { alertOf, fixture, rawFixture, parsed, severityOf } from './exposure-harness';

describe('config_recorder_stopped', () => {
  it("when the recorder is stopped, then it alerts high on the region's Config setting, without Undo (no remediation exists)", () => {
    const m = alertOf(detection, fixture('stop-configuration-recorder'));

    expect(m.summary).toBe(
      'stopped AWS Config recorder `default`: configuration changes in eu-west-1 are no longer recorded',
    );
    expect(severityOf(detection, m)).toBe('high');
    expect(m.resource).toEqual({
      type: 'AwsAccount',
      id: '111122223333/eu-west-1/config-recorder',
      arn: null,
      region: 'eu-west-1',
    });
    expect(m.undo).toBeUndefined();
  });

  it('when the recorder is deleted and the record names none, then it still alerts', () => {
    const raw = rawFixture('stop-configuration-recorder');
    const m = alertOf(detection, parsed({ ...raw, eventName: 'DeleteConfigurationRecorder', requestParameters: null }));

    expect(m.summary).toMatch(/^deleted AWS Config recorder a recorder the record does not name/);
  });

  it('when the record is from another service with the same name, then it is not judged', () => {
    const raw = rawFixture('stop-configuration-recorder');

    expect(detection.match(parsed({ ...raw, eventSource: 'example.amazonaws.com' }))).toBeNull();
  });
});
