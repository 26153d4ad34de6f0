import path from 'node:path';
import { aNewRequest, createdRequest, runTsChild, useTempStores, type ChildRun } from '../fixtures/store';

const WORKER = path.join(__dirname, 'children', 'store-worker.ts');
const KEY = 'shared-audit-key';

/** Starts the workers, waits until each has the store open, then lets them all go at once. */
const startTogether = async (jobs: object[]): Promise<ChildRun[]> => {
  const children = jobs.map((job) => runTsChild(WORKER, job));
  await Promise.all(children.map((c) => c.waitForLine((l) => l === 'ready')));
  children.forEach((c) => c.send('go'));
  return children;
};

const exitCodes = async (children: ChildRun[]) => {
  const exits = await Promise.all(children.map((c) => c.exited));
  return exits.map((e) => (e.code === 0 ? 0 : `${e.code ?? e.signal}: ${e.stderr}`));
};

describe('several processes sharing one SQLite file', () => {
  const stores = useTempStores();
  jest.setTimeout(120_000);

  it('when processes append audit entries at the same time, then the chain verifies and holds every entry', async () => {
    const { store, path: dbPath } = stores.open({ auditKey: KEY });
    const workers = ['w1', 'w2', 'w3', 'w4'];
    const count = 100;
    const children = await startTogether(
      workers.map((worker) => ({ mode: 'append', dbPath, worker, count, auditKey: KEY })),
    );
    expect(await exitCodes(children)).toEqual(workers.map(() => 0));

    expect(await store.verifyAudit()).toMatchObject({ ok: true, count: workers.length * count });
    const written = (await store.listAudit()).map((e) => `${String(e.details['worker'])}#${String(e.details['i'])}`);
    const expected = workers.flatMap((w) => Array.from({ length: count }, (_, i) => `${w}#${i}`));
    expect(new Set(written)).toEqual(new Set(expected));
    // Per writer the entries keep the order it wrote them in.
    for (const w of workers) {
      expect(written.filter((x) => x.startsWith(`${w}#`))).toEqual(expected.filter((x) => x.startsWith(`${w}#`)));
    }
  });

  it('when processes race for one transition, one digest slot and one lock, then each has exactly one winner', async () => {
    const { store, path: dbPath } = stores.open();
    const { id } = await createdRequest(store, aNewRequest());
    const workers = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const children = await startTogether(
      workers.map((worker) => ({ mode: 'race', dbPath, worker, requestId: id, scheduledFor: '2026-11-02T09:00:00Z' })),
    );
    expect(await exitCodes(children)).toEqual(workers.map(() => 0));
    const outcomes = await Promise.all(
      children.map(async (c) => JSON.parse(await c.waitForLine((l) => l.startsWith('{'))) as Record<string, boolean>),
    );
    expect(outcomes.filter((o) => o['won'])).toHaveLength(1);
    expect(outcomes.filter((o) => o['claimed'])).toHaveLength(1);
    expect(outcomes.filter((o) => o['locked'])).toHaveLength(1);
    expect(await store.getRequest(id)).toMatchObject({ status: 'approved', version: 2 });
  });
});
