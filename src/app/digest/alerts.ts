import { alertsWindow, digestAlerts, type AlertsWindow } from '../../core/digest/alerts';
import type { DigestAlerts } from '../../core/digest/model';
import { OPEN_ALERT_STATUSES } from '../../core/detections/alert';
import type { DigestRun } from '../../store/store';
import type { DigestDeps } from './ports';

/**
 * The digest's alerts line read from the store: the alerts of the digest's accounts opened since
 * the last posted digest, and those still open. A store that cannot be read makes the line say so
 * (the digest is still posted); it never reads as "no alerts".
 */

/** Open alerts read to pick the most severe few from (newest first): more than anyone triages in a day. */
export const OPEN_ALERTS_READ = 200;

/** The bounds of "every alert, whenever opened" for the store's [since, until) count. */
const BEGINNING = '1970-01-01T00:00:00.000Z';
const END = '9999-12-31T23:59:59.999Z';

/**
 * Where the last posted digest stopped counting (its details' `alertsUntil`): the end of its window
 * when it read the alerts, its start when it could not (so that window is counted by this one).
 */
export const alertsUntilOf = (run: DigestRun | undefined): string | null => {
  const raw = (run?.details as { alertsUntil?: unknown } | undefined)?.alertsUntil;
  return typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) ? raw : null;
};

export interface ReadAlerts {
  alerts: DigestAlerts | undefined;
  window: AlertsWindow;
  /** What this run stores as `alertsUntil` once posted. */
  countedUntil: string;
}

export const readDigestAlerts = async (
  deps: Pick<DigestDeps, 'store' | 'log' | 'liveLaneOn'>,
  input: {
    digestName: string;
    previousRun: DigestRun | undefined;
    /** The scope's account ids; null for a digest of every account. */
    accountIds: readonly string[] | null;
    now: Date;
  },
): Promise<ReadAlerts> => {
  const previous = input.previousRun
    ? { until: alertsUntilOf(input.previousRun), scheduledFor: input.previousRun.scheduledFor }
    : null;
  const window = alertsWindow(previous, input.now);
  const accountIds = input.accountIds === null ? null : [...input.accountIds];
  const scoped = accountIds === null ? {} : { accountIds };
  try {
    const [inWindow, closedInWindow, everywhere, open] = await Promise.all([
      deps.store.countAlerts({ since: window.since, until: window.until, ...scoped }),
      deps.store.countAlerts({ since: window.since, until: window.until, by: 'closed', ...scoped }),
      deps.store.countAlerts({ since: BEGINNING, until: END, ...scoped }),
      deps.store.listAlerts({ statuses: [...OPEN_ALERT_STATUSES], ...scoped, limit: OPEN_ALERTS_READ }),
    ]);
    const alerts = digestAlerts({
      window,
      inWindow,
      closedInWindow,
      everywhere,
      open,
      accountIds,
      liveLaneOn: deps.liveLaneOn ?? false,
    });
    return { alerts, window, countedUntil: window.until };
  } catch (err) {
    deps.log.warn({ err, digest: input.digestName }, 'could not read the alerts for the digest');
    return { alerts: { kind: 'unreadable' }, window, countedUntil: window.since };
  }
};
