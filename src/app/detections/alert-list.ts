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
  /** True when the store had more than ALERT_LIST_LIMIT: the list is the newest ones. */
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
  const query: AlertQuery = {
    ...(input.filter === 'open' ? { statuses: [...OPEN_ALERT_STATUSES] } : {}),
    ...(accountIds !== null ? { accountIds } : {}),
    limit: ALERT_LIST_LIMIT + 1,
  };
  let alerts = await deps.store.listAlerts(query);
  const truncated = alerts.length > ALERT_LIST_LIMIT;
  alerts = alerts.slice(0, ALERT_LIST_LIMIT);
  // The store's own scoping, checked again: an alert of another account never reaches the list.
  if (accountIds !== null) alerts = alerts.filter((a) => accountIds.includes(a.accountId));
  if (input.filter === 'mine') {
    const me = input.actor.userId;
    alerts = alerts.filter((a) => a.assigneeId === me || a.askedUserId === me);
  }
  return { alerts, truncated, accountIds };
};
