import type { Alert } from '../../core/detections/alert';
import type { Finding } from '../../core/model';
import { claimFreshScan } from '../scan-service';
import { collectResourceFindings, isNamedResource, serviceOfAlert } from './alert-resource';
import {
  actorRefOf,
  auditAlert,
  loadAuthorized,
  refreshCard,
  refuseAlert,
  type AlertDeps,
  type AlertInput,
  type AlertRefusal,
} from './alert-support';

/**
 * Re-check: collect the alert's resource again (its service, in its account and region) and run
 * the checks that cover it. The presser learns which fail now (with their Remediate buttons, as
 * findings show everywhere) or that all pass; the card says what the last re-check found.
 */

export interface RecheckAnswer {
  ok: true;
  alert: Alert;
  /** Every finding of the resource, failing ones first. */
  findings: Finding[];
  /** One line for the card: what the re-check found. */
  note: string;
}

const RANK = { fail: 0, unknown: 1, pass: 2 } as const;

const noteOf = (findings: readonly Finding[], resourceId: string): string => {
  const failing = findings.filter((f) => f.status === 'fail').length;
  const unknown = findings.filter((f) => f.status === 'unknown').length;
  if (findings.length === 0) return `no cloudsec check covers ${resourceId} now (it may be gone)`;
  if (failing === 0 && unknown === 0)
    return `all ${findings.length} ${findings.length === 1 ? 'check passes' : 'checks pass'} on ${resourceId}`;
  const parts = [
    ...(failing > 0 ? [`${failing} of ${findings.length} checks fail`] : []),
    ...(unknown > 0 ? [`${unknown} could not be checked`] : []),
  ];
  return `${parts.join(', ')} on ${resourceId}`;
};

export const recheckAlert = async (
  deps: AlertDeps,
  input: AlertInput & { requestId?: string },
): Promise<RecheckAnswer | AlertRefusal> => {
  const loaded = await loadAuthorized(deps, input, 'alert.recheck', 'alert:triage');
  if (!loaded.ok) return loaded;
  const { alert } = loaded;
  const actor = actorRefOf(input.actor);
  const step = { actor, action: 'alert.recheck', alert };
  const service = serviceOfAlert(alert);
  if (!service || !isNamedResource(alert.resource)) {
    return refuseAlert(
      deps,
      step,
      'no-finding',
      !service
        ? `cloudsec has no checks for ${alert.resource.type} resources, so there is nothing to re-check.`
        : 'The CloudTrail record did not name the resource, so cloudsec cannot collect it again.',
    );
  }
  // Every re-check is a fresh collection: it counts against the presser's fresh scans like `--fresh`.
  const claim = await claimFreshScan(deps, {
    userId: input.actor.userId,
    requestId: input.requestId ?? alert.id,
    text: `alert re-check ${alert.id}`,
  });
  if (!claim.ok) {
    return refuseAlert(
      deps,
      step,
      'unavailable',
      `You have used your ${claim.limit} fresh scans for this hour; try again after ${claim.retryAt.toISOString().slice(11, 16)} UTC.`,
    );
  }
  const collected = await collectResourceFindings(deps, {
    accountId: alert.accountId,
    resource: alert.resource,
    service,
  });
  if (!collected.ok) return refuseAlert(deps, step, 'unavailable', collected.reason);
  const findings = [...collected.findings].sort((a, b) => RANK[a.status] - RANK[b.status]);
  const note = noteOf(findings, alert.resource.id);
  await auditAlert(deps, {
    ...step,
    outcome: 'ok',
    details: {
      service,
      checked: findings.length,
      failing: findings.filter((f) => f.status === 'fail').map((f) => f.checkId),
    },
  });
  await refreshCard(deps, alert, { recheckNote: note });
  return { ok: true, alert, findings, note };
};
