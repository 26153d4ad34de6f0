import check from '../../../../src/core/checks/cloudtrail/cloudtrail_management_events_recorded';
import { known, type Trail } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { aCloudTrailSlice, anAccount, aTrail, denied } from '../../../fixtures/snapshot-builders';

const withSelectors = (eventSelectors: Trail['eventSelectors']) =>
  anAccount({ cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ eventSelectors })]) }) });

describe('cloudtrail_management_events_recorded', () => {
  it('when the trail records read and write management events, then it passes', () => {
    expect(resultFor(run(check, anAccount()), 'org-trail').status).toBe('pass');
  });

  it('when the trail records only reads, then it fails saying so', () => {
    const result = resultFor(
      run(check, withSelectors(known({ managementEvents: true, readWriteType: 'ReadOnly' }))),
      'org-trail',
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { readWriteType: 'ReadOnly' } });
    expect(result.message).toContain('only read');
  });

  it('when the trail records only writes, then it fails', () => {
    const result = resultFor(
      run(check, withSelectors(known({ managementEvents: true, readWriteType: 'WriteOnly' }))),
      'org-trail',
    );
    expect(result.message).toContain('only write');
  });

  it('when the trail records no management events, then it fails', () => {
    const result = resultFor(
      run(check, withSelectors(known({ managementEvents: false, readWriteType: null }))),
      'org-trail',
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { managementEvents: false } });
  });

  it('when the event selectors cannot be read, then it is unknown naming the permission', () => {
    const result = resultFor(run(check, withSelectors(denied('cloudtrail:GetEventSelectors'))), 'org-trail');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('cloudtrail:GetEventSelectors');
  });
});
