import type { AlertStore } from '../../store/alert-store';
import type { ResourceChange, ResourceHistory } from './ports';

/**
 * A resource's history from the CloudTrail records the live lane has alerted on, for the console
 * demo, where CloudTrail's event history cannot be asked. Always marked incomplete: records that
 * matched no detection were never kept.
 */

/** How many recent alerts are searched (newest first). */
const SEARCHED = 500;

const CREATES = /^(Create|Run)/;

export const seenRecordsHistory = (store: Pick<AlertStore, 'listAlerts'>, clock: () => Date): ResourceHistory => ({
  history: async ({ accountId, region, resourceName, days }) => {
    const alerts = await store.listAlerts({ accountIds: [accountId], limit: SEARCHED });
    const since = clock().getTime() - days * 86_400_000;
    // One record can make several alerts (a public policy is also a policy change): one change each.
    const seen = new Set<string>();
    const changes: ResourceChange[] = alerts
      .filter(
        (a) =>
          (a.resource.id === resourceName || a.resource.arn === resourceName) &&
          (a.resource.region === region || a.resource.region === 'global') &&
          Date.parse(a.eventTime) >= since,
      )
      .filter((a) => !seen.has(a.eventId) && seen.add(a.eventId))
      .map((a) => ({
        eventId: a.eventId,
        eventName: a.eventName,
        eventTime: a.eventTime,
        eventSource: a.eventSource,
        actor: a.actor,
        created: CREATES.test(a.eventName),
      }));
    return {
      changes,
      complete: false,
      reason: 'from the CloudTrail records cloudsec alerted on here (the demo cannot ask CloudTrail’s event history)',
    };
  },
});
