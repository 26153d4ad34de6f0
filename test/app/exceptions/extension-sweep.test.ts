import { useTempStores } from '../../fixtures/store';
import {
  DAY,
  PEOPLE,
  PROD,
  exceptionConfig,
  exceptionHarness,
  inDays,
  securityHubFinding,
  type Harness,
} from './harness';

const sweepOf = (h: Harness) => h.workflow.sweep(h.clock());

describe('accepted risks: extension', () => {
  const stores = useTempStores();

  it('when an extension is asked for and approved by someone else, then the expiry moves and the new one is reminded once', async () => {
    const h = exceptionHarness(stores);
    const active = await h.active({ expiresAt: inDays(h.clock, 30) });

    // Day 25: reminded once of the first expiry.
    h.clock.advance(25 * DAY);
    expect((await sweepOf(h)).reminded).toEqual([active.id]);
    expect((await sweepOf(h)).reminded).toEqual([]);
    expect((await h.store.getException(active.id))?.remindedAt).not.toBeNull();

    const newExpiry = inDays(h.clock, 60);
    const bad = await h.workflow.requestExtension({
      actor: PEOPLE.requester,
      exceptionId: active.id,
      expiresAt: inDays(h.clock, 2),
      reason: 'More time.',
    });
    expect(bad).toMatchObject({ ok: false, code: 'invalid' });
    expect(!bad.ok && bad.reason).toMatch(/later than the current one/);
    expect(
      await h.workflow.requestExtension({
        actor: PEOPLE.requester,
        exceptionId: active.id,
        expiresAt: inDays(h.clock, 91),
        reason: 'More time.',
      }),
    ).toMatchObject({ ok: false, code: 'invalid', reason: expect.stringMatching(/more than 90 days away/) });

    const asked = await h.workflow.requestExtension({
      actor: PEOPLE.requester,
      exceptionId: active.id,
      expiresAt: newExpiry,
      reason: 'The migration to CloudFront slipped to January.',
    });
    expect(asked).toMatchObject({
      ok: true,
      exception: {
        status: 'active',
        expiresAt: active.expiresAt,
        extension: {
          requester: { id: 'U0REQUESTER' },
          expiresAt: newExpiry,
          message: { channel: 'C0SECLEADS' },
        },
      },
    });
    expect(h.slack.sent.filter((s) => s.kind === 'post').map((s) => s.text)).toEqual([
      `card ${active.id} pending covers=1`,
      `extension-card ${active.id} pending to=${newExpiry}`,
    ]);
    // One at a time.
    expect(
      await h.workflow.requestExtension({
        actor: PEOPLE.approver,
        exceptionId: active.id,
        expiresAt: newExpiry,
        reason: 'x',
      }),
    ).toMatchObject({ ok: false, code: 'extension-pending' });

    // Separation of duties holds for extensions too.
    const own = await h.workflow.approveExtension({ actor: PEOPLE.requester, exceptionId: active.id });
    expect(own).toMatchObject({ ok: false, code: 'not-allowed' });

    const approved = await h.workflow.approveExtension({ actor: PEOPLE.approver, exceptionId: active.id });
    expect(approved).toMatchObject({
      ok: true,
      exception: { status: 'active', expiresAt: newExpiry, extension: null, remindedAt: null },
    });
    expect(h.slack.texts('update').slice(-2)).toEqual([
      `extension-card ${active.id} approved to=${newExpiry}`,
      `card ${active.id} active covers=1`,
    ]);
    expect(h.slack.texts('dm').slice(-2)).toEqual([
      `extension-notice ${active.id} approved`,
      `extension-notice ${active.id} approved`,
    ]);
    expect(await h.workflow.approveExtension({ actor: PEOPLE.secondApprover, exceptionId: active.id })).toMatchObject({
      ok: false,
      code: 'no-extension',
    });

    // Not due yet (60 days left), then due once 7 days before the new expiry.
    expect((await sweepOf(h)).reminded).toEqual([]);
    h.clock.advance(54 * DAY);
    expect((await sweepOf(h)).reminded).toEqual([active.id]);
    expect((await sweepOf(h)).reminded).toEqual([]);
    expect(h.slack.texts('dm').filter((t) => t.startsWith('reminder'))).toEqual([
      `reminder ${active.id} days=5 extendable=true`,
      `reminder ${active.id} days=6 extendable=true`,
    ]);

    expect(await h.trail(active.id)).toEqual([
      'exception.request:ok',
      'exception.approve:ok',
      'exception.remind:ok',
      'exception.extension_request:denied',
      'exception.extension_request:denied',
      'exception.extension_request:ok',
      'exception.extension_request:denied',
      'exception.extension_approve:denied',
      'exception.extension_approve:ok',
      'exception.extension_approve:denied',
      'exception.remind:ok',
    ]);
  });

  it('when an approver asks for an extension, then they cannot approve it themselves; another can deny it with a reason', async () => {
    const h = exceptionHarness(stores);
    const active = await h.active();
    const asked = await h.workflow.requestExtension({
      actor: PEOPLE.approver,
      exceptionId: active.id,
      expiresAt: inDays(h.clock, 60),
      reason: 'Another month.',
    });
    expect(asked.ok).toBe(true);

    const own = await h.workflow.approveExtension({ actor: PEOPLE.approver, exceptionId: active.id });
    expect(own).toMatchObject({ ok: false, code: 'self-approval' });
    expect(!own.ok && own.reason).toMatch(/Break-glass self-approval is not offered/);
    expect(
      await h.workflow.denyExtension({ actor: PEOPLE.secondApprover, exceptionId: active.id, reason: '' }),
    ).toMatchObject({
      ok: false,
      code: 'invalid',
    });

    const denied = await h.workflow.denyExtension({
      actor: PEOPLE.secondApprover,
      exceptionId: active.id,
      reason: 'Fix it this month.',
    });

    expect(denied).toMatchObject({ ok: true, exception: { expiresAt: active.expiresAt, extension: null } });
    expect(h.slack.texts('dm').slice(-2)).toEqual([
      `extension-notice ${active.id} denied (Fix it this month.)`,
      `extension-notice ${active.id} denied (Fix it this month.)`,
    ]);
    expect((await h.trail(active.id)).slice(-3)).toEqual([
      'exception.extension_approve:denied',
      'exception.extension_deny:denied',
      'exception.extension_deny:ok',
    ]);
  });

  it('when two approvers decide one extension at once, then only one decision is made', async () => {
    const h = exceptionHarness(stores);
    const active = await h.active();
    await h.workflow.requestExtension({
      actor: PEOPLE.requester,
      exceptionId: active.id,
      expiresAt: inDays(h.clock, 60),
      reason: 'Another month.',
    });

    const results = await Promise.all([
      h.workflow.approveExtension({ actor: PEOPLE.approver, exceptionId: active.id }),
      h.workflow.denyExtension({ actor: PEOPLE.secondApprover, exceptionId: active.id, reason: 'No.' }),
      h.workflow.approveExtension({ actor: PEOPLE.secondApprover, exceptionId: active.id }),
    ]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const trail = await h.trail(active.id);
    expect(
      trail.filter((t) => t === 'exception.extension_approve:ok' || t === 'exception.extension_deny:ok'),
    ).toHaveLength(1);
  });
});

describe('accepted risks: sweep', () => {
  const stores = useTempStores();

  it('when two processes sweep at once after the expiry, then it expires exactly once: one audit entry, one DM, one Security Hub call', async () => {
    const sh = [securityHubFinding(1)];
    const h = exceptionHarness(stores, { findings: [...sh] });
    const other = exceptionHarness(stores, {
      path: h.dbPath,
      clock: h.clock,
      findings: h.findings,
      slack: h.slack,
      securityHub: h.securityHub,
    });
    const active = await h.active({ finding: sh[0]!, expiresAt: inDays(h.clock, 10) });
    await h.workflow.requestExtension({
      actor: PEOPLE.requester,
      exceptionId: active.id,
      expiresAt: inDays(h.clock, 40),
      reason: 'More time.',
    });
    h.clock.advance(10 * DAY);

    const [a, b] = await Promise.all([sweepOf(h), sweepOf(other)]);

    expect([...a.expired, ...b.expired]).toEqual([active.id]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(await h.store.getException(active.id)).toMatchObject({
      status: 'expired',
      extension: null,
      suppressedInSecurityHub: [],
    });
    expect(h.slack.dms('U0OWNER').map((d) => d.text)).toEqual([
      `notice ${active.id} approved`,
      `notice ${active.id} expired`,
    ]);
    expect(h.securityHub.calls.map((c) => c.status)).toEqual(['SUPPRESSED', 'NEW']);
    expect(h.slack.texts('update').slice(-2)).toEqual([
      `card ${active.id} expired`,
      `extension-card ${active.id} withdrawn to=${inDays(h.clock, 30)}`,
    ]);
    const trail = await h.trail(active.id);
    expect(trail.filter((t) => t.startsWith('exception.expire'))).toEqual(['exception.expire:ok']);
    expect(trail.at(-1)).toBe('exception.securityhub_restore:ok');
    expect((await sweepOf(h)).expired).toEqual([]);
  });

  it('when the reminder is due, then two sweeps, and a sweep after a restart, remind the owner exactly once', async () => {
    const h = exceptionHarness(stores);
    const active = await h.active({ expiresAt: inDays(h.clock, 30) });
    h.clock.advance(24 * DAY);
    const other = exceptionHarness(stores, { path: h.dbPath, clock: h.clock, slack: h.slack });

    const [a, b] = await Promise.all([sweepOf(h), sweepOf(other)]);
    expect([...a.reminded, ...b.reminded]).toEqual([active.id]);

    // The process restarts: a new store handle on the same file, a new workflow.
    await h.store.close();
    const restarted = exceptionHarness(stores, { path: h.dbPath, clock: h.clock, slack: h.slack });
    h.clock.advance(DAY);
    expect((await sweepOf(restarted)).reminded).toEqual([]);

    expect(h.slack.dms('U0OWNER').filter((d) => d.text.startsWith('reminder'))).toEqual([
      { kind: 'dm', to: 'U0OWNER', text: `reminder ${active.id} days=6 extendable=true` },
    ]);
    expect((await restarted.trail(active.id)).filter((t) => t.startsWith('exception.remind'))).toEqual([
      'exception.remind:ok',
    ]);
  });

  it('when a pending request is never decided before its expiry, then the sweep expires it', async () => {
    const h = exceptionHarness(stores);
    const pending = await h.pending({ expiresAt: inDays(h.clock, 3) });
    h.clock.advance(3 * DAY);

    const report = await sweepOf(h);

    expect(report.expiredPending).toEqual([pending.id]);
    expect(await h.store.getException(pending.id)).toMatchObject({ status: 'expired' });
    expect(h.slack.texts('update')).toEqual([`card ${pending.id} expired`]);
    expect(await h.trail(pending.id)).toEqual(['exception.request:ok', 'exception.expire:ok']);
  });

  it('when cloudsec.yml accepted risks expire soon and then expire, then the owner is reminded once and the expiry reported once, across restarts', async () => {
    const config = exceptionConfig(`exceptions:
  accepted:
    - name: legacy-site
      scope: { accounts: ["${PROD}"], checks: ["s3_*"] }
      reason: Static site, reviewed in SEC-123
      owner: U0OWNER
      approver: Dana Lee
      expires: "2026-11-05"
    - name: named-owner
      scope: { accounts: ["${PROD}"], checks: ["iam_*"] }
      reason: Break-glass user
      owner: Olga Owner
      approver: Dana Lee
      expires: "2026-11-03"
`);
    const h = exceptionHarness(stores, { config });

    const first = await sweepOf(h);
    expect(first.configReminded.sort()).toEqual(['cfg_legacy-site', 'cfg_named-owner']);
    expect((await sweepOf(h)).configReminded).toEqual([]);

    await h.store.close();
    const restarted = exceptionHarness(stores, { path: h.dbPath, clock: h.clock, slack: h.slack, config });
    expect((await sweepOf(restarted)).configReminded).toEqual([]);
    // Only the Slack user is DMed; the owner given by name is audited as not told.
    expect(h.slack.dms().map((d) => `${d.to} ${d.text}`)).toEqual([
      'U0OWNER reminder cfg_legacy-site days=5 extendable=false',
    ]);
    expect(await restarted.trail('cfg_named-owner')).toEqual(['exception.remind:no_op']);

    restarted.clock.set('2026-11-06T00:00:00.000Z');
    const [a, b] = await Promise.all([
      sweepOf(restarted),
      sweepOf(exceptionHarness(stores, { path: h.dbPath, clock: h.clock, slack: h.slack, config })),
    ]);
    expect([...a.configExpired, ...b.configExpired].sort()).toEqual(['cfg_legacy-site', 'cfg_named-owner']);
    expect((await sweepOf(restarted)).configExpired).toEqual([]);
    expect(await restarted.trail('cfg_legacy-site')).toEqual(['exception.remind:ok', 'exception.expire:ok']);
    expect(h.slack.dms().at(-1)).toEqual({ kind: 'dm', to: 'U0OWNER', text: 'notice cfg_legacy-site expired' });
  });

  it('when a stored row is corrupted, then it is listed as unreadable, never as active, and the sweep still expires the others', async () => {
    const h = exceptionHarness(stores);
    const broken = await h.active({ expiresAt: inDays(h.clock, 5) });
    const expiring = await h.active({ expiresAt: inDays(h.clock, 2) });
    const raw = stores.raw(h.dbPath);
    raw.prepare('UPDATE risk_exceptions SET scope = ? WHERE id = ?').run('{"accounts": "every', broken.id);

    const listed = await h.workflow.list({ actor: PEOPLE.approver, filter: 'active' });
    expect(listed).toMatchObject({ ok: true, exceptions: [] });
    expect(listed.ok && listed.problems).toEqual([
      'accepted risks stored in the database could not be read; the findings they cover are shown',
    ]);
    expect(await h.workflow.revoke({ actor: PEOPLE.approver, exceptionId: broken.id, reason: 'x' })).toMatchObject({
      ok: false,
      code: 'not-found',
      reason: expect.stringMatching(/could not be read/),
    });

    h.clock.advance(2 * DAY);
    const report = await sweepOf(h);
    // The expiry query does not reach the broken row (it expires later); the reminder query does.
    expect(report.expired).toEqual([expiring.id]);
    expect(report.errors).toEqual([
      `reading accepted risks expiring soon: The stored scope of risk exception ${broken.id} is not JSON; the database was changed outside cloudsec.`,
    ]);
    expect(report.reminded).toEqual([]);
  });
});
