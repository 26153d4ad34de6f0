/**
 * A scan whose regional services covered us-east-1 only still holds every bucket of the account
 * (S3 is listed account-wide). Digests report those buckets like `check s3` does, and the Remediate
 * buttons on them, which re-collect the finding first, must work for a bucket in any region.
 */
import { digestScopeKey } from '../../../src/app/digest';
import { makeFindingLookup } from '../../../src/app/remediation/finding-lookup';
import { makeFindingRecheck } from '../../../src/app/remediation/finding-recheck';
import { runCheck } from '../../../src/app/run-check';
import { makeScanService, type ScanService } from '../../../src/app/scan-service';
import { CHECKS } from '../../../src/core/checks';
import { known, type AccountSnapshot, type Finding } from '../../../src/core/model';
import {
  aCompliantBucket,
  anEstate,
  anS3Account,
  anUnencryptedBucket,
  openDigestHarness,
  type DigestHarness,
} from '../../fixtures/digest-harness';
import { aPolicy, aPublicReadStatement } from '../../fixtures/s3-builders';
import { aBucket, aCloudTrailSlice, anAccount, anS3Slice, aTrail } from '../../fixtures/snapshot-builders';
import { useTempStores } from '../../fixtures/store';

const nothingCached = { findCached: () => undefined } as unknown as ScanService;

/** Prod as a live scan with `regions: [us-east-1]` sees it: one bucket at home, one in eu-west-1. */
const prodScannedInUsEast1 = (): AccountSnapshot =>
  anS3Account([aCompliantBucket('us-data'), { ...anUnencryptedBucket('eu-data'), region: 'eu-west-1' }]);

/** The scan use case over the harness's estate, as src/compose.ts builds it for rechecks. */
const scansOver = (h: DigestHarness) =>
  makeScanService({ source: h.estate.source, checks: CHECKS, store: h.store, clock: h.clock, ttlMs: 300_000 });

describe('buckets outside the scanned regions', () => {
  const stores = useTempStores();

  it('when a digest reports a bucket in eu-west-1 of a scan of us-east-1, then its Remediate button finds the finding and re-collects it', async () => {
    const h = openDigestHarness(stores, { estate: anEstate(prodScannedInUsEast1()), remediationEnabled: true });

    const outcome = await h.run('2026-11-01T09:00:00.000Z');
    const opened = outcome.kind === 'posted' ? outcome.built.delta.opened : [];
    const item = opened.find((i) => i.resourceId === 'eu-data' && i.checkId === 's3_bucket_default_encryption');
    expect(item).toMatchObject({ region: 'eu-west-1' });

    const finding = await makeFindingLookup(nothingCached, h.store, () => [digestScopeKey('prod-daily')]).findFinding(
      item!.findingId,
    );
    const fresh = await makeFindingRecheck(scansOver(h)).recheck(finding!);

    expect(fresh.finding).toMatchObject({ id: item!.findingId, status: 'fail', region: 'eu-west-1' });
  });

  it('when the public bucket holding CloudTrail logs is in eu-west-1 and the trail in us-east-1, then its finding re-collects', async () => {
    const logs = aBucket({
      name: 'trail-logs',
      region: 'eu-west-1',
      policyStatus: known({ isPublic: true }),
      policy: known(aPolicy(aPublicReadStatement())),
      publicAccessBlock: known(null),
    });
    const account = anAccount({
      s3: anS3Slice({ accountPublicAccessBlock: known(null), buckets: known([logs]) }),
      cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ isMultiRegion: false, s3BucketName: 'trail-logs' })]) }),
    });
    const h = openDigestHarness(stores, { estate: anEstate(account) });
    const scans = scansOver(h);
    const { findings } = await scans.run({ service: 'cloudtrail' });
    const finding = findings.find((f) => f.checkId === 'cloudtrail_bucket_not_public') as Finding;
    expect(finding).toMatchObject({ status: 'fail', region: 'eu-west-1', resource: { id: 'trail-logs' } });

    const fresh = await makeFindingRecheck(scans).recheck(finding);

    expect(fresh.finding).toMatchObject({ id: finding.id, status: 'fail' });
  });

  it.each(['ec2', 'all'] as const)(
    'when `check %s --region eu-west-1` is asked of a scan that covered us-east-1 only, then it is refused as not scanned',
    async (service) => {
      const h = openDigestHarness(stores, { estate: anEstate(prodScannedInUsEast1()) });

      await expect(
        runCheck({ source: h.estate.source, checks: CHECKS, clock: h.clock }, { service, regions: ['eu-west-1'] }),
      ).rejects.toThrow('Region eu-west-1 was not scanned');
    },
  );

  it('when `check s3 --region eu-west-1` is asked of that scan, then the eu-west-1 bucket is reported and the other is not', async () => {
    const h = openDigestHarness(stores, { estate: anEstate(prodScannedInUsEast1()) });

    const { findings } = await runCheck(
      { source: h.estate.source, checks: CHECKS, clock: h.clock },
      { service: 's3', regions: ['eu-west-1'] },
    );

    const buckets = new Set(findings.filter((f) => f.resource.type === 'AwsS3Bucket').map((f) => f.resource.id));
    expect([...buckets]).toEqual(['eu-data']);
  });
});
