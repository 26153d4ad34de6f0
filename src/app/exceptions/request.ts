import { authorize } from '../../core/access/policy';
import { acceptedBaseline } from '../../core/exceptions/baseline';
import { coveragePreview, type CoveragePreview } from '../../core/exceptions/coverage';
import { looksLikeSlackUserId } from '../../core/exceptions/from-config';
import { validateNewException } from '../../core/exceptions/lifecycle';
import { scopeCovers, scopeVerdict } from '../../core/exceptions/match';
import { ExceptionScopeSchema, type ExceptionScope, type RiskException } from '../../core/exceptions/model';
import { instantOf } from '../../core/exceptions/time';
import type { Finding } from '../../core/model';
import { boundedText, REASON_BOUNDS } from '../remediation/outcomes';
import { actorRef } from '../remediation/support';
import type { ExceptionRefusal } from './outcomes';
import { cachedWordOf } from './latest-findings';
import type { ExceptionInput, ExceptionWorkflowDeps } from './ports';
import {
  approvalsChannelFor,
  audit,
  authorizeScope,
  coveredAccounts,
  deliver,
  knownEstate,
  patchInPlace,
  refuse,
  type ExceptionAuditStep,
  type KnownEstate,
} from './support';

/**
 * Asking to accept a risk: the "Accept risk…" modal's preview (scope pre-filled from the finding,
 * what it would cover), its quick validation, and the request itself, which stores a `pending`
 * exception and posts the approval card.
 */

export interface PreviewExceptionInput extends ExceptionInput {
  /** What the "Accept risk…" button carries; the finding is loaded from the latest findings. */
  findingId: string;
  /** The scope as edited in the modal (any shape: it is validated); the finding's own by default. */
  scope?: unknown;
}

export interface ExceptionPreview {
  ok: true;
  finding: Finding;
  /** The finding's own scope: its account, check, region and resource (ARN, else id). */
  defaultScope: ExceptionScope;
  /** The scope previewed: `input.scope` when given, else `defaultScope`. */
  scope: ExceptionScope;
  /** Failing findings it would cover among the latest findings of the accounts the actor may see. */
  coverage: CoveragePreview;
  /** The scope may cover accounts the actor may not see, whose findings are not counted (none is named). */
  partial: boolean;
  /** Whether the scope covers the finding it is asked from (a request must). */
  coversFinding: boolean;
  /** `exceptions.maxDays`, and the latest expiry allowed now (ISO-8601 UTC). */
  maxDays: number;
  latestExpiry: string;
  /** Whether the actor may ask for this scope (exception:request on every account it covers), and why not. */
  mayRequest: boolean;
  whyNot: string | null;
}

export type PreviewResult = ExceptionPreview | ExceptionRefusal;

export interface RequestExceptionInput extends ExceptionInput {
  findingId: string;
  /** The scope as submitted (validated here). */
  scope: unknown;
  reason: string;
  /** The owner of the risk: a Slack user id (reminders are DMed to them). */
  ownerId: string;
  ownerName?: string;
  /** ISO-8601 with a time zone; at most `exceptions.maxDays` days ahead. */
  expiresAt: string;
}

export type RequestResult =
  | {
      ok: true;
      exception: RiskException;
      /** What it covers among the latest findings of the accounts the requester may see. */
      coverage: CoveragePreview;
      /** False when the approval card could not be posted (audited; the request is stored all the same). */
      posted: boolean;
    }
  | RequestRefusal;

const DAY_MS = 86_400_000;

/** The finding's own scope: exactly this resource, check, region and account. */
export const defaultScopeOf = (f: Finding): ExceptionScope => ({
  accounts: [f.accountId],
  checks: [f.checkId],
  regions: [f.region],
  resources: [f.resource.arn ?? f.resource.id],
});

/** The latest findings of the accounts the actor may read, plus the finding asked about (when visible). */
const visibleLatest = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionInput,
  estate: KnownEstate,
  also: Finding | null,
): Promise<Finding[]> => {
  const latest = await deps.latest.latestFindings();
  const all = also && !latest.some((f) => f.id === also.id) ? [also, ...latest] : latest;
  const sees = new Map<string, boolean>();
  return all.filter((f) => {
    if (!sees.has(f.accountId)) {
      const account = estate.ref(f.accountId);
      sees.set(
        f.accountId,
        authorize({ actor: input.actor, permission: 'findings:read', account }, deps.config).allowed,
      );
    }
    return sees.get(f.accountId)!;
  });
};

/** Does the scope reach beyond the accounts the actor may see? */
const reachesBeyond = (
  deps: ExceptionWorkflowDeps,
  input: ExceptionInput,
  scope: ExceptionScope,
  estate: KnownEstate,
) => {
  const covered = coveredAccounts(scope, estate);
  if ('all' in covered) return true;
  return covered.ids.some(
    (id) =>
      !authorize({ actor: input.actor, permission: 'findings:read', account: estate.ref(id) }, deps.config).allowed,
  );
};

/** Loads the finding and checks the actor may see it; refusals name no account. */
const loadFinding = async (
  deps: ExceptionWorkflowDeps,
  input: ExceptionInput & { findingId: string },
  step: Omit<ExceptionAuditStep, 'outcome'>,
  estate: KnownEstate,
): Promise<{ ok: true; finding: Finding } | ExceptionRefusal> => {
  const looked = await deps.findings.findFinding(input.findingId);
  // A queued scan's cached answer keeps its passes in the store only: a finding fixed since the
  // message it came from reads as passing there, not as an older answer's failure or "not found".
  const word = cachedWordOf(deps.latest);
  const finding = (word ? await word(input.findingId, looked?.accountId) : null) ?? looked;
  if (!finding) {
    return refuse(deps, step, 'finding-not-found', 'That finding is not in the latest scans; run the check again.');
  }
  const sees = authorize(
    { actor: input.actor, permission: 'findings:read', account: estate.ref(finding.accountId) },
    deps.config,
  );
  if (!sees.allowed) {
    return refuse(
      deps,
      step,
      'not-allowed',
      sees.code === 'no-role'
        ? `You have no cloudsec role yet — ask ${deps.config.accessHelp ?? 'a cloudsec admin'}.`
        : `This finding is not on an account you may see — ask ${deps.config.accessHelp ?? 'a cloudsec admin'}.`,
    );
  }
  return { ok: true, finding };
};

const scopeProblems = (scope: unknown): string[] => {
  const parsed = ExceptionScopeSchema.safeParse(scope);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `scope${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
};

/** What the modal opens with, and what it shows again when the scope is edited. Nothing is stored. */
export const previewException = async (
  deps: ExceptionWorkflowDeps,
  input: PreviewExceptionInput,
): Promise<PreviewResult> => {
  const actor = actorRef(input.actor);
  const step = { actor, action: 'exception.preview', details: { findingId: input.findingId.slice(0, 200) } };
  const estate = await knownEstate(deps);
  const loaded = await loadFinding(deps, input, step, estate);
  if (!loaded.ok) return loaded;
  const { finding } = loaded;

  const defaultScope = defaultScopeOf(finding);
  const parsed = ExceptionScopeSchema.safeParse(input.scope ?? defaultScope);
  if (!parsed.success) {
    const problems = scopeProblems(input.scope);
    return refuse(deps, step, 'invalid', problems.join(' '), { problems });
  }
  const scope = parsed.data;
  const visible = await visibleLatest(deps, input, estate, finding);
  const coverage = coveragePreview(scope, visible, estate.ctx);
  const may = await authorizeScope(deps, input, 'exception:request', scope, estate);
  const now = deps.clock();
  const maxDays = deps.config.exceptions.maxDays;
  await audit(deps, {
    actor,
    action: 'exception.preview',
    outcome: 'allowed',
    details: { findingId: finding.id, scope, covers: coverage.count, mayRequest: may.allowed },
  });
  return {
    ok: true,
    finding,
    defaultScope,
    scope,
    coverage,
    partial: reachesBeyond(deps, input, scope, estate),
    coversFinding: scopeVerdict(scope, finding, estate.ctx) === 'covered',
    maxDays,
    latestExpiry: new Date(now.getTime() + maxDays * DAY_MS).toISOString(),
    mayRequest: may.allowed,
    whyNot: may.allowed ? null : may.reason,
  };
};

/** Which modal field a problem is about (the core's messages about the scope start with `scope`). */
export type RequestField = 'scope' | 'reason' | 'expiresAt' | 'ownerId';

/** A refused request; for `invalid`, `fields` maps each problem to the input it is about. */
export type RequestRefusal = ExceptionRefusal & { fields?: Partial<Record<RequestField, string>> };

export interface CheckedRequest {
  ok: true;
  finding: Finding;
  scope: ExceptionScope;
  reason: string;
  /** Normalized to ISO-8601 UTC. */
  expiresAt: string;
  channel: string;
  estate: KnownEstate;
}

const invalid = async (
  deps: ExceptionWorkflowDeps,
  step: Omit<ExceptionAuditStep, 'outcome'>,
  problems: { field: RequestField; message: string }[],
): Promise<ExceptionRefusal & { fields: Partial<Record<RequestField, string>> }> => {
  const fields: Partial<Record<RequestField, string>> = {};
  for (const p of problems) fields[p.field] = fields[p.field] ? `${fields[p.field]} ${p.message}` : p.message;
  const refusal = await refuse(deps, step, 'invalid', problems.map((p) => p.message).join(' '), {
    problems: problems.map((p) => p.message),
  });
  return { ...refusal, fields };
};

/**
 * Everything a request checks before storing anything, in the order a person fixes them: the
 * finding, the fields, that the scope covers the finding it was asked from and that it fails, the
 * permission on every account the scope covers, and where approvers are.
 */
const prepare = async (
  deps: ExceptionWorkflowDeps,
  input: RequestExceptionInput,
  action: string,
): Promise<CheckedRequest | RequestRefusal> => {
  const actor = actorRef(input.actor);
  const step = { actor, action, details: { findingId: input.findingId.slice(0, 200) } };
  const estate = await knownEstate(deps);
  const loaded = await loadFinding(deps, input, step, estate);
  if (!loaded.ok) return loaded;
  const { finding } = loaded;
  const withFinding = { ...step, details: { ...step.details, accountId: finding.accountId, checkId: finding.checkId } };

  const now = deps.clock();
  const problems: { field: RequestField; message: string }[] = [];
  const reason = boundedText(input.reason, 'reason', REASON_BOUNDS);
  for (const message of validateNewException(
    { expiresAt: input.expiresAt, reason: input.reason ?? '', scope: input.scope },
    now,
    deps.config.exceptions.maxDays,
  )) {
    const field: RequestField = message.startsWith('scope')
      ? 'scope'
      : message.startsWith('Give a reason')
        ? 'reason'
        : 'expiresAt';
    problems.push({ field, message });
  }
  if (!reason.ok && !problems.some((p) => p.field === 'reason'))
    problems.push({ field: 'reason', message: reason.reason });
  if (!looksLikeSlackUserId(input.ownerId ?? '')) {
    problems.push({
      field: 'ownerId',
      message: 'Choose the owner of the risk: a Slack user, who will be reminded before it expires.',
    });
  }
  if (problems.length > 0 || !reason.ok) return invalid(deps, withFinding, problems);
  const scope = ExceptionScopeSchema.parse(input.scope);

  const verdict = scopeVerdict(scope, finding, estate.ctx);
  if (verdict !== 'covered') {
    return refuse(
      deps,
      withFinding,
      'not-covered',
      verdict === 'unknown'
        ? 'The scope may not cover the finding you started from: cloudsec cannot tell (its tags or its place in the organization are not known). Widen the scope, or drop the tags and OUs from it.'
        : 'The scope does not cover the finding you started from: an accepted risk is asked for from a finding it covers.',
    );
  }
  if (finding.status !== 'fail') {
    return refuse(
      deps,
      withFinding,
      'not-failing',
      finding.status === 'pass'
        ? 'The finding passes now: there is no risk to accept.'
        : `The finding is ${finding.status} (${finding.message}): only a failing finding can be accepted as a risk.`,
    );
  }
  const may = await authorizeScope(deps, input, 'exception:request', scope, estate);
  if (!may.allowed) return refuse(deps, withFinding, 'not-allowed', may.reason);

  const channel = approvalsChannelFor(deps, coveredAccounts(scope, estate));
  if (!channel.ok) return refuse(deps, withFinding, 'no-approvals-channel', channel.reason);

  return {
    ok: true,
    finding,
    scope,
    reason: reason.value,
    expiresAt: new Date(instantOf(input.expiresAt)).toISOString(),
    channel: channel.channel,
    estate,
  };
};

/**
 * What a modal submission checks within the 3 s Slack waits (nothing is read but the finding and
 * the account directory): `fields` says which input each problem is about.
 */
export const checkExceptionRequest = async (
  deps: ExceptionWorkflowDeps,
  input: RequestExceptionInput,
): Promise<{ ok: true } | RequestRefusal> => {
  const checked = await prepare(deps, input, 'exception.request');
  return checked.ok ? { ok: true } : checked;
};

/**
 * Stores a `pending` exception with its baseline (the failing findings the scope covers now, as
 * they are now), audits it, posts the approval card and remembers where the card is.
 */
export const requestException = async (
  deps: ExceptionWorkflowDeps,
  input: RequestExceptionInput,
): Promise<RequestResult> => {
  const checked = await prepare(deps, input, 'exception.request');
  if (!checked.ok) return checked;
  const { finding, scope, estate } = checked;
  const actor = actorRef(input.actor);

  // The baseline is over every account the scope covers, not only those the requester sees: it is
  // what keeps a finding that gets worse from staying hidden, wherever it is.
  const latest = await deps.latest.latestFindings();
  const all = latest.some((f) => f.id === finding.id) ? latest : [finding, ...latest];
  const covered = all.filter((f) => f.status === 'fail' && scopeCovers(scope, f, estate.ctx));
  const accepted = acceptedBaseline(covered);

  const created = await deps.store.createException({
    scope,
    reason: checked.reason,
    owner: { id: input.ownerId, ...(input.ownerName ? { name: input.ownerName } : {}) },
    requester: actor,
    expiresAt: checked.expiresAt,
    accepted,
  });
  await audit(deps, {
    actor,
    action: 'exception.request',
    outcome: 'ok',
    exception: created,
    details: {
      findingId: finding.id,
      reason: created.reason,
      owner: created.owner,
      accepted: accepted.length,
      channel: checked.channel,
    },
  });

  const cardCoverage = coveragePreview(scope, all, estate.ctx);
  const ref = await deliver(deps, created, 'approval card', async () => {
    const posted = await deps.messenger.post(
      checked.channel,
      deps.render.approvalCard(created, { now: deps.clock(), coverage: cardCoverage }),
    );
    // No ref means no card to update later: recorded like a failure (deliver audits it).
    if (!posted) throw new Error('Slack did not confirm the approval card');
    return posted;
  });
  const exception = ref ? ((await patchInPlace(deps, created.id, () => ({ message: ref }))) ?? created) : created;
  const visible = await visibleLatest(deps, input, estate, finding);
  return { ok: true, exception, coverage: coveragePreview(scope, visible, estate.ctx), posted: ref !== null };
};
