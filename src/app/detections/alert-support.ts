import type { AuditOutcome } from '../../core/audit';
import type { AccountRef, ChannelRef, Permission } from '../../core/access/permissions';
import { authorize, groupsNamedIn } from '../../core/access/policy';
import type { Alert } from '../../core/detections/alert';
import type { ActorRef } from '../../core/remediations/request';
import { getRemediation } from '../../core/remediations';
import { renderAlertCard } from '../../core/render/blocks/alerts/card';
import type { AppDeps, GroupLookup } from '../deps';
import type { WorkflowActor } from '../remediation/ports';
import type { PeopleDirectory } from './alert-people';
import { slackUserOfActor } from './routing';

/**
 * Shared steps of what people do with an alert: load it by the id a button carried (nothing else on
 * the card is trusted), authorize on the alert's account, write every step to the audit log, and
 * re-render the card in place once the alert changed.
 */

/** What the alert use cases need: the app's dependencies, plus the Slack directory when wired. */
export type AlertDeps = Pick<
  AppDeps,
  'store' | 'config' | 'clock' | 'log' | 'messenger' | 'knownAccounts' | 'scans' | 'remediation' | 'features'
> & {
  /** users.lookupByEmail for "Ask the actor" (detections.lookupByEmail); absent or null: not available. */
  people?: PeopleDirectory | null;
  /**
   * The Slack user groups of a user other than the presser (the person an alert is assigned to),
   * resolved as the router resolves the presser's. Absent or null: that person is taken to be in
   * no group, so a role they hold only through a group does not count (fail closed).
   */
  groups?: Pick<GroupLookup, 'resolve'> | null;
};

export interface AlertInput {
  actor: WorkflowActor;
  channel?: ChannelRef | undefined;
  /** What the button carried: looked up, never trusted further. */
  alertId: string;
}

export type AlertRefusalCode =
  | 'not-found'
  | 'not-allowed'
  /** The alert is not in a status the action applies to (acknowledged already, resolved). */
  | 'not-open'
  | 'invalid'
  /** Remediation is off: Undo cannot ask for anything. */
  | 'disabled'
  /** The detection offers no Undo for this change. */
  | 'not-undoable'
  /** The resource already passes the check Undo would fix. */
  | 'nothing-to-undo'
  | 'no-finding'
  /** Undo was asked for already (its request id is in the reason). */
  | 'undo-exists'
  /** The person chosen to assign the alert to may not read alerts on its account. */
  | 'assignee-not-allowed'
  /** Nobody in Slack is known for the caller. */
  | 'no-person'
  | 'already-asked'
  | 'already-answered'
  | 'not-asked'
  /** AWS or Slack could not be reached for this. */
  | 'unavailable';

/**
 * Expected refusals are values; `reason` is written for the person who pressed, and is in the audit
 * log. `mentions`: the Slack user ids the use case itself wrote into `reason` as `<@U…>`; only those
 * are shown as mentions (renderAlertRefusal). Everything else in a reason is text, whatever it looks
 * like: reasons quote resource names, caller labels and AWS errors, which a CloudTrail record controls.
 */
export interface AlertRefusal {
  ok: false;
  code: AlertRefusalCode;
  reason: string;
  mentions?: readonly string[];
  alert?: Alert;
}

export type AlertResult = { ok: true; alert: Alert } | AlertRefusal;

export const actorRefOf = (actor: WorkflowActor): ActorRef => ({
  kind: actor.kind ?? 'slack-user',
  id: actor.userId,
  ...(actor.name ? { name: actor.name } : {}),
});

/** The periodic escalation acts as cloudsec itself. */
export const ALERT_SYSTEM_ACTOR: ActorRef = { kind: 'system', id: 'alert-escalation' };

export interface AlertAuditStep {
  actor: ActorRef;
  /** `alert.<verb>`. */
  action: string;
  outcome: AuditOutcome;
  alert?: Alert | null;
  alertId?: string;
  details?: Record<string, unknown>;
}

export const auditAlert = async (deps: Pick<AlertDeps, 'store'>, step: AlertAuditStep): Promise<void> => {
  const a = step.alert ?? null;
  // A forged button may carry anything: keep what is recorded short.
  const id = a?.id ?? step.alertId?.slice(0, 200) ?? null;
  await deps.store.appendAudit({
    actor: step.actor,
    action: step.action,
    target: id ? `alert:${id}` : null,
    outcome: step.outcome,
    requestId: id,
    details: {
      ...(a ? { accountId: a.accountId, detectionId: a.detectionId, status: a.status } : {}),
      ...step.details,
    },
  });
};

/**
 * Audits the refusal (outcome `denied`, with its code and reason) and returns it. `mentions`: the
 * user ids this use case wrote into `reason` as `<@U…>` (see AlertRefusal); never ids read from a
 * record or from another reason.
 */
export const refuseAlert = async (
  deps: Pick<AlertDeps, 'store'>,
  step: Omit<AlertAuditStep, 'outcome'>,
  code: AlertRefusalCode,
  reason: string,
  mentions: readonly string[] = [],
): Promise<AlertRefusal> => {
  await auditAlert(deps, { ...step, outcome: 'denied', details: { ...step.details, code, reason } });
  return {
    ok: false,
    code,
    reason,
    ...(mentions.length > 0 ? { mentions: [...mentions] } : {}),
    ...(step.alert ? { alert: step.alert } : {}),
  };
};

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * A stored user id as a mention in a reason (and the id to list in `mentions`), or as plain text
 * when it is not a Slack id (a CLI user's name): the caller passes `ids` on to refuseAlert.
 */
export const mentionOf = (id: string): { text: string; ids: string[] } =>
  SLACK_USER_ID.test(id) ? { text: `<@${id}>`, ids: [id] } : { text: id.slice(0, 60), ids: [] };

const help = (deps: Pick<AlertDeps, 'config'>) => `ask ${deps.config.accessHelp ?? 'a cloudsec admin'}`;

/** The account as the policy needs it (name and OUs from the directory when known). */
export const accountRefOf = async (deps: Pick<AlertDeps, 'knownAccounts'>, accountId: string): Promise<AccountRef> =>
  (await deps.knownAccounts()).find((a) => a.id === accountId) ?? { id: accountId, name: accountId };

const capitalize = (text: string): string => (text ? `${text[0]!.toUpperCase()}${text.slice(1)}` : text);

/**
 * May the actor use `permission` on the account? Someone who may not even read alerts there is
 * refused in words that name no account (an alert id in a button can point anywhere).
 */
export const authorizeOnAccount = async (
  deps: Pick<AlertDeps, 'config' | 'knownAccounts'>,
  input: Pick<AlertInput, 'actor' | 'channel'>,
  permission: Permission,
  accountId: string,
  seePermission: Permission = 'alert:read',
): Promise<{ allowed: true } | { allowed: false; reason: string }> => {
  const account = await accountRefOf(deps, accountId);
  const sees = authorize({ actor: input.actor, permission: seePermission, account }, deps.config);
  if (!sees.allowed)
    return {
      allowed: false,
      reason:
        sees.code === 'no-role'
          ? `You have no cloudsec role yet — ${help(deps)}.`
          : `This is not on an account you may see — ${help(deps)}.`,
    };
  const decision = authorize({ actor: input.actor, permission, account, channel: input.channel }, deps.config);
  return decision.allowed ? { allowed: true } : { allowed: false, reason: `${capitalize(decision.reason)}.` };
};

/**
 * May someone other than the presser (the person an alert is assigned to) read alerts on the
 * account? Their roles are resolved as any user's: the bindings naming them, and those of the
 * user groups they are in now (the same Slack look-up the router does for the presser).
 */
export const mayReadAlertsOn = async (
  deps: Pick<AlertDeps, 'config' | 'knownAccounts' | 'groups'>,
  userId: string,
  accountId: string,
): Promise<{ allowed: boolean; account: AccountRef; reason: string; groupsNote: string | null }> => {
  const account = await accountRefOf(deps, accountId);
  let groups: string[] = [];
  let groupsNote: string | null = null;
  const candidates = groupsNamedIn(deps.config);
  if (candidates.length > 0) {
    if (!deps.groups) groupsNote = 'their user groups cannot be looked up here';
    else {
      try {
        const resolution = await deps.groups.resolve(userId, candidates);
        groups = resolution.groups;
        if (resolution.warnings.length > 0) groupsNote = 'some of their user groups could not be read from Slack';
      } catch {
        groupsNote = 'their user groups could not be read from Slack';
      }
    }
  }
  const decision = authorize({ actor: { userId, groups }, permission: 'alert:read', account }, deps.config);
  return { allowed: decision.allowed, account, reason: decision.reason, groupsNote };
};

/**
 * The alert a button names, authorized for `permission` on its account. A missing alert and one on
 * an account the actor may not see are refused alike, without naming the account.
 */
export const loadAuthorized = async (
  deps: AlertDeps,
  input: AlertInput,
  action: string,
  permission: Permission,
): Promise<AlertResult> => {
  const step = { actor: actorRefOf(input.actor), action, alertId: input.alertId };
  const alert = await deps.store.getAlert(input.alertId);
  if (!alert) return refuseAlert(deps, step, 'not-found', 'That alert is not stored here (any more).');
  const decision = await authorizeOnAccount(deps, input, permission, alert.accountId);
  if (!decision.allowed) return refuseAlert(deps, { ...step, alert }, 'not-allowed', decision.reason);
  return { ok: true, alert };
};

/** Undo is offered where remediation is on and knows the remediation the detection names. */
export const canUndoAlert = (deps: Pick<AlertDeps, 'remediation'>, alert: Alert): boolean =>
  deps.remediation !== null && alert.undo !== null && getRemediation(alert.undo.remediationId) !== undefined;

/**
 * Re-renders the card where it was posted. A failed update is logged, never thrown: the alert moved
 * in the store, which is what counts; the card catches up at its next change.
 */
export const refreshCard = async (deps: AlertDeps, alert: Alert, options: { recheckNote?: string } = {}) => {
  if (!alert.channel || !alert.messageTs) return;
  try {
    await deps.messenger.update(
      { channel: alert.channel, ts: alert.messageTs },
      renderAlertCard(alert, {
        canUndo: canUndoAlert(deps, alert),
        now: deps.clock(),
        actorSlackUserId: slackUserOfActor(deps.config.detections.actors, alert.actor) ?? alert.askedUserId,
        ...(options.recheckNote ? { recheckNote: options.recheckNote } : {}),
      }),
    );
  } catch (err) {
    deps.log.warn({ err, alertId: alert.id }, 'could not update the alert card');
  }
};

/** A reply in the card's thread (or nothing when the card was never posted); failures are logged. */
export const replyInThread = async (
  deps: AlertDeps,
  alert: Alert,
  message: Parameters<AlertDeps['messenger']['post']>[1],
): Promise<boolean> => {
  if (!alert.channel || !alert.messageTs) return false;
  try {
    await deps.messenger.post(alert.channel, message, { threadTs: alert.messageTs });
    return true;
  } catch (err) {
    deps.log.warn({ err, alertId: alert.id }, 'could not reply in the alert thread');
    return false;
  }
};
