import { canonicalJson, isUnchecked, type AuditEntry } from '../../core/audit';
import { authorize, groupsNamedIn } from '../../core/access/policy';
import { getRemediation } from '../../core/remediations';
import type { Remediation } from '../../core/remediations/define';
import { requestDigest } from '../../store/request-seal';
import type { RemediationRequest, RequestStatus } from '../../core/remediations/request';
import type { WorkflowDeps } from './ports';
import { requiredApprovalsFor } from './request';
import { parseExecutionResult } from '../../core/remediations/result';
import { accountRefOf, errorMessage, isPastExpiry, sameCalls } from './support';

/**
 * What must hold before a request cloudsec just claimed (`approved → executing`) may reach AWS.
 *
 * The database is not trusted to say what was approved: someone who can write the file (a restored
 * backup, a shared volume) could plant a row `approved` with any plan, or move a row along by hand,
 * and `audit verify` would not notice, since the audit log is a separate table. So the row must be
 * what cloudsec wrote, and what cloudsec recorded in the audit log must show it asked for and
 * approved by people who may still approve:
 *
 * 1. not past its expiry;
 * 2. with an audit key, the row's seal (an HMAC the store writes on every change) matches it;
 * 3. its audit trail exists and matches: the entry recording its creation carries the digest of its
 *    content (plan, finding, kind, approvals needed, expiry, …), the status moves recorded after it
 *    are exactly pending → approved → executing, and the log is intact from that entry on (with a
 *    key, every entry's HMAC checks);
 * 4. enough distinct approvals (the larger of what the request and the current configuration
 *    require), each one recorded in the audit log, none by the requester (unless break-glass is
 *    enabled now and was recorded), from people the current bindings let approve on the account now;
 * 5. the calls are the catalog's: an undo's are the inverse of the plan and `before` state recorded
 *    with the request it undoes (itself intact and succeeded); a remediation's are re-planned from a
 *    fresh collection right before sending (execute.ts) and must be the same.
 *
 * Without an audit key, (2) cannot be checked and (3) rests on hashes anyone can recompute: a row
 * planted with no audit trail never runs, but someone who also forges the trail can get past. That
 * is what the key is for.
 */

export type IntegrityCode =
  | 'expired'
  | 'seal'
  | 'not-recorded'
  | 'content-changed'
  | 'history'
  | 'audit-chain'
  | 'approvals'
  | 'unknown-remediation'
  | 'plan'
  | 'original'
  | 'unreadable';

export type IntegrityCheck =
  { ok: true; sealed: boolean; approvers: string[] } | { ok: false; code: IntegrityCode; reason: string };

type Refused = Extract<IntegrityCheck, { ok: false }>;

const no = (code: IntegrityCode, reason: string): Refused => ({ ok: false, code, reason });

/** The status moves a request's audit trail shows, by what it has reached. */
const HISTORY: Partial<Record<RequestStatus, readonly RequestStatus[]>> = {
  executing: ['approved', 'executing'],
  succeeded: ['approved', 'executing', 'succeeded'],
};

const CREATED_BY: Record<RemediationRequest['kind'], string> = {
  remediate: 'remediation.request',
  undo: 'remediation.undo_request',
};

type Trail = { ok: true; entries: AuditEntry[]; createdAt: number } | Refused;

/** Checks 3 above for one request, except the chain itself (see `checkIntegrity`). */
const checkTrail = async (deps: WorkflowDeps, request: RemediationRequest): Promise<Trail> => {
  const entries = await deps.store.listAudit({ requestId: request.id });
  const action = CREATED_BY[request.kind];
  const creation = entries.find((e) => e.action === action && e.outcome === 'ok');
  if (!creation) {
    return no('not-recorded', `no audit entry records cloudsec creating it (${action}): it was not made by cloudsec`);
  }
  if (creation.actor.id !== request.requester.id || creation.details['requestDigest'] !== requestDigest(request)) {
    return no(
      'content-changed',
      'it differs from the request recorded when it was made (#' +
        creation.seq +
        '): its plan, finding, kind, approvals needed, expiry or requester were changed outside cloudsec',
    );
  }
  const wanted = HISTORY[request.status] ?? [];
  const moves = entries
    .filter((e) => e.seq > creation.seq && e.action === 'remediation.status')
    .map((e) => String(e.details['to']));
  if (canonicalJson(moves) !== canonicalJson(wanted)) {
    return no(
      'history',
      `its recorded status history is pending → ${moves.join(' → ') || '(nothing)'}, not pending → ${wanted.join(' → ')}: ` +
        'its status was changed outside cloudsec',
    );
  }
  return { ok: true, entries: entries.filter((e) => e.seq >= creation.seq), createdAt: creation.seq };
};

const groupsOf = async (deps: WorkflowDeps, userId: string): Promise<{ groups: string[]; note?: string }> => {
  if (!deps.groups) return { groups: [] };
  try {
    return { groups: (await deps.groups.resolve(userId, groupsNamedIn(deps.config))).groups };
  } catch (err) {
    return { groups: [], note: `their user groups could not be read (${errorMessage(err)})` };
  }
};

/** Check 4 above. */
const checkApprovals = async (
  deps: WorkflowDeps,
  request: RemediationRequest,
  remediation: Remediation,
  trail: readonly AuditEntry[],
): Promise<{ ok: true; approvers: string[] } | Refused> => {
  const required = Math.max(request.requiredApprovals, requiredApprovalsFor(deps, remediation));
  const account = await accountRefOf(deps, request.finding.accountId);
  const counted: string[] = [];
  const problems: string[] = [];
  for (const { approver } of request.approvals) {
    const who = approver.name ? `${approver.id} (${approver.name})` : approver.id;
    if (counted.includes(approver.id)) continue;
    const recorded = trail.some(
      (e) =>
        e.action === 'remediation.approve' &&
        e.outcome === 'ok' &&
        e.actor.id === approver.id &&
        e.actor.kind === approver.kind,
    );
    if (!recorded) {
      problems.push(`the approval by ${who} is not in the audit log`);
      continue;
    }
    if (approver.id === request.requester.id) {
      const breakGlass =
        deps.config.remediation.allowSelfApproval &&
        trail.some(
          (e) => e.action === 'remediation.break_glass' && e.outcome === 'allowed' && e.actor.id === approver.id,
        );
      if (!breakGlass) {
        problems.push(`${who} asked for it, so their own approval does not count`);
        continue;
      }
    }
    const { groups, note } = await groupsOf(deps, approver.id);
    const decision = authorize(
      { actor: { userId: approver.id, groups }, permission: 'remediation:approve', account },
      deps.config,
    );
    if (!decision.allowed) {
      problems.push(`${who} may not approve on account ${account.id} now (${decision.code}${note ? `; ${note}` : ''})`);
      continue;
    }
    counted.push(approver.id);
  }
  if (counted.length >= required) return { ok: true, approvers: counted };
  return no(
    'approvals',
    `it has ${counted.length} of the ${required} approval${required === 1 ? '' : 's'} it needs from people other ` +
      `than the requester who may approve now${problems.length ? ` (${problems.join('; ')})` : ''}`,
  );
};

/** Check 5 above for an undo; the original's trail start is returned so the chain is verified from it. */
const checkUndo = async (
  deps: WorkflowDeps,
  undo: RemediationRequest,
  remediation: Remediation,
): Promise<{ ok: true; originalCreatedAt: number } | Refused> => {
  if (undo.undoOf === null) return no('original', 'it is an undo that names no request to undo');
  const original = await deps.store.getRequest(undo.undoOf);
  const which = `the request it undoes (${undo.undoOf})`;
  if (!original) return no('original', `${which} is not in the database`);
  if (original.kind !== 'remediate' || original.status !== 'succeeded') {
    return no('original', `${which} is a ${original.kind} that is ${original.status}, not a succeeded remediation`);
  }
  if (
    original.remediationId !== undo.remediationId ||
    original.target !== undo.target ||
    canonicalJson(JSON.parse(JSON.stringify(original.finding))) !==
      canonicalJson(JSON.parse(JSON.stringify(undo.finding)))
  ) {
    return no('original', `${which} is about another change (its remediation, target or finding differ)`);
  }
  if ((parseExecutionResult(original.result)?.dryRun ?? false) && !deps.dryRun) {
    return no('original', `${which} was a dry run: nothing was changed in AWS, so there is nothing to undo`);
  }
  const seal = await deps.store.verifyRequestSeal(original);
  if (!seal.ok) return no('original', `${which} fails its own checks: ${seal.reason}`);
  const trail = await checkTrail(deps, original);
  if (!trail.ok) return no('original', `${which} fails its own checks: ${trail.reason}`);
  const inverse = remediation.inverse(original.plan.calls, original.plan.before);
  if (!inverse.ok)
    return no('plan', `the state recorded before ${undo.undoOf} ran cannot be restored: ${inverse.reason}`);
  if (!sameCalls(inverse.calls, undo.plan.calls)) {
    return no(
      'plan',
      `its calls are not the inverse of the plan and state recorded with ${which}, which is all an undo may run`,
    );
  }
  return { ok: true, originalCreatedAt: trail.createdAt };
};

/** Check 5 above for a remediation, as far as it goes without AWS: the rest is the fresh re-plan. */
const checkRemediation = (request: RemediationRequest, remediation: Remediation): { ok: true } | Refused => {
  if (!remediation.appliesTo(request.finding)) {
    return no('plan', `${remediation.id} does not fix ${request.finding.checkId}`);
  }
  if (remediation.target(request.finding) !== request.target) {
    return no('plan', `its target is not what ${remediation.id} writes to for its finding`);
  }
  return { ok: true };
};

const check = async (deps: WorkflowDeps, request: RemediationRequest): Promise<IntegrityCheck> => {
  if (isPastExpiry(request, deps.clock())) return no('expired', `it expired at ${request.expiresAt}`);
  const remediation = getRemediation(request.remediationId);
  if (!remediation) return no('unknown-remediation', `${request.remediationId} is not in this version of cloudsec`);

  const seal = await deps.store.verifyRequestSeal(request);
  if (!seal.ok) return no('seal', seal.reason);

  const trail = await checkTrail(deps, request);
  if (!trail.ok) return trail;

  const approvals = await checkApprovals(deps, request, remediation, trail.entries);
  if (!approvals.ok) return approvals;

  let chainFrom = trail.createdAt;
  if (request.kind === 'undo') {
    const undo = await checkUndo(deps, request, remediation);
    if (!undo.ok) return undo;
    chainFrom = Math.min(chainFrom, undo.originalCreatedAt);
  } else {
    const planned = checkRemediation(request, remediation);
    if (!planned.ok) return planned;
  }

  // The entries relied on above are only as good as the chain they are in.
  const chain = await deps.store.verifyAudit({ fromSeq: chainFrom });
  if (!chain.ok) {
    return no(
      'audit-chain',
      isUnchecked(chain)
        ? `its audit trail cannot be checked: ${chain.reason}`
        : `the audit log is broken at entry #${chain.seq} (${chain.reason}), after this request was made`,
    );
  }
  return { ok: true, sealed: seal.sealed, approvers: approvals.approvers };
};

/** Never throws: a row or trail that cannot even be read is a refusal too. */
export const checkIntegrity = async (deps: WorkflowDeps, request: RemediationRequest): Promise<IntegrityCheck> => {
  try {
    return await check(deps, request);
  } catch (err) {
    return no('unreadable', `cloudsec could not check it (${errorMessage(err)})`);
  }
};
