import read from '../../../../src/core/checks/cloudtrail/cloudtrail_s3_read_data_events_logged';
import write from '../../../../src/core/checks/cloudtrail/cloudtrail_s3_write_data_events_logged';
import { GLOBAL_REGION, known, missing, type Trail } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { aCloudTrailSlice, accessDenied, anAccount, aTrail, denied } from '../../../fixtures/snapshot-builders';

const withTrails = (...trails: Trail[]) => anAccount({ cloudtrail: aCloudTrailSlice({ trails: known(trails) }) });
const recording = (s3DataEvents: { read: boolean; write: boolean }, over: Partial<Trail> = {}) =>
  aTrail({ eventSelectors: known({ managementEvents: true, readWriteType: 'All', s3DataEvents }), ...over });
const stopped = known({ isLogging: false, latestDeliveryError: null });

describe.each([
  ['write', write, { read: true, write: false }, '3.8', 'S3.22'],
  ['read', read, { read: false, write: true }, '3.9', 'S3.23'],
] as const)('cloudtrail_s3_%s_data_events_logged', (kind, check, onlyTheOther, cis, securityHub) => {
  it(`carries CIS ${cis} and Security Hub ${securityHub}`, () => {
    expect(check.frameworks).toEqual({ cis, securityHub });
  });

  it(`when a logging multi-region trail records S3 ${kind} events of every bucket, then the account passes`, () => {
    const results = run(check, withTrails(recording({ read: true, write: true })));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsAccount' },
      region: GLOBAL_REGION,
      evidence: { trail: 'org-trail' },
    });
  });

  it(`when the trail records only the other kind, then the account fails naming the trail`, () => {
    const [result] = run(check, withTrails(recording(onlyTheOther)));
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain(`trail org-trail records no S3 object-level ${kind} events for all buckets`);
  });

  it('when only a single-region trail records them, then the account fails: no multi-region trail', () => {
    const [result] = run(
      check,
      withTrails(recording({ read: true, write: true }, { name: 'local', isMultiRegion: false })),
    );
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain('no multi-region CloudTrail trail (only local)');
  });

  it('when the recording trail has stopped logging, then the account fails: it records nothing', () => {
    const [result] = run(check, withTrails(recording({ read: true, write: true }, { status: stopped })));
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain('has stopped logging');
  });

  it('when one trail fails and another could not be read, then the account is unknown', () => {
    const results = run(
      check,
      withTrails(
        recording(onlyTheOther, { name: 'a' }),
        aTrail({ name: 'b', eventSelectors: denied('cloudtrail:GetEventSelectors') }),
      ),
    );
    expect(results[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'cloudtrail:GetEventSelectors' },
    });
  });

  it('when the snapshot predates S3 data-event collection, then the account is unknown, never a pass', () => {
    const [result] = run(check, withTrails(aTrail()));
    expect(result).toMatchObject({ status: 'unknown', evidence: { notCollected: ['s3DataEvents'] } });
  });

  it('when the trail list could not be read, then the account is unknown naming cloudtrail:DescribeTrails', () => {
    const account = anAccount({
      cloudtrail: aCloudTrailSlice({ trails: missing(accessDenied('cloudtrail:DescribeTrails')) }),
    });
    expect(run(check, account)[0]).toMatchObject({ status: 'unknown' });
  });
});
