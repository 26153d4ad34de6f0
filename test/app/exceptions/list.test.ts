import { useTempStores } from '../../fixtures/store';
import {
  DAY,
  PEOPLE,
  PROD,
  STAGING,
  exceptionConfig,
  exceptionHarness,
  inDays,
  logsBucket,
  publicBucket,
  stagingBucket,
} from './harness';

const CONFIG_EXCEPTION = `exceptions:
  accepted:
    - name: staging-logs
      scope: { accounts: ["${STAGING}"], checks: ["s3_*"], resources: ["arn:aws:s3:::nothing-*"] }
      reason: Reviewed in SEC-9
      owner: U0OWNER
      approver: Dana Lee
      expires: "2026-11-20"
`;

describe('accepted risks: list', () => {
  const stores = useTempStores();

  it('when a viewer of one account lists them, then only those touching that account are shown, and other accounts are never named', async () => {
    const h = exceptionHarness(stores, { config: exceptionConfig(CONFIG_EXCEPTION) });
    const prodOnly = await h.active({ scope: { accounts: [PROD], checks: [publicBucket.checkId] } });
    const both = await h.active({
      finding: stagingBucket,
      scope: {
        accounts: [PROD, STAGING],
        checks: ['s3_*'],
        resources: ['arn:aws:s3:::staging-*', 'arn:aws:s3:::logs-*'],
      },
    });
    const everywhere = await h.active({
      finding: logsBucket,
      scope: { accounts: ['*'], checks: ['iam_*', 's3_*'], resources: ['arn:aws:s3:::logs-*'] },
      expiresAt: inDays(h.clock, 5),
    });

    const result = await h.workflow.list({ actor: PEOPLE.stagingViewer, filter: 'active' });

    if (!result.ok) throw new Error(result.reason);
    // Soonest expiry first; cloudsec.yml and database ones together, marked by source.
    expect(result.exceptions.map((l) => [l.exception.id, l.source])).toEqual([
      [everywhere.id, 'database'],
      ['cfg_staging-logs', 'cloudsec.yml'],
      [both.id, 'database'],
    ]);
    expect(result.exceptions.map((l) => l.exception.id)).not.toContain(prodOnly.id);
    const listedBoth = result.exceptions.find((l) => l.exception.id === both.id)!;
    expect(listedBoth).toMatchObject({
      exception: { scope: { accounts: [STAGING] } },
      hiddenAccounts: 1,
      inForce: true,
      daysLeft: 30,
      // The staging bucket: the only failing finding of staging it covers, hidden by it.
      coverage: { failing: 1, hidden: 1, resurfaced: 0 },
      stale: false,
    });
    expect(listedBoth.exception.accepted.map((a) => a.findingId)).toEqual([stagingBucket.id]);
    expect(result.exceptions[0]).toMatchObject({ exception: { scope: { accounts: ['*'] } }, hiddenAccounts: 0 });
    // In force, but nothing it covers fails in the accounts this viewer sees: stale (for them).
    expect(result.exceptions.find((l) => l.source === 'cloudsec.yml')).toMatchObject({
      stale: true,
      coverage: { failing: 0 },
    });
    expect(JSON.stringify(result)).not.toContain(PROD);
    expect(JSON.stringify(result)).not.toContain(publicBucket.id);

    // An unscoped viewer sees all of them, with every account.
    const all = await h.workflow.list({ actor: PEOPLE.approver, filter: 'active' });
    expect(all.ok && all.exceptions.map((l) => l.exception.id).sort()).toEqual(
      [prodOnly.id, both.id, everywhere.id, 'cfg_staging-logs'].sort(),
    );
    expect(all.ok && all.exceptions.find((l) => l.exception.id === both.id)?.exception.scope.accounts).toEqual([
      PROD,
      STAGING,
    ]);
  });

  it('when listing expiring, expired, pending and mine, then each filter answers its own question', async () => {
    const h = exceptionHarness(stores);
    const soon = await h.active({ expiresAt: inDays(h.clock, 3) });
    const later = await h.active({ expiresAt: inDays(h.clock, 40) });
    const gone = await h.active({ expiresAt: inDays(h.clock, 1) });
    const waiting = await h.pending({ actor: PEOPLE.approver, ownerId: PEOPLE.approver.userId });
    h.clock.advance(DAY + 1);
    await h.workflow.sweep(h.clock());

    const ids = async (filter: 'expiring' | 'expired' | 'pending' | 'mine' | 'active', actor = PEOPLE.approver) => {
      const r = await h.workflow.list({ actor, filter });
      if (!r.ok) throw new Error(r.reason);
      return r.exceptions.map((l) => l.exception.id);
    };
    expect(await ids('expiring')).toEqual([soon.id]);
    expect(await ids('active')).toEqual([soon.id, later.id]);
    expect(await ids('expired')).toEqual([gone.id]);
    expect(await ids('pending')).toEqual([waiting.id]);
    expect(await ids('mine')).toEqual([waiting.id]);
    expect((await ids('mine', PEOPLE.owner)).sort()).toEqual([soon.id, later.id, gone.id].sort());

    // No role: refused, and the refusal is audited.
    expect(await h.workflow.list({ actor: PEOPLE.stranger, filter: 'active' })).toMatchObject({
      ok: false,
      code: 'not-allowed',
    });
    expect((await h.store.latestAudit(1))[0]).toMatchObject({ action: 'exception.list', outcome: 'denied' });
  });
});
