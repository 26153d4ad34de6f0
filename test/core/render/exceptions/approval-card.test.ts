import {
  EXCEPTION_ACTION_IDS,
  renderApprovalCard,
  renderExtensionCard,
} from '../../../../src/core/render/blocks/exceptions';
import type { RiskException } from '../../../../src/core/exceptions/model';
import {
  APPROVER,
  EX_ID,
  HOSTILE,
  NOW,
  REQUESTER,
  actionIdsOf,
  active,
  allText,
  anException,
  anExtension,
  buttons,
  coverage,
  minutesBefore,
  textOf,
  withinLimits,
  expectEscapedOnce,
} from './builders';

const card = (e: RiskException, cov = coverage()) => withinLimits(renderApprovalCard(e, { now: NOW, coverage: cov }));

const expectNoControlSequences = (json: string) => expectEscapedOnce(json);

describe('renderApprovalCard', () => {
  it('when the request is pending, then the card says who asks, the owner, scope, reason, expiry and coverage, with Approve and Deny', () => {
    const payload = card(anException());
    const text = textOf(payload);
    expect(text).toContain('Accepted risk: approval requested');
    expect(text).toContain('*Waiting for approval* · needs an approver other than <@U0REQUEST>');
    expect(text).toContain('*Requested by*\n<@U0REQUEST> 30 min ago');
    expect(text).toContain('*Owner*\n<@U0OWNER1>');
    expect(text).toContain('*Accepted until*\n2026-12-01 12:00 UTC (in 30 days)');
    expect(text).toContain(
      '*Covers*\n12 failing findings now (by check: 10 × `s3_bucket_public_access_blocked`, 2 × `s3_bucket_versioning_enabled`)',
    );
    expect(text).toContain('*Source*\nSlack');
    expect(text).toContain('*Checks*: `s3_bucket_public_access_blocked`');
    expect(text).toContain('*Accounts*: `111111111111`');
    expect(text).toContain('*Regions*: `us-east-1`');
    expect(text).toContain('*Resources*: `arn:aws:s3:::acme-logs`');
    expect(text).toContain('*Reason*\nStatic website bucket, public by design; reviewed in SEC-123.');
    expect(text).toContain(`Accepted risk \`${EX_ID}\` · source slack`);
    const bs = buttons(payload.blocks);
    expect(bs.map((b) => [b.action_id, b.value, b.style])).toEqual([
      [EXCEPTION_ACTION_IDS.approve, EX_ID, 'primary'],
      [EXCEPTION_ACTION_IDS.deny, EX_ID, 'danger'],
    ]);
    expect(payload.text).toContain('Waiting for approval');
  });

  it('when the scope has no region, resource or tags, then it reads every region and every resource', () => {
    const text = textOf(card(anException({ scope: { accounts: ['*'], checks: ['s3_*'] } })));
    expect(text).toContain('*Accounts*: every account (`*`)');
    expect(text).toContain('*Regions*: every region');
    expect(text).toContain('*Resources*: every resource');
  });

  it('when the scope names OUs and tags, then both are in words', () => {
    const text = textOf(
      card(anException({ scope: { ous: ['ou-ab12-cdefgh34'], checks: ['s3_*'], tags: { env: 'dev', team: '*' } } })),
    );
    expect(text).toContain('*OUs*: `ou-ab12-cdefgh34` (every account below them)');
    expect(text).toContain('*Tags*: `env=dev`, `team=* (any value)`');
  });

  it('when there is no coverage count, then the card says it was not counted', () => {
    const text = textOf(withinLimits(renderApprovalCard(anException(), { now: NOW })));
    expect(text).toContain('*Covers*\nnot counted');
  });

  it('when some findings could not be decided, then the card says how many', () => {
    expect(textOf(card(anException(), coverage({ undecided: 3 })))).toContain(
      '3 more could not be decided (tags or OU unknown)',
    );
  });

  it('when approved, then it says by whom and offers Extend and Revoke, not Approve', () => {
    const payload = card(active());
    expect(textOf(payload)).toContain('*Active* · approved by <@U0APPROVE> 10 min ago.');
    expect(textOf(payload)).toContain('expires 2026-12-01 12:00 UTC (in 30 days)');
    expect(actionIdsOf(payload)).toEqual([EXCEPTION_ACTION_IDS.extend, EXCEPTION_ACTION_IDS.revoke]);
    expect(buttons(payload.blocks).every((b) => b.value === EX_ID)).toBe(true);
  });

  it('when an extension is pending, then the card shows the new expiry and Approve/Deny extension and Revoke', () => {
    const payload = card(active({ extension: anExtension() }));
    const text = textOf(payload);
    expect(text).toContain('*Extension asked* by <@U0REQUEST> 5 min ago: until 2026-12-31 12:00 UTC (in 60 days)');
    expect(text).toContain('instead of 2026-12-01 12:00 UTC');
    expect(text).toContain('*Why*: The migration slipped to next quarter (PROJ-88).');
    expect(actionIdsOf(payload)).toEqual([
      EXCEPTION_ACTION_IDS.extendApprove,
      EXCEPTION_ACTION_IDS.extendDeny,
      EXCEPTION_ACTION_IDS.revoke,
    ]);
  });

  it('when denied, then the reason is shown and there are no buttons', () => {
    const payload = card(anException({ status: 'denied', approver: APPROVER, decisionNote: 'Fix it instead.' }));
    expect(textOf(payload)).toContain(':no_entry: *Denied* by <@U0APPROVE>: Fix it instead.');
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when revoked, then the card says so, with the reason and who revoked it when known, and no buttons', () => {
    const e = active({ status: 'revoked', decisionNote: 'Moved to CloudFront.' });
    const payload = withinLimits(renderApprovalCard(e, { now: NOW, revokedBy: REQUESTER }));
    expect(textOf(payload)).toContain(
      '*Revoked* by <@U0REQUEST>: Moved to CloudFront.\nThe findings it hid are shown again.',
    );
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when expired, then the card says the findings are back and offers nothing', () => {
    const payload = card(active({ status: 'expired', expiresAt: minutesBefore(60) }));
    expect(textOf(payload)).toContain('*Expired* 2026-11-01 11:00 UTC.\nThe findings it hid are shown again.');
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Accepted risk: expired' } });
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when a pending request expired before anyone approved it, then the card says it never hid anything', () => {
    const payload = card(
      anException({ status: 'expired', decisionNote: 'Its expiry passed before anyone approved it.' }),
    );
    expect(textOf(payload)).toContain('It was never approved, so it hid nothing.');
  });

  it('when still active but past its expiry (not swept yet), then it reads as expired, without buttons', () => {
    const payload = card(active({ expiresAt: minutesBefore(1), extension: anExtension() }));
    expect(textOf(payload)).toContain('*Expired*');
    expect(textOf(payload)).not.toContain('Extension asked');
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when cancelled, then the card says so without buttons', () => {
    const payload = card(anException({ status: 'cancelled', decisionNote: 'Cancelled by the requester.' }));
    expect(textOf(payload)).toContain('*Cancelled* by the requester: Cancelled by the requester.');
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when the exception comes from cloudsec.yml, then it is marked so and offers no buttons (the file is changed in git)', () => {
    const payload = card(
      active({
        id: 'cfg_legacy-website',
        source: 'config',
        requester: { kind: 'system', id: 'cloudsec.yml' },
        approver: { id: 'Dana Lee', name: 'Dana Lee' },
        decidedAt: null,
      }),
    );
    const text = textOf(payload);
    expect(text).toContain('approved by `Dana Lee` in cloudsec.yml');
    expect(text).toContain('*Requested by*\n`cloudsec.yml`');
    expect(text).toContain('source cloudsec.yml');
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when the reason, patterns and names carry Slack control sequences, then everything is escaped', () => {
    const payload = card(
      anException({
        reason: HOSTILE,
        owner: { id: '<!channel>', name: HOSTILE },
        scope: {
          accounts: ['111111111111'],
          checks: [`s3_${HOSTILE}`],
          resources: [HOSTILE],
          tags: { [HOSTILE]: HOSTILE },
        },
        extension: null,
      }),
    );
    const json = allText(payload);
    expectNoControlSequences(json);
    expect(textOf(payload)).toContain('&lt;!channel&gt;');
    expect(textOf(payload)).toContain('&amp;');
  });

  it('when a decision note or extension reason is hostile, then it is escaped too', () => {
    const json = allText(card(active({ extension: anExtension({ reason: HOSTILE }), decisionNote: HOSTILE })));
    expectNoControlSequences(json);
    expectNoControlSequences(allText(card(anException({ status: 'denied', decisionNote: HOSTILE }))));
  });

  it('when the reason is 3000 characters and the scope has 200 long patterns, then the card stays within limits and says what it left out', () => {
    const patterns = Array.from({ length: 200 }, (_, i) => `arn:aws:s3:::bucket-${i}-${'x'.repeat(480)}`);
    const e = active({
      reason: 'r'.repeat(3000),
      scope: {
        accounts: Array.from({ length: 200 }, (_, i) => String(100000000000 + i)),
        checks: Array.from({ length: 200 }, (_, i) => `check_${i}_${'c'.repeat(400)}`),
        regions: Array.from({ length: 200 }, (_, i) => `region-${i}`),
        resources: patterns,
        tags: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'.repeat(200)])),
      },
      extension: anExtension({ reason: 'e'.repeat(3000) }),
      decisionNote: 'n'.repeat(3000),
    });
    const payload = card(e, coverage({ byCheck: Object.fromEntries(patterns.map((p, i) => [p, i + 1])) }));
    const text = textOf(payload);
    expect(text).toMatch(/\+\d+ more/);
    expect(text).toContain('…');
    // Still the buttons and the id: the card is usable whatever the data.
    expect(actionIdsOf(payload)).toEqual([
      EXCEPTION_ACTION_IDS.extendApprove,
      EXCEPTION_ACTION_IDS.extendDeny,
      EXCEPTION_ACTION_IDS.revoke,
    ]);
    expect(text).toContain(EX_ID);
  });

  it('when the id is not one the store makes, then it is a programming error', () => {
    expect(() => renderApprovalCard(anException({ id: '<!channel>' }), { now: NOW })).toThrow(RangeError);
  });
});

describe('renderExtensionCard', () => {
  it('when an extension is pending, then it shows from when to when, who asks and why, with Approve/Deny extension', () => {
    const x = anExtension();
    const payload = withinLimits(renderExtensionCard(active({ extension: x }), x, 'pending', { now: NOW }));
    const text = textOf(payload);
    expect(text).toContain('*Waiting for approval* · needs an approver other than <@U0REQUEST>');
    expect(text).toContain('Until then it expires 2026-12-01 12:00 UTC (in 30 days).');
    expect(text).toContain('*Until*\n2026-12-31 12:00 UTC (in 60 days)');
    expect(text).toContain('*Why it is still accepted*\nThe migration slipped to next quarter (PROJ-88).');
    expect(text).toContain('*First accepted because*: Static website bucket');
    expect(buttons(payload.blocks).map((b) => [b.action_id, b.value])).toEqual([
      [EXCEPTION_ACTION_IDS.extendApprove, EX_ID],
      [EXCEPTION_ACTION_IDS.extendDeny, EX_ID],
    ]);
  });

  it('when the extension was decided or withdrawn, then the card says so and has no buttons', () => {
    const x = anExtension();
    const approved = renderExtensionCard(active({ expiresAt: x.expiresAt }), x, 'approved', { now: NOW });
    expect(textOf(approved)).toContain('*Extension approved*: it now expires 2026-12-31 12:00 UTC (in 60 days).');
    const denied = renderExtensionCard(active(), x, 'denied', { now: NOW });
    expect(textOf(denied)).toContain('*Extension denied*: it still expires 2026-12-01 12:00 UTC (in 30 days).');
    const withdrawn = renderExtensionCard(active({ status: 'revoked' }), x, 'withdrawn', { now: NOW });
    expect(textOf(withdrawn)).toContain('*Withdrawn*: the accepted risk is revoked');
    for (const p of [approved, denied, withdrawn]) expect(actionIdsOf(withinLimits(p))).toEqual([]);
  });

  it('when the card is pending but another extension is waiting on the exception, then it offers no buttons', () => {
    const old = anExtension({ requestedAt: minutesBefore(100) });
    const payload = renderExtensionCard(active({ extension: anExtension() }), old, 'pending', { now: NOW });
    expect(actionIdsOf(payload)).toEqual([]);
  });

  it('when the extension reason is hostile and huge, then it is escaped and within limits', () => {
    const x = anExtension({ reason: `${HOSTILE}\n`.repeat(200) });
    const payload = withinLimits(
      renderExtensionCard(active({ extension: x, reason: HOSTILE.repeat(50) }), x, 'pending', {
        now: NOW,
        coverage: coverage(),
      }),
    );
    expectNoControlSequences(allText(payload));
  });
});
