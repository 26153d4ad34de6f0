import type { StartLoggingCommandInput, StopLoggingCommandInput } from '@aws-sdk/client-cloudtrail';
import { known } from '../../../src/core/model';
import { evaluateAccount } from '../../../src/core/findings';
import multiRegionLogging from '../../../src/core/checks/cloudtrail/cloudtrail_multi_region_logging';
import trailLogging from '../../../src/core/checks/cloudtrail/cloudtrail_trail_logging';
import { remediationsFor } from '../../../src/core/remediations';
import remediation from '../../../src/core/remediations/cloudtrail_start_logging';
import { ACCOUNT_ID, NOW, aCloudTrailSlice, aTrail, anAccount, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding } = SAMPLES.cloudtrail_start_logging!();
const STOPPED = known({ isLogging: false, latestDeliveryError: null });
const withTrail = (over: Parameters<typeof aTrail>[0]) =>
  anAccount({ cloudtrail: aCloudTrailSlice({ trails: known([aTrail(over)]) }) });
const ARN = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT_ID}:trail/org-trail`;
const trailFinding = aFinding({ ...finding, resource: { type: 'AwsCloudTrailTrail', id: 'org-trail', arn: ARN } });

describe('cloudtrail_start_logging', () => {
  it('when the trail is stopped, then the plan starts it by ARN in its home region', () => {
    const result = planned(
      remediation.plan(trailFinding, withTrail({ arn: ARN, homeRegion: 'eu-west-1', status: STOPPED })),
    );
    const expected: StartLoggingCommandInput = { Name: ARN };
    expect(result.calls).toEqual([
      { service: 'cloudtrail', region: 'eu-west-1', command: 'StartLogging', input: expected },
    ]);
    expect(result.notes).toBeUndefined();
  });

  it('when undone, then the trail is stopped again', () => {
    const result = planned(
      remediation.plan(trailFinding, withTrail({ arn: ARN, homeRegion: 'eu-west-1', status: STOPPED })),
    );
    const expected: StopLoggingCommandInput = { Name: ARN };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'cloudtrail', region: 'eu-west-1', command: 'StopLogging', input: expected }],
    });
  });

  it('when the finding is about the account rather than a trail, then there is nothing to start', () => {
    const onAccount = aFinding({ ...finding, resource: { type: 'AwsAccount', id: ACCOUNT_ID, arn: null } });
    expect(reasonOf(remediation.plan(onAccount, anAccount()))).toMatch(/no trail to start/i);
  });

  it('when the trail is already logging, then starting it would change nothing', () => {
    expect(reasonOf(remediation.plan(finding, withTrail({})))).toMatch(/already logging/);
  });

  it('when a stopped trail is single-region, then it is started too (a stopped trail records nothing)', () => {
    const result = planned(remediation.plan(finding, withTrail({ isMultiRegion: false, status: STOPPED })));
    expect(result.calls.map((c) => c.command)).toEqual(['StartLogging']);
  });

  it('when the trail belongs to the management account, then it is not changed from the member', () => {
    const orgArn = 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail';
    const orgFinding = aFinding({ ...finding, resource: { type: 'AwsCloudTrailTrail', id: 'org-trail', arn: orgArn } });
    const account = withTrail({ arn: orgArn, isOrganizationTrail: true, status: STOPPED });
    expect(reasonOf(remediation.plan(orgFinding, account))).toContain('999999999999');
  });

  it('when the trail status could not be read, then no plan is made, naming the permission', () => {
    expect(reasonOf(remediation.plan(finding, withTrail({ status: denied('cloudtrail:GetTrailStatus') })))).toContain(
      'cloudtrail:GetTrailStatus',
    );
  });

  it('when the trail-logging check fails a stopped trail, then its finding plans StartLogging', () => {
    const stopped = withTrail({ status: STOPPED });
    const [onTrail] = evaluateAccount([trailLogging], stopped, NOW);
    expect(onTrail).toMatchObject({ status: 'fail', remediationId: 'cloudtrail_start_logging' });
    expect(planned(remediation.plan(onTrail!, stopped)).calls[0]?.command).toBe('StartLogging');
  });

  it('when no multi-region trail exists, then the account-level finding names no remediation and none applies to it', () => {
    const none = anAccount({ cloudtrail: aCloudTrailSlice({ trails: known([]) }) });
    const [onAccount] = evaluateAccount([multiRegionLogging], none, NOW);
    expect(onAccount).toMatchObject({ status: 'fail', remediationId: null });
    expect(remediationsFor(onAccount!)).toEqual([]);
  });
});
