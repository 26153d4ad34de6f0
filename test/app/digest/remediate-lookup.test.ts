import { digestScopeKey } from '../../../src/app/digest';
import { makeFindingLookup } from '../../../src/app/remediation/finding-lookup';
import type { ScanService } from '../../../src/app/scan-service';
import {
  aBucketAllowingPlainHttp,
  anEstate,
  anS3Account,
  anUnencryptedBucket,
  openDigestHarness,
} from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

const nothingCached = { findCached: () => undefined } as unknown as ScanService;

describe('Remediate buttons in a digest', () => {
  const stores = useTempStores();

  it('when a digest has been posted, then the findings its buttons carry can be found for a remediation request', async () => {
    const h = openDigestHarness(stores, {
      estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy'), anUnencryptedBucket('plain')])),
      remediationEnabled: true,
    });
    const outcome = await h.run('2026-11-01T09:00:00.000Z');
    const all = outcome.kind === 'posted' ? outcome.built.delta.opened : [];
    const opened = all.filter((i) => i.remediationId !== null);
    expect(opened.length).toBeGreaterThan(0);

    const lookup = makeFindingLookup(nothingCached, h.store, () => [digestScopeKey('prod-daily')]);
    const found = await lookup.findFinding(opened[0]!.findingId);

    expect(found).toMatchObject({ id: opened[0]!.findingId, status: 'fail', resource: { id: 'plain' } });
    expect(await makeFindingLookup(nothingCached, h.store).findFinding(opened[0]!.findingId)).toBeNull();
    // Findings no button can carry are not kept.
    const unfixable = all.find((i) => i.remediationId === null)!;
    expect(await lookup.findFinding(unfixable.findingId)).toBeNull();
  });

  it('when only a preview was shown, then nothing is stored for the lookup', async () => {
    const h = openDigestHarness(stores, { estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy')])) });

    await h.service.preview(h.service.find('prod-daily')!);

    expect(await h.store.latestScan(digestScopeKey('prod-daily'))).toBeNull();
  });
});
