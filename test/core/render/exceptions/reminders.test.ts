import {
  EXCEPTION_ACTION_IDS,
  renderExpiryReminder,
  renderExtensionNotice,
  renderSecurityHubReply,
  renderStatusNotice,
} from '../../../../src/core/render/blocks/exceptions';
import {
  APPROVER,
  EX_ID,
  HOSTILE,
  NOW,
  actionIdsOf,
  active,
  allText,
  anException,
  anExtension,
  buttons,
  coverage,
  daysAfter,
  minutesBefore,
  textOf,
  withinLimits,
  expectEscapedOnce,
} from './builders';

const fromFile = active({
  id: 'cfg_legacy-website',
  source: 'config',
  requester: { kind: 'system', id: 'cloudsec.yml' },
  approver: { id: 'Dana Lee', name: 'Dana Lee' },
});

describe('renderExpiryReminder', () => {
  it('when a Slack-made risk expires soon, then the owner is told when, what it covers, and offered Extend', () => {
    const payload = withinLimits(
      renderExpiryReminder(active({ expiresAt: daysAfter(5) }), {
        now: NOW,
        daysLeft: 5,
        extendable: true,
        coverage: coverage(),
      }),
    );
    const text = textOf(payload);
    expect(text).toContain('*Your accepted risk expires in 5 days*');
    expect(text).toContain('It expires 2026-11-06 12:00 UTC (in 5 days); after that its findings are shown again.');
    expect(text).toContain('*Covers*: 12 failing findings now');
    expect(buttons(payload.blocks).map((b) => [b.action_id, b.value])).toEqual([[EXCEPTION_ACTION_IDS.extend, EX_ID]]);
    expect(payload.text).toContain('expires in 5 days');
  });

  it('when it cannot be extended, then there is no Extend button', () => {
    const payload = renderExpiryReminder(active(), { now: NOW, daysLeft: 1, extendable: false });
    expect(textOf(payload)).toContain('expires in 1 day*');
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when it comes from cloudsec.yml, then it says to edit the file, without a button', () => {
    const payload = renderExpiryReminder(fromFile, { now: NOW, daysLeft: 3, extendable: true });
    expect(textOf(payload)).toContain('To extend it, move `expires:` of `legacy-website` in cloudsec.yml.');
    expect(actionIdsOf(payload)).toEqual([]);
  });
});

describe('renderStatusNotice', () => {
  it('when approved, then requester and owner read who approved, until when and what is hidden', () => {
    const payload = withinLimits(renderStatusNotice(active(), 'approved', { now: NOW, coverage: coverage() }));
    const text = textOf(payload);
    expect(text).toContain(':white_check_mark: *Accepted risk approved* by <@U0APPROVE>');
    expect(text).toContain('until it expires 2026-12-01 12:00 UTC (in 30 days)');
    expect(text).toContain('Covers 12 failing findings now');
    expect(text).toContain('Asked by <@U0REQUEST> · owner <@U0OWNER1>');
  });

  it('when denied, then the reason is shown', () => {
    const text = textOf(
      renderStatusNotice(
        anException({ status: 'denied', approver: APPROVER, decisionNote: 'Fix it instead.' }),
        'denied',
        {
          now: NOW,
        },
      ),
    );
    expect(text).toContain(':no_entry: *Accepted risk denied* by <@U0APPROVE>');
    expect(text).toContain('*Why*: Fix it instead.');
  });

  it('when revoked or cancelled, then it says so with the note', () => {
    expect(
      textOf(renderStatusNotice(active({ status: 'revoked', decisionNote: 'Moved.' }), 'revoked', { now: NOW })),
    ).toContain('*Why*: Moved.');
    expect(
      textOf(
        renderStatusNotice(anException({ status: 'cancelled', decisionNote: 'Not needed.' }), 'cancelled', {
          now: NOW,
        }),
      ),
    ).toContain('*Request cancelled* by the requester');
  });

  it('when expired, then it is loud: the findings are back', () => {
    const payload = renderStatusNotice(active({ status: 'expired', expiresAt: minutesBefore(5) }), 'expired', {
      now: NOW,
    });
    expect(textOf(payload)).toContain(':rotating_light: *Accepted risk expired* 2026-11-01 11:55 UTC');
    expect(textOf(payload)).toContain('*Its findings are back in every failing list and digest*');
    expect(textOf(payload)).toContain('ask again with Accept risk…');
    expect(payload.text).toMatch(/^EXPIRED: /);
  });

  it('when a cloudsec.yml risk expired, then it says to move the date in the file', () => {
    expect(textOf(renderStatusNotice(fromFile, 'expired', { now: NOW }))).toContain(
      'move `expires:` of `legacy-website` in cloudsec.yml',
    );
  });

  it('when it expired unapproved, then it says it never hid anything', () => {
    expect(textOf(renderStatusNotice(anException({ status: 'expired' }), 'expired', { now: NOW }))).toContain(
      'It expired before anyone approved it, so it never hid anything.',
    );
  });

  it('when notes and scopes are hostile, then every notice is escaped', () => {
    const e = active({ decisionNote: HOSTILE, reason: HOSTILE, scope: { accounts: ['*'], checks: [HOSTILE] } });
    for (const event of ['approved', 'denied', 'revoked', 'cancelled', 'expired'] as const) {
      const json = allText(withinLimits(renderStatusNotice(e, event, { now: NOW })));
      expectEscapedOnce(json);
    }
  });
});

describe('renderExtensionNotice', () => {
  it('when an extension is approved or denied, then the new or unchanged expiry is said, with the denial reason', () => {
    const x = anExtension();
    expect(textOf(renderExtensionNotice(active({ expiresAt: x.expiresAt }), x, 'approved', { now: NOW }))).toContain(
      'It now expires 2026-12-31 12:00 UTC (in 60 days).',
    );
    const denied = textOf(renderExtensionNotice(active(), x, 'denied', { now: NOW, reason: 'Fix it by then.' }));
    expect(denied).toContain('It still expires 2026-12-01 12:00 UTC (in 30 days)');
    expect(denied).toContain('*Why*: Fix it by then.');
  });
});

describe('renderSecurityHubReply', () => {
  it('when findings were suppressed and some refused, then it counts both and lists the refusals', () => {
    const payload = withinLimits(
      renderSecurityHubReply(active(), {
        status: 'SUPPRESSED',
        processed: ['a', 'b'],
        failed: Array.from({ length: 7 }, (_, i) => ({ id: `id-${i}`, code: 'AccessDenied', message: HOSTILE })),
        skipped: null,
      }),
    );
    const text = textOf(payload);
    expect(text).toContain(`2 findings set to \`SUPPRESSED\` with a note naming \`${EX_ID}\`.`);
    expect(text).toContain('*7 findings not changed*');
    expect(text).toContain('…and 2 more (see the audit log).');
    expectEscapedOnce(allText(payload));
  });

  it('when nothing was sent, then it says why', () => {
    expect(
      textOf(renderSecurityHubReply(active(), { status: 'NEW', processed: [], failed: [], skipped: 'dry run' })),
    ).toContain('Security Hub: nothing was sent (dry run).');
  });
});
