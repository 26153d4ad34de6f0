/**
 * Whoever makes an AWS call writes much of the CloudTrail record an alert quotes: the user agent,
 * the role session name, resource names in a failed call's parameters. None of it may become a
 * Slack mention, channel link, special mention or link in any alert message, however it is written,
 * and refusals that name people keep exactly the mentions the use case wrote.
 */
import type { Alert } from '../../../../src/core/detections/alert';
import type { MessagePayload } from '../../../../src/core/render/blocks/kit';
import { renderAlertCard } from '../../../../src/core/render/blocks/alerts/card';
import { renderAlertList } from '../../../../src/core/render/blocks/alerts/list';
import { renderGroupedAlerts } from '../../../../src/core/render/blocks/alerts/burst';
import { renderRepeatReply } from '../../../../src/core/render/blocks/alerts/repeat';
import { renderWhoAnswer } from '../../../../src/core/render/blocks/alerts/who';
import {
  renderAlertNote,
  renderAlertRefusal,
  renderAssignedDm,
  renderEscalationReply,
  renderQuestionDm,
} from '../../../../src/core/render/blocks/alerts/modals';
import { NOW, anActor, anAlert } from './builders';

/** Every way Slack reads `<…>` as a control sequence. */
const HOSTILE = [
  '<!channel>',
  '<!here|here>',
  '<!everyone>',
  '<!subteam^S0ADMINS>',
  '<@U0ADMIN001>',
  '<@W0ADMIN001|admin>',
  '<#C0GENERAL>',
  '<https://evil.example/login|Open the console>',
  '<mailto:x@evil.example|mail>',
];
const H = HOSTILE.join(' ');

/** Every `<…>` control sequence anywhere in the message (text, blocks, buttons, fallback). */
const controls = (m: MessagePayload): string[] => JSON.stringify(m).match(/<[^<>]*>/g) ?? [];

const hostileAlert = (over: Partial<Alert> = {}): Alert =>
  anAlert({
    title: `Bucket ${H}`,
    summary: `made ${H} public`,
    details: [H],
    rationale: H,
    resource: { type: `Aws${H}`, id: H, arn: `arn:${H}`, region: 'us-east-1' },
    eventName: H,
    actor: anActor({ label: H, sessionName: H, personName: H, userAgent: H, roleArn: H, invokedBy: H, sourceIp: H }),
    note: H,
    answer: H,
    undo: { remediationId: 's3_block_public_access', checkId: 'x', resource: anAlert().resource, description: H },
    ...over,
  });

describe('CloudTrail text in alert messages', () => {
  it('when every field of the record is hostile, then the card, the list, the burst and repeat replies carry no control sequence', () => {
    const alert = hostileAlert();
    const messages: MessagePayload[] = [
      renderAlertCard(alert, { canUndo: true, now: NOW, recheckNote: H }),
      renderAlertList([alert], { filter: 'all', offset: 0, now: NOW, names: new Map() }),
      renderGroupedAlerts([alert]).payload,
      renderRepeatReply(alert, alert.actor),
      renderQuestionDm(alert, 'U0ALICE001'),
      renderAssignedDm(alert, 'U0ALICE001'),
      renderEscalationReply(alert, 60),
    ];
    const allowed = ['<@U0ALICE001>', '<#C0ALERTS>'];
    for (const m of messages) expect(controls(m).filter((c) => !allowed.includes(c))).toEqual([]);
  });

  it('when the who-did-this answer quotes hostile names and a hostile history reason, then none is a control sequence', () => {
    const actor = anActor({ label: H, userAgent: H, sourceIp: H, invokedBy: H });
    const answer = renderWhoAnswer({
      resourceName: H,
      accountLabel: '`111111111111`',
      region: 'us-east-1',
      days: 90,
      findingTitle: H,
      changes: [
        { eventId: 'e1', eventName: H, eventTime: '2026-10-31T17:30:00Z', eventSource: H, actor, created: true },
      ],
      complete: false,
      incompleteReason: H,
      now: NOW,
    });
    expect(controls(answer)).toEqual([]);
    expect(
      controls(
        renderWhoAnswer({
          resourceName: H,
          accountLabel: 'x',
          region: 'r',
          days: 1,
          changes: null,
          complete: false,
          unavailable: H,
          now: NOW,
        }),
      ),
    ).toEqual([]);
  });
});

describe('alert refusals and notes', () => {
  it('when a refusal quotes record text that looks like mentions, then none becomes one (no mention was vouched for)', () => {
    const refusal = renderAlertRefusal({
      code: 'no-person',
      reason: `cloudsec does not know who ${H} is in Slack: map the principal in detections.actors.`,
    });
    expect(controls(refusal)).toEqual([]);
    expect(JSON.stringify(refusal)).toContain('&lt;@U0ADMIN001&gt;');
  });

  it('when a refusal names a person the use case vouches for, then only that mention is live, not one from the record beside it', () => {
    const refusal = renderAlertRefusal({
      code: 'already-asked',
      reason: `<@U0EVE00001> was already asked about ${H} and has not answered yet.`,
      mentions: ['U0EVE00001'],
    });
    expect(controls(refusal)).toEqual(['<@U0EVE00001>']);
    expect(refusal.text).not.toMatch(/<[@!#h]/);
  });

  it('when a refusal lists no mentions, then even a well-formed user mention stays text', () => {
    const refusal = renderAlertRefusal({ code: 'unavailable', reason: 'cloudsec found no result for <@U0BOB00001>.' });
    expect(controls(refusal)).toEqual([]);
  });

  it('when a note names the person asked, then that mention is live and a hostile one in the same note is not', () => {
    const note = renderAlertNote(`Asked <@U0EVE00001> about ${H}.`, ['U0EVE00001']);
    expect(controls(note)).toEqual(['<@U0EVE00001>']);
    expect(controls(renderAlertNote(`Seen ${H}`))).toEqual([]);
  });
});
