import { severityRank } from '../model';
import type { Alert, AlertStatus } from '../detections/alert';
import type { DigestAlert, DigestAlerts } from './model';

/**
 * The digest's alerts line, decided from what the store counted. Pure: the app reads the store
 * (src/app/digest/alerts.ts), this decides the window and what the digest says.
 */

/** Open alerts listed under the line; the rest are behind `/cloudsec alerts`. */
export const DIGEST_ALERTS_LISTED = 5;

/** A first digest looks back one day. */
export const FIRST_ALERTS_WINDOW_MS = 24 * 60 * 60_000;

export interface AlertsWindow {
  since: string;
  until: string;
}

/**
 * The window this run counts: from where the last posted digest's window ended (so each alert is
 * counted by exactly one digest, even when a run was late), or from that digest's scheduled time
 * when it stored no window (it predates alerts or could not read them), or one day back on a first
 * digest; until now. A start after now (clock skew between replicas) makes an empty window.
 */
export const alertsWindow = (
  previous: { until: string | null; scheduledFor: string } | null,
  now: Date,
): AlertsWindow => {
  const until = now.toISOString();
  const start = previous ? Date.parse(previous.until ?? previous.scheduledFor) : now.getTime() - FIRST_ALERTS_WINDOW_MS;
  if (Number.isNaN(start)) return { since: new Date(now.getTime() - FIRST_ALERTS_WINDOW_MS).toISOString(), until };
  return { since: new Date(Math.min(start, now.getTime())).toISOString(), until };
};

const isListedStatus = (s: AlertStatus): s is DigestAlert['status'] => s === 'open' || s === 'acknowledged';

const worstThenNewest = (a: Alert, b: Alert) =>
  severityRank(a.severity) - severityRank(b.severity) ||
  b.createdAt.localeCompare(a.createdAt) ||
  b.id.localeCompare(a.id);

export interface DigestAlertsInput {
  window: AlertsWindow;
  /** Alerts created in the window, by status now. */
  inWindow: Record<AlertStatus, number>;
  /**
   * Alerts closed in the window (whenever they were opened), by status now: "resolved" counts
   * closures, so an alert opened last week and resolved today is today's news.
   */
  closedInWindow: Record<AlertStatus, number>;
  /** Every alert of the scope, by status now (for "still open"). */
  everywhere: Record<AlertStatus, number>;
  /** Open and acknowledged alerts of the scope, as many as the app read (newest first). */
  open: readonly Alert[];
  /** The accounts of the scope; null for every account. */
  accountIds: readonly string[] | null;
  /** A CloudTrail source is configured (or the demo's): the line is shown even when all is quiet. */
  liveLaneOn: boolean;
}

/**
 * The line's figures and the most severe open alerts, or undefined when there is nothing to say:
 * no live lane and no alert at all. An alert of an account outside the scope is never listed,
 * whatever the store answered.
 */
export const digestAlerts = (input: DigestAlertsInput): DigestAlerts | undefined => {
  const { inWindow, closedInWindow, everywhere } = input;
  const opened = inWindow.open + inWindow.acknowledged + inWindow.resolved + inWindow.false_positive;
  const stillOpen = everywhere.open + everywhere.acknowledged;
  const closed = closedInWindow.resolved + closedInWindow.false_positive;
  if (!input.liveLaneOn && opened === 0 && stillOpen === 0 && closed === 0) return undefined;
  const scope = input.accountIds === null ? null : new Set(input.accountIds);
  const topOpen = input.open
    .filter((a) => isListedStatus(a.status) && (scope === null || scope.has(a.accountId)))
    .sort(worstThenNewest)
    .slice(0, DIGEST_ALERTS_LISTED)
    .map((a): DigestAlert => ({
      id: a.id,
      title: a.title,
      severity: a.severity,
      accountId: a.accountId,
      summary: a.summary,
      status: a.status as DigestAlert['status'],
    }));
  return {
    kind: 'read',
    since: input.window.since,
    until: input.window.until,
    opened,
    resolved: closedInWindow.resolved,
    falsePositive: closedInWindow.false_positive,
    stillOpen,
    topOpen,
  };
};
