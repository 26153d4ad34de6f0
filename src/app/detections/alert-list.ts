import { accountsVisibleTo, permissionsOf } from '../../core/access/policy';
import { OPEN_ALERT_STATUSES, type Alert, type AlertQuery } from '../../core/detections/alert';
import type { AlertDeps, AlertInput } from './alert-support';
import { actorRefOf, auditAlert } from './alert-support';

/**
 * `/cloudsec alerts [open|mine|all]`: the alerts the asker may read, newest first. A user whose
 * `alert:read` is limited to some accounts is asked the store for those accounts only, so nothing
 * of another account reaches them, not even a count.
 */

export const ALERT_FILTERS = ['open', 'mine', 'all'] as const;
export type AlertFilter = (typeof ALERT_FILTERS)[number];

/** More than anyone pages through; the renderer pages what it is given. */
export const ALERT_LIST_LIMIT = 1000;

export interface AlertList {
  alerts: Alert[];
  /** True when the store had more than ALERT_LIST_LIMIT matching alerts: the list is the newest ones. */
  truncated: boolean;
  /** The accounts the list is limited to; null = every account. */
  accountIds: string[] | null;
}

/** The accounts whose alerts the actor may read: null for all of them (an unscoped grant). */
export const readableAlertAccounts = async (
  deps: Pick<AlertDeps, 'config' | 'knownAccounts'>,
  actor: AlertInput['actor'],
): Promise<string[] | null> => {
  if (permissionsOf(actor, deps.config).includes('alert:read')) return null;
  const known = await deps.knownAccounts();
  return accountsVisibleTo(actor, 'alert:read', known, deps.config).map((a) => a.id);
};

export const listAlertsFor = async (
  deps: AlertDeps,
  input: Pick<AlertInput, 'actor'> & { filter: AlertFilter },
): Promise<AlertList> => {
  const accountIds = await readableAlertAccounts(deps, input.actor);
  await auditAlert(deps, {
    actor: actorRefOf(input.actor),
    action: 'alert.list',
    outcome: 'allowed',
    details: { filter: input.filter, accounts: accountIds ?? 'all' },
  });
  if (accountIds !== null && accountIds.length === 0) return { alerts: [], truncated: false, accountIds };
  const scope: Pick<AlertQuery, 'accountIds'> = accountIds !== null ? { accountIds } : {};
  const me = input.actor.userId;
  // "mine" is the store's own filter (assigned to or asking the asker), so an alert of theirs is
  // found however many other alerts are newer; one more than the limit tells a full list apart.
  const listed = await deps.store.listAlerts({
    ...(input.filter === 'open' ? { statuses: [...OPEN_ALERT_STATUSES] } : {}),
    ...(input.filter === 'mine' ? { involvesUserId: me } : {}),
    ...scope,
    limit: ALERT_LIST_LIMIT + 1,
  });
  let alerts = listed.slice(0, ALERT_LIST_LIMIT);
  // The store's own filtering, checked again: an alert of another account never reaches the list,
  // nor, under "mine", one that neither is assigned to nor asks the asker.
  if (accountIds !== null) alerts = alerts.filter((a) => accountIds.includes(a.accountId));
  if (input.filter === 'mine') alerts = alerts.filter((a) => a.assigneeId === me || a.askedUserId === me);
  return { alerts, truncated: listed.length > ALERT_LIST_LIMIT, accountIds };
};
