import { recordedFields, type ViewSubmissionResult } from '../../src/app/conversation';
import { assignAlert, checkAssignment, checkTriage, closeAlert } from '../../src/app/detections/alert-actions';
import { answerAlert, checkAnswer } from '../../src/app/detections/alert-ask';
import { checkAlertUndo, requestAlertUndo } from '../../src/app/detections/alert-undo';
import type { AlertInput, AlertRefusal } from '../../src/app/detections/alert-support';
import {
  ALERT_CALLBACK_IDS,
  ALERT_INPUTS,
  ALERT_TEXT_BOUNDS,
  parseAlertId,
  renderAlertNote,
  renderAlertRefusal,
} from '../../src/core/render/blocks/alerts/modals';
import type { ViewContext, ViewHandler } from './view';

/**
 * The alert modals' submissions: Assign (a person), Resolve (an optional note), False positive (a
 * required note), Undo (a justification), the actor's Answer. Each reads only the alert id from
 * private_metadata and its own input; what can be told within Slack's 3 s (bad input, no longer
 * allowed, already moved) is shown in the modal, which stays open; the rest runs after it closes
 * and its outcome, when it is a refusal, is told by DM.
 */

type Input = { blockId: string; actionId: string };

const valueOf = (ctx: ViewContext, input: Input, key: 'value' | 'selected_user'): string => {
  const state = ctx.submission.values[input.blockId]?.[input.actionId];
  const value = state?.[key];
  return typeof value === 'string' ? value : '';
};

const inputOf = (ctx: ViewContext, alertId: string): AlertInput => ({
  actor: { ...ctx.actor, ...recordedFields(ctx.submission.actor) },
  alertId,
});

const stale = (blockId: string): ViewSubmissionResult => ({
  errors: { [blockId]: 'This dialog is out of date: close it and start again.' },
});

const tellRefusal = async (ctx: ViewContext, result: { ok: true } | AlertRefusal, ok?: string) => {
  if (!result.ok) await ctx.deps.messenger.dm(ctx.actor.userId, renderAlertRefusal(result));
  else if (ok) await ctx.deps.messenger.dm(ctx.actor.userId, renderAlertNote(ok));
};

/** Characters as Slack's min/max_length count them. */
const length = (s: string) => Array.from(s).length;

const tooShortOrLong = (text: string, bounds: { min: number; max: number }, what: string): string | null => {
  if (length(text) < bounds.min)
    return bounds.min <= 1 ? `Write ${what}.` : `Write ${what} of at least ${bounds.min} characters.`;
  if (length(text) > bounds.max) return `At most ${bounds.max} characters.`;
  return null;
};

const handler = (
  callbackId: string,
  blockId: string,
  handle: (ctx: ViewContext, alertId: string) => Promise<ViewSubmissionResult>,
): ViewHandler => ({
  callbackId,
  handle: async (ctx) => {
    const alertId = parseAlertId(ctx.submission.privateMetadata);
    return alertId ? handle(ctx, alertId) : stale(blockId);
  },
});

const assignSubmit = handler(ALERT_CALLBACK_IDS.assign, ALERT_INPUTS.assignee.blockId, async (ctx, alertId) => {
  const assigneeId = valueOf(ctx, ALERT_INPUTS.assignee, 'selected_user');
  if (!/^[UW][A-Z0-9]{2,20}$/.test(assigneeId))
    return { errors: { [ALERT_INPUTS.assignee.blockId]: 'Choose a person.' } };
  // Who may be assigned is told in the dialog, which stays open for another choice.
  const check = await checkAssignment(ctx.deps, { ...inputOf(ctx, alertId), assigneeId });
  if (!check.ok) return { errors: { [ALERT_INPUTS.assignee.blockId]: check.reason.replace(/<@([A-Z0-9]+)>/g, '$1') } };
  return { work: async () => tellRefusal(ctx, await assignAlert(ctx.deps, { ...inputOf(ctx, alertId), assigneeId })) };
});

const closeSubmit = (as: 'resolved' | 'false_positive') =>
  handler(
    as === 'resolved' ? ALERT_CALLBACK_IDS.resolve : ALERT_CALLBACK_IDS.falsePositive,
    ALERT_INPUTS.note.blockId,
    async (ctx, alertId) => {
      const note = valueOf(ctx, ALERT_INPUTS.note, 'value').trim();
      const bounds = as === 'resolved' ? ALERT_TEXT_BOUNDS.resolveNote : ALERT_TEXT_BOUNDS.falsePositiveNote;
      const problem = tooShortOrLong(note, bounds, 'why this is a false positive');
      if (problem) return { errors: { [ALERT_INPUTS.note.blockId]: problem } };
      const check = await checkTriage(
        ctx.deps,
        inputOf(ctx, alertId),
        as === 'resolved' ? 'resolve' : 'false_positive',
      );
      if (!check.ok) return { errors: { [ALERT_INPUTS.note.blockId]: check.reason.replace(/<@([A-Z0-9]+)>/g, '$1') } };
      return {
        work: async () => tellRefusal(ctx, await closeAlert(ctx.deps, { ...inputOf(ctx, alertId), as, note })),
      };
    },
  );

const undoSubmit = handler(ALERT_CALLBACK_IDS.undo, ALERT_INPUTS.justification.blockId, async (ctx, alertId) => {
  const justification = valueOf(ctx, ALERT_INPUTS.justification, 'value').trim();
  const problem = tooShortOrLong(justification, ALERT_TEXT_BOUNDS.justification, 'why');
  if (problem) return { errors: { [ALERT_INPUTS.justification.blockId]: problem } };
  const check = await checkAlertUndo(ctx.deps, inputOf(ctx, alertId));
  if (!check.ok) return { errors: { [ALERT_INPUTS.justification.blockId]: check.reason } };
  return {
    work: async () => {
      const result = await requestAlertUndo(ctx.deps, { ...inputOf(ctx, alertId), justification });
      // Success is visible: the approval card is posted and the alert card names the request.
      await tellRefusal(
        ctx,
        result,
        result.ok ? `Undo asked for: remediation request ${result.request.id} waits for an approver.` : undefined,
      );
    },
  };
});

const answerSubmit = handler(ALERT_CALLBACK_IDS.answer, ALERT_INPUTS.answer.blockId, async (ctx, alertId) => {
  const answer = valueOf(ctx, ALERT_INPUTS.answer, 'value').trim();
  const problem = tooShortOrLong(answer, ALERT_TEXT_BOUNDS.answer, 'your answer');
  if (problem) return { errors: { [ALERT_INPUTS.answer.blockId]: problem } };
  const check = await checkAnswer(ctx.deps, inputOf(ctx, alertId));
  if (!check.ok) return { errors: { [ALERT_INPUTS.answer.blockId]: check.reason } };
  return {
    work: async () =>
      tellRefusal(
        ctx,
        await answerAlert(ctx.deps, { ...inputOf(ctx, alertId), answer }),
        'Thank you: your answer is with the security team.',
      ),
  };
});

export const alertViewHandlers: ViewHandler[] = [
  assignSubmit,
  closeSubmit('resolved'),
  closeSubmit('false_positive'),
  undoSubmit,
  answerSubmit,
];
