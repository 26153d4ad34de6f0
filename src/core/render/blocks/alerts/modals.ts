import { z } from 'zod';
import type { Alert } from '../../../detections/alert';
import { clip, code, lineStart } from '../../mrkdwn';
import { exceptionModal, textField, usersField, type ExceptionModalView } from '../exceptions/modal-kit';
import { actions, button, context, section, type MessagePayload } from '../kit';
import { fallbackText, multiline, rawLine } from '../remediation/format';
import { SEVERITY_EMOJI, severityLabel } from '../finding';
import { ALERT_ACTIONS } from './action-ids';
import { actorLines, stamp, userRef } from './format';

/**
 * The modals people fill in about an alert (Assign, Resolve, False positive, Undo, the actor's
 * Answer) and the messages around them (the question DM'd to the actor, thread replies). Every
 * modal's private_metadata is the alert id alone: the submission loads the alert and checks again.
 */

export const ALERT_CALLBACK_IDS = {
  assign: 'alert.assign_submit',
  resolve: 'alert.resolve_submit',
  falsePositive: 'alert.false_positive_submit',
  undo: 'alert.undo_submit',
  answer: 'alert.answer_submit',
} as const;

export const ALERT_INPUTS = {
  assignee: { blockId: 'assignee', actionId: 'user' },
  note: { blockId: 'note', actionId: 'value' },
  justification: { blockId: 'justification', actionId: 'value' },
  answer: { blockId: 'answer', actionId: 'value' },
} as const;

export const ALERT_TEXT_BOUNDS = {
  /** Resolve: optional. */
  resolveNote: { min: 0, max: 2000 },
  /** False positive: why it is one, required so the next person learns from it. */
  falsePositiveNote: { min: 3, max: 2000 },
  justification: { min: 10, max: 2000 },
  answer: { min: 1, max: 2000 },
} as const;

/** Alert ids as the store makes them; anything else in a button or a modal is stale or forged. */
export const AlertIdSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9_-]+$/);
export const parseAlertId = (value: unknown): string | null => {
  const parsed = AlertIdSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

const headline = (alert: Alert): string =>
  `${SEVERITY_EMOJI[alert.severity]} *${severityLabel(alert.severity)}* · ${clip(alert.title, 150)}\n` +
  lineStart(multiline(alert.summary, 600, 4));

export const renderAssignModal = (alert: Alert, initialUser: string | null): ExceptionModalView =>
  exceptionModal({
    callbackId: ALERT_CALLBACK_IDS.assign,
    title: 'Assign alert',
    submit: 'Assign',
    close: 'Cancel',
    privateMetadata: alert.id,
    blocks: [
      section(headline(alert)),
      usersField({
        ...ALERT_INPUTS.assignee,
        label: 'Who looks into it?',
        hint: 'They get a direct message with the alert.',
        initialUser,
      }),
    ],
  });

export const renderNoteModal = (alert: Alert, kind: 'resolve' | 'false_positive'): ExceptionModalView => {
  const fp = kind === 'false_positive';
  const bounds = fp ? ALERT_TEXT_BOUNDS.falsePositiveNote : ALERT_TEXT_BOUNDS.resolveNote;
  return exceptionModal({
    callbackId: fp ? ALERT_CALLBACK_IDS.falsePositive : ALERT_CALLBACK_IDS.resolve,
    title: fp ? 'False positive' : 'Resolve alert',
    submit: fp ? 'Mark false positive' : 'Resolve',
    close: 'Cancel',
    privateMetadata: alert.id,
    blocks: [
      section(headline(alert)),
      textField({
        ...ALERT_INPUTS.note,
        label: fp ? 'Why is this a false positive?' : 'What was done? (optional)',
        hint: fp
          ? 'Shown on the card and kept in the audit log; it helps tune the detection.'
          : 'Shown on the card and kept in the audit log.',
        multiline: true,
        ...(fp ? { minLength: bounds.min } : { optional: true }),
        maxLength: bounds.max,
        focus: true,
      }),
    ],
  });
};

/** The justification Undo's remediation request carries by default. */
export const undoJustification = (alert: Pick<Alert, 'id' | 'summary'>): string =>
  rawLine(`Undo of alert ${alert.id}: ${alert.summary}`, ALERT_TEXT_BOUNDS.justification.max);

export const renderUndoModal = (alert: Alert): ExceptionModalView =>
  exceptionModal({
    callbackId: ALERT_CALLBACK_IDS.undo,
    title: 'Undo this change',
    submit: 'Ask to undo',
    close: 'Cancel',
    privateMetadata: alert.id,
    blocks: [
      section(
        `${headline(alert)}\n\n*Undo*: ${lineStart(multiline(alert.undo?.description ?? '', 400, 2))}\n` +
          'This asks for a remediation: the resource is collected again, the fix is planned from what it is now, ' +
          'and an approver (not you) approves it before anything changes.',
      ),
      textField({
        ...ALERT_INPUTS.justification,
        label: 'Why undo it?',
        initialValue: undoJustification(alert),
        multiline: true,
        minLength: ALERT_TEXT_BOUNDS.justification.min,
        maxLength: ALERT_TEXT_BOUNDS.justification.max,
        focus: true,
      }),
    ],
  });

export const renderAnswerModal = (alert: Alert): ExceptionModalView =>
  exceptionModal({
    callbackId: ALERT_CALLBACK_IDS.answer,
    title: 'Your answer',
    submit: 'Send answer',
    close: 'Cancel',
    privateMetadata: alert.id,
    blocks: [
      section(headline(alert)),
      textField({
        ...ALERT_INPUTS.answer,
        label: 'Was this you, and why?',
        hint: 'Your answer is posted in the alert’s thread for the security team.',
        placeholder: 'Yes: opening the bucket for the launch page (JIRA-123), closing it tomorrow.',
        multiline: true,
        minLength: ALERT_TEXT_BOUNDS.answer.min,
        maxLength: ALERT_TEXT_BOUNDS.answer.max,
        focus: true,
      }),
    ],
  });

// ---------------------------------------------------------------- messages

/** The DM to the person who made the change, with the Answer button (value: the alert id). */
export const renderQuestionDm = (alert: Alert, askedBy: string): MessagePayload => {
  const answer = button('Answer…', ALERT_ACTIONS.answer, alert.id, 'primary');
  return {
    text: fallbackText(`Was this you? ${rawLine(alert.title, 150)}: ${rawLine(alert.summary, 300)}`),
    blocks: [
      section(`${userRef(askedBy)} from security asks: *was this you, and why?*`),
      section(headline(alert)),
      section(
        [
          `*When* ${stamp(alert.eventTime)} · account ${code(alert.accountId, 40)} · ${code(alert.region, 40)}`,
          ...actorLines(alert.actor),
        ].join('\n'),
      ),
      ...(answer ? [actions(answer)] : []),
      context(`Alert ${code(alert.id, 80)}`),
    ],
  };
};

export const renderAssignedDm = (alert: Alert, assignedBy: string): MessagePayload => ({
  text: fallbackText(`You were assigned an alert: ${rawLine(alert.title, 150)}`),
  blocks: [
    section(`${userRef(assignedBy)} assigned you this alert.`),
    section(headline(alert)),
    context(
      `Alert ${code(alert.id, 80)} · account ${code(alert.accountId, 40)}` +
        (alert.channel && /^[CG][A-Z0-9]{2,20}$/.test(alert.channel) ? ` · card in <#${alert.channel}>` : ''),
    ),
  ],
});

const note = (text: string): MessagePayload => ({
  text: fallbackText(text.replace(/<[@#!][^>]*>/g, '')),
  blocks: [section(text)],
});

export const renderAskedReply = (askedBy: string, asked: string): MessagePayload =>
  note(`${userRef(askedBy)} asked ${userRef(asked)} whether this change was theirs.`);

export const renderAnswerReply = (alert: Alert, answeredBy: string, answer: string): MessagePayload =>
  note(`${userRef(answeredBy)} answered: ${lineStart(multiline(answer, 2000, 12))}\n_(alert ${code(alert.id, 80)})_`);

export const renderEscalationReply = (alert: Alert, minutes: number): MessagePayload => {
  const asked = alert.askedUserId ? userRef(alert.askedUserId) : 'the person asked';
  const lead = alert.assigneeId ? `${userRef(alert.assigneeId)}: no answer` : ':alarm_clock: No answer';
  return note(`${lead} from ${asked} in ${minutes} minutes. Follow up, or treat the change as not theirs.`);
};

const MENTION = /&lt;@([UW][A-Z0-9]{2,20})&gt;/g;

/**
 * Escaped text with the mentions of `mentions` (ids the use case vouches for) made live again, and
 * nothing else: a `<@U…>`, `<!channel>`, `<#C…>` or `<http…|…>` anywhere else in the text (a caller's
 * label, a resource name, an AWS error quoted in a reason) stays inert text.
 */
const withMentions = (escaped: string, mentions: readonly string[]): string =>
  mentions.length === 0
    ? escaped
    : escaped.replace(MENTION, (all, id: string) => (mentions.includes(id) ? `<@${id}>` : all));

/** Notification text: mentions read as the bare id (fallbackText escapes the rest, so nothing pings). */
const plainMentions = (text: string): string => text.replace(/<@([UW][A-Z0-9]{2,20})>/g, '$1');

/**
 * A refusal of an alert action as the presser reads it: escaped like every error reply, except
 * that the user mentions the use case wrote itself (listed in `mentions`) stay mentions.
 */
export const renderAlertRefusal = (refusal: {
  code: string;
  reason: string;
  mentions?: readonly string[] | undefined;
}): MessagePayload => {
  const title =
    refusal.code === 'not-allowed' || refusal.code === 'not-asked'
      ? 'Not allowed'
      : refusal.code === 'undo-exists' || refusal.code === 'already-asked'
        ? 'Already asked'
        : 'Cannot do that';
  const body = withMentions(lineStart(clip(refusal.reason, 2500)), refusal.mentions ?? []);
  return {
    text: fallbackText(`${title}: ${plainMentions(refusal.reason)}`),
    blocks: [section(`:warning: *${title}*\n${body}`)],
  };
};

/** A short confirmation, escaped, with the same rule: only the mentions listed are live. */
export const renderAlertNote = (text: string, mentions: readonly string[] = []): MessagePayload => ({
  text: fallbackText(plainMentions(text)),
  blocks: [section(withMentions(lineStart(clip(text, 2500)), mentions))],
});
