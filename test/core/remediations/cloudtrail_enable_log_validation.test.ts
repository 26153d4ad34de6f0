import type { UpdateTrailCommandInput } from '@aws-sdk/client-cloudtrail';
import { known } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/cloudtrail_enable_log_validation';
import { aCloudTrailSlice, aTrail, anAccount, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding, account } = SAMPLES.cloudtrail_enable_log_validation!();
const ARN = aTrail().arn;

describe('cloudtrail_enable_log_validation', () => {
  it('when validation is off, then the plan turns it on by ARN in the home region', () => {
    const expected: UpdateTrailCommandInput = { Name: ARN, EnableLogFileValidation: true };
    expect(planned(remediation.plan(finding, account)).calls).toEqual([
      { service: 'cloudtrail', region: 'us-east-1', command: 'UpdateTrail', input: expected },
    ]);
  });

  it('when undone, then validation is turned off again', () => {
    const result = planned(remediation.plan(finding, account));
    const expected: UpdateTrailCommandInput = { Name: ARN, EnableLogFileValidation: false };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'cloudtrail', region: 'us-east-1', command: 'UpdateTrail', input: expected }],
    });
  });

  it('when validation is already on, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, anAccount()))).toMatch(/already validates/);
  });

  it('when the trail is not in the snapshot, then no plan is made', () => {
    const other = aFinding({
      ...finding,
      resource: { type: 'AwsCloudTrailTrail', id: 'gone', arn: ARN.replace('org-trail', 'gone') },
    });
    expect(reasonOf(remediation.plan(other, account))).toMatch(/not in the snapshot/);
  });

  it('when trails could not be listed, then no plan is made, naming the permission', () => {
    const denyAll = anAccount({ cloudtrail: aCloudTrailSlice({ trails: denied('cloudtrail:DescribeTrails') }) });
    expect(reasonOf(remediation.plan(finding, denyAll))).toContain('cloudtrail:DescribeTrails');
  });

  it('when only the name is known (no ARN), then the trail is found by name', () => {
    const byName = aFinding({ ...finding, resource: { type: 'AwsCloudTrailTrail', id: 'org-trail', arn: null } });
    const acct = anAccount({
      cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ logFileValidationEnabled: false })]) }),
    });
    expect(planned(remediation.plan(byName, acct)).calls[0]?.input).toMatchObject({ Name: ARN });
  });
});
