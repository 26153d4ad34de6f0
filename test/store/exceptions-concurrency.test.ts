import path from 'node:path';
import type { NewException } from '../../src/core/exceptions/model';
import { anActor, runTsChild, useTempStores, type ChildRun } from '../fixtures/store';

const WORKER = path.join(__dirname, 'children', 'exception-worker.ts');
const KEY = 'shared-audit-key';

const aNewException = (over: Partial<NewException> = {}): NewException => ({
  scope: { accounts: ['111111111111'], checks: ['s3_bucket_public_access_blocked'] },
  reason: 'Public website bucket, reviewed with the web team.',
  owner: { id: 'U0OWNER' },
  requester: anActor('U0REQUESTER'),
  expiresAt: '2099-01-01T00:00:00.000Z',
  accepted: [],
  ...over,
});

/** Starts the workers, waits until each has the store open, then lets them all go at once. */
const startTogether = async (jobs: object[]): Promise<ChildRun[]> => {
  const children = jobs.map((job) => runTsChild(WORKER, job));
  await Promise.all(children.map((c) => c.waitForLine((l) => l === 'ready')));
  children.forEach((c) => c.send('go'));
  return children;
};

describe('several processes sharing accepted risks in one SQLite file', () => {
  const stores = useTempStores();
  jest.setTimeout(120_000);

  it('when processes race to approve one exception and to remind of another, then each has exactly one winner', async () => {
    const { store, path: dbPath } = stores.open({ auditKey: KEY });
    const pending = await store.createException(aNewException());
    const toRemind = await store.createException(aNewException());
    await store.transitionException(toRemind.id, ['pending'], 'active', { approver: { id: 'U0APPROVER' } });

    const workers = ['p1', 'p2', 'p3', 'p4'];
    const children = await startTogether(
      workers.map((worker) => ({
        dbPath,
        worker,
        auditKey: KEY,
        pendingId: pending.id,
        activeId: toRemind.id,
        expiresAt: toRemind.expiresAt,
      })),
    );
    const exits = await Promise.all(children.map((c) => c.exited));
    expect(exits.map((e) => (e.code === 0 ? 0 : `${e.code ?? e.signal}: ${e.stderr}`))).toEqual(workers.map(() => 0));
    const outcomes = await Promise.all(
      children.map(async (c) => JSON.parse(await c.waitForLine((l) => l.startsWith('{'))) as Record<string, boolean>),
    );
    expect(outcomes.filter((o) => o['approved'])).toHaveLength(1);
    expect(outcomes.filter((o) => o['reminded'])).toHaveLength(1);

    const approved = (await store.getException(pending.id))!;
    expect(approved).toMatchObject({ status: 'active', version: 2 });
    expect(workers).toContain(approved.approver?.id);
    const reminded = (await store.getException(toRemind.id))!;
    expect(reminded).toMatchObject({ remindedAt: expect.any(String), version: 3 });
    // Every process wrote with the key, so what they left is sealed.
    expect(await store.verifyExceptionSeal(approved)).toEqual({ ok: true, sealed: true });
    expect(await store.verifyExceptionSeal(reminded)).toEqual({ ok: true, sealed: true });
  });
});
