import { makeLatestFindings } from '../../../src/app/exceptions';
import type { CheckOutcome } from '../../../src/app/run-check';
import { useTempStores } from '../../fixtures/store';
import { NOW } from '../../fixtures/snapshot-builders';
import { logsBucket, publicBucket, stagingBucket } from './harness';

describe('makeLatestFindings', () => {
  const stores = useTempStores();

  it('when no full scan is cached, then the latest stored full scan and each digest scan are read, each finding once', async () => {
    const { store } = stores.open();
    await store.saveScan({ scopeKey: 'all:*:*', generatedAt: NOW, findings: [publicBucket] });
    await store.saveScan({ scopeKey: 'all:*:*', generatedAt: new Date(NOW.getTime() + 1000), findings: [logsBucket] });
    await store.saveScan({
      scopeKey: 'digest:weekly',
      generatedAt: NOW,
      findings: [stagingBucket, { ...logsBucket, severity: 'low' }],
    });
    const latest = makeLatestFindings({ cached: () => null }, store, () => ['digest:weekly', 'digest:never-ran']);

    // The older full scan is not read; the full scan's copy of a finding wins over a digest's.
    expect(await latest.latestFindings()).toEqual([logsBucket, stagingBucket]);
  });

  it('when a full scan is cached, then it answers and the stored full scan is not read', async () => {
    const { store } = stores.open();
    await store.saveScan({ scopeKey: 'all:*:*', generatedAt: NOW, findings: [logsBucket] });
    const asked: string[] = [];
    const latest = makeLatestFindings(
      {
        cached: (key: string) => {
          asked.push(key);
          return { findings: [publicBucket] } as unknown as CheckOutcome;
        },
      },
      store,
    );

    expect(await latest.latestFindings()).toEqual([publicBucket]);
    expect(asked).toEqual(['all:*:*']);
  });
});
