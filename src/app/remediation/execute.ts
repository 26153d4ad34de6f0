import type { Finding } from '../../core/model';
import { getRemediation } from '../../core/remediations';
import type { Remediation } from '../../core/remediations/define';
import type { ActorRef, RemediationRequest, RequestStatus } from '../../core/remediations/request';
import type { Refusal } from './outcomes';
import type { ExecutionReport, RecheckResult, WorkflowDeps } from './ports';
import { emptyResult, type CheckState, type ExecutionResult } from '../../core/remediations/result';
import { callOutcomes, describeCheck, describeResult, DRY_RUN_LABEL, dryRunOutcomes, verificationOf } from './result';
import { checkIntegrity } from './integrity';
import { syncSecurityHub } from './security-hub-sync';
import {
  audit,
  errorMessage,
  isPastExpiry,
  moveRequest,
  notify,
  refuse,
  sameCalls,
  SYSTEM_ACTOR,
  tellOriginalUndone,
} from './support';

export type ExecutionOutcome = { ok: true; request: RemediationRequest } | Refusal;

export const RESOURCE_CHANGED = 'resource changed since the request; ask again';

/** Observes the finding again; never throws (a failed collection is a state too). */
export const observe = async (
  deps: WorkflowDeps,
  finding: Finding,
): Promise<{ state: CheckState; fresh: RecheckResult | null }> => {
  try {
    const fresh = await deps.recheck.recheck(finding);
    const state: CheckState = fresh.finding
      ? { status: fresh.finding.status, message: fresh.finding.message }
      : { status: 'gone', message: `${finding.resource.id} no longer exists` };
    return { state, fresh };
  } catch (err) {
    return { state: { status: 'error', message: errorMessage(err) }, fresh: null };
  }
};

type FinalStatus = Extract<RequestStatus, 'succeeded' | 'failed' | 'no_op'>;
type Stop = { status: FinalStatus; reason: string };

/** Before a remediation: already fixed → no-op; the resource differs from the plan → stop. */
const checkBeforeRemediating = (
  remediation: Remediation,
  request: RemediationRequest,
  seen: { state: CheckState; fresh: RecheckResult | null },
): Stop | null => {
  const { state, fresh } = seen;
  switch (state.status) {
    case 'pass':
      return { status: 'no_op', reason: 'The check already passes: nothing was changed.' };
    case 'gone':
      return { status: 'no_op', reason: `${state.message}: nothing was changed.` };
    case 'unknown':
    case 'error':
      return {
        status: 'failed',
        reason: `cloudsec could not re-read the resource (${state.message}); nothing was sent.`,
      };
    case 'fail':
      break;
  }
  if (!fresh?.finding || !fresh.account) {
    return { status: 'failed', reason: 'cloudsec could not re-collect the account; nothing was sent.' };
  }
  if (fresh.finding.id !== request.finding.id) {
    return { status: 'failed', reason: `${RESOURCE_CHANGED} (the re-collected finding is another one)` };
  }
  // The catalog's plan for the finding as it is now must be the stored one, call for call.
  const replanned = remediation.plan(fresh.finding, fresh.account, request.options);
  if (!replanned.ok) return { status: 'failed', reason: `${RESOURCE_CHANGED} (${replanned.reason})` };
  if (!sameCalls(replanned.calls, request.plan.calls)) {
    return { status: 'failed', reason: `${RESOURCE_CHANGED} (the calls it needs now differ from the approved ones)` };
  }
  return null;
};

/**
 * Before an undo: the resource must still be as the remediation left it (the check passes);
 * otherwise someone changed it since, and restoring the old state would overwrite their change.
 */
const checkBeforeUndoing = (state: CheckState): Stop | null => {
  switch (state.status) {
    case 'pass':
      return null;
    case 'gone':
      return { status: 'no_op', reason: `${state.message}: nothing to undo.` };
    case 'fail':
      return {
        status: 'failed',
        reason: `The resource changed since the remediation (the check fails again: ${state.message}); undoing now would overwrite that change, so nothing was sent.`,
      };
    default:
      return {
        status: 'failed',
        reason: `cloudsec could not re-read the resource (${state.message}); nothing was sent.`,
      };
  }
};

/** A remediation is verified when the check passes; an undo when the check fails again as before. */
const verificationFailure = (request: RemediationRequest, state: CheckState): string | null => {
  const wanted = request.kind === 'undo' ? 'fail' : 'pass';
  if (state.status === wanted) return null;
  if (request.kind === 'undo') {
    return `AWS accepted the undo calls but the previous state is not back (the check ${describeCheck(state)})`;
  }
  switch (state.status) {
    case 'fail':
      return `AWS accepted the calls but the check still fails: ${state.message}`;
    case 'gone':
      return `AWS accepted the calls but the resource could not be found to verify the fix (${state.message})`;
    default:
      return `AWS accepted the calls but the check could not be re-evaluated: ${state.message}`;
  }
};

const finish = async (
  deps: WorkflowDeps,
  request: RemediationRequest,
  actor: ActorRef,
  status: FinalStatus,
  reason: string | null,
  result: ExecutionResult,
): Promise<ExecutionOutcome> => {
  const done = await moveRequest(deps, request.id, ['executing'], status, actor, { reason, result });
  if (!done) {
    // Another process reconciled it meanwhile; its verdict stands, but what happened here is kept.
    await audit(deps, {
      actor,
      action: 'remediation.execute',
      outcome: 'error',
      request,
      details: { error: 'the request left executing before this run finished', wanted: status, reason, result },
    });
    return { ok: true, request: (await deps.store.getRequest(request.id)) ?? request };
  }
  await notify(deps, done, 'requestChanged', (n) => n.requestChanged(done, status));
  await notify(deps, done, 'resultPosted', (n) => n.resultPosted(done, describeResult(done)));
  await tellOriginalUndone(deps, done);
  return { ok: true, request: done };
};

/**
 * Runs an approved request exactly once: the `approved → executing` compare-and-set lets one
 * caller through, however many approvers, retries or replicas call at the same time. Nothing is
 * ever retried: a failure is recorded and a person decides what next.
 *
 * Dry run: the pre-check runs (no-op and changed-resource decisions are real), no call is sent,
 * no verification is attempted (nothing changed), and the request ends `succeeded` with
 * `result.dryRun` true and a reason starting "DRY RUN" — so the demo shows the whole flow,
 * including Undo, while every message says nothing happened in AWS.
 */
export const executeApproved = async (
  deps: WorkflowDeps,
  requestId: string,
  options: { actor?: ActorRef } = {},
): Promise<ExecutionOutcome> => {
  const actor = options.actor ?? SYSTEM_ACTOR;
  const expired = await expireIfDue(deps, requestId);
  if (expired) return expired;
  const claimed = await moveRequest(deps, requestId, ['approved'], 'executing', actor);
  if (!claimed) {
    const current = await deps.store.getRequest(requestId);
    const step = { actor, action: 'remediation.execute', requestId, request: current };
    return current
      ? refuse(deps, step, 'not-approved', `The request is ${current.status}, not approved; it runs only once.`, {
          status: current.status,
          request: current,
        })
      : refuse(deps, step, 'not-found', 'There is no such remediation request.');
  }
  await notify(deps, claimed, 'requestChanged', (n) => n.requestChanged(claimed, 'executing'));
  const result = emptyResult(deps.dryRun);
  const integrity = await checkIntegrity(deps, claimed);
  const step = { actor, action: 'remediation.integrity', request: claimed };
  if (!integrity.ok) {
    await audit(deps, { ...step, outcome: 'denied', details: { code: integrity.code, reason: integrity.reason } });
    const reason = `cloudsec refused to run this request: ${integrity.reason}. Nothing was sent to AWS.`;
    return finish(deps, claimed, actor, 'failed', reason, result);
  }
  await audit(deps, {
    ...step,
    outcome: 'ok',
    details: { sealed: integrity.sealed, approvers: integrity.approvers },
  });
  try {
    return await run(deps, claimed, actor, result);
  } catch (err) {
    return finish(
      deps,
      claimed,
      actor,
      'failed',
      `cloudsec failed while executing (${errorMessage(err)}); nothing is retried — check the resource.`,
      result,
    );
  }
};

/**
 * An approved request is run only until its expiry: one found later (a crash left it approved and
 * cloudsec came back after the expiry) expires instead, and its approvers ask again if needed.
 */
const expireIfDue = async (deps: WorkflowDeps, requestId: string): Promise<ExecutionOutcome | null> => {
  const current = await deps.store.getRequest(requestId);
  if (current?.status !== 'approved' || !isPastExpiry(current, deps.clock())) return null;
  const moved = await moveRequest(deps, requestId, ['approved'], 'expired', SYSTEM_ACTOR, {
    reason: `Expired at ${current.expiresAt} before it was executed: nothing was sent to AWS. Ask again if it is still needed.`,
  });
  // Someone else moved it first; the claim below then refuses it as not approved.
  if (!moved) return null;
  await notify(deps, moved, 'requestChanged', (n) => n.requestChanged(moved, 'expired'));
  return refuse(
    deps,
    { actor: SYSTEM_ACTOR, action: 'remediation.execute', request: moved },
    'expired',
    `The request expired at ${current.expiresAt} before it was executed; ask for it again.`,
    { status: moved.status, request: moved },
  );
};

const run = async (
  deps: WorkflowDeps,
  request: RemediationRequest,
  actor: ActorRef,
  result: ExecutionResult,
): Promise<ExecutionOutcome> => {
  const remediation = getRemediation(request.remediationId);
  if (!remediation) {
    return finish(
      deps,
      request,
      actor,
      'failed',
      `${request.remediationId} is not in this version of cloudsec.`,
      result,
    );
  }

  const before = await observe(deps, request.finding);
  result.precheck = before.state;
  await audit(deps, { actor, action: 'remediation.recheck', outcome: 'ok', request, details: { ...before.state } });
  const stop =
    request.kind === 'undo' ? checkBeforeUndoing(before.state) : checkBeforeRemediating(remediation, request, before);
  if (stop) return finish(deps, request, actor, stop.status, stop.reason, result);

  const calls = request.plan.calls;
  if (deps.dryRun) {
    result.calls = dryRunOutcomes(calls);
    await audit(deps, { actor, action: 'remediation.execute', outcome: 'dry_run', request, details: { calls } });
    result.securityHub = await syncSecurityHub(
      deps,
      request,
      { actor },
      {
        message: 'dry run',
        account: before.fresh?.account ?? null,
      },
    );
    return finish(deps, request, actor, 'succeeded', `${DRY_RUN_LABEL}: no AWS call was made.`, result);
  }

  await audit(deps, { actor, action: 'remediation.execute', outcome: 'started', request, details: { calls } });
  let report: ExecutionReport;
  try {
    report = await deps.executor.execute(calls, {
      accountId: request.finding.accountId,
      requestId: request.id,
      actor,
      remediationId: request.remediationId,
      kind: request.kind,
    });
  } catch (err) {
    // The executor should answer, not throw; if it did, whether anything was written is unknown.
    report = {
      ok: false,
      failedAt: 0,
      error: { code: 'ExecutorError', message: `${errorMessage(err)} (whether AWS applied anything is unknown)` },
      calls: [],
    };
  }
  result.calls = callOutcomes(calls, report);
  result.error = report.ok ? null : { ...report.error, failedAt: report.failedAt };
  await audit(deps, {
    actor,
    action: 'remediation.execute',
    outcome: report.ok ? 'ok' : 'error',
    request,
    details: { calls: result.calls, error: result.error },
  });
  if (!report.ok) {
    const call = calls[report.failedAt];
    const where = call ? ` on ${call.service} ${call.command}` : '';
    return finish(
      deps,
      request,
      actor,
      'failed',
      `AWS answered ${report.error.code}${where}: ${report.error.message}. Nothing was retried.`,
      result,
    );
  }

  const after = await observeSettled(deps, request);
  result.verification = verificationOf(after.state);
  const failure = verificationFailure(request, after.state);
  await audit(deps, {
    actor,
    action: 'remediation.verify',
    outcome: failure ? 'error' : 'ok',
    request,
    details: { ...after.state },
  });
  if (failure) return finish(deps, request, actor, 'failed', failure, result);
  result.securityHub = await syncSecurityHub(
    deps,
    request,
    { actor },
    {
      message: after.state.message,
      account: after.fresh?.account ?? null,
    },
  );
  return finish(deps, request, actor, 'succeeded', null, result);
};

/**
 * Some AWS APIs are eventually consistent (IAM above all: a read right after a write may still
 * show the old state), so a verification that does not yet show the expected state is repeated a
 * few times before the request is called failed. Only the re-read is repeated, never the write.
 */
export const VERIFY_DELAYS_MS = [2_000, 5_000, 10_000] as const;

const observeSettled = async (deps: WorkflowDeps, request: RemediationRequest) => {
  let seen = await observe(deps, request.finding);
  for (const delay of deps.verifyDelaysMs ?? VERIFY_DELAYS_MS) {
    if (verificationFailure(request, seen.state) === null || seen.state.status === 'gone') return seen;
    await (deps.sleep ?? defaultSleep)(delay);
    seen = await observe(deps, request.finding);
  }
  return seen;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
