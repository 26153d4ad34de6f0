import { useContractStores } from '../fixtures/contract-stores';
import { aNewRequest, anActor, createdRequest, manualClock } from '../fixtures/store';

/**
 * Two replicas (two stores, each with its own connection pool, on one PostgreSQL schema) racing over
 * remediation requests: one creator per open target, one winner per compare-and-set, every approval
 * recorded once, and the seal still matching what won. The same contract on one store (SQLite and
 * PostgreSQL) is in requests.test.ts and open-requests.test.ts; SQLite processes in concurrency.test.ts.
 */
describe('remediation requests shared by replicas in PostgreSQL', () => {
  const stores = useContractStores('postgres');
  const KEY = 'pg-requests-test-key-0123456789abcdef';
  const TARGET = 's3_block_public_access|111111111111|arn:aws:s3:::app-data';

  const twoReplicas = async () => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    const a = await stores.open({ clock, auditKey: KEY });
    return [a, await stores.reopen(a, { clock, auditKey: KEY })] as const;
  };

  it('when 20 approvals race over two replicas for one pending request, then exactly one wins', async () => {
    const replicas = await twoReplicas();
    const { id } = await createdRequest(replicas[0], aNewRequest());

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        replicas[i % 2]!.transitionRequest(id, ['pending'], 'approved', { decidedBy: anActor(`U0APPROVER${i}`) }),
      ),
    );

    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    for (const replica of replicas) {
      const stored = await replica.getRequest(id);
      expect(stored).toEqual(winners[0]);
      expect(stored).toMatchObject({ status: 'approved', version: 2 });
      expect(await replica.verifyRequestSeal(stored!)).toEqual({ ok: true, sealed: true });
    }
  });

  it('when 10 creators race over two replicas for one target, then exactly one creates and all get that request', async () => {
    const replicas = await twoReplicas();

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        replicas[i % 2]!.createRequest(aNewRequest({ target: TARGET, requester: anActor(`U0REQUESTER${i}`) })),
      ),
    );

    const created = results.flatMap((r) => (r.created ? [r.request] : []));
    expect(created).toHaveLength(1);
    const ids = results.map((r) => (r.created ? r.request.id : r.existing.id));
    expect(new Set(ids)).toEqual(new Set([created[0]!.id]));
    expect((await replicas[1].listRequests({ target: TARGET })).map((r) => r.id)).toEqual([created[0]!.id]);
  });

  it('when the open request ends while creators race, then the next one is created exactly once', async () => {
    const replicas = await twoReplicas();
    const first = await createdRequest(replicas[0], aNewRequest({ target: TARGET }));

    const [denied, ...results] = await Promise.all([
      replicas[1].transitionRequest(first.id, ['pending'], 'denied'),
      ...Array.from({ length: 8 }, (_, i) => replicas[i % 2]!.createRequest(aNewRequest({ target: TARGET }))),
    ]);

    // One more after the race: whether or not a racer came after the denial, one creation in all.
    results.push(await replicas[0].createRequest(aNewRequest({ target: TARGET })));

    expect(denied).toMatchObject({ status: 'denied' });
    // Creators that ran before the denial got the first request back; of those after it, one created.
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const open = await replicas[0].listRequests({ target: TARGET, statuses: ['pending', 'approved', 'executing'] });
    expect(open).toHaveLength(1);
    expect(open[0]!.id).not.toBe(first.id);
  });

  it('when approvers approve at once on both replicas, each twice, then each approval is recorded once, in order', async () => {
    const replicas = await twoReplicas();
    const { id } = await createdRequest(replicas[0], aNewRequest({ requiredApprovals: 3 }));
    const approvers = ['U0ONE', 'U0TWO', 'U0THREE', 'U0FOUR', 'U0FIVE', 'U0SIX'];

    const results = await Promise.all(
      approvers.flatMap((approver) => replicas.map((replica) => replica.addApproval(id, anActor(approver)))),
    );

    expect(results.filter((r) => r.kind === 'added')).toHaveLength(approvers.length);
    expect(results.filter((r) => r.kind === 'already-approved')).toHaveLength(approvers.length);
    const stored = (await replicas[1].getRequest(id))!;
    expect(stored.approvals.map((a) => a.approver.id).sort()).toEqual([...approvers].sort());
    expect(stored.version).toBe(1 + approvers.length);
    expect(await replicas[0].verifyRequestSeal(stored)).toEqual({ ok: true, sealed: true });
    const ordinals = await stores.exec(
      replicas[0],
      'SELECT ordinal FROM request_approvals WHERE request_id = ? ORDER BY ordinal',
      [id],
    );
    expect(ordinals.rows.map((r) => Number(r.ordinal))).toEqual(approvers.map((_, i) => i + 1));
  });
});
