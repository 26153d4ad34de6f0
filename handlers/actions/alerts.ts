import { recordedFields } from '../../src/app/conversation';
import { acknowledgeAlert, checkTriage, type TriageAction } from '../../src/app/detections/alert-actions';
import { askActor, checkAnswer } from '../../src/app/detections/alert-ask';
import { recheckAlert } from '../../src/app/detections/alert-recheck';
import { checkAlertUndo } from '../../src/app/detections/alert-undo';
import type { AlertInput } from '../../src/app/detections/alert-support';
import { asModal } from '../../src/app/exceptions/request-modal';
import { ALERT_ACTIONS, FINDING_WHO_ACTION } from '../../src/core/render/blocks/alerts/action-ids';
import { ALERT_MENU_VERBS, type AlertMenuVerb } from '../../src/core/render/blocks/alerts/card';
import {
  ALERT_LIST_PAGE_ACTION,
  parseAlertListPage,
  renderRecheckAnswer,
} from '../../src/core/render/blocks/alerts/list';
import {
  parseAlertId,
  renderAlertNote,
  renderAlertRefusal,
  renderAnswerModal,
  renderAssignModal,
  renderNoteModal,
  renderUndoModal,
} from '../../src/core/render/blocks/alerts/modals';
import { accountNamesOf } from '../../src/core/render/blocks/finding';
import type { MessagePayload } from '../../src/core/render/blocks/kit';
import { sendAlertList } from '../../commands/alerts';
import { sendWhoAnswer } from '../../commands/who';
import type { ActionContext, ActionHandler } from './action';
import { sayStaleButton } from './scope-result';

/**
 * The alert card's buttons (Acknowledge, Re-check, Undo…), its overflow menu (Assign…, Resolve…,
 * False positive…, Ask the actor…), the Answer button of the question DM'd to the actor, Next page
 * of `/cloudsec alerts`, and "Who did this?" on a failing finding. A value is read as an id and
 * nothing more: the use cases load the alert and authorize again. Answers are private to the
 * presser; the card itself is updated in place by the use cases.
 */

const tell = (ctx: ActionContext, message: MessagePayload) => ctx.responder.send(message, { visibility: 'ephemeral' });

const inputOf = (ctx: ActionContext, alertId: string): AlertInput => ({
  actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
  channel: ctx.invocation.channel ?? undefined,
  alertId,
});

/** The alert id a button carries; null (after saying the button is stale) for anything else. */
const alertIdOf = async (ctx: ActionContext): Promise<string | null> => {
  const id = parseAlertId(ctx.invocation.value);
  if (!id) await sayStaleButton(ctx);
  return id;
};

const alertButton = (
  actionId: string,
  run: (ctx: ActionContext, input: AlertInput) => Promise<void>,
): ActionHandler => ({
  actionId,
  run: async (ctx) => {
    const id = await alertIdOf(ctx);
    if (id) await run(ctx, inputOf(ctx, id));
  },
});

const acknowledge = async (ctx: ActionContext, input: AlertInput) => {
  const result = await acknowledgeAlert(ctx.deps, input);
  await tell(
    ctx,
    result.ok ? renderAlertNote('Acknowledged: the card says you are on it.') : renderAlertRefusal(result),
  );
};

/** Assign…, Resolve…, False positive…: checked first, so nobody fills in a modal for nothing. */
const triageModal = (action: Exclude<TriageAction, 'acknowledge'>) => async (ctx: ActionContext, input: AlertInput) => {
  const checked = await checkTriage(ctx.deps, input, action);
  if (!checked.ok) return tell(ctx, renderAlertRefusal(checked));
  if (!ctx.responder.openModal) return;
  const alert = checked.alert;
  const view =
    action === 'assign'
      ? renderAssignModal(alert, alert.assigneeId ?? ctx.actor.userId)
      : renderNoteModal(alert, action === 'resolve' ? 'resolve' : 'false_positive');
  await ctx.responder.openModal(asModal(view));
};

const recheck = async (ctx: ActionContext, input: AlertInput) => {
  const result = await recheckAlert(ctx.deps, { ...input, requestId: ctx.invocation.requestId });
  if (!result.ok) return tell(ctx, renderAlertRefusal(result));
  await tell(
    ctx,
    renderRecheckAnswer(result.alert, result.findings, {
      note: result.note,
      names: accountNamesOf(await ctx.deps.knownAccounts()),
      remediationEnabled: ctx.deps.features.remediation,
      acceptRisk: ctx.deps.features.acceptRisk,
    }),
  );
};

const undo = async (ctx: ActionContext, input: AlertInput) => {
  const checked = await checkAlertUndo(ctx.deps, input);
  if (!checked.ok) return tell(ctx, renderAlertRefusal(checked));
  if (!ctx.responder.openModal) return;
  await ctx.responder.openModal(asModal(renderUndoModal(checked.alert)));
};

const ask = async (ctx: ActionContext, input: AlertInput) => {
  const result = await askActor(ctx.deps, input);
  await tell(
    ctx,
    result.ok
      ? renderAlertNote(
          `Asked <@${result.alert.askedUserId}> by direct message; their answer will show on the card.`,
          result.alert.askedUserId ? [result.alert.askedUserId] : [],
        )
      : renderAlertRefusal(result),
  );
};

const answer = async (ctx: ActionContext, input: AlertInput) => {
  const checked = await checkAnswer(ctx.deps, input);
  if (!checked.ok) return tell(ctx, renderAlertRefusal(checked));
  if (!ctx.responder.openModal) return;
  await ctx.responder.openModal(asModal(renderAnswerModal(checked.alert)));
};

const MENU: Record<AlertMenuVerb, (ctx: ActionContext, input: AlertInput) => Promise<void>> = {
  assign: triageModal('assign'),
  resolve: triageModal('resolve'),
  false_positive: triageModal('false_positive'),
  ask,
};

/** The card's overflow: values `<verb>:<alertId>` (card.ts alertMenuValue). */
export const alertMenu: ActionHandler = {
  actionId: ALERT_ACTIONS.menu,
  run: async (ctx) => {
    const at = ctx.invocation.value.indexOf(':');
    const verb = ctx.invocation.value.slice(0, Math.max(0, at)) as AlertMenuVerb;
    const id = parseAlertId(ctx.invocation.value.slice(at + 1));
    if (at < 0 || !ALERT_MENU_VERBS.includes(verb) || !id) return sayStaleButton(ctx);
    await MENU[verb](ctx, inputOf(ctx, id));
  },
};

export const alertListPage: ActionHandler = {
  actionId: ALERT_LIST_PAGE_ACTION,
  run: async (ctx) => {
    const page = parseAlertListPage(ctx.invocation.value);
    if (!page) return sayStaleButton(ctx);
    await sendAlertList(ctx.deps, ctx.responder, {
      actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
      filter: page.f,
      offset: page.o,
    });
  },
};

const FINDING_ID = /^f_[0-9a-f]{16}$/;

/** "Who did this?" on a failing finding (value: the finding id). */
export const findingWho: ActionHandler = {
  actionId: FINDING_WHO_ACTION,
  run: async (ctx) => {
    const findingId = ctx.invocation.value;
    if (!FINDING_ID.test(findingId)) return sayStaleButton(ctx);
    await sendWhoAnswer(ctx.deps, ctx.responder, {
      actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
      channel: ctx.invocation.channel ?? undefined,
      target: { findingId },
    });
  },
};

export const alertActionHandlers: ActionHandler[] = [
  alertButton(ALERT_ACTIONS.acknowledge, acknowledge),
  alertButton(ALERT_ACTIONS.assign, MENU.assign),
  alertButton(ALERT_ACTIONS.resolve, MENU.resolve),
  alertButton(ALERT_ACTIONS.falsePositive, MENU.false_positive),
  alertButton(ALERT_ACTIONS.recheck, recheck),
  alertButton(ALERT_ACTIONS.undo, undo),
  alertButton(ALERT_ACTIONS.ask, ask),
  alertButton(ALERT_ACTIONS.answer, answer),
  alertMenu,
  alertListPage,
  findingWho,
];
