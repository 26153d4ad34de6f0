import check from '../../../../src/core/checks/securityhub/securityhub_hub_enabled';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aSecurityHubRegion, anAccount, denied } from '../../../fixtures/snapshot-builders';

const withHub = (regions: Record<string, ReturnType<typeof aSecurityHubRegion>>) =>
  anAccount({ regions: Object.keys(regions), securityhub: regions });

describe('securityhub_hub_enabled', () => {
  it('when Security Hub is enabled, then the region passes', () => {
    const results = run(check, anAccount());
    expect(statuses(results)).toEqual(['111111111111/us-east-1/securityhub:pass']);
    expect(results[0]).toMatchObject({ region: 'us-east-1', resource: { type: 'AwsAccount' } });
  });

  it('when one region is not subscribed, then that region fails and the other passes', () => {
    const results = run(
      check,
      withHub({ 'us-east-1': aSecurityHubRegion(), 'eu-west-1': aSecurityHubRegion({ enabled: known(false) }) }),
    );
    expect(statuses(results)).toEqual([
      '111111111111/us-east-1/securityhub:pass',
      '111111111111/eu-west-1/securityhub:fail',
    ]);
    expect(results[1]!.message).toBe('Security Hub is not enabled in eu-west-1.');
  });

  it('when the hub cannot be described, then the region is unknown naming the permission', () => {
    const results = run(
      check,
      withHub({ 'us-east-1': aSecurityHubRegion({ enabled: denied('securityhub:DescribeHub') }) }),
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'securityhub:DescribeHub' } });
  });

  it('when no region was scanned, then there is nothing to report', () => {
    expect(run(check, anAccount({ securityhub: {} }))).toEqual([]);
  });
});
