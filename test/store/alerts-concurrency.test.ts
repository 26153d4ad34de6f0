import path from 'node:path';
import { runTsChild, useTempStores, type ChildRun } from '../fixtures/store';

const WORKER = path.join(__dirname, '..', 'fixtures', 'alerts-worker.ts');

/** Starts the workers, waits until each has the store open, then lets them all go at once. */
const startTogether = async (jobs: object[]): Promise<ChildRun[]> => {
  const children = jobs.map((job) => runTsChild(WORKER, job));
  await Promise.all(children.map((c) => c.waitForLine((l) => l === 'ready')));
  children.forEach((c) => c.send('go'));
  return children;
};

/** Each worker's JSON outcome, once every worker exited cleanly. */
const outcomesOf = async <T>(children: ChildRun[]): Promise<T[]> => {
  const exits = await Promise.all(children.map((c) => c.exited));
  expect(exits.map((e) => (e.code === 0 ? 0 : `${e.code ?? e.signal}: ${e.stderr}`))).toEqual(children.map(() => 0));
  return Promise.all(children.map(async (c) => JSON.parse(await c.waitForLine((l) => l.startsWith('{'))) as T));
};

describe('several processes sharing the live lane in one SQLite file', () => {
  const stores = useTempStores();
  jest.setTimeout(120_000);
  const workers = ['w1', 'w2', 'w3', 'w4'];

  it('when processes claim the same event ids at once, then each id is claimed by exactly one of them', async () => {
    const { store, path: dbPath } = stores.open();
    const eventIds = Array.from({ length: 50 }, (_, i) => `e-${i}`);
    // Each worker goes through the ids in its own order, so the claims really interleave.
    const children = await startTogether(
      workers.map((worker, w) => ({
        mode: 'claim',
        dbPath,
        worker,
        eventIds: [...eventIds.slice(w * 10), ...eventIds.slice(0, w * 10)],
      })),
    );
    const claimed = (await outcomesOf<{ claimed: string[] }>(children)).flatMap((o) => o.claimed);
    expect([...claimed].sort()).toEqual([...eventIds].sort());
    expect(await store.claimEvent('e-0', 'sqs')).toBe(false);
  });

  it('when processes record the same dedup key at once, then there is one alert and it counts every record', async () => {
    const { store, path: dbPath } = stores.open();
    const count = 25;
    const children = await startTogether(
      workers.map((worker) => ({
        mode: 'record',
        dbPath,
        worker,
        bucket: 'customer-exports',
        count,
        windowStart: '2000-01-01T00:00:00.000Z',
      })),
    );
    const outcomes = await outcomesOf<{ created: number }>(children);
    expect(outcomes.reduce((sum, o) => sum + o.created, 0)).toBe(1);
    const alerts = await store.listAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'open', count: workers.length * count });
  });
});
