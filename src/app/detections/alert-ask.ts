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
  mentionOf,
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
  if (alert.askedUserId && alert.answer === null) {
    const asked = mentionOf(alert.askedUserId);
    return refuseAlert(
      deps,
      step,
      'already-asked',
      `${asked.text} was already asked${alert.askedAt ? ` (${stamp(alert.askedAt)})` : ''} and has not answered yet.`,
      asked.ids,
    );
  }
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
      `Slack did not deliver the question to ${mentionOf(person.userId).text}; try again later.`,
      mentionOf(person.userId).ids,
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

/** How many due questions the escalation reads at a time; it reads page after page until none is left. */
export const ESCALATION_PAGE_SIZE = 500;

/**
 * The store's query (questionDueBefore) picks the due questions and its claim
 * (claimAlertEscalation) decides for good; this re-checks each alert the query returned, so a row
 * the query let through by mistake is never escalated.
 */
const overdue = (alert: Alert, cutoffMs: number): boolean =>
  alert.askedUserId !== null &&
  alert.askedAt !== null &&
  alert.answer === null &&
  alert.escalatedAt === null &&
  Date.parse(alert.askedAt) <= cutoffMs;

/** Claims the escalation of one alert and says so in its thread; false when another run claimed it first. */
const escalateOne = async (deps: AlertDeps, alert: Alert, minutes: number): Promise<boolean> => {
  if (!(await deps.store.claimAlertEscalation(alert.id))) return false;
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
  return true;
};

/**
 * The periodic duty: every open alert whose question is older than ask.escalateAfterMinutes and
 * unanswered is escalated exactly once (the store's claim decides, whichever replica runs this):
 * a thread reply naming the assignee, else saying nobody answered. Returns how many escalated.
 *
 * The store returns only the questions due (asked by the cutoff, unanswered, not escalated), however
 * old their alerts, a page at a time. An alert leaves the query once escalated (by this run or
 * another replica) or answered, so the next page is the next due questions. An alert the query
 * returns but the guard refuses would come back on every page: it is read once, logged, and the run
 * stops when a page brings nothing new, rather than looping.
 */
export const escalateUnansweredQuestions = async (
  deps: AlertDeps,
  options: { pageSize?: number } = {},
): Promise<{ escalated: number }> => {
  const pageSize = options.pageSize ?? ESCALATION_PAGE_SIZE;
  const minutes = deps.config.detections.ask.escalateAfterMinutes;
  const cutoff = deps.clock().getTime() - minutes * 60_000;
  const query = {
    statuses: [...OPEN_ALERT_STATUSES],
    questionDueBefore: new Date(cutoff).toISOString(),
    limit: pageSize,
  };
  const seen = new Set<string>();
  const refused: string[] = [];
  let escalated = 0;
  // True when the run ended on a full page of refused alerts: due questions behind them wait a run.
  let stoppedOnFullPage = false;
  for (;;) {
    const page = await deps.store.listAlerts(query);
    const fresh = page.filter((a) => !seen.has(a.id));
    for (const alert of fresh) {
      seen.add(alert.id);
      if (!overdue(alert, cutoff)) {
        refused.push(alert.id);
        continue;
      }
      if (await escalateOne(deps, alert, minutes)) escalated += 1;
    }
    // A short page was the last; a page of alerts already seen (refused ones) would repeat forever.
    if (page.length < pageSize) break;
    if (fresh.length === 0) {
      stoppedOnFullPage = true;
      break;
    }
  }
  if (refused.length > 0)
    deps.log.warn(
      { alertIds: refused.slice(0, 20), refused: refused.length, stoppedOnFullPage },
      'the store listed alert questions as due that the escalation does not find due: not escalated',
    );
  return { escalated };
};
