import check from '../../../../src/core/checks/config/config_recorder_enabled';
import { known } from '../../../../src/core/model';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { aConfigRegion, aRecorder, aRecorderStatus, anAccountWithConfig } from '../../../fixtures/builders/config';
import { denied } from '../../../fixtures/snapshot-builders';

const RECORDER = '111111111111/us-east-1/config-recorder';
const WEST = '111111111111/eu-west-1/config-recorder';
const GLOBAL = '111111111111/global/config-global-resources';

/** us-east-1 records everything (global types included); eu-west-1 is what the test says. */
const withWest = (west: ReturnType<typeof aConfigRegion>) =>
  anAccountWithConfig({ 'us-east-1': aConfigRegion(), 'eu-west-1': west });

/** A region that records everything but the global types, as AWS recommends outside one region. */
const regionalOnly = () => aConfigRegion({ recorders: known([aRecorder({ includeGlobalResourceTypes: false })]) });

describe('config_recorder_enabled', () => {
  it('when every region records all resources and one records the global types, then every region and the account pass', () => {
    const results = run(check, withWest(regionalOnly()));

    expect(statuses(results)).toEqual([`${RECORDER}:pass`, `${WEST}:pass`, `${GLOBAL}:pass`]);
    expect(resultFor(results, GLOBAL).message).toBe('AWS Config records the global IAM resource types in us-east-1.');
  });

  it('when a region has no recorder, then that region fails as off', () => {
    const results = run(check, withWest(aConfigRegion({ recorders: known([]), recorderStatuses: known([]) })));

    expect(resultFor(results, WEST)).toMatchObject({
      status: 'fail',
      message: 'AWS Config is off in eu-west-1: there is no configuration recorder.',
    });
  });

  it('when the only recorder is service-linked, then the region fails: it records for another service', () => {
    const linked = aRecorder({
      name: 'AWSConfigurationRecorderForSecurityHub',
      servicePrincipal: 'securityhub.amazonaws.com',
      recordingScope: 'INTERNAL',
    });

    const results = run(check, withWest(aConfigRegion({ recorders: known([linked]) })));

    expect(resultFor(results, WEST).status).toBe('fail');
    expect(resultFor(results, WEST).message).toContain('only service-linked recorders for securityhub.amazonaws.com');
  });

  it('when the recorder is stopped, then the region fails saying so', () => {
    const results = run(
      check,
      withWest(aConfigRegion({ recorderStatuses: known([aRecorderStatus({ recording: false })]) })),
    );

    expect(resultFor(results, WEST)).toMatchObject({ status: 'fail', evidence: { recording: false } });
    expect(resultFor(results, WEST).message).toContain('recorder default is stopped');
  });

  it('when the recorder records only selected types, then the region fails naming the strategy', () => {
    const partial = aRecorder({ allSupported: false, strategy: 'INCLUSION_BY_RESOURCE_TYPES' });

    const results = run(check, withWest(aConfigRegion({ recorders: known([partial]) })));

    expect(resultFor(results, WEST).message).toContain(
      'records only selected resource types (INCLUSION_BY_RESOURCE_TYPES)',
    );
  });

  it('when the last recording failed, then the region fails with the error code', () => {
    const failed = aRecorderStatus({ lastStatus: 'Failure', lastErrorCode: 'AccessDenied' });

    const results = run(check, withWest(aConfigRegion({ recorderStatuses: known([failed]) })));

    expect(resultFor(results, WEST).status).toBe('fail');
    expect(resultFor(results, WEST).message).toContain('failed its last recording (AccessDenied)');
  });

  it('when no region records the global types, then the account-level result fails', () => {
    const results = run(check, anAccountWithConfig({ 'us-east-1': regionalOnly(), 'eu-west-1': regionalOnly() }));

    expect(resultFor(results, GLOBAL)).toMatchObject({ status: 'fail', region: 'global' });
    expect(resultFor(results, GLOBAL).message).toContain('in none of the 2 scanned regions');
  });

  it('when the region recording global types is stopped, then the global types count as not recorded', () => {
    const stopped = aConfigRegion({ recorderStatuses: known([aRecorderStatus({ recording: false })]) });

    const results = run(check, anAccountWithConfig({ 'us-east-1': stopped, 'eu-west-1': regionalOnly() }));

    expect(resultFor(results, GLOBAL).status).toBe('fail');
  });

  it('when the recorders are refused, then the region is unknown naming the permission, never off', () => {
    const results = run(check, withWest(aConfigRegion({ recorders: denied('config:DescribeConfigurationRecorders') })));

    expect(resultFor(results, WEST)).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'config:DescribeConfigurationRecorders' },
    });
  });

  it('when only the recorder status is refused, then a region with a recorder is unknown, not passing', () => {
    const results = run(
      check,
      withWest(aConfigRegion({ recorderStatuses: denied('config:DescribeConfigurationRecorderStatus') })),
    );

    expect(resultFor(results, WEST)).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'config:DescribeConfigurationRecorderStatus' },
    });
  });

  it('when AWS did not say which types are recorded or whether it records, then the region is unknown', () => {
    const vague = aConfigRegion({ recorders: known([aRecorder({ allSupported: null, strategy: null })]) });
    const silent = aConfigRegion({ recorderStatuses: known([aRecorderStatus({ recording: null })]) });

    expect(resultFor(run(check, withWest(vague)), WEST).status).toBe('unknown');
    expect(resultFor(run(check, withWest(silent)), WEST).status).toBe('unknown');
  });

  it('when no region is known to record global types and one region is unreadable, then the account-level result is unknown', () => {
    const results = run(
      check,
      anAccountWithConfig({
        'us-east-1': regionalOnly(),
        'eu-west-1': aConfigRegion({ recorders: denied('config:DescribeConfigurationRecorders') }),
      }),
    );

    expect(resultFor(results, GLOBAL)).toMatchObject({ status: 'unknown', evidence: { unreadRegions: ['eu-west-1'] } });
  });
});
