import { known } from '../../../src/core/model';
import { aDigest, anEstate, openDigestHarness } from '../../fixtures/digest-harness';
import { aBucket, aCloudTrailSlice, aTrail, anAccount, anS3Slice } from '../../fixtures/snapshot-builders';
import { useTempStores } from '../../fixtures/store';

const DAY1 = '2026-11-01T09:00:00.000Z';

describe('a digest of CloudTrail', () => {
  const stores = useTempStores();

  it('when its scope is cloudtrail, then the S3 slice the log-bucket checks read is collected too, and those checks are judged', async () => {
    // The trail's bucket has no server access logging: cloudtrail_bucket_access_logging fails on it.
    const estate = anEstate(
      anAccount({
        cloudtrail: aCloudTrailSlice({ trails: known([aTrail({ s3BucketName: 'trail-logs' })]) }),
        s3: anS3Slice({ buckets: known([aBucket({ name: 'trail-logs', logging: known(null) })]) }),
      }),
    );
    const h = openDigestHarness(stores, {
      estate,
      digests: [aDigest({ scope: { services: ['cloudtrail'], sources: ['cloudsec'], minSeverity: 'low' } })],
    });

    await h.run(DAY1);

    expect(h.estate.loads.map((l) => [...l.services].sort())).toEqual([['cloudtrail', 's3']]);
    const items = await h.store.digestItems('prod-daily', { source: 'cloudsec' });
    expect(items.map((i) => [i.checkId, i.state])).toContainEqual(['cloudtrail_bucket_access_logging', 'open']);
  });
});
