import type { AuditOutcome } from '../../core/audit';
import type { AccountRef, Permission } from '../../core/access/permissions';
import { authorize, permissionsOf, rolesOf } from '../../core/access/policy';
import {
  coveragePreview,
  scopeAccounts,
  type CoveragePreview,
  type ScopeAccounts,
} from '../../core/exceptions/coverage';
import { CONFIG_EXCEPTION_ID_PREFIX, looksLikeSlackUserId } from '../../core/exceptions/from-config';
import type { ScopeContext } from '../../core/exceptions/match';
import type { ExceptionPatch, ExceptionScope, RiskException } from '../../core/exceptions/model';
import type { MessagePayload } from '../../core/render/blocks/kit';
import type { ActorRef, MessageRef } from '../../core/remediations/request';
import { makeAcceptedRisks, type AcceptedRisks } from '../accepted-risks';
import { errorMessage } from '../remediation/support';
import type { ExceptionRefusal, ExceptionRefusalCode } from './outcomes';
import type { CardContext, ExceptionInput, ExceptionWorkflowDeps } from './ports';

/** Shared steps of the exception use cases: who, may they, write it down, tell Slack. */

/** The sweep acts as cloudsec itself. */
export const SWEEP_ACTOR: ActorRef = { kind: 'system', id: 'exception-sweep' };
/** Who records what went wrong telling Slack: cloudsec, not the person whose action it followed. */
const WORKFLOW_ACTOR: ActorRef = { kind: 'system', id: 'exception-workflow' };

// ---------------------------------------------------------------- accounts

export interface KnownEstate {
  accounts: AccountRef[];
  /** The account as the policy needs it; an unknown id stands for itself. */
  ref(accountId: string): AccountRef;
  /** Scope matching's view of the organization: null when the account's OU path is not known. */
  ctx: ScopeContext;
}

/**
 * An account's OU path only when the directory read it: an account seen only in a scan carries its
 * innermost OU at most, and a partial path would let an OU scope look narrower than it is.
 */
const ouPathOf = (a: AccountRef): readonly string[] | null => (a.ouPath === undefined ? null : a.ouPath);

export const knownEstate = async (deps: Pick<ExceptionWorkflowDeps, 'accounts'>): Promise<KnownEstate> => {
  const accounts = await deps.accounts.knownAccounts();
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return {
    accounts,
    ref: (id) => byId.get(id) ?? { id, name: id },
    ctx: { ouPath: (id) => (byId.has(id) ? ouPathOf(byId.get(id)!) : null) },
  };
};

/** The accounts whose approvers must approve the scope (core: scopeAccounts). */
export const coveredAccounts = (scope: Pick<ExceptionScope, 'accounts' | 'ous'>, estate: KnownEstate): ScopeAccounts =>
  scopeAccounts(
    scope,
    estate.accounts.map((a) => ({ id: a.id, ouPath: ouPathOf(a) })),
  );

// ---------------------------------------------------------------- authorization

export type ScopeDecision = { allowed: true; reason: string } | { allowed: false; reason: string };

const help = (deps: Pick<ExceptionWorkflowDeps, 'config'>) => `ask ${deps.config.accessHelp ?? 'a cloudsec admin'}`;

/**
 * May the actor use `permission` on every account the scope covers? A scope over every account
 * (`*`, or OUs cloudsec cannot resolve to known accounts) needs the permission on every account,
 * i.e. from a binding limited to no accounts. For listed accounts each is asked in turn; one the
 * actor may not even read findings on is refused in words that name no account (an exception id in
 * a button can point anywhere), one they may see is refused with the policy's own reason.
 */
export const authorizeScope = async (
  deps: Pick<ExceptionWorkflowDeps, 'config' | 'accounts'>,
  input: ExceptionInput,
  permission: Permission,
  scope: Pick<ExceptionScope, 'accounts' | 'ous'>,
  estate?: KnownEstate,
): Promise<ScopeDecision> => {
  const known = estate ?? (await knownEstate(deps));
  const covered = coveredAccounts(scope, known);
  if (rolesOf(input.actor, deps.config).length === 0) {
    return { allowed: false, reason: `You have no cloudsec role yet — ${help(deps)}.` };
  }
  if ('all' in covered) {
    if (permissionsOf(input.actor, deps.config).includes(permission)) {
      return { allowed: true, reason: `allowed by your ${permission} on all accounts` };
    }
    const why = scope.accounts?.includes('*')
      ? 'covers every account'
      : 'covers OUs cloudsec cannot resolve to the accounts in them';
    return {
      allowed: false,
      reason: `This accepted risk ${why}, so it needs ${permission} on every account (a role not limited to some accounts) — ${help(deps)}.`,
    };
  }
  for (const id of covered.ids) {
    const account = known.ref(id);
    const sees = authorize({ actor: input.actor, permission: 'findings:read', account }, deps.config);
    if (!sees.allowed) {
      return {
        allowed: false,
        reason: `This accepted risk covers an account you may not see, so you cannot act on it — ${help(deps)}.`,
      };
    }
    const decision = authorize({ actor: input.actor, permission, account, channel: input.channel }, deps.config);
    if (!decision.allowed) return { allowed: false, reason: capitalize(decision.reason) };
  }
  return { allowed: true, reason: `allowed: you hold ${permission} on every account it covers` };
};

const capitalize = (text: string): string => (text ? `${text[0]!.toUpperCase()}${text.slice(1)}` : text);

// ---------------------------------------------------------------- approvals channel

export type ApprovalsChannel = { ok: true; channel: string } | { ok: false; reason: string };

/**
 * Where the approval card of a scope goes, as for remediation: the account's `approvalsChannel`,
 * else `remediation.approvalsChannel`. A scope over several accounts goes to their common channel;
 * when their channels differ, or it covers every account, to `remediation.approvalsChannel`.
 */
export const approvalsChannelFor = (
  deps: Pick<ExceptionWorkflowDeps, 'config'>,
  covered: ScopeAccounts,
): ApprovalsChannel => {
  const global = deps.config.remediation.approvalsChannel ?? null;
  const channels =
    'all' in covered
      ? [global]
      : [
          ...new Set(
            covered.ids.map((id) => deps.config.accounts?.find((a) => a.id === id)?.approvalsChannel ?? global),
          ),
        ];
  if (channels.length === 1 && channels[0]) return { ok: true, channel: channels[0] };
  if (global) return { ok: true, channel: global };
  return {
    ok: false,
    reason:
      channels.length > 1
        ? 'The accounts this accepted risk covers have different approvals channels: set remediation.approvalsChannel in cloudsec.yml for accepted risks that span them.'
        : 'No approvals channel is configured, so no approver would see the request: set remediation.approvalsChannel in cloudsec.yml (or approvalsChannel on each account it covers).',
  };
};

// ---------------------------------------------------------------- audit

export interface ExceptionAuditStep {
  actor: ActorRef;
  /** `exception.<verb>`. */
  action: string;
  outcome: AuditOutcome;
  /** The exception the step is about; its id keys the audit entries of its whole life. */
  exception?: RiskException | null;
  exceptionId?: string | null;
  details?: Record<string, unknown>;
}

export const audit = async (deps: Pick<ExceptionWorkflowDeps, 'store'>, step: ExceptionAuditStep): Promise<void> => {
  const e = step.exception ?? null;
  // A forged button may carry anything: keep what is recorded short.
  const id = e?.id ?? step.exceptionId?.slice(0, 200) ?? null;
  await deps.store.appendAudit({
    actor: step.actor,
    action: step.action,
    target: id ? `exception:${id}` : null,
    outcome: step.outcome,
    requestId: id,
    details: {
      ...(e ? { status: e.status, source: e.source, scope: e.scope, expiresAt: e.expiresAt, version: e.version } : {}),
      ...step.details,
    },
  });
};

/** Audits the refusal (outcome `denied`, with its code and reason) and returns it. */
export const refuse = async (
  deps: Pick<ExceptionWorkflowDeps, 'store'>,
  step: Omit<ExceptionAuditStep, 'outcome'>,
  code: ExceptionRefusalCode,
  reason: string,
  extra: Pick<ExceptionRefusal, 'status' | 'exception' | 'problems'> = {},
): Promise<ExceptionRefusal> => {
  await audit(deps, { ...step, outcome: 'denied', details: { ...step.details, code, reason } });
  return { ok: false, code, reason, ...extra };
};

// ---------------------------------------------------------------- the stored exception

export type Loaded = { ok: true; exception: RiskException } | ExceptionRefusal;

/**
 * A stored exception by id. One written in cloudsec.yml is changed in git, not from Slack; a row
 * that cannot be read is refused like a missing one (it hides nothing either, see accepted-risks).
 */
export const loadStored = async (
  deps: Pick<ExceptionWorkflowDeps, 'store' | 'log'>,
  step: Omit<ExceptionAuditStep, 'outcome'>,
  exceptionId: string,
): Promise<Loaded> => {
  if (exceptionId.startsWith(CONFIG_EXCEPTION_ID_PREFIX)) {
    return refuse(
      deps,
      step,
      'config-exception',
      'This accepted risk is written in cloudsec.yml: change, extend or remove it there (reviewed in git), not from Slack.',
    );
  }
  let found: RiskException | null;
  try {
    found = await deps.store.getException(exceptionId);
  } catch (err) {
    deps.log?.warn({ err, exceptionId: exceptionId.slice(0, 200) }, 'a stored accepted risk could not be read');
    return refuse(
      deps,
      step,
      'not-found',
      'This accepted risk could not be read from the database, so it hides nothing and cannot be changed; ask a cloudsec admin to look at it.',
    );
  }
  if (!found) return refuse(deps, step, 'not-found', 'There is no such accepted risk; the button may be stale.');
  return { ok: true, exception: found };
};

/**
 * Patches the exception in whatever status it has now (a concurrent decision may have moved it),
 * e.g. to remember where its card is. Null when it disappeared or kept moving.
 */
export const patchInPlace = async (
  deps: Pick<ExceptionWorkflowDeps, 'store'>,
  id: string,
  patch: (current: RiskException) => ExceptionPatch | null,
): Promise<RiskException | null> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.store.getException(id);
    if (!current) return null;
    const change = patch(current);
    if (change === null) return current;
    const updated = await deps.store.transitionException(id, [current.status], current.status, change);
    if (updated) return updated;
  }
  return null;
};

// ---------------------------------------------------------------- accepted risks

/** Config and stored exceptions together (src/app/accepted-risks.ts). */
export const acceptedRisksOf = (deps: ExceptionWorkflowDeps): AcceptedRisks =>
  deps.acceptedRisks ?? makeAcceptedRisks({ config: deps.config, store: deps.store, clock: deps.clock, log: deps.log });

// ---------------------------------------------------------------- Slack

/**
 * Sends one Slack message; a failure is logged and audited, never thrown into the use case: the
 * exception has already moved and is on the record.
 */
export const deliver = async <T>(
  deps: Pick<ExceptionWorkflowDeps, 'store' | 'log'>,
  exception: RiskException,
  notification: string,
  send: () => Promise<T>,
): Promise<T | null> => {
  try {
    return await send();
  } catch (err) {
    deps.log?.error({ err, exceptionId: exception.id, notification }, 'accepted-risk notification failed');
    await audit(deps, {
      actor: WORKFLOW_ACTOR,
      action: 'exception.notify',
      outcome: 'error',
      exception,
      details: { notification, error: errorMessage(err) },
    }).catch(() => undefined);
    return null;
  }
};

export const cardContext = (deps: Pick<ExceptionWorkflowDeps, 'clock'>): CardContext => ({ now: deps.clock() });

/**
 * What the scope covers among the latest findings of every account, as the approval card shows it
 * to approvers (who hold exception:approve on every account it covers). Counted only while the
 * exception is pending or active; undefined when the findings cannot be read (the card says so).
 */
export const cardCoverage = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
): Promise<CoveragePreview | undefined> => {
  if (exception.status !== 'pending' && exception.status !== 'active') return undefined;
  try {
    const estate = await knownEstate(deps);
    return coveragePreview(exception.scope, await deps.latest.latestFindings(), estate.ctx);
  } catch (err) {
    deps.log?.warn({ err, exceptionId: exception.id }, 'could not count what an accepted risk covers');
    return undefined;
  }
};

/** Updates the approval card in place (its buttons follow the status). */
export const updateCard = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  extra: Partial<CardContext> = {},
): Promise<void> => {
  const ref = exception.message;
  if (!ref) return;
  const coverage = await cardCoverage(deps, exception);
  await deliver(deps, exception, 'card', () =>
    deps.messenger.update(
      ref,
      deps.render.approvalCard(exception, { ...cardContext(deps), ...(coverage ? { coverage } : {}), ...extra }),
    ),
  );
};

/** A thread reply under the approval card, when there is one. */
export const replyInThread = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  notification: string,
  message: MessagePayload,
): Promise<MessageRef | null> => {
  const ref = exception.message;
  if (!ref) return null;
  return deliver(deps, exception, notification, () => deps.messenger.post(ref.channel, message, { threadTs: ref.ts }));
};

/** Only Slack users can be DMed: a cloudsec.yml owner may be a name, a requester the file or a terminal. */
const dmable = (id: string): boolean => looksLikeSlackUserId(id);

/** DMs each of the people once (the owner is often the requester). */
export const tell = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  notification: string,
  userIds: readonly string[],
  message: MessagePayload,
): Promise<string[]> => {
  const told: string[] = [];
  for (const id of [...new Set(userIds)].filter(dmable)) {
    const sent = await deliver(deps, exception, notification, () => deps.messenger.dm(id, message));
    if (sent !== null) told.push(id);
  }
  return told;
};

/** The requester (when a Slack user) and the owner. */
export const peopleOf = (e: RiskException): string[] => [
  ...(e.requester.kind === 'slack-user' ? [e.requester.id] : []),
  e.owner.id,
];
