import { isInForce, validateNewException } from '../../core/exceptions/lifecycle';
import type { ExtensionRequest, RiskException } from '../../core/exceptions/model';
import { instantOf } from '../../core/exceptions/time';
import { boundedText, REASON_BOUNDS } from '../remediation/outcomes';
import { actorRef } from '../remediation/support';
import { gateApprover, type ExceptionIdInput, type Gate } from './decide';
import type { ExceptionRefusal, ExceptionResult } from './outcomes';
import type { ExceptionWorkflowDeps } from './ports';
import {
  approvalsChannelFor,
  audit,
  authorizeScope,
  cardContext,
  coveredAccounts,
  deliver,
  knownEstate,
  loadStored,
  patchInPlace,
  refuse,
  tell,
  updateCard,
} from './support';

/**
 * Extending an active accepted risk needs approval again: the request is kept on the exception
 * (`extension`) with its own approval card; approving it moves the expiry and clears `remindedAt`
 * so the owner is reminded of the new date once; denying it leaves the expiry as it was.
 */

export interface RequestExtensionInput extends ExceptionIdInput {
  /** The new expiry: later than the current one, at most `exceptions.maxDays` days from now. */
  expiresAt: string;
  reason: string;
}

/**
 * How long one decision on an extension holds the others off. Approve and Deny of one extension
 * both change the exception without changing its status, which a compare-and-set on the status
 * cannot order, so the first to claim the decision acts; the claim expires so that a decider that
 * died mid-way does not block the extension for good.
 */
const DECISION_CLAIM_MS = 5 * 60_000;

const refuseNotActive = (deps: ExceptionWorkflowDeps, about: Gate['about'], e: RiskException, what: string) =>
  refuse(deps, about, 'not-active', `This accepted risk is ${e.status}; only an active one can ${what}.`, {
    status: e.status,
    exception: e,
  });

/** What Extend checks before its modal opens: exception:request on its accounts, active, none pending. */
export const gateExtensionRequest = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
): Promise<Gate | ExceptionRefusal> => {
  const step = { actor: actorRef(input.actor), action: 'exception.extension_request', exceptionId: input.exceptionId };
  const loaded = await loadStored(deps, step, input.exceptionId);
  if (!loaded.ok) return loaded;
  const e = loaded.exception;
  const about = { ...step, exception: e };
  const may = await authorizeScope(deps, input, 'exception:request', e.scope);
  if (!may.allowed) return refuse(deps, about, 'not-allowed', may.reason);
  if (e.status !== 'active') return refuseNotActive(deps, about, e, 'be extended');
  if (!isInForce(e, deps.clock())) {
    return refuse(deps, about, 'expired', 'This accepted risk has expired; ask for a new one instead.', {
      status: e.status,
      exception: e,
    });
  }
  if (e.extension) {
    return refuse(
      deps,
      about,
      'extension-pending',
      `An extension to ${e.extension.expiresAt} asked by ${e.extension.requester.name ?? e.extension.requester.id} is already waiting for approval.`,
      { status: e.status, exception: e },
    );
  }
  return { ok: true, exception: e, about };
};

/** Asks for a later expiry; posts the extension's approval card. */
export const requestExtension = async (
  deps: ExceptionWorkflowDeps,
  input: RequestExtensionInput,
): Promise<ExceptionResult> => {
  const gate = await gateExtensionRequest(deps, input);
  if (!gate.ok) return gate;
  const { exception: e, about } = gate;
  const now = deps.clock();

  const problems = validateNewException(
    { expiresAt: input.expiresAt, reason: input.reason ?? '', scope: e.scope },
    now,
    deps.config.exceptions.maxDays,
  );
  const reason = boundedText(input.reason, 'reason for the extension', REASON_BOUNDS);
  if (!reason.ok && problems.length === 0) problems.push(reason.reason);
  const wanted = instantOf(input.expiresAt);
  if (problems.length === 0 && wanted <= instantOf(e.expiresAt)) {
    problems.push(`The new expiry must be later than the current one (${e.expiresAt}).`);
  }
  if (problems.length > 0 || !reason.ok) return refuse(deps, about, 'invalid', problems.join(' '), { problems });

  const channel = e.message?.channel
    ? { ok: true as const, channel: e.message.channel }
    : approvalsChannelFor(deps, coveredAccounts(e.scope, await knownEstate(deps)));
  if (!channel.ok) return refuse(deps, about, 'no-approvals-channel', channel.reason);

  const extension: ExtensionRequest = {
    requester: about.actor,
    requestedAt: now.toISOString(),
    expiresAt: new Date(wanted).toISOString(),
    reason: reason.value,
    message: null,
  };
  const asked = await deps.store.transitionException(e.id, ['active'], 'active', { extension });
  if (!asked) return refuseNotActive(deps, about, (await deps.store.getException(e.id)) ?? e, 'be extended');
  // Two requests at once both pass the gate; the one written last stands and the other is refused.
  const current = (await deps.store.getException(e.id)) ?? asked;
  if (!sameExtension(current.extension, extension)) {
    return refuse(deps, about, 'extension-pending', 'Another extension was asked for at the same time.', {
      status: current.status,
      exception: current,
    });
  }
  await audit(deps, {
    actor: about.actor,
    action: 'exception.extension_request',
    outcome: 'ok',
    exception: current,
    details: { from: e.expiresAt, to: extension.expiresAt, reason: extension.reason },
  });
  const ref = await deliver(deps, current, 'extension card', async () => {
    const posted = await deps.messenger.post(
      channel.channel,
      deps.render.extensionCard(current, extension, 'pending', cardContext(deps)),
    );
    if (!posted) throw new Error('Slack did not confirm the extension card');
    return posted;
  });
  const recorded = ref
    ? await patchInPlace(deps, e.id, (now) =>
        sameExtension(now.extension, extension) ? { extension: { ...extension, message: ref } } : null,
      )
    : null;
  const result = recorded ?? current;
  await updateCard(deps, result);
  return { ok: true, exception: result };
};

const sameExtension = (a: ExtensionRequest | null, b: ExtensionRequest): boolean =>
  a !== null && a.requestedAt === b.requestedAt && a.requester.id === b.requester.id && a.expiresAt === b.expiresAt;

/** What Approve/Deny extension check: exception:approve on its accounts, active, an extension pending. */
export const gateExtensionDecision = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
  action: 'exception.extension_approve' | 'exception.extension_deny',
): Promise<(Gate & { extension: ExtensionRequest }) | ExceptionRefusal> => {
  const gate = await gateApprover(deps, input, action);
  if (!gate.ok) return gate;
  const { exception: e, about } = gate;
  if (e.status !== 'active') return refuseNotActive(deps, about, e, 'be extended');
  const extension = e.extension;
  if (!extension) {
    return refuse(
      deps,
      about,
      'no-extension',
      'No extension of this accepted risk is waiting; it may have been decided already.',
      {
        status: e.status,
        exception: e,
      },
    );
  }
  if (action === 'exception.extension_approve' && extension.requester.id === input.actor.userId) {
    return refuse(
      deps,
      about,
      'self-approval',
      'You asked for this extension, so someone else with exception:approve must approve it (separation of duties). ' +
        'Break-glass self-approval is not offered for accepted risks.',
      { status: e.status, exception: e },
    );
  }
  if (action === 'exception.extension_approve' && !isInForce(e, deps.clock())) {
    return refuse(
      deps,
      about,
      'expired',
      'This accepted risk expired before the extension was approved; ask for a new one instead.',
      { status: e.status, exception: e },
    );
  }
  return { ...gate, extension };
};

/** Exactly one decider per extension (see DECISION_CLAIM_MS). */
const claimDecision = (deps: ExceptionWorkflowDeps, e: RiskException, extension: ExtensionRequest) =>
  deps.store.claimNonce(
    `exception-extension:${e.id}:${extension.requestedAt}`,
    new Date(deps.clock().getTime() + DECISION_CLAIM_MS),
  );

const alreadyDecided = (deps: ExceptionWorkflowDeps, about: Gate['about'], e: RiskException) =>
  refuse(deps, about, 'no-extension', 'This extension is being decided by someone else right now.', {
    status: e.status,
    exception: e,
  });

/** Approves the pending extension: the new expiry holds, and will be reminded once. */
export const approveExtension = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput,
): Promise<ExceptionResult> => {
  const gate = await gateExtensionDecision(deps, input, 'exception.extension_approve');
  if (!gate.ok) return gate;
  const { exception: e, about, extension } = gate;
  if (!(await claimDecision(deps, e, extension))) return alreadyDecided(deps, about, e);
  const extended = await deps.store.transitionException(e.id, ['active'], 'active', {
    expiresAt: extension.expiresAt,
    extension: null,
    remindedAt: null,
  });
  if (!extended) return refuseNotActive(deps, about, (await deps.store.getException(e.id)) ?? e, 'be extended');
  await audit(deps, {
    actor: about.actor,
    action: 'exception.extension_approve',
    outcome: 'ok',
    exception: extended,
    details: { from: e.expiresAt, to: extension.expiresAt, requester: extension.requester, reason: extension.reason },
  });
  await decided(deps, extended, extension, 'approved');
  return { ok: true, exception: extended };
};

/** Denies the pending extension (reason required): the expiry stays as it was. */
export const denyExtension = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionIdInput & { reason: string },
): Promise<ExceptionResult> => {
  const gate = await gateExtensionDecision(deps, input, 'exception.extension_deny');
  if (!gate.ok) return gate;
  const { exception: e, about, extension } = gate;
  const reason = boundedText(input.reason, 'reason for the denial', REASON_BOUNDS);
  if (!reason.ok) return refuse(deps, about, 'invalid', reason.reason, { problems: [reason.reason] });
  if (!(await claimDecision(deps, e, extension))) return alreadyDecided(deps, about, e);
  const kept = await deps.store.transitionException(e.id, ['active'], 'active', { extension: null });
  if (!kept) return refuseNotActive(deps, about, (await deps.store.getException(e.id)) ?? e, 'be extended');
  await audit(deps, {
    actor: about.actor,
    action: 'exception.extension_deny',
    outcome: 'ok',
    exception: kept,
    details: { asked: extension.expiresAt, requester: extension.requester, reason: reason.value },
  });
  await decided(deps, kept, extension, 'denied', reason.value);
  return { ok: true, exception: kept };
};

/** The extension's card, the exception's card, and the extension's requester and the owner. */
const decided = async (
  deps: ExceptionWorkflowDeps,
  e: RiskException,
  extension: ExtensionRequest,
  outcome: 'approved' | 'denied',
  reason?: string,
) => {
  const ctx = { ...cardContext(deps), ...(reason ? { reason } : {}) };
  if (extension.message) {
    const ref = extension.message;
    await deliver(deps, e, 'extension card', () =>
      deps.messenger.update(ref, deps.render.extensionCard(e, extension, outcome, ctx)),
    );
  }
  await updateCard(deps, e);
  const people = [...(extension.requester.kind === 'slack-user' ? [extension.requester.id] : []), e.owner.id];
  await tell(deps, e, `extension ${outcome}`, people, deps.render.extensionNotice(e, extension, outcome, ctx));
};
