import { useTempStores } from '../../fixtures/store';
import { APPROVALS, PEOPLE, PROD, SH_PRODUCT, exceptionHarness, securityHubFinding } from './harness';

describe('accepted risks: deny, cancel, revoke', () => {
  const stores = useTempStores();

  it('when an approver denies without a reason, then it is refused; with one, the exception is denied and both people are told why', async () => {
    const h = exceptionHarness(stores);
    const pending = await h.pending();

    const check = await h.workflow.check({ actor: PEOPLE.approver, exceptionId: pending.id, action: 'deny' });
    expect(check).toMatchObject({ ok: true, exception: { id: pending.id } });
    expect(await h.workflow.deny({ actor: PEOPLE.approver, exceptionId: pending.id, reason: '   ' })).toMatchObject({
      ok: false,
      code: 'invalid',
      reason: 'A reason for the denial is required.',
    });
    expect((await h.store.getException(pending.id))?.status).toBe('pending');

    const denied = await h.workflow.deny({
      actor: PEOPLE.approver,
      exceptionId: pending.id,
      reason: 'Fix it: it holds exports.',
    });

    expect(denied).toMatchObject({
      ok: true,
      exception: { status: 'denied', decisionNote: 'Fix it: it holds exports.', approver: { id: 'U0APPROVER' } },
    });
    expect(h.slack.texts('dm')).toEqual([`notice ${pending.id} denied`, `notice ${pending.id} denied`]);
    expect(h.slack.texts('update')).toEqual([`card ${pending.id} denied`]);
    // A decided exception cannot be approved any more.
    expect(await h.workflow.approve({ actor: PEOPLE.secondApprover, exceptionId: pending.id })).toMatchObject({
      ok: false,
      code: 'not-pending',
      status: 'denied',
    });
    expect(await h.trail(pending.id)).toEqual([
      'exception.request:ok',
      'exception.deny:denied',
      'exception.deny:ok',
      'exception.approve:denied',
    ]);
  });

  it('when the requester cancels their pending request, then it is cancelled; anyone else is refused', async () => {
    const h = exceptionHarness(stores);
    const pending = await h.pending();

    expect(await h.workflow.cancel({ actor: PEOPLE.approver, exceptionId: pending.id })).toMatchObject({
      ok: false,
      code: 'not-allowed',
      reason: 'Only the person who asked for this accepted risk can cancel it; an approver can deny it.',
    });
    const cancelled = await h.workflow.cancel({ actor: PEOPLE.requester, exceptionId: pending.id });

    expect(cancelled).toMatchObject({ ok: true, exception: { status: 'cancelled' } });
    expect(h.slack.dms()).toEqual([{ kind: 'dm', to: 'U0OWNER', text: `notice ${pending.id} cancelled` }]);
    expect(await h.trail(pending.id)).toEqual([
      'exception.request:ok',
      'exception.cancel:denied',
      'exception.cancel:ok',
    ]);
  });

  it('when the owner revokes an active exception, then it is revoked and its Security Hub findings go back to NEW', async () => {
    const sh = [securityHubFinding(1), securityHubFinding(2)];
    const h = exceptionHarness(stores, { findings: [...sh] });
    const active = await h.active({ finding: sh[0]!, scope: { accounts: [PROD], checks: ['securityhub:S3.8'] } });
    expect(active.suppressedInSecurityHub).toHaveLength(2);
    // SUPPRESSED findings are no longer read back from Security Hub: they leave the latest findings.
    h.findings.splice(0);

    // Someone with no say about it is refused in words that name no account.
    const stranger = await h.workflow.revoke({ actor: PEOPLE.stranger, exceptionId: active.id, reason: 'no' });
    expect(stranger).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(JSON.stringify(stranger)).not.toContain(PROD);

    const revoked = await h.workflow.revoke({
      actor: PEOPLE.owner,
      exceptionId: active.id,
      reason: 'The website moved to CloudFront.',
    });

    expect(revoked).toMatchObject({
      ok: true,
      exception: { status: 'revoked', decisionNote: 'The website moved to CloudFront.', suppressedInSecurityHub: [] },
      securityHub: { status: 'NEW', processed: [sh[0]!.evidence['securityHubId'], sh[1]!.evidence['securityHubId']] },
    });
    // Where the findings are was taken from the suppression's audit entry.
    expect(h.securityHub.calls.map((c) => c.status)).toEqual(['SUPPRESSED', 'NEW']);
    expect(h.securityHub.calls[1]!.targets).toEqual(
      sh.map((f) => ({
        id: f.evidence['securityHubId'],
        productArn: SH_PRODUCT,
        accountId: PROD,
        region: 'us-east-1',
      })),
    );
    expect(h.securityHub.calls[1]!.note).toBe(
      `Accepted risk ${active.id} in cloudsec revoked at ${h.clock().toISOString()}: the finding is open again.`,
    );
    expect(h.slack.texts('dm').slice(-2)).toEqual([`notice ${active.id} revoked`, `notice ${active.id} revoked`]);
    expect(h.slack.sent.at(-1)).toMatchObject({ kind: 'post', to: APPROVALS, threadTs: active.message!.ts });
    expect(await h.trail(active.id)).toEqual([
      'exception.request:ok',
      'exception.approve:ok',
      'exception.securityhub_suppress:ok',
      'exception.revoke:denied',
      'exception.revoke:ok',
      'exception.securityhub_restore:ok',
    ]);
    // Once revoked, nothing more to revoke.
    expect(await h.workflow.revoke({ actor: PEOPLE.approver, exceptionId: active.id, reason: 'again' })).toMatchObject({
      ok: false,
      code: 'not-active',
    });
  });

  it('when Security Hub refuses to set a finding back to NEW, then the revocation stands and the id stays listed as suppressed', async () => {
    const sh = [securityHubFinding(1)];
    const h = exceptionHarness(stores, { findings: [...sh] });
    const active = await h.active({ finding: sh[0]! });
    h.securityHub.state.answer = (t) => ({ ...t, outcome: 'unprocessed', code: 'AccessDenied', message: 'no' });

    const revoked = await h.workflow.revoke({ actor: PEOPLE.approver, exceptionId: active.id, reason: 'Fixed.' });

    expect(revoked).toMatchObject({
      ok: true,
      exception: { status: 'revoked', suppressedInSecurityHub: [sh[0]!.evidence['securityHubId']] },
      securityHub: { failed: [{ code: 'AccessDenied' }] },
    });
    expect((await h.trail(active.id)).at(-1)).toBe('exception.securityhub_restore:error');
  });

  it('when an accepted risk from cloudsec.yml is acted on from Slack, then it is refused: it is changed in git', async () => {
    const h = exceptionHarness(stores);

    const result = await h.workflow.revoke({ actor: PEOPLE.approver, exceptionId: 'cfg_legacy-site', reason: 'x' });

    expect(result).toMatchObject({ ok: false, code: 'config-exception' });
    expect(!result.ok && result.reason).toMatch(/written in cloudsec\.yml/);
  });
});
