import path from 'node:path';
import { runTsChild, useTempStores } from '../fixtures/store';

const WORKER = path.join(__dirname, 'children', 'store-worker.ts');
const KEY = 'crash-audit-key';

describe('a process killed while writing', () => {
  const stores = useTempStores();
  jest.setTimeout(120_000);

  it('when SIGKILL lands mid-write, then reopening finds an intact chain and only complete requests', async () => {
    const dbPath = stores.dbPath();
    const child = runTsChild(WORKER, { mode: 'crash', dbPath, worker: 'crasher', auditKey: KEY });
    // It keeps writing while we react: the kill lands somewhere inside its next writes.
    await child.waitForLine((l) => l === 'wrote 25');
    child.process.kill('SIGKILL');
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');
    const reported = Math.max(
      ...child
        .lines()
        .filter((l) => l.startsWith('wrote '))
        .map((l) => Number(l.slice(6))),
    );

    const raw = stores.raw(dbPath);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();

    const { store } = stores.open({ path: dbPath, auditKey: KEY });
    const verification = await store.verifyAudit();
    expect(verification).toMatchObject({ ok: true });
    expect(verification.ok && verification.count).toBeGreaterThanOrEqual(reported);

    // Every request reads back whole (listRequests validates each row) with its full plan.
    const requests = await store.listRequests();
    expect(requests.length).toBeGreaterThanOrEqual(reported);
    for (const r of requests) {
      expect(r.plan.calls).toHaveLength(200);
      expect(r.approvals.length).toBeLessThanOrEqual(1);
    }
    // Everything the child reported done is durable: approved, and in the audit log.
    const audited = new Set((await store.listAudit()).map((e) => e.requestId));
    const approved = requests.filter((r) => r.status === 'approved');
    expect(approved.length).toBeGreaterThanOrEqual(reported);
    for (const r of approved) expect(audited.has(r.id)).toBe(true);

    // And the file is usable: the chain continues from where the dead process left it.
    await store.appendAudit({ actor: { kind: 'system', id: 'test' }, action: 'store.reopen', outcome: 'ok' });
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });
});
