/**
 * A queued scan holds only failing and unknown findings and counts the passes per account. What a
 * reader is shown must not change: an admin's and a scoped viewer's counts equal those of the same
 * scan run in-process, and the viewer's pass count is their account's alone.
 */
import { visibleReport } from '../../../src/app/visible-report';
import { runQueuedScan } from '../../../src/app/scan-jobs/queued-scan';
import { makeScanWorker } from '../../../src/app/scan-jobs/worker';
import { CHECKS } from '../../../src/core/checks';
import type { Store } from '../../../src/store/store';
import { openSqliteStore } from '../../../src/store/sqlite';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp } from '../../fixtures/counting-source';
import { recordedCollector } from '../../fixtures/scan-jobs';
import { NOW } from '../../fixtures/snapshot-builders';
import { tempDir } from '../../fixtures/store';
import fs from 'node:fs';
import path from 'node:path';

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
channels:
  findings: [C0SECURITY]
  dms: true
  elsewhere: refuse
`;
const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dirs: string[] = [];
afterAll(() => {
  removeScanAppDirs();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const queuedApp = () => {
  const dir = tempDir();
  dirs.push(dir);
  const store: Store = openSqliteStore({ path: path.join(dir, 'q.db'), clock: () => NOW });
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
  const app = scanApp(CONFIG, countingSource(ESTATE), {
    store,
    queuedScans: (scopeKey, request) =>
      runQueuedScan(
        { store, collector, checks: CHECKS, clock: () => NOW, pollMs: 5, stallMs: 60_000, nudge: worker.nudge },
        scopeKey,
        request,
      ),
  });
  return { ...app, worker, collector };
};

const ask = async (deps: Parameters<typeof visibleReport>[0], userId: string) => {
  const answer = await visibleReport(deps, {
    actor: { userId, groups: [] },
    permission: 'check:run',
    request: { service: 'all' },
    reuse: 'recent',
  });
  if (!answer.ok) throw new Error(`refused: ${answer.reason}`);
  return answer.report;
};

describe('what readers see of a queued scan', () => {
  it('when an admin and a scoped viewer ask, then their counts equal the in-process scan and the viewer counts only their account', async () => {
    const queued = queuedApp();
    const direct = scanApp(CONFIG, countingSource(ESTATE));
    try {
      const adminQueued = await ask(queued.deps, 'U0ADMIN');
      const adminDirect = await ask(direct.deps, 'U0ADMIN');
      expect(adminQueued.summary).toEqual(adminDirect.summary);
      expect(adminQueued.summary.byStatus.pass).toBeGreaterThan(0);
      expect(adminQueued.findings.every((f) => f.status !== 'pass')).toBe(true);

      const viewerQueued = await ask(queued.deps, 'U0VIEW');
      const viewerDirect = await ask(direct.deps, 'U0VIEW');
      expect(viewerQueued.summary).toEqual(viewerDirect.summary);
      const stagingPasses = adminDirect.findings.filter(
        (f) => f.status === 'pass' && f.accountId === ACCOUNTS.staging.id,
      ).length;
      expect(viewerQueued.summary.byStatus.pass).toBe(stagingPasses);
      expect(viewerQueued.summary.byStatus.pass).toBeLessThan(adminQueued.summary.byStatus.pass);
    } finally {
      await queued.worker.stop();
    }
  });
});
