import fc from 'fast-check';
import { renderAlertCard, ALERT_MENU_VERBS } from '../../../../src/core/render/blocks/alerts/card';
import { ALERT_ACTIONS } from '../../../../src/core/render/blocks/alerts/action-ids';
import { limitViolations, MESSAGE_BUDGET } from '../../../../src/core/render/limits';
import { ALERT_STATUSES, type Alert } from '../../../../src/core/detections/alert';
import { ACTOR_KINDS } from '../../../../src/core/detections/actor';
import { SEVERITIES } from '../../../../src/core/snapshot/vocabulary';
import type { Block, Button, MessagePayload, Overflow } from '../../../../src/core/render/blocks/kit';
import { anActor, anAlert, NOW } from './builders';

const buttonsOf = (p: MessagePayload): Button[] => p.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
const overflowOf = (p: MessagePayload): Overflow | undefined =>
  p.blocks.map((b: Block) => (b.type === 'section' ? b.accessory : undefined)).find((a) => a?.type === 'overflow') as
    Overflow | undefined;
const allText = (p: MessagePayload): string => JSON.stringify(p.blocks);

/** Every `<…>` control sequence in the payload's texts: only mentions of well-formed user ids may appear. */
const controlSequences = (p: MessagePayload): string[] => {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') texts.push(v);
        else walk(v);
      }
  };
  walk(p.blocks);
  texts.push(p.text);
  return texts.flatMap((t) => t.match(/<[^>]*>/g) ?? []);
};

describe('renderAlertCard', () => {
  it('when an alert is open and Undo is possible, then it offers Re-check, Undo with a confirmation naming the undo, Acknowledge, and the menu', () => {
    const alert = anAlert();
    const card = renderAlertCard(alert, { canUndo: true, now: NOW });

    const buttons = buttonsOf(card);
    expect(buttons.map((b) => b.action_id)).toEqual([
      ALERT_ACTIONS.recheck,
      ALERT_ACTIONS.undo,
      ALERT_ACTIONS.acknowledge,
    ]);
    expect(buttons.every((b) => b.value === alert.id)).toBe(true);
    const undo = buttons[1] as Button & { confirm?: { text: { text: string } } };
    expect(undo.confirm?.text.text).toContain(alert.undo!.description);
    const menu = overflowOf(card);
    expect(menu?.action_id).toBe(ALERT_ACTIONS.menu);
    expect(menu?.options.map((o) => o.value)).toEqual(ALERT_MENU_VERBS.map((v) => `${v}:${alert.id}`));
    expect(limitViolations(card, MESSAGE_BUDGET)).toEqual([]);
  });

  it('when Undo is not allowed here, or the alert has none, or one was already asked for, then there is no Undo button', () => {
    const ids = (a: Alert, canUndo: boolean) =>
      buttonsOf(renderAlertCard(a, { canUndo, now: NOW })).map((b) => b.action_id);
    expect(ids(anAlert(), false)).not.toContain(ALERT_ACTIONS.undo);
    expect(ids(anAlert({ undo: null }), true)).not.toContain(ALERT_ACTIONS.undo);
    expect(ids(anAlert({ undoRequestId: '0f8a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c' }), true)).not.toContain(
      ALERT_ACTIONS.undo,
    );
  });

  it('when the alert is acknowledged, then Acknowledge goes and the rest stays, with who acknowledged it', () => {
    const card = renderAlertCard(anAlert({ status: 'acknowledged', closedBy: 'U0LEAD' }), { canUndo: true, now: NOW });
    expect(buttonsOf(card).map((b) => b.action_id)).toEqual([ALERT_ACTIONS.recheck, ALERT_ACTIONS.undo]);
    expect(overflowOf(card)).toBeDefined();
    expect(allText(card)).toContain('*Acknowledged* by <@U0LEAD>');
  });

  it.each(['resolved', 'false_positive'] as const)(
    'when the alert is %s, then only Re-check is offered and the status says by whom and why',
    (status) => {
      const card = renderAlertCard(anAlert({ status, closedBy: 'U0LEAD', note: 'Expected: marketing launch' }), {
        canUndo: true,
        now: NOW,
      });
      expect(buttonsOf(card).map((b) => b.action_id)).toEqual([ALERT_ACTIONS.recheck]);
      expect(overflowOf(card)).toBeUndefined();
      expect(allText(card)).toContain('by <@U0LEAD>');
      expect(allText(card)).toContain('Expected: marketing launch');
    },
  );

  it('when the card is drawn, then it says who (kind, session, person, MFA, address, agent), when, where and why', () => {
    const text = allText(renderAlertCard(anAlert(), { canUndo: false, now: NOW, actorSlackUserId: 'U0ALICE' }));
    expect(text).toContain('IAM Identity Center (SSO) user');
    expect(text).toContain('<@U0ALICE>');
    expect(text).toContain('Session `alice@acme.example`');
    expect(text).toContain('MFA: yes');
    expect(text).toContain('From `203.0.113.24`');
    expect(text).toContain('Agent `aws-cli/2.15.30`');
    expect(text).toContain('2026-11-01 11:58 UTC (6 min ago)');
    expect(text).toContain('Account `111111111111` · `us-east-1`');
    expect(text).toContain('AwsS3Bucket `acme-marketing-assets`');
    expect(text).toContain('*Why it matters*');
    expect(text).toContain('made bucket `acme-marketing-assets` public');
  });

  it('when CloudTrail did not say whether MFA was used, then the card says unknown, never no', () => {
    const text = allText(renderAlertCard(anAlert({ actor: anActor({ mfa: null }) }), { canUndo: false, now: NOW }));
    expect(text).toContain('MFA: unknown');
    expect(text).not.toContain('MFA: no');
  });

  it('when the caller is in another account, then the card warns about it', () => {
    const actor = anActor({ crossAccount: true, accountId: '999999999999' });
    expect(allText(renderAlertCard(anAlert({ actor }), { canUndo: false, now: NOW }))).toContain(
      'Cross-account: the caller is in account `999999999999`',
    );
  });

  it('when the alert was seen again, then the count and the last time show; a single sighting shows no count', () => {
    expect(
      allText(renderAlertCard(anAlert({ count: 3, lastSeenAt: '2026-11-01T12:04:00Z' }), { canUndo: false, now: NOW })),
    ).toContain('Seen 3 times · last 2026-11-01 12:04 UTC');
    expect(allText(renderAlertCard(anAlert(), { canUndo: false, now: NOW }))).not.toContain('Seen 1 time');
  });

  it('when the actor was asked and answered, then the question and the answer show', () => {
    const card = renderAlertCard(
      anAlert({
        askedUserId: 'U0ALICE',
        askedAt: '2026-11-01T12:00:00Z',
        answer: 'yes, launch day',
        answeredAt: '2026-11-01T12:03:00Z',
      }),
      { canUndo: false, now: NOW },
    );
    expect(allText(card)).toContain('Asked <@U0ALICE> 2026-11-01 12:00 UTC whether this was them');
    expect(allText(card)).toContain('yes, launch day');
  });

  it('when a re-check note is given, then the card shows it', () => {
    const card = renderAlertCard(anAlert(), {
      canUndo: false,
      now: NOW,
      recheckNote: 'The bucket blocks public access again.',
    });
    expect(allText(card)).toContain('*Re-check*: The bucket blocks public access again.');
  });
});

describe('renderAlertCard with hostile record content', () => {
  const hostile = '<!channel> <@U0BOSS> <https://evil.example|click> & *bold* `tick` \n> quote\n🔥 emoji ';

  it('when names, summaries and agents carry mentions and links, then nothing of theirs can ping or link', () => {
    const alert = anAlert({
      summary: hostile,
      title: hostile,
      details: [hostile, hostile],
      rationale: hostile,
      resource: { type: hostile, id: hostile, arn: hostile, region: hostile },
      actor: anActor({ label: hostile, userAgent: hostile, sessionName: hostile, sourceIp: hostile }),
      note: hostile,
      answer: hostile,
      askedUserId: 'U0ALICE',
      closedBy: '<!here>',
      status: 'acknowledged',
    });
    const card = renderAlertCard(alert, { canUndo: true, now: NOW, recheckNote: hostile });
    expect(controlSequences(card).every((s) => /^<@U0ALICE>$/.test(s))).toBe(true);
    expect(allText(card)).toContain('&lt;!channel&gt;');
    expect(limitViolations(card, MESSAGE_BUDGET)).toEqual([]);
  });

  it('when every text is 10 KB long, then the card still fits every Block Kit limit', () => {
    const big = 'x'.repeat(10_240);
    const alert = anAlert({
      summary: big,
      title: big,
      details: Array.from({ length: 60 }, () => big),
      rationale: big,
      resource: { type: big, id: big, arn: big, region: big },
      actor: anActor({ label: big, userAgent: big, roleArn: big, sessionName: big, personName: big, sourceIp: big }),
      note: big,
      askedUserId: 'U0ALICE',
      answer: big,
      undo: {
        remediationId: big,
        checkId: big,
        resource: { type: big, id: big, arn: big, region: big },
        description: big,
      },
    });
    const card = renderAlertCard(alert, { canUndo: true, now: NOW, recheckNote: big });
    expect(limitViolations(card, MESSAGE_BUDGET)).toEqual([]);
    // A value cut short says so.
    expect(allText(card)).toContain('…');
  });

  it('property: any alert renders within Slack limits, with no control sequence but mentions of well-formed user ids', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 4000 }),
      fc.constantFrom(hostile, '<!everyone>', '&lt;'),
    );
    const nullable = fc.option(text, { nil: null });
    const actor = fc.record({
      kind: fc.constantFrom(...ACTOR_KINDS),
      arn: nullable,
      roleArn: nullable,
      sessionName: nullable,
      personName: nullable,
      accountId: nullable,
      crossAccount: fc.boolean(),
      mfa: fc.constantFrom(true, false, null),
      sourceIp: nullable,
      userAgent: nullable,
      invokedBy: nullable,
      accessKeyId: nullable,
      label: text,
    });
    const resource = fc.record({ type: text, id: text, arn: nullable, region: text });
    const alert = fc.record({
      title: text,
      severity: fc.constantFrom(...SEVERITIES),
      summary: text,
      details: fc.array(text, { maxLength: 50 }),
      rationale: text,
      resource,
      actor,
      status: fc.constantFrom(...ALERT_STATUSES),
      count: fc.integer({ min: 1, max: 1_000_000 }),
      staged: fc.boolean(),
      note: nullable,
      answer: nullable,
      closedBy: fc.option(fc.oneof(text, fc.constant('U0LEAD')), { nil: null }),
      assigneeId: fc.option(fc.oneof(text, fc.constant('U0BOB')), { nil: null }),
      askedUserId: fc.option(fc.oneof(text, fc.constant('U0ALICE')), { nil: null }),
      eventTime: text,
      thresholdCount: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: null }),
      undoDescription: fc.option(text, { nil: null }),
    });
    fc.assert(
      fc.property(alert, fc.boolean(), fc.option(text, { nil: undefined }), (a, canUndo, recheckNote) => {
        const { undoDescription, ...fields } = a;
        const base = anAlert();
        const card = renderAlertCard(
          {
            ...base,
            ...fields,
            undo: undoDescription === null ? null : { ...base.undo!, description: undoDescription },
          },
          { canUndo, now: NOW, ...(recheckNote !== undefined ? { recheckNote } : {}) },
        );
        expect(limitViolations(card, MESSAGE_BUDGET)).toEqual([]);
        expect(controlSequences(card).every((s) => /^<@[UW][A-Z0-9]{2,20}>$/.test(s))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
