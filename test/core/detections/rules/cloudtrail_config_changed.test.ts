import cloudtrailConfigChanged from '../../../../src/core/detections/rules/cloudtrail_config_changed';
import { matched, record, refused, run, setAt } from './cis-fixtures';

describe('cloudtrail_config_changed (CIS 4.5)', () => {
  it('when a trail named by ARN is stopped, then a high alert on that trail with Undo to start it again', () => {
    const m = matched(cloudtrailConfigChanged, record('cloudtrail-stoplogging-arn'));
    const trail = {
      type: 'AwsCloudTrailTrail',
      id: 'main',
      arn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/main',
      region: 'us-east-1',
    };
    expect(m.summary).toBe('stopped logging on trail `main`: API activity is no longer recorded by it');
    expect(m.severity).toBe('high');
    expect(m.resource).toEqual(trail);
    expect(m.undo).toEqual({
      remediationId: 'cloudtrail_start_logging',
      checkId: 'cloudtrail_trail_logging',
      resource: trail,
      description: 'Start logging on trail `main` again',
    });
  });

  it('when a trail named by name is stopped, then its ARN is the one in its home region (where StopLogging must be called)', () => {
    const m = matched(cloudtrailConfigChanged, record('cloudtrail-stoplogging-name'));
    expect(m.resource).toEqual({
      type: 'AwsCloudTrailTrail',
      id: 'org-audit',
      arn: 'arn:aws:cloudtrail:eu-central-1:123456789012:trail/org-audit',
      region: 'eu-central-1',
    });
    expect(m.undo?.resource).toEqual(m.resource);
  });

  it('when the record does not name the trail, then it still alerts (the event is the signal) but offers no Undo', () => {
    const m = matched(
      cloudtrailConfigChanged,
      record('cloudtrail-stoplogging-name', (raw) => (raw['requestParameters'] = null)),
    );
    expect(m.summary).toBe(
      'stopped logging on a trail the record does not name: API activity is no longer recorded by it',
    );
    expect(m.undo).toBeUndefined();
    expect(m.details).toEqual([expect.stringContaining('requestParameters.name')]);
  });

  it('when the record has no region, then no Undo (a trail cannot be started without knowing where)', () => {
    const m = matched(
      cloudtrailConfigChanged,
      record('cloudtrail-stoplogging-name', (raw) => setAt(raw, 'awsRegion', undefined)),
    );
    expect(m.resource.region).toBe('unknown');
    expect(m.resource.arn).toBeNull();
    expect(m.undo).toBeUndefined();
  });

  it('when a trail is deleted, then high, without Undo (no remediation recreates a trail)', () => {
    const m = matched(cloudtrailConfigChanged, record('cloudtrail-deletetrail'));
    expect(m.summary).toBe('deleted trail `main`: API activity is no longer recorded by it');
    expect(m.severity).toBe('high');
    expect(m.undo).toBeUndefined();
  });

  it('when a trail is redirected to another bucket and one region, then the details say so', () => {
    const m = matched(cloudtrailConfigChanged, record('cloudtrail-updatetrail'));
    expect(m.summary).toBe('changed the settings of trail `main`');
    expect(m.resource.arn).toBe('arn:aws:cloudtrail:us-east-1:123456789012:trail/main');
    expect(m.details).toEqual([
      'Logs now go to bucket `attacker-owned-logs`.',
      'The trail now records its home region only.',
    ]);
  });

  it('when event selectors change, then it names the trail from trailName', () => {
    const m = matched(cloudtrailConfigChanged, record('cloudtrail-puteventselectors'));
    expect(m.summary).toBe('changed which events trail `main` records (event selectors)');
    expect(m.severity).toBeUndefined();
  });

  it('when StopLogging failed, then nothing: the trail is still logging', () => {
    expect(run(cloudtrailConfigChanged, record('cloudtrail-stoplogging-arn', refused))).toBeNull();
    expect(cloudtrailConfigChanged.match(record('cloudtrail-stoplogging-arn', refused))).toBeNull();
  });

  it('when a long trail name is given, then the text keeps it short', () => {
    const long = 'x'.repeat(500);
    const m = matched(
      cloudtrailConfigChanged,
      record('cloudtrail-deletetrail', (raw) => setAt(raw, 'requestParameters.name', long)),
    );
    expect(m.summary.length).toBeLessThan(150);
    expect(m.resource.id).toBe(long);
  });
});
