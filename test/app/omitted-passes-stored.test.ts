/**
 * App Home after a restart answers from the latest stored scan. A streamed (queued) scan of the
 * estate holds ~450,000 findings at 500 accounts, mostly passes: it is read without its passes,
 * which its jobs counted per account, and its readers are told what they were told before.
 */
import { runQueuedScan } from '../../src/app/scan-jobs/queued-scan';
import { makeScanWorker } from '../../src/app/scan-jobs/worker';
import { CHECKS } from '../../src/core/checks';
import type { Store } from '../../src/store/store';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp, tempStore } from '../fixtures/counting-source';
import { recordedCollector } from '../fixtures/scan-jobs';
import { NOW } from '../fixtures/snapshot-builders';

afterAll(removeScanAppDirs);

const CONFIG = `
accounts:
  - id: "111111111111"
    name: acme-prod
  - id: "222222222222"
    name: acme-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
  - id: "333333333333"
    name: acme-sandbox
    roleArn: arn:aws:iam::333333333333:role/cloudsec-read
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
`;
const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A queued scan of the estate, run to the end by a real worker, into `store`. */
const queueScan = async (store: Store) => {
  const collector = recordedCollector(ESTATE);
  const worker = makeScanWorker({
    store,
    collector,
    checks: CHECKS,
    clock: () => NOW,
    workerId: 'w',
    concurrency: 2,
    leaseMs: 60_000,
    maxAttempts: 3,
    idlePollMs: 5,
    log: silent,
  });
  worker.start();
  try {
    const app = scanApp(CONFIG, countingSource(ESTATE), {
      store,
      queuedScans: (scopeKey, request) =>
        runQueuedScan(
          { store, collector, checks: CHECKS, clock: () => NOW, pollMs: 5, stallMs: 60_000, nudge: worker.nudge },
          scopeKey,
          request,
        ),
    });
    const home = await app.app.homeView({ userId: 'U0ADMIN' });
    return renderBlocksAsText({ text: '', blocks: home.blocks }).text;
  } finally {
    await worker.stop();
  }
};

const recording = (store: Store, fail?: 'jobs') => {
  const calls: { scanId: string; options: unknown }[] = [];
  const wrapped: Store = {
    ...store,
    findingsOfScan: (scanId, options) => {
      calls.push({ scanId, options });
      return store.findingsOfScan(scanId, options);
    },
    scanJobs: fail === 'jobs' ? () => Promise.reject(new Error('scan_jobs is locked')) : store.scanJobs,
  };
  return { store: wrapped, calls };
};

const homeText = async (app: ReturnType<typeof scanApp>['app'], userId: string) =>
  renderBlocksAsText({ text: '', blocks: (await app.homeView({ userId })).blocks }).text;

describe('App Home from a stored queued scan', () => {
  it('when it answers after a restart, then the passes are counted from the jobs, not read, and every posture is as before', async () => {
    const store = tempStore();
    const live = await queueScan(store);
    const direct = scanApp(CONFIG, countingSource(ESTATE));
    const { store: watched, calls } = recording(store);
    const restarted = scanApp(CONFIG, countingSource(ESTATE), { store: watched });

    const admin = await homeText(restarted.app, 'U0ADMIN');
    expect(admin).toBe(live);
    expect(admin).toBe(await homeText(direct.app, 'U0ADMIN'));
    expect(admin).toMatch(/[1-9]\d* passing/);
    const viewer = await homeText(restarted.app, 'U0VIEW');
    expect(viewer).toBe(await homeText(direct.app, 'U0VIEW'));
    expect(viewer).not.toMatch(/acme-prod|acme-sandbox|111111111111|333333333333/);

    // Nothing was scanned again, and no pass was read back.
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => (c.options as { notPassing?: boolean } | undefined)?.notPassing === true)).toBe(true);
  });

  it('when its jobs cannot be read, then its findings are read whole and the counts are still right', async () => {
    const store = tempStore();
    await queueScan(store);
    const direct = scanApp(CONFIG, countingSource(ESTATE));
    const { store: broken, calls } = recording(store, 'jobs');
    const restarted = scanApp(CONFIG, countingSource(ESTATE), { store: broken });

    expect(await homeText(restarted.app, 'U0VIEW')).toBe(await homeText(direct.app, 'U0VIEW'));
    expect(calls.map((c) => c.options)).toEqual([undefined]);
    expect(restarted.warnings.map((w) => w.msg)).toContain(
      'the jobs of a stored scan could not be read; its findings are read whole',
    );
  });
});
