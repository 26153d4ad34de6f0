import { describeAccount } from '../../core/access/policy';
import { OPEN_ALERT_STATUSES, type Alert, type AlertStatus } from '../../core/detections/alert';
import { renderAssignedDm, ALERT_TEXT_BOUNDS } from '../../core/render/blocks/alerts/modals';
import { STATUS_LABEL } from '../../core/render/blocks/alerts/format';
import { boundedText } from '../remediation/outcomes';
import {
  actorRefOf,
  auditAlert,
  loadAuthorized,
  mayReadAlertsOn,
  mentionOf,
  refreshCard,
  refuseAlert,
  type AlertDeps,
  type AlertInput,
  type AlertResult,
} from './alert-support';

/**
 * Triage of an alert: Acknowledge, Assign, Resolve, False positive. Each loads the alert by id,
 * authorizes `alert:triage` on its account, moves it with a compare-and-set in the store (two
 * presses at once: one wins, the other is told what happened), audits, and re-renders the card.
 */

export type TriageAction = 'acknowledge' | 'assign' | 'resolve' | 'false_positive';

const AUDIT_ACTION: Record<TriageAction, string> = {
  acknowledge: 'alert.acknowledge',
  assign: 'alert.assign',
  resolve: 'alert.resolve',
  false_positive: 'alert.false_positive',
};

/** The statuses each action applies to. */
const FROM: Record<TriageAction, readonly AlertStatus[]> = {
  acknowledge: ['open'],
  assign: OPEN_ALERT_STATUSES,
  resolve: OPEN_ALERT_STATUSES,
  false_positive: OPEN_ALERT_STATUSES,
};

/** Why the action no longer applies, and the user it names (for refuseAlert's `mentions`). */
const whyNot = (alert: Alert, action: TriageAction): { reason: string; mentions: string[] } => {
  const by = alert.closedBy ? mentionOf(alert.closedBy) : null;
  const byWhom = by ? ` by ${by.text}` : '';
  const reason =
    action === 'acknowledge' && alert.status === 'acknowledged'
      ? `This alert was already acknowledged${byWhom}.`
      : `This alert is ${STATUS_LABEL[alert.status].toLowerCase()}${byWhom}: there is nothing to ${
          action === 'false_positive' ? 'mark' : action
        } any more.`;
  return { reason, mentions: by?.ids ?? [] };
};

const refuseNotOpen = (deps: AlertDeps, input: AlertInput, action: TriageAction, alert: Alert) => {
  const { reason, mentions } = whyNot(alert, action);
  return refuseAlert(
    deps,
    { actor: actorRefOf(input.actor), action: AUDIT_ACTION[action], alert },
    'not-open',
    reason,
    mentions,
  );
};

/**
 * What a button checks before its modal opens (Assign, Resolve, False positive): may the presser,
 * and does the action still apply. The submission checks everything again.
 */
export const checkTriage = async (deps: AlertDeps, input: AlertInput, action: TriageAction): Promise<AlertResult> => {
  const loaded = await loadAuthorized(deps, input, AUDIT_ACTION[action], 'alert:triage');
  if (!loaded.ok) return loaded;
  if (!FROM[action].includes(loaded.alert.status)) return refuseNotOpen(deps, input, action, loaded.alert);
  return loaded;
};

/** The CAS itself; null moved = someone else moved it first (told with what it is now). */
const move = async (
  deps: AlertDeps,
  input: AlertInput,
  action: TriageAction,
  to: (alert: Alert) => AlertStatus,
  patch: Parameters<AlertDeps['store']['transitionAlert']>[3],
  details: Record<string, unknown> = {},
): Promise<AlertResult> => {
  const checked = await checkTriage(deps, input, action);
  if (!checked.ok) return checked;
  const actor = actorRefOf(input.actor);
  const moved = await deps.store.transitionAlert(input.alertId, [checked.alert.status], to(checked.alert), patch);
  if (!moved) {
    const now = (await deps.store.getAlert(input.alertId)) ?? checked.alert;
    return refuseNotOpen(deps, input, action, now);
  }
  await auditAlert(deps, {
    actor,
    action: AUDIT_ACTION[action],
    outcome: 'ok',
    alert: moved,
    details: { from: checked.alert.status, ...details },
  });
  await refreshCard(deps, moved);
  return { ok: true, alert: moved };
};

export const acknowledgeAlert = (deps: AlertDeps, input: AlertInput): Promise<AlertResult> =>
  move(deps, input, 'acknowledge', () => 'acknowledged', { closedBy: input.actor.userId });

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * The assignee is DMed the alert's details (who, what, which account), so they must be allowed to
 * read alerts on its account themselves (`alert:read`, through a binding naming them or a user group
 * they are in now). Otherwise nothing is assigned and nobody is told anything but the presser.
 */
const checkAssignee = async (
  deps: AlertDeps,
  input: AlertInput & { assigneeId: string },
  alert: Alert,
): Promise<AlertResult> => {
  const may = await mayReadAlertsOn(deps, input.assigneeId, alert.accountId);
  if (may.allowed) return { ok: true, alert };
  const help = deps.config.accessHelp ?? 'a cloudsec admin';
  return refuseAlert(
    deps,
    {
      actor: actorRefOf(input.actor),
      action: 'alert.assign',
      alert,
      details: {
        assigneeId: input.assigneeId,
        assigneeDecision: may.reason,
        ...(may.groupsNote ? { groups: may.groupsNote } : {}),
      },
    },
    'assignee-not-allowed',
    `<@${input.assigneeId}> may not see alerts of ${describeAccount(may.account)}` +
      `${may.groupsNote ? ` (${may.groupsNote})` : ''}: choose someone who may, or ask ${help} to give them alert:read there.`,
    [input.assigneeId],
  );
};

const invalidAssignee = (deps: AlertDeps, input: AlertInput) =>
  refuseAlert(
    deps,
    { actor: actorRefOf(input.actor), action: 'alert.assign', alertId: input.alertId },
    'invalid',
    'Choose a person to assign the alert to.',
  );

/**
 * What the Assign dialog checks before it closes: may the presser triage the alert, does it still
 * apply, and may the chosen person see it. assignAlert checks all of it again.
 */
export const checkAssignment = async (
  deps: AlertDeps,
  input: AlertInput & { assigneeId: string },
): Promise<AlertResult> => {
  if (!SLACK_USER_ID.test(input.assigneeId)) return invalidAssignee(deps, input);
  const checked = await checkTriage(deps, input, 'assign');
  if (!checked.ok) return checked;
  return checkAssignee(deps, input, checked.alert);
};

/** Assigns the alert (status unchanged) and tells the assignee by DM. */
export const assignAlert = async (
  deps: AlertDeps,
  input: AlertInput & { assigneeId: string },
): Promise<AlertResult> => {
  const checked = await checkAssignment(deps, input);
  if (!checked.ok) return checked;
  const result = await move(
    deps,
    input,
    'assign',
    (a) => a.status,
    { assigneeId: input.assigneeId },
    {
      assigneeId: input.assigneeId,
    },
  );
  if (!result.ok) return result;
  try {
    await deps.messenger.dm(input.assigneeId, renderAssignedDm(result.alert, input.actor.userId));
  } catch (err) {
    deps.log.warn({ err, alertId: result.alert.id }, 'could not tell the assignee');
    await auditAlert(deps, {
      actor: actorRefOf(input.actor),
      action: 'alert.assign_notify',
      outcome: 'error',
      alert: result.alert,
      details: { assigneeId: input.assigneeId },
    });
  }
  return result;
};

/** Resolve (note optional) or False positive (note required): closes the alert. */
export const closeAlert = async (
  deps: AlertDeps,
  input: AlertInput & { as: 'resolved' | 'false_positive'; note?: string | null },
): Promise<AlertResult> => {
  const action: TriageAction = input.as === 'resolved' ? 'resolve' : 'false_positive';
  const bounds = input.as === 'resolved' ? ALERT_TEXT_BOUNDS.resolveNote : ALERT_TEXT_BOUNDS.falsePositiveNote;
  const text = (input.note ?? '').trim();
  let note: string | null = null;
  if (bounds.min > 0 || text !== '') {
    const bounded = boundedText(text, 'note', bounds);
    if (!bounded.ok) {
      return refuseAlert(
        deps,
        { actor: actorRefOf(input.actor), action: AUDIT_ACTION[action], alertId: input.alertId },
        'invalid',
        input.as === 'false_positive' && text === '' ? 'Say why this is a false positive.' : bounded.reason,
      );
    }
    note = bounded.value;
  }
  return move(deps, input, action, () => input.as, { closedBy: input.actor.userId, note }, { note });
};
