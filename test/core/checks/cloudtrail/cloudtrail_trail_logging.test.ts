import check from '../../../../src/core/checks/cloudtrail/cloudtrail_trail_logging';
import { evaluateAccount } from '../../../../src/core/findings';
import { known, type Trail } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, NOW, aCloudTrailSlice, anAccount, aTrail, denied } from '../../../fixtures/snapshot-builders';

const withTrails = (...trails: Trail[]) => anAccount({ cloudtrail: aCloudTrailSlice({ trails: known(trails) }) });
const STOPPED = known({ isLogging: false, latestDeliveryError: null });

describe('cloudtrail_trail_logging', () => {
  it('when the trail is logging, then it passes in its home region', () => {
    const result = resultFor(run(check, withTrails(aTrail({ homeRegion: 'eu-west-1' }))), 'org-trail');
    expect(result).toMatchObject({
      status: 'pass',
      region: 'eu-west-1',
      resource: { type: 'AwsCloudTrailTrail', id: 'org-trail' },
    });
  });

  it('when a multi-region trail is stopped, then it fails on the trail, saying nothing is recorded', () => {
    const result = resultFor(run(check, withTrails(aTrail({ status: STOPPED }))), 'org-trail');
    expect(result).toMatchObject({ status: 'fail', evidence: { isLogging: false, isMultiRegion: true } });
    expect(result.message).toMatch(/org-trail .*stopped logging/);
    expect(result.remediable).toBeUndefined();
  });

  it('when a single-region trail is stopped next to a logging multi-region trail, then the stopped one still fails', () => {
    const results = run(
      check,
      withTrails(aTrail(), aTrail({ name: 'eu-audit', isMultiRegion: false, status: STOPPED })),
    );
    expect(resultFor(results, 'org-trail').status).toBe('pass');
    expect(resultFor(results, 'eu-audit').status).toBe('fail');
  });

  it('when the trail is logging but its last delivery failed, then it passes and keeps the delivery error as evidence', () => {
    const failing = known({ isLogging: true, latestDeliveryError: 'AccessDenied' });
    const result = resultFor(run(check, withTrails(aTrail({ status: failing }))), 'org-trail');
    expect(result).toMatchObject({ status: 'pass', evidence: { latestDeliveryError: 'AccessDenied' } });
  });

  it('when the logging status could not be read, then that trail is unknown naming the permission', () => {
    const result = resultFor(
      run(check, withTrails(aTrail({ status: denied('cloudtrail:GetTrailStatus') }))),
      'org-trail',
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('cloudtrail:GetTrailStatus');
  });

  it('when trails cannot be listed, then the account is unknown naming the permission', () => {
    const results = run(
      check,
      anAccount({ cloudtrail: aCloudTrailSlice({ trails: denied('cloudtrail:DescribeTrails') }) }),
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount', id: ACCOUNT_ID } });
  });

  it('when there is no trail, then there is nothing to report (the multi-region check fails the account)', () => {
    expect(run(check, withTrails())).toEqual([]);
  });

  it('when a stopped organization trail belongs to the management account, then it fails without offering a fix from here', () => {
    const orgTrail = aTrail({
      arn: 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail',
      isOrganizationTrail: true,
      status: STOPPED,
    });
    const result = resultFor(run(check, withTrails(orgTrail)), 'org-trail');
    expect(result).toMatchObject({ status: 'fail', remediable: false });
    expect(result.message).toContain('999999999999');

    const [finding] = evaluateAccount([check], withTrails(orgTrail), NOW);
    expect(finding).toMatchObject({ status: 'fail', remediationId: null, title: check.failTitle });
  });

  it('when a stopped trail is this account’s own, then its finding names the StartLogging remediation', () => {
    const [finding] = evaluateAccount([check], withTrails(aTrail({ status: STOPPED })), NOW);
    expect(finding).toMatchObject({ status: 'fail', remediationId: 'cloudtrail_start_logging' });
  });
});
