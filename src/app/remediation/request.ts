import type { Finding } from '../../core/model';
import type { Remediation } from '../../core/remediations/define';
import { remediationsFor } from '../../core/remediations';
import { requestDigest } from '../../store/request-seal';
import type { RemediationRequest, RequestPlan } from '../../core/remediations/request';
import { alreadyOpenReason, createExclusive, findOpenRequest } from './open-request';
import { boundedText, JUSTIFICATION_BOUNDS, type Refusal } from './outcomes';
import type { WorkflowDeps, WorkflowInput } from './ports';
import { actorRef, audit, authorizeOn, errorMessage, HOUR_MS, notify, refuse, type AuditStep } from './support';

export interface RemediationChoice extends WorkflowInput {
  /** What a button carries; the finding is loaded from the latest stored scans. */
  findingId?: string;
  /** A finding the caller already holds (CLI, console); only its identity is used: it is re-collected. */
  finding?: Finding;
  /** One of the remediations that apply; the finding's own by default. */
  remediationId?: string;
  /** The remediation's options (e.g. Security Hub status and note), validated by it. */
  options?: unknown;
}

export interface RequestRemediationInput extends RemediationChoice {
  justification: string;
}

export interface PreparedRemediation {
  /** The finding as just re-collected: what the request records. */
  finding: Finding;
  remediation: Remediation;
  plan: RequestPlan;
  requiredApprovals: number;
  /** Other remediations that apply to the finding. */
  alternatives: string[];
}

export type PreviewResult = ({ ok: true } & PreparedRemediation) | Refusal;
export type RequestResult = { ok: true; request: RemediationRequest } | Refusal;

/**
 * Approvals a remediation needs: the configured override, else its own default; a high-risk
 * remediation never drops below two, whatever the override says.
 */
export const requiredApprovalsFor = (deps: WorkflowDeps, remediation: Remediation): number => {
  const configured = deps.config.remediation.approvals[remediation.id] ?? remediation.approvals;
  return remediation.risk === 'high' ? Math.max(2, configured) : configured;
};

const describeResource = (f: Finding): string => `${f.resource.id} in account ${f.accountId}`;

/** The remediation asked for, or the finding's own; undefined when none applies. */
const chooseRemediation = (finding: Finding, remediationId: string | undefined): Remediation | undefined => {
  const applicable = remediationsFor(finding);
  return remediationId ? applicable.find((r) => r.id === remediationId) : applicable[0];
};

/** Refuses with a pointer to the open request that already makes this change. */
const refuseAsOpen = (
  deps: WorkflowDeps,
  step: Omit<AuditStep, 'outcome'>,
  existing: RemediationRequest,
): Promise<Refusal> =>
  refuse(
    deps,
    { ...step, details: { ...step.details, existingRequestId: existing.id, existingStatus: existing.status } },
    'already-requested',
    alreadyOpenReason(existing),
    { request: existing },
  );

/**
 * Loads, authorizes and looks for an open request for the same change; nothing is collected. What a
 * modal submission checks within the 3 s Slack waits, so a second submission is answered in the
 * modal; the request itself checks again (and the store decides) when it is made.
 */
export const checkRequest = async (deps: WorkflowDeps, input: RemediationChoice): Promise<{ ok: true } | Refusal> => {
  const actor = actorRef(input.actor);
  const step = {
    actor,
    action: 'remediation.request',
    requestId: null,
    details: { findingId: input.finding?.id ?? input.findingId },
  };
  if (!deps.config.remediation.enabled) {
    return refuse(deps, step, 'disabled', 'Remediation is not enabled in this cloudsec (remediation.enabled).');
  }
  const given = input.finding ?? (input.findingId ? await deps.findings.findFinding(input.findingId) : null);
  // Unknown findings and remediations are refused with their reasons by the request itself.
  if (!given) return { ok: true };
  const decision = await authorizeOn(deps, input, 'remediation:request', given.accountId);
  if (!decision.allowed) return refuse(deps, { ...step, finding: given }, 'not-allowed', decision.reason);
  const remediation = chooseRemediation(given, input.remediationId);
  const open = remediation ? await findOpenRequest(deps, remediation.target(given)) : null;
  return open ? refuseAsOpen(deps, { ...step, finding: given }, open) : { ok: true };
};

/**
 * Loads, authorizes, re-collects and plans: what the modal shows and what a request stores. The
 * plan is always made from a fresh collection, never from the scan the button came from.
 */
const prepare = async (
  deps: WorkflowDeps,
  input: RemediationChoice,
  action: string,
): Promise<({ ok: true } & PreparedRemediation) | Refusal> => {
  const actor = actorRef(input.actor);
  const step = { actor, action, requestId: null, details: { findingId: input.finding?.id ?? input.findingId } };
  if (!deps.config.remediation.enabled) {
    return refuse(deps, step, 'disabled', 'Remediation is not enabled in this cloudsec (remediation.enabled).');
  }
  const given = input.finding ?? (input.findingId ? await deps.findings.findFinding(input.findingId) : null);
  if (!given) {
    return refuse(deps, step, 'finding-not-found', 'That finding is not in the latest scans; run the check again.');
  }
  const withFinding = { ...step, finding: given };

  const decision = await authorizeOn(deps, input, 'remediation:request', given.accountId);
  if (!decision.allowed) return refuse(deps, withFinding, 'not-allowed', decision.reason);

  // Before collecting anything: a change already asked for is not asked for twice.
  const chosen = chooseRemediation(given, input.remediationId);
  const open = chosen ? await findOpenRequest(deps, chosen.target(given)) : null;
  if (open) return refuseAsOpen(deps, withFinding, open);

  let fresh;
  try {
    fresh = await deps.recheck.recheck(given);
  } catch (err) {
    return refuse(
      deps,
      withFinding,
      'account-unavailable',
      `cloudsec could not re-collect ${describeResource(given)}: ${errorMessage(err)}`,
    );
  }
  const finding = fresh.finding;
  if (!finding || finding.id !== given.id || finding.accountId !== given.accountId) {
    return refuse(deps, withFinding, 'finding-not-found', `${describeResource(given)} no longer exists.`);
  }
  if (finding.status !== 'fail') {
    const now = finding.status === 'pass' ? 'now passes' : `is ${finding.status} now (${finding.message})`;
    return refuse(deps, { ...step, finding }, 'not-failing', `The finding ${now}: there is nothing to fix.`);
  }

  const applicable = remediationsFor(finding);
  const remediation = chooseRemediation(finding, input.remediationId);
  if (!remediation) {
    const reason = input.remediationId
      ? `${input.remediationId} does not fix this finding${applicable.length ? `; available: ${applicable.map((r) => r.id).join(', ')}` : ''}.`
      : `cloudsec has no automatic remediation for ${finding.checkId}.`;
    return refuse(deps, { ...step, finding }, 'no-remediation', reason);
  }
  if (!fresh.account) {
    return refuse(
      deps,
      { ...step, finding },
      'account-unavailable',
      `cloudsec could not collect account ${finding.accountId} to plan the change; try again later.`,
    );
  }
  const plan = remediation.plan(finding, fresh.account, input.options);
  if (!plan.ok) return refuse(deps, { ...step, finding }, 'plan-refused', plan.reason);

  return {
    ok: true,
    finding,
    remediation,
    plan: { calls: plan.calls, before: plan.before, notes: plan.notes ?? [] },
    requiredApprovals: requiredApprovalsFor(deps, remediation),
    alternatives: applicable.filter((r) => r !== remediation).map((r) => r.id),
  };
};

/** The plan a modal shows before the requester writes a justification. Nothing is stored. */
export const previewRemediation = async (deps: WorkflowDeps, input: RemediationChoice): Promise<PreviewResult> => {
  const prepared = await prepare(deps, input, 'remediation.preview');
  if (prepared.ok) {
    await audit(deps, {
      actor: actorRef(input.actor),
      action: 'remediation.preview',
      outcome: 'allowed',
      finding: prepared.finding,
      details: { remediationId: prepared.remediation.id, calls: prepared.plan.calls },
    });
  }
  return prepared;
};

/**
 * Stores a `pending` request with the plan approvers will read verbatim, then posts the approval
 * card and remembers where it is so later steps update it in place.
 */
export const requestRemediation = async (
  deps: WorkflowDeps,
  input: RequestRemediationInput,
): Promise<RequestResult> => {
  const actor = actorRef(input.actor);
  const justification = boundedText(input.justification, 'justification', JUSTIFICATION_BOUNDS);
  if (!justification.ok) {
    return refuse(
      deps,
      { actor, action: 'remediation.request', details: { findingId: input.finding?.id ?? input.findingId } },
      'invalid',
      justification.reason,
    );
  }
  const prepared = await prepare(deps, input, 'remediation.request');
  if (!prepared.ok) return prepared;

  const now = deps.clock();
  const outcome = await createExclusive(deps, {
    kind: 'remediate',
    remediationId: prepared.remediation.id,
    target: prepared.remediation.target(prepared.finding),
    finding: prepared.finding,
    plan: prepared.plan,
    options: input.options ?? null,
    justification: justification.value,
    requester: actor,
    requiredApprovals: prepared.requiredApprovals,
    expiresAt: new Date(now.getTime() + deps.config.remediation.expiryHours * HOUR_MS),
  });
  // Another submission for the same change got there first (a second modal, a replayed submit).
  if (!outcome.created) {
    return refuseAsOpen(
      deps,
      { actor, action: 'remediation.request', finding: prepared.finding, details: { findingId: prepared.finding.id } },
      outcome.existing,
    );
  }
  const created = outcome.request;
  await audit(deps, {
    actor,
    action: 'remediation.request',
    outcome: 'ok',
    request: created,
    details: {
      // Binds the stored row to this entry: execution refuses a request whose content differs.
      requestDigest: requestDigest(created),
      justification: created.justification,
      calls: created.plan.calls,
      risk: prepared.remediation.risk,
      requiredApprovals: created.requiredApprovals,
      expiresAt: created.expiresAt,
      dryRun: deps.dryRun,
    },
  });
  return { ok: true, request: await postApprovalCard(deps, created) };
};

/** Posts the card and stores its ref without disturbing whatever status the request has reached. */
export const postApprovalCard = async (
  deps: WorkflowDeps,
  request: RemediationRequest,
): Promise<RemediationRequest> => {
  const message = await notify(deps, request, 'approvalRequested', (n) => n.approvalRequested(request));
  if (!message) return request;
  // An approval may land between posting and recording; retry against the status it then has.
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.store.getRequest(request.id);
    if (!current) return request;
    const updated = await deps.store.transitionRequest(request.id, [current.status], current.status, { message });
    if (updated) return updated;
  }
  return request;
};
