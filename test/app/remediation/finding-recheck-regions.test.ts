/**
 * Which regions a recheck collects: a finding of a regional service is re-read in its own region
 * only (a fix is verified in seconds, not after a scan of every configured region); a finding whose
 * region only says where a resource lives, or an account-wide result, is re-read as configured.
 * The scan service is the real one, over a snapshot source that records what it is asked.
 */
import { makeFindingRecheck } from '../../../src/app/remediation/finding-recheck';
import { makeScanService } from '../../../src/app/scan-service';
import { CHECKS } from '../../../src/core/checks';
import { GLOBAL_REGION, type Finding } from '../../../src/core/model';
import type { SnapshotRequest, SnapshotSource } from '../../../src/core/snapshot-source';
import { aFinding, aSecurityHubFinding } from '../../fixtures/remediation-builders';
import { ACCOUNT_ID, NOW, REGION, aSnapshot, anAccount } from '../../fixtures/snapshot-builders';

const recordingSource = () => {
  const requests: SnapshotRequest[] = [];
  const source: SnapshotSource = {
    kind: 'live',
    load: async (request) => {
      requests.push(request);
      // The account as collected in the regions asked for (the configured one when none is asked).
      const regions = request.regions ? [...request.regions] : [REGION];
      return aSnapshot([anAccount({ regions })], { services: [...request.services] });
    },
  };
  return { source, requests };
};

/** The regions each collection of a recheck of `finding` asked for (undefined: as configured). */
const regionsCollectedFor = async (finding: Finding) => {
  const { source, requests } = recordingSource();
  const scans = makeScanService({
    source,
    checks: CHECKS,
    store: { saveScan: async () => 'scan_test' },
    clock: () => NOW,
    ttlMs: 0,
  });
  await makeFindingRecheck(scans).recheck(finding);
  return requests.map((r) => r.regions);
};

const regional = (checkId: string, service: string, region = 'eu-west-1') =>
  aFinding({
    checkId,
    service,
    region,
    resource: { type: 'AwsAccount', id: `${ACCOUNT_ID}/${region}/${service}`, arn: null },
  });

describe('the regions a recheck collects', () => {
  it.each([
    ['guardduty_detector_enabled', 'guardduty'],
    ['config_recorder_enabled', 'config'],
    ['accessanalyzer_analyzer_enabled', 'accessanalyzer'],
    ['rds_instance_not_publicly_accessible', 'rds'],
    ['efs_file_system_encrypted', 'efs'],
    ['eks_cluster_endpoint_not_public', 'eks'],
    ['ec2_vpc_flow_logs_enabled', 'ec2'],
  ])('when a finding of %s in eu-west-1 is rechecked, then only eu-west-1 is collected', async (checkId, service) => {
    expect(await regionsCollectedFor(regional(checkId, service))).toEqual([['eu-west-1']]);
  });

  it("when an account-wide result (AWS Config's global resource types) is rechecked, then every configured region is collected", async () => {
    expect(await regionsCollectedFor(regional('config_recorder_enabled', 'config', GLOBAL_REGION))).toEqual([
      undefined,
    ]);
  });

  it("when an S3 bucket's finding is rechecked, then its region is not a scan restriction", async () => {
    expect(await regionsCollectedFor(aFinding({ region: 'eu-west-1' }))).toEqual([undefined]);
  });

  it("when a Security Hub finding has an equivalent regional check, then that check's service is collected in the finding's region", async () => {
    const finding = aSecurityHubFinding(
      {},
      {
        checkId: 'securityhub:RDS.2',
        region: 'eu-west-1',
        resource: {
          type: 'AwsRdsDbInstance',
          id: `arn:aws:rds:eu-west-1:${ACCOUNT_ID}:db:orders`,
          arn: `arn:aws:rds:eu-west-1:${ACCOUNT_ID}:db:orders`,
        },
        remediationId: 'rds_instance_make_private',
        frameworks: { cis: null, securityHub: 'RDS.2' },
      },
    );
    const { source, requests } = recordingSource();
    const scans = makeScanService({
      source,
      checks: CHECKS,
      store: { saveScan: async () => 'scan_test' },
      clock: () => NOW,
      ttlMs: 0,
    });
    await makeFindingRecheck(scans).recheck(finding);
    // The check's own collection first (rds and the ec2 security groups it reads), in the finding's region.
    expect(requests[0]).toMatchObject({ regions: ['eu-west-1'], services: expect.arrayContaining(['rds', 'ec2']) });
  });
});
