import check from '../../../../src/core/checks/cloudtrail/cloudtrail_multi_region_logging';
import { GLOBAL_REGION, known, type Trail } from '../../../../src/core/model';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, aCloudTrailSlice, anAccount, aTrail, denied } from '../../../fixtures/snapshot-builders';

const withTrails = (...trails: Trail[]) => anAccount({ cloudtrail: aCloudTrailSlice({ trails: known(trails) }) });
const stopped = (over: Partial<Trail> = {}) =>
  aTrail({ status: known({ isLogging: false, latestDeliveryError: null }), ...over });

describe('cloudtrail_multi_region_logging', () => {
  it('when a multi-region trail logs read and write management events, then one pass stands for the account', () => {
    const results = run(check, anAccount());
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsAccount', id: ACCOUNT_ID },
      region: GLOBAL_REGION,
      evidence: { loggingTrails: ['org-trail'] },
    });
  });

  it('when the account has no trail at all, then the account fails', () => {
    const [result] = run(check, withTrails());
    expect(result).toMatchObject({ status: 'fail', resource: { type: 'AwsAccount' }, region: GLOBAL_REGION });
    expect(result!.message).toContain('no CloudTrail trail at all');
  });

  it('when only single-region trails exist, then the account fails naming them', () => {
    const [result] = run(check, withTrails(aTrail({ name: 'local', isMultiRegion: false })));
    expect(result).toMatchObject({ status: 'fail', resource: { type: 'AwsAccount' } });
    expect(result!.message).toContain('local');
  });

  it('when the only multi-region trail is stopped, then that trail fails, naming it', () => {
    const results = run(check, withTrails(stopped({ homeRegion: 'eu-west-1' })));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: 'fail',
      resource: { type: 'AwsCloudTrailTrail', id: 'org-trail' },
      region: 'eu-west-1',
      evidence: { isLogging: false },
    });
    expect(results[0]!.message).toContain('logging is stopped');
  });

  it('when one multi-region trail is stopped but another logs, then the account passes', () => {
    const results = run(check, withTrails(stopped({ name: 'old' }), aTrail({ name: 'main' })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}:pass`]);
  });

  it('when the multi-region trail records only write management events, then that trail fails', () => {
    const trail = aTrail({ eventSelectors: known({ managementEvents: true, readWriteType: 'WriteOnly' }) });
    const result = resultFor(run(check, withTrails(trail)), 'org-trail');
    expect(result).toMatchObject({ status: 'fail', evidence: { isLogging: true, readWriteType: 'WriteOnly' } });
    expect(result.message).toContain('only WriteOnly management events');
  });

  it('when the multi-region trail records no management events, then that trail fails', () => {
    const trail = aTrail({ eventSelectors: known({ managementEvents: false, readWriteType: null }) });
    expect(resultFor(run(check, withTrails(trail)), 'org-trail').status).toBe('fail');
  });

  it('when a single-region trail logs but the multi-region one is stopped, then the multi-region trail fails', () => {
    const results = run(check, withTrails(aTrail({ name: 'local', isMultiRegion: false }), stopped()));
    expect(statuses(results)).toEqual(['org-trail:fail']);
  });

  it('when the status of the only multi-region trail cannot be read, then it is unknown naming the permission', () => {
    const result = resultFor(
      run(check, withTrails(aTrail({ status: denied('cloudtrail:GetTrailStatus') }))),
      'org-trail',
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('cloudtrail:GetTrailStatus');
  });

  it('when one trail is stopped and another unreadable, then the verdict is unknown rather than a fail', () => {
    const results = run(
      check,
      withTrails(
        stopped({ name: 'old' }),
        aTrail({ name: 'main', eventSelectors: denied('cloudtrail:GetEventSelectors') }),
      ),
    );
    expect(statuses(results)).toEqual(['main:unknown']);
  });

  it('when trails cannot be listed, then one unknown result stands for the account', () => {
    const results = run(
      check,
      anAccount({ cloudtrail: aCloudTrailSlice({ trails: denied('cloudtrail:DescribeTrails') }) }),
    );
    expect(results).toEqual([
      expect.objectContaining({ status: 'unknown', resource: expect.objectContaining({ type: 'AwsAccount' }) }),
    ]);
  });

  it('names no remediation: creating a trail or changing its selectors is not a plan cloudsec can run', () => {
    expect(check.remediation).toBeNull();
  });
});
