/**
 * The console demo's scans go through the job queue too: a recorded estate, queued account by
 * account, answers what the recorded source answers in-process, judged at the time the file was
 * taken (not when the worker reads it).
 */
import { runCheck } from '../../../src/app/run-check';
import { recordedSnapshotSource } from '../../../src/app/snapshot-source';
import { recordedJobCollector } from '../../../src/app/scan-jobs/recorded-collector';
import { runQueuedScan } from '../../../src/app/scan-jobs/queued-scan';
import { makeScanWorker } from '../../../src/app/scan-jobs/worker';
import { CHECKS } from '../../../src/core/checks';
import { demoSnapshotPath } from '../../../src/paths';
import { useContractStores } from '../../fixtures/contract-stores';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('queued scans of a recorded estate', () => {
  const stores = useContractStores('sqlite');

  it('when the demo estate is scanned through the queue, then it answers as the recorded source does, judged at the recorded time', async () => {
    const store = await stores.open();
    // Far from the file's time: ages judged at this clock would differ.
    const clock = () => new Date('2031-01-01T00:00:00Z');
    const collector = recordedJobCollector(demoSnapshotPath());
    const worker = makeScanWorker({
      store,
      collector,
      checks: CHECKS,
      clock,
      workerId: 'demo',
      concurrency: 2,
      leaseMs: 60_000,
      maxAttempts: 3,
      idlePollMs: 5,
      log: silent,
    });
    worker.start();
    try {
      const queued = await runQueuedScan(
        { store, collector, checks: CHECKS, clock, pollMs: 5, stallMs: 60_000, nudge: worker.nudge },
        'iam:*:*',
        { service: 'iam' },
      );
      const direct = await runCheck(
        { source: recordedSnapshotSource(demoSnapshotPath()), checks: CHECKS, clock },
        { service: 'iam' },
      );
      expect(queued.evaluatedAt).toEqual(direct.evaluatedAt);
      expect(queued.snapshot.generatedAt).toBe(direct.snapshot.generatedAt);
      expect(queued.findings).toEqual(direct.findings.filter((f) => f.status !== 'pass'));
      expect(queued.summary).toEqual(direct.summary);
      expect(queued.findings.length).toBeGreaterThan(0);
    } finally {
      await worker.stop();
    }
  });

  it('when a service the file lacks is asked for, then the queue refuses as the recorded source does', async () => {
    const collector = recordedJobCollector(demoSnapshotPath());
    const direct = recordedSnapshotSource(demoSnapshotPath());
    const request = { services: ['iam' as const], reporting: ['nope' as never] };
    await expect(collector.targets(request)).rejects.toThrow(/has no nope data/);
    await expect(direct.load(request)).rejects.toThrow(/has no nope data/);
  });
});
