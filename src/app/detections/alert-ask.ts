import { OPEN_ALERT_STATUSES, type Alert } from '../../core/detections/alert';
import {
  ALERT_TEXT_BOUNDS,
  renderAnswerReply,
  renderAskedReply,
  renderEscalationReply,
  renderQuestionDm,
} from '../../core/render/blocks/alerts/modals';
import { stamp } from '../../core/render/blocks/alerts/format';
import { boundedText } from '../remediation/outcomes';
import { findPersonOf } from './alert-people';
import {
  ALERT_SYSTEM_ACTOR,
  actorRefOf,
  auditAlert,
  loadAuthorized,
  refreshCard,
  refuseAlert,
  replyInThread,
  type AlertDeps,
  type AlertInput,
  type AlertResult,
} from './alert-support';

/**
 * Ask the actor: the person who made the change is asked by DM "was this you, and why?"; their
 * answer goes on the card and in its thread. An unanswered question escalates once, in the thread,
 * after detections.ask.escalateAfterMinutes.
 */

export const askActor = async (deps: AlertDeps, input: AlertInput): Promise<AlertResult> => {
  const loaded = await loadAuthorized(deps, input, 'alert.ask', 'alert:triage');
  if (!loaded.ok) return loaded;
  const { alert } = loaded;
  const actor = actorRefOf(input.actor);
  const step = { actor, action: 'alert.ask', alert };
  if (alert.askedUserId && alert.answer === null)
    return refuseAlert(
      deps,
      step,
      'already-asked',
      `<@${alert.askedUserId}> was already asked${alert.askedAt ? ` (${stamp(alert.askedAt)})` : ''} and has not answered yet.`,
    );
  if (alert.answer !== null)
    return refuseAlert(deps, step, 'already-answered', 'The actor has answered already: their answer is on the card.');
  const person = await findPersonOf(deps.config.detections, deps.people, alert.actor);
  if (!person.found) return refuseAlert(deps, step, 'no-person', person.reason);
  try {
    await deps.messenger.dm(person.userId, renderQuestionDm(alert, input.actor.userId));
  } catch (err) {
    deps.log.warn({ err, alertId: alert.id }, 'could not ask the actor');
    return refuseAlert(
      deps,
      { ...step, details: { askedUserId: person.userId } },
      'unavailable',
      `Slack did not deliver the question to <@${person.userId}>; try again later.`,
    );
  }
  const asked =
    (await deps.store.updateAlert(alert.id, { askedUserId: person.userId, askedAt: deps.clock().toISOString() })) ??
    alert;
  await auditAlert(deps, {
    ...step,
    alert: asked,
    outcome: 'ok',
    details: { askedUserId: person.userId, via: person.via },
  });
  await replyInThread(deps, asked, renderAskedReply(input.actor.userId, person.userId));
  await refreshCard(deps, asked);
  return { ok: true, alert: asked };
};

/**
 * Only the person asked may answer (they need no cloudsec role: they are asked about their own
 * change), once. What the Answer button checks before its modal opens, and the submission again.
 */
export const checkAnswer = async (deps: AlertDeps, input: AlertInput): Promise<AlertResult> => {
  const step = { actor: actorRefOf(input.actor), action: 'alert.answer', alertId: input.alertId };
  const alert = await deps.store.getAlert(input.alertId);
  if (!alert) return refuseAlert(deps, step, 'not-found', 'That alert is not stored here (any more).');
  if (alert.askedUserId !== input.actor.userId)
    return refuseAlert(deps, { ...step, alert }, 'not-asked', 'This question was not asked of you.');
  if (alert.answer !== null)
    return refuseAlert(deps, { ...step, alert }, 'already-answered', 'You have answered this question already.');
  return { ok: true, alert };
};

export const answerAlert = async (deps: AlertDeps, input: AlertInput & { answer: string }): Promise<AlertResult> => {
  const checked = await checkAnswer(deps, input);
  if (!checked.ok) return checked;
  const step = { actor: actorRefOf(input.actor), action: 'alert.answer', alert: checked.alert };
  const text = boundedText(input.answer, 'answer', ALERT_TEXT_BOUNDS.answer);
  if (!text.ok) return refuseAlert(deps, step, 'invalid', text.reason);
  const answered =
    (await deps.store.updateAlert(checked.alert.id, { answer: text.value, answeredAt: deps.clock().toISOString() })) ??
    checked.alert;
  await auditAlert(deps, { ...step, alert: answered, outcome: 'ok', details: { answer: text.value } });
  await replyInThread(deps, answered, renderAnswerReply(answered, input.actor.userId, text.value));
  await refreshCard(deps, answered);
  return { ok: true, alert: answered };
};

/** How many open alerts the escalation looks at per run (the newest; older ones escalated long ago). */
const ESCALATION_SCAN_LIMIT = 500;

const overdue = (alert: Alert, cutoffMs: number): boolean =>
  alert.askedUserId !== null &&
  alert.askedAt !== null &&
  alert.answer === null &&
  alert.escalatedAt === null &&
  Date.parse(alert.askedAt) <= cutoffMs;

/**
 * The periodic duty: every open alert whose question is older than ask.escalateAfterMinutes and
 * unanswered is escalated exactly once (the store's claim decides, whichever replica runs this):
 * a thread reply naming the assignee, else saying nobody answered. Returns how many escalated.
 */
export const escalateUnansweredQuestions = async (deps: AlertDeps): Promise<{ escalated: number }> => {
  const minutes = deps.config.detections.ask.escalateAfterMinutes;
  const cutoff = deps.clock().getTime() - minutes * 60_000;
  const candidates = (
    await deps.store.listAlerts({ statuses: [...OPEN_ALERT_STATUSES], limit: ESCALATION_SCAN_LIMIT })
  ).filter((a) => overdue(a, cutoff));
  let escalated = 0;
  for (const alert of candidates) {
    if (!(await deps.store.claimAlertEscalation(alert.id))) continue;
    escalated += 1;
    const now = (await deps.store.getAlert(alert.id)) ?? alert;
    const posted = await replyInThread(deps, now, renderEscalationReply(now, minutes));
    await auditAlert(deps, {
      actor: ALERT_SYSTEM_ACTOR,
      action: 'alert.escalate',
      outcome: posted ? 'ok' : 'error',
      alert: now,
      details: { askedUserId: now.askedUserId, assigneeId: now.assigneeId, afterMinutes: minutes },
    });
    await refreshCard(deps, now);
  }
  return { escalated };
};
