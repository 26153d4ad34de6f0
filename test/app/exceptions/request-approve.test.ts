import { makeAcceptedRisks } from '../../../src/app/accepted-risks';
import { applyExceptions } from '../../../src/core/exceptions';
import { useTempStores } from '../../fixtures/store';
import {
  APPROVALS,
  DAY,
  PEOPLE,
  PROD,
  STAGING,
  exceptionConfig,
  exceptionHarness,
  inDays,
  logsBucket,
  publicBucket,
  securityHubFinding,
  stagingBucket,
} from './harness';

describe('accepted risks: request and approval', () => {
  const stores = useTempStores();

  it('when a responder asks and an approver approves, then the exception is active, hides the finding, and every step is on the card, in DMs and in the audit log', async () => {
    const h = exceptionHarness(stores);

    const asked = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: publicBucket.id,
      scope: { accounts: [PROD], checks: [publicBucket.checkId], resources: ['arn:aws:s3:::app-*'] },
      reason: 'Static website bucket, public by design (SEC-123).',
      ownerId: PEOPLE.owner.userId,
      ownerName: 'olga',
      expiresAt: '2026-12-01T00:00:00+01:00',
    });

    expect(asked).toMatchObject({ ok: true, posted: true, coverage: { count: 1 } });
    if (!asked.ok) throw new Error(asked.reason);
    const pending = asked.exception;
    expect(pending).toMatchObject({
      status: 'pending',
      source: 'slack',
      owner: { id: 'U0OWNER', name: 'olga' },
      requester: { kind: 'slack-user', id: 'U0REQUESTER', name: 'rita' },
      // Normalized to UTC: expiries compare as instants everywhere.
      expiresAt: '2026-11-30T23:00:00.000Z',
      accepted: [{ findingId: publicBucket.id, severity: 'high' }],
      message: { channel: APPROVALS, ts: '1700000000.000001' },
    });
    expect(h.slack.sent).toEqual([{ kind: 'post', to: APPROVALS, text: `card ${pending.id} pending covers=1` }]);

    const approved = await h.workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id });

    expect(approved).toMatchObject({
      ok: true,
      securityHub: null,
      exception: { status: 'active', approver: { id: 'U0APPROVER', name: 'alan' }, decidedAt: h.clock().toISOString() },
    });
    expect(h.slack.sent.slice(1)).toEqual([
      { kind: 'update', to: `${APPROVALS}/1700000000.000001`, text: `card ${pending.id} active covers=1` },
      { kind: 'dm', to: 'U0REQUESTER', text: `notice ${pending.id} approved` },
      { kind: 'dm', to: 'U0OWNER', text: `notice ${pending.id} approved` },
    ]);
    expect(await h.trail(pending.id)).toEqual(['exception.request:ok', 'exception.approve:ok']);

    // The source every report reads now hides the finding, and only it.
    const inForce = await makeAcceptedRisks({ config: h.deps.config, store: h.store, clock: h.clock }).inForce();
    const applied = applyExceptions([publicBucket, logsBucket], inForce, { now: h.clock(), ouPath: () => [] });
    expect(applied.excepted.map((x) => x.finding.id)).toEqual([publicBucket.id]);
    expect(applied.shown.map((f) => f.id)).toEqual([logsBucket.id]);
  });

  it('when the requester approves their own request, then it is refused (no break-glass for accepted risks) and stays pending', async () => {
    const h = exceptionHarness(stores);
    // An approver may ask too; they still cannot approve what they asked for.
    const pending = await h.pending({ actor: PEOPLE.approver });

    const result = await h.workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id });

    expect(result).toMatchObject({ ok: false, code: 'self-approval' });
    expect(!result.ok && result.reason).toMatch(/separation of duties/);
    expect(!result.ok && result.reason).toMatch(/Break-glass self-approval is not offered for accepted risks/);
    expect((await h.store.getException(pending.id))?.status).toBe('pending');
    expect(await h.trail(pending.id)).toEqual(['exception.request:ok', 'exception.approve:denied']);
    expect(h.slack.dms()).toEqual([]);
  });

  it('when an approver of another account approves, then it is refused without naming the account', async () => {
    const h = exceptionHarness(stores);
    const pending = await h.pending();

    const result = await h.workflow.approve({ actor: PEOPLE.stagingApprover, exceptionId: pending.id });

    expect(result).toEqual({
      ok: false,
      code: 'not-allowed',
      reason: 'This accepted risk covers an account you may not see, so you cannot act on it — ask a cloudsec admin.',
    });
    expect(JSON.stringify(result)).not.toContain(PROD);
    expect((await h.store.getException(pending.id))?.status).toBe('pending');
    expect(await h.trail(pending.id)).toEqual(['exception.request:ok', 'exception.approve:denied']);
  });

  it('when a scope spans two accounts, then an approver of one of them is refused with the policy reason about the one they see', async () => {
    const h = exceptionHarness(stores);
    const pending = await h.pending({ scope: { accounts: [PROD, STAGING], checks: ['s3_*'] } });

    const result = await h.workflow.approve({ actor: PEOPLE.prodApprover, exceptionId: pending.id });

    expect(result).toMatchObject({ ok: false, code: 'not-allowed' });
    // prodApprover may not see staging: nothing names it.
    expect(JSON.stringify(result)).not.toContain(STAGING);
    expect(JSON.stringify(result)).not.toContain('staging');
    expect(await h.workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id })).toMatchObject({
      ok: true,
      exception: { status: 'active' },
    });
  });

  it('when the scope is every account (*), then only an unscoped approver may approve it, and only an unscoped responder ask for it', async () => {
    const h = exceptionHarness(stores);
    const everywhere = { accounts: ['*'], checks: [publicBucket.checkId] };

    const scopedAsk = await h.workflow.request({
      actor: PEOPLE.prodResponder,
      findingId: publicBucket.id,
      scope: everywhere,
      reason: 'Buckets of the web team are public.',
      ownerId: PEOPLE.owner.userId,
      expiresAt: inDays(h.clock, 10),
    });
    expect(scopedAsk).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(!scopedAsk.ok && scopedAsk.reason).toBe(
      'This accepted risk covers every account, so it needs exception:request on every account (a role not limited to some accounts) — ask a cloudsec admin.',
    );

    const pending = await h.pending({ scope: everywhere });
    expect(pending.accepted.map((a) => a.findingId).sort()).toEqual(
      [publicBucket.id, logsBucket.id, stagingBucket.id].sort(),
    );

    const scoped = await h.workflow.approve({ actor: PEOPLE.prodApprover, exceptionId: pending.id });
    expect(scoped).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(!scoped.ok && scoped.reason).toMatch(/covers every account, so it needs exception:approve on every account/);
    expect(JSON.stringify(scoped)).not.toMatch(new RegExp(`${PROD}|${STAGING}|staging`));

    const unscoped = await h.workflow.approve({ actor: PEOPLE.secondApprover, exceptionId: pending.id });
    expect(unscoped).toMatchObject({ ok: true, exception: { status: 'active', approver: { id: 'U0APPROVER2' } } });
    expect(await h.trail(pending.id)).toEqual([
      'exception.request:ok',
      'exception.approve:denied',
      'exception.approve:ok',
    ]);
  });

  it('when 20 approvals of one exception arrive at once from two processes, then exactly one moves it and Security Hub is called once', async () => {
    const sh = [securityHubFinding(1), securityHubFinding(2)];
    const h = exceptionHarness(stores, { findings: [...sh, publicBucket] });
    // A second process: its own store handle on the same database file, sharing Slack and Security Hub.
    const other = exceptionHarness(stores, {
      path: h.dbPath,
      clock: h.clock,
      findings: h.findings,
      slack: h.slack,
      securityHub: h.securityHub,
    });
    const pending = await h.pending({ finding: sh[0]!, scope: { accounts: [PROD], checks: ['securityhub:S3.8'] } });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? h : other).workflow.approve({
          actor: i % 4 < 2 ? PEOPLE.approver : PEOPLE.secondApprover,
          exceptionId: pending.id,
        }),
      ),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(Array(19).fill('not-pending'));
    expect(h.securityHub.calls).toHaveLength(1);
    expect(h.securityHub.calls[0]).toMatchObject({
      status: 'SUPPRESSED',
      targets: [{ id: sh[0]!.evidence['securityHubId'] }, { id: sh[1]!.evidence['securityHubId'] }],
    });
    const trail = await h.trail(pending.id);
    expect(trail.filter((t) => t === 'exception.approve:ok')).toHaveLength(1);
    expect(trail.filter((t) => t === 'exception.approve:denied')).toHaveLength(19);
    expect(trail.filter((t) => t.startsWith('exception.securityhub'))).toEqual(['exception.securityhub_suppress:ok']);
    expect(h.slack.dms('U0OWNER')).toHaveLength(1);
    const stored = await h.store.getException(pending.id);
    expect(stored).toMatchObject({ status: 'active' });
    expect(stored?.suppressedInSecurityHub.sort()).toEqual(sh.map((f) => f.evidence['securityHubId']).sort());
  });

  it('when Security Hub refuses some findings or fails, then the approval stands and the refusal is in the audit log and the card thread', async () => {
    const sh = [securityHubFinding(1), securityHubFinding(2)];
    const h = exceptionHarness(stores, { findings: sh });
    h.securityHub.state.answer = (t) =>
      t.id === sh[1]!.evidence['securityHubId']
        ? { ...t, outcome: 'unprocessed', code: 'FindingNotFound', message: 'no such finding' }
        : { ...t, outcome: 'processed' };
    const pending = await h.pending({ finding: sh[0]!, scope: { accounts: [PROD], checks: ['securityhub:*'] } });

    const result = await h.workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id });

    expect(result).toMatchObject({
      ok: true,
      exception: { status: 'active', suppressedInSecurityHub: [sh[0]!.evidence['securityHubId']] },
      securityHub: {
        status: 'SUPPRESSED',
        failed: [{ id: sh[1]!.evidence['securityHubId'], code: 'FindingNotFound' }],
      },
    });
    expect(h.securityHub.calls[0]!.note).toBe(
      `Accepted risk ${pending.id} in cloudsec: owner U0OWNER, expires ${pending.expiresAt}. Reason: Static website bucket, public by design (SEC-123).`,
    );
    expect(h.slack.sent.filter((s) => s.threadTs)).toEqual([
      {
        kind: 'post',
        to: APPROVALS,
        threadTs: '1700000000.000001',
        text: `securityhub ${pending.id} SUPPRESSED processed=1 failed=FindingNotFound`,
      },
    ]);
    const entries = await h.store.listAudit({ requestId: pending.id });
    const suppress = entries.find((e) => e.action === 'exception.securityhub_suppress');
    expect(suppress).toMatchObject({ outcome: 'error' });
    expect(suppress?.details['results']).toEqual([
      {
        id: sh[0]!.evidence['securityHubId'],
        productArn: sh[0]!.evidence['productArn'],
        accountId: PROD,
        region: 'us-east-1',
        outcome: 'processed',
      },
      {
        id: sh[1]!.evidence['securityHubId'],
        productArn: sh[1]!.evidence['productArn'],
        accountId: PROD,
        region: 'us-east-1',
        outcome: 'unprocessed',
        code: 'FindingNotFound',
        message: 'no such finding',
      },
    ]);

    // Security Hub down altogether: still approved, recorded as unconfirmed.
    const h2 = exceptionHarness(stores, { findings: sh });
    h2.securityHub.state.throws = new Error('connect ETIMEDOUT');
    const second = await h2.pending({ finding: sh[0]!, scope: { accounts: [PROD], checks: ['securityhub:*'] } });
    const down = await h2.workflow.approve({ actor: PEOPLE.approver, exceptionId: second.id });
    expect(down).toMatchObject({ ok: true, exception: { status: 'active', suppressedInSecurityHub: [] } });
    expect(await h2.trail(second.id)).toEqual([
      'exception.request:ok',
      'exception.approve:ok',
      'exception.securityhub_suppress:error',
    ]);
  });

  it('when the latest findings cannot be read after the approval, then the approval stands and the failure is audited', async () => {
    const h = exceptionHarness(stores);
    const pending = await h.pending();
    h.deps.latest = {
      latestFindings: async () => {
        throw new Error('database is locked');
      },
    };

    const result = await h.workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id });

    expect(result).toMatchObject({ ok: true, securityHub: null, exception: { status: 'active' } });
    expect(await h.trail(pending.id)).toEqual([
      'exception.request:ok',
      'exception.approve:ok',
      'exception.securityhub_suppress:error',
    ]);
  });

  it('when no Security Hub port is configured, then approval says so in the audit log and changes nothing there', async () => {
    const sh = [securityHubFinding(1)];
    const h = exceptionHarness(stores, { findings: sh, securityHub: null });
    const pending = await h.pending({ finding: sh[0]! });

    const result = await h.workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id });

    expect(result).toMatchObject({
      ok: true,
      securityHub: { processed: [], skipped: expect.stringMatching(/not set up/) },
    });
    expect(await h.trail(pending.id)).toEqual([
      'exception.request:ok',
      'exception.approve:ok',
      'exception.securityhub_suppress:no_op',
    ]);
  });

  it('when the request is not acceptable, then each refusal says what to fix and nothing is stored', async () => {
    const h = exceptionHarness(stores);
    const base = {
      actor: PEOPLE.requester,
      findingId: publicBucket.id,
      scope: { accounts: [PROD], checks: [publicBucket.checkId] },
      reason: 'Public by design.',
      ownerId: PEOPLE.owner.userId,
      expiresAt: inDays(h.clock, 30),
    };

    const tooFar = await h.workflow.checkRequest({
      ...base,
      expiresAt: inDays(h.clock, 91),
      reason: ' ',
      ownerId: 'olga',
    });
    expect(tooFar).toMatchObject({ ok: false, code: 'invalid' });
    expect(!tooFar.ok && 'fields' in tooFar && tooFar.fields).toEqual({
      expiresAt: expect.stringMatching(/more than 90 days away/),
      reason: 'Give a reason: why is this risk accepted?',
      ownerId: expect.stringMatching(/Choose the owner/),
    });

    const badScope = await h.workflow.request({ ...base, scope: { checks: [] } });
    expect(!badScope.ok && 'fields' in badScope && Object.keys(badScope.fields ?? {})).toEqual(['scope']);

    expect(await h.workflow.request({ ...base, scope: { accounts: [STAGING], checks: ['s3_*'] } })).toMatchObject({
      ok: false,
      code: 'not-covered',
    });
    expect(await h.workflow.request({ ...base, findingId: 'f_nope' })).toMatchObject({
      ok: false,
      code: 'finding-not-found',
    });
    // A staging viewer cannot even learn that the finding exists.
    const hidden = await h.workflow.request({ ...base, actor: PEOPLE.stagingViewer });
    expect(hidden).toEqual({
      ok: false,
      code: 'not-allowed',
      reason: 'This finding is not on an account you may see — ask a cloudsec admin.',
    });

    h.findings.push({ ...logsBucket, id: 'f_passing', status: 'pass' });
    expect(
      await h.workflow.request({ ...base, findingId: 'f_passing', scope: { accounts: [PROD], checks: ['s3_*'] } }),
    ).toMatchObject({
      ok: false,
      code: 'not-failing',
    });

    expect(await h.store.listExceptions()).toEqual([]);
    const refusals = await h.store.listAudit({});
    expect(refusals.map((e) => `${e.action}:${e.outcome}:${String(e.details['code'])}`)).toEqual([
      'exception.request:denied:invalid',
      'exception.request:denied:invalid',
      'exception.request:denied:not-covered',
      'exception.request:denied:finding-not-found',
      'exception.request:denied:not-allowed',
      'exception.request:denied:not-failing',
    ]);
  });

  it('when no approvals channel is configured, then the request is refused naming the setting', async () => {
    const config = exceptionConfig();
    const h = exceptionHarness(stores, {
      config: { ...config, remediation: { ...config.remediation, approvalsChannel: undefined } },
    });

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: publicBucket.id,
      scope: { accounts: [PROD], checks: [publicBucket.checkId] },
      reason: 'Public by design.',
      ownerId: PEOPLE.owner.userId,
      expiresAt: inDays(h.clock, 30),
    });

    expect(result).toMatchObject({ ok: false, code: 'no-approvals-channel' });
    expect(!result.ok && result.reason).toMatch(/set remediation\.approvalsChannel in cloudsec\.yml/);
    expect(await h.store.listExceptions()).toEqual([]);
  });

  it('when Slack cannot post the card, then the request is stored, the failure audited, and the caller told', async () => {
    const h = exceptionHarness(stores);
    h.slack.state.failPosts = true;

    const result = await h.workflow.request({
      actor: PEOPLE.requester,
      findingId: publicBucket.id,
      scope: { accounts: [PROD], checks: [publicBucket.checkId] },
      reason: 'Public by design.',
      ownerId: PEOPLE.owner.userId,
      expiresAt: inDays(h.clock, 30),
    });

    expect(result).toMatchObject({ ok: true, posted: false, exception: { status: 'pending', message: null } });
    if (!result.ok) throw new Error(result.reason);
    expect(await h.trail(result.exception.id)).toEqual(['exception.request:ok', 'exception.notify:error']);
  });

  it('when the pending request outlives its own expiry, then approving it is refused and it expires', async () => {
    const h = exceptionHarness(stores);
    const pending = await h.pending({ expiresAt: inDays(h.clock, 2) });
    h.clock.advance(3 * DAY);

    const result = await h.workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id });

    expect(result).toMatchObject({ ok: false, code: 'expired', exception: { status: 'expired' } });
    expect(await h.trail(pending.id)).toEqual([
      'exception.request:ok',
      'exception.expire:ok',
      'exception.approve:denied',
    ]);
  });
});

describe('accepted risks: preview', () => {
  const stores = useTempStores();

  it('when a finding is previewed, then its own scope is proposed and coverage counts only the accounts the actor may see', async () => {
    const h = exceptionHarness(stores);

    const own = await h.workflow.preview({ actor: PEOPLE.prodResponder, findingId: publicBucket.id });
    expect(own).toMatchObject({
      ok: true,
      defaultScope: {
        accounts: [PROD],
        checks: [publicBucket.checkId],
        regions: ['us-east-1'],
        resources: ['arn:aws:s3:::app-data'],
      },
      coverage: { count: 1 },
      partial: false,
      coversFinding: true,
      maxDays: 90,
      latestExpiry: inDays(h.clock, 90),
      mayRequest: true,
      whyNot: null,
    });

    const widened = await h.workflow.preview({
      actor: PEOPLE.prodResponder,
      findingId: publicBucket.id,
      scope: { accounts: ['*'], checks: ['s3_*'] },
    });
    // Two failing buckets in prod; the staging one is neither counted nor named.
    expect(widened).toMatchObject({
      ok: true,
      coverage: { count: 2, byCheck: { [publicBucket.checkId]: 2 } },
      partial: true,
      mayRequest: false,
    });
    expect(JSON.stringify(widened)).not.toContain(STAGING);

    const elsewhere = await h.workflow.preview({
      actor: PEOPLE.requester,
      findingId: publicBucket.id,
      scope: { accounts: [STAGING], checks: ['s3_*'] },
    });
    expect(elsewhere).toMatchObject({ ok: true, coversFinding: false, coverage: { count: 1 } });

    const broken = await h.workflow.preview({
      actor: PEOPLE.prodResponder,
      findingId: publicBucket.id,
      scope: { accounts: ['prod'] },
    });
    expect(broken).toMatchObject({ ok: false, code: 'invalid' });
    expect(!broken.ok && broken.problems).toEqual([
      'scope.accounts.0: expected a 12-digit account id or *',
      'scope.checks: Invalid input: expected array, received undefined',
    ]);
    expect((await h.store.listAudit({})).map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'exception.preview:allowed',
      'exception.preview:allowed',
      'exception.preview:allowed',
      'exception.preview:denied',
    ]);
  });
});
