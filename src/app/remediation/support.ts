import { canonicalJson, type AuditOutcome } from '../../core/audit';
import type { Finding } from '../../core/model';
import type { ApiCall } from '../../core/remediations/define';
import type { AccountRef, Permission } from '../../core/access/permissions';
import { authorize, type Decision } from '../../core/access/policy';
import type { ActorRef, RemediationRequest, RequestPatch, RequestStatus } from '../../core/remediations/request';
import type { Refusal, RefusalCode } from './outcomes';
import type { RemediationNotifier, WorkflowActor, WorkflowDeps, WorkflowInput } from './ports';

/** Shared steps of the use cases: who, may they, write it down, tell Slack. */

/** Expiry, execution and reconciliation act as cloudsec itself. */
export const SYSTEM_ACTOR: ActorRef = { kind: 'system', id: 'remediation-workflow' };

export const actorRef = (actor: WorkflowActor): ActorRef => ({
  kind: actor.kind ?? 'slack-user',
  id: actor.userId,
  ...(actor.name ? { name: actor.name } : {}),
});

export const targetOf = (finding: Finding): string =>
  `account:${finding.accountId}/${finding.resource.arn ?? finding.resource.id}`;

/** The account as the policy needs it (name and OU come from the directory when known). */
export const accountRefOf = async (deps: WorkflowDeps, accountId: string): Promise<AccountRef> => {
  const known = await deps.accounts.knownAccounts();
  return known.find((a) => a.id === accountId) ?? { id: accountId, name: accountId };
};

/**
 * The policy's reasons name the account ("you need remediation:approve on account 1111… (prod)"):
 * right for someone who may see that account, a leak for anyone else — a button or request id can
 * point anywhere. Someone who may not read findings there is refused in words that name no account.
 */
export const authorizeOn = async (
  deps: WorkflowDeps,
  input: WorkflowInput,
  permission: Permission,
  accountId: string,
): Promise<Decision> => {
  const account = await accountRefOf(deps, accountId);
  const sees = authorize({ actor: input.actor, permission: 'findings:read', account }, deps.config);
  if (!sees.allowed)
    return {
      allowed: false,
      code: sees.code,
      reason:
        sees.code === 'no-role'
          ? `you have no cloudsec role yet — ask ${deps.config.accessHelp ?? 'a cloudsec admin'}`
          : `this is not on an account you may see — ask ${deps.config.accessHelp ?? 'a cloudsec admin'}`,
    };
  return authorize({ actor: input.actor, permission, account, channel: input.channel }, deps.config);
};

export interface AuditStep {
  actor: ActorRef;
  /** `remediation.<verb>`. */
  action: string;
  outcome: AuditOutcome;
  /** The request the step is about; its id keys the audit entries of the request's whole life. */
  request?: RemediationRequest | null;
  requestId?: string | null;
  finding?: Finding | null;
  details?: Record<string, unknown>;
}

export const audit = async (deps: WorkflowDeps, step: AuditStep): Promise<void> => {
  const finding = step.request?.finding ?? step.finding ?? null;
  await deps.store.appendAudit({
    actor: step.actor,
    action: step.action,
    target: finding ? targetOf(finding) : null,
    outcome: step.outcome,
    // A forged button may carry anything: keep what is recorded short.
    requestId: step.request?.id ?? step.requestId?.slice(0, 200) ?? null,
    details: {
      ...(step.request ? { status: step.request.status, remediationId: step.request.remediationId } : {}),
      ...(finding ? { findingId: finding.id, accountId: finding.accountId } : {}),
      ...step.details,
    },
  });
};

/** Audits the refusal (outcome `denied`, with its code and reason) and returns it. */
export const refuse = async (
  deps: WorkflowDeps,
  step: Omit<AuditStep, 'outcome'>,
  code: RefusalCode,
  reason: string,
  extra: Pick<Refusal, 'status' | 'request'> = {},
): Promise<Refusal> => {
  await audit(deps, { ...step, outcome: 'denied', details: { ...step.details, code, reason } });
  return { ok: false, code, reason, ...extra };
};

/**
 * Compare-and-set with an audit entry for the move. Null when the request was not in `from`
 * (someone else moved it first): nothing changed and nothing is recorded.
 */
export const moveRequest = async (
  deps: WorkflowDeps,
  id: string,
  from: readonly RequestStatus[],
  to: RequestStatus,
  actor: ActorRef,
  patch: RequestPatch = {},
): Promise<RemediationRequest | null> => {
  const moved = await deps.store.transitionRequest(id, from, to, patch);
  if (moved) {
    await audit(deps, {
      actor,
      action: 'remediation.status',
      outcome: to === 'failed' ? 'error' : to === 'no_op' ? 'no_op' : 'ok',
      request: moved,
      details: { from, to, reason: moved.reason },
    });
  }
  return moved;
};

/** Calls the notifier; a Slack failure is logged and audited, never thrown into the workflow. */
export const notify = async <T>(
  deps: WorkflowDeps,
  request: RemediationRequest,
  notification: keyof RemediationNotifier,
  send: (notifier: RemediationNotifier) => Promise<T>,
): Promise<T | null> => {
  try {
    return await send(deps.notifier);
  } catch (err) {
    deps.log?.error({ err, requestId: request.id, notification }, 'remediation notification failed');
    await audit(deps, {
      actor: SYSTEM_ACTOR,
      action: 'remediation.notify',
      outcome: 'error',
      request,
      details: { notification, error: errorMessage(err) },
    }).catch(() => undefined);
    return null;
  }
};

/**
 * Once an undo succeeded, the original's card says so and stops offering Undo (another undo would
 * be refused anyway: the original is undone).
 */
export const tellOriginalUndone = async (deps: WorkflowDeps, undo: RemediationRequest): Promise<void> => {
  if (undo.kind !== 'undo' || undo.status !== 'succeeded' || undo.undoOf === null) return;
  const original = await deps.store.getRequest(undo.undoOf);
  if (!original) return;
  await notify(deps, original, 'requestUndone', (n) => n.requestUndone(original, undo));
};

/** A request whose expiry has passed (inclusive, like the store's `expiresBefore`). */
export const isPastExpiry = (request: RemediationRequest, now: Date): boolean =>
  request.expiresAt !== null && Date.parse(request.expiresAt) <= now.getTime();

export const HOUR_MS = 3_600_000;

/** Plans compare as data: a JSON round trip drops `undefined` and turns Dates into strings first. */
export const sameCalls = (a: readonly ApiCall[], b: readonly ApiCall[]): boolean =>
  canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b)));

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
