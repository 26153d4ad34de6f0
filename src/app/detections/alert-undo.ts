import type { RemediationRequest } from '../../core/remediations/request';
import { getRemediation } from '../../core/remediations';
import { checkCatalog } from '../../core/checks/catalog';
import { ALERT_TEXT_BOUNDS } from '../../core/render/blocks/alerts/modals';
import { boundedText } from '../remediation/outcomes';
import { undoRuleEvidence } from '../../core/detections/define';
import { collectResourceFindings, isNamedResource } from './alert-resource';
import {
  actorRefOf,
  auditAlert,
  loadAuthorized,
  refreshCard,
  refuseAlert,
  type AlertDeps,
  type AlertInput,
  type AlertRefusal,
  type AlertResult,
} from './alert-support';

/**
 * Undo: a remediation request like any other, never a shortcut. The detection names the remediation
 * that reverses the change and the check it fixes; the finding of that check on the resource is
 * collected again and handed to the remediation workflow, which re-collects, plans, stores a
 * pending request and posts its approval card. An approver (not the presser) approves it, and it
 * executes once. Needs `remediation:request` on the alert's account.
 */

const ACTION = 'alert.undo';

/** What the Undo button checks before the modal opens (store only, no AWS call). */
export const checkAlertUndo = async (deps: AlertDeps, input: AlertInput): Promise<AlertResult> => {
  const loaded = await loadAuthorized(deps, input, ACTION, 'remediation:request');
  if (!loaded.ok) return loaded;
  const { alert } = loaded;
  const step = { actor: actorRefOf(input.actor), action: ACTION, alert };
  if (!deps.remediation || !deps.config.remediation.enabled)
    return refuseAlert(
      deps,
      step,
      'disabled',
      'Undo asks for a remediation, and remediation is not enabled in this cloudsec (remediation.enabled).',
    );
  if (!alert.undo || !getRemediation(alert.undo.remediationId))
    return refuseAlert(deps, step, 'not-undoable', 'cloudsec has no automatic undo for this kind of change.');
  if (alert.undoRequestId)
    return refuseAlert(
      deps,
      step,
      'undo-exists',
      `Undo was already asked for: remediation request ${alert.undoRequestId} (see /cloudsec requests).`,
    );
  if (!isNamedResource(alert.undo.resource))
    return refuseAlert(
      deps,
      step,
      'no-finding',
      'The CloudTrail record did not name the resource to undo the change on.',
    );
  return loaded;
};

export type UndoResult = { ok: true; request: RemediationRequest } | AlertRefusal;

/**
 * Finds the finding to fix (fresh), then asks for the remediation with the justification. A
 * resource that passes already has nothing to undo; one cloudsec cannot judge is refused too.
 */
export const requestAlertUndo = async (
  deps: AlertDeps,
  input: AlertInput & { justification: string },
): Promise<UndoResult> => {
  const checked = await checkAlertUndo(deps, input);
  if (!checked.ok) return checked;
  const alert = checked.alert;
  const undo = alert.undo!;
  const workflow = deps.remediation!;
  const step = { actor: actorRefOf(input.actor), action: ACTION, alert };
  const text = boundedText(input.justification, 'justification', ALERT_TEXT_BOUNDS.justification);
  if (!text.ok) return refuseAlert(deps, step, 'invalid', text.reason);
  // The request names the alert whatever was typed, so approvers see where it came from.
  const prefix = `Undo of alert ${alert.id}`;
  const justification = text.value.startsWith(prefix) ? text.value : `${prefix}: ${text.value}`;

  const check = checkCatalog().find((c) => c.id === undo.checkId);
  if (!check) return refuseAlert(deps, step, 'no-finding', `cloudsec has no check ${undo.checkId} to undo with.`);
  const collected = await collectResourceFindings(deps, {
    accountId: alert.accountId,
    resource: undo.resource,
    service: check.service,
  });
  if (!collected.ok) return refuseAlert(deps, step, 'unavailable', collected.reason);
  const finding = collected.findings.find((f) => f.checkId === undo.checkId);
  if (!finding)
    return refuseAlert(
      deps,
      step,
      'no-finding',
      `cloudsec found no ${undo.checkId} result for ${undo.resource.id} in account ${alert.accountId}` +
        `${collected.accountReadable ? ' (the resource may be gone)' : ' (the account could not be read)'}: nothing to undo from here.`,
    );
  if (finding.status === 'pass')
    return refuseAlert(
      deps,
      { ...step, details: { findingId: finding.id } },
      'nothing-to-undo',
      `${undo.resource.id} already passes ${undo.checkId}: the change was undone already, so there is nothing to undo.`,
    );
  if (finding.status !== 'fail')
    return refuseAlert(
      deps,
      { ...step, details: { findingId: finding.id } },
      'no-finding',
      `cloudsec cannot tell whether ${undo.resource.id} still has the change (${finding.message.slice(0, 200)}).`,
    );

  // Undo reverses this change only: the exact rules the record added (not every rule the check
  // flags, some of which may be older and someone else's decision) when the spec names them.
  const target = undo.rules
    ? { ...finding, evidence: { ...finding.evidence, ...undoRuleEvidence(undo.rules) } }
    : finding;
  const result = await workflow.request({
    actor: input.actor,
    channel: input.channel,
    finding: target,
    remediationId: undo.remediationId,
    justification,
  });
  if (!result.ok) {
    const existing = result.code === 'already-requested' && result.request ? ` (request ${result.request.id})` : '';
    return refuseAlert(
      deps,
      { ...step, details: { findingId: finding.id, remediationCode: result.code } },
      result.code === 'already-requested'
        ? 'undo-exists'
        : result.code === 'not-allowed'
          ? 'not-allowed'
          : 'unavailable',
      `${result.reason}${existing}`,
    );
  }
  const updated = (await deps.store.updateAlert(alert.id, { undoRequestId: result.request.id })) ?? alert;
  await auditAlert(deps, {
    ...step,
    alert: updated,
    outcome: 'ok',
    details: { undoRequestId: result.request.id, remediationId: undo.remediationId, findingId: finding.id },
  });
  await refreshCard(deps, updated);
  return { ok: true, request: result.request };
};
