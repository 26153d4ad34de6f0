import { z } from 'zod';
import {
  accountReach,
  allOf,
  anyOf,
  clauseReach,
  excludesOutsiders,
  narrows,
  scopesSource,
  type AccountReach,
  type Reach,
  type ReachContext,
} from './conditions';
import { granted, includesWrite, withinService, type Granted } from './actions';
import { readPolicy, type ConditionClause, type PolicyStatement } from './document';
import { patternCovers } from './patterns';
import { everyoneLabel, isStarPrincipal, principalAccount, principalGroups } from './principals';
import { PolicyServiceSchema, SERVICE_PROFILES, type PolicyService, type ServiceProfile } from './services';

export { actionIncludesWrite } from './actions';

/**
 * Whether a resource policy lets anyone in, per AWS's own definition of "public" (S3 "The meaning of
 * public"; AWS Config's sqs/sns/kms no-public-access rules): an Allow whose principal is everyone,
 * that reaches an action of the service, with no clause that pins the caller to fixed values, and no
 * Deny that takes the same actions away from everyone. Pure; `unreadable` for anything that is not a
 * policy, never "not public".
 */

const ACCOUNT_ID = z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit account id' });

export const PolicyContextSchema = z.object({
  /** The account that owns the resource; `null` when not known (then no grant can be classed by account). */
  ownerAccountId: ACCOUNT_ID.nullable(),
  service: PolicyServiceSchema,
  /** Other accounts of the estate: a grant to them is `internal`, not `cross-account`. */
  knownAccountIds: z.array(ACCOUNT_ID).default([]),
  /** The estate's organization ids; without them an `aws:PrincipalOrgID` grant is `undetermined`. */
  orgIds: z.array(z.string().min(1)).optional(),
});
export type PolicyContext = z.input<typeof PolicyContextSchema>;

/** A statement that lets anyone call the service on the resource. */
export interface PublicPolicyGrant {
  /** Sid, or `#<index>` when it has none. */
  statement: string;
  /** How the statement names everyone: `Principal "*"`, `Principal AWS "*"`, `NotPrincipal … (everyone else)`, … */
  principal: string;
  /** The actions still granted (for `notAction`: the ones excluded). */
  actions: string[];
  notAction: boolean;
  includesWrite: boolean;
  /** Deny statements that took some of the statement's actions away; the rest stays public. */
  partlyDeniedBy: string[];
  /** The statement's conditions, none of which narrows the caller (kept so a message can say so). */
  conditions: ConditionClause[];
}

export type GrantReach = AccountReach | 'service';

/** An Allow that is not public, and why. */
export interface RestrictedPolicyGrant {
  statement: string;
  /** What keeps it from anyone: fixed principals, a narrowing condition, or a Deny. */
  limitedBy: 'principal' | 'condition' | 'deny';
  /** The principals as written: the everyone label, or `AWS arn:…`, `Service sns.amazonaws.com`, … */
  principals: string[];
  actions: string[];
  notAction: boolean;
  includesWrite: boolean;
  /** The statement's narrowing clauses. */
  narrowedBy: ConditionClause[];
  /** For `limitedBy: 'deny'`: each Deny and the callers its conditions spare (`except` empty: nobody). */
  deniedBy: { statement: string; except: ConditionClause[] }[];
  /**
   * `internal`: only the owner's accounts (the owner, `knownAccountIds`, `orgIds`); `cross-account`:
   * named accounts or organizations outside them (`sharedWith`); `service`: AWS service principals;
   * `undetermined`: narrowed by something that is not an account (a VPC, an IP range, a user id).
   */
  reach: GrantReach;
  sharedWith: string[];
  /**
   * A service principal without aws:SourceArn / SourceAccount / SourceOrgID / SourceOwner: not public
   * (AWS counts a fixed service principal as non-public), but the service could be made to act on
   * this resource for another customer — the "confused deputy" AWS's docs warn about.
   */
  unscopedService: boolean;
}

export type ResourcePolicyVerdict =
  | {
      status: 'public';
      publicGrants: PublicPolicyGrant[];
      restrictedGrants: RestrictedPolicyGrant[];
      includesWrite: boolean;
    }
  | { status: 'not-public'; restrictedGrants: RestrictedPolicyGrant[] }
  | { status: 'unreadable'; reason: string };

// ---------------------------------------------------------------- denies

interface Cancelling {
  statement: PolicyStatement;
  except: ConditionClause[];
}

/**
 * A Deny that applies to everyone (`"*"` or `AWS "*"` only) on a list of actions, for every caller
 * outside the set its clauses pin (no condition: every caller). NotPrincipal, NotAction and
 * NotResource Denies are left out: proving they cover an Allow takes more than this reader knows.
 */
const cancellingDenies = (statements: PolicyStatement[], service: PolicyService): Cancelling[] =>
  statements.flatMap((d) =>
    d.effect === 'Deny' &&
    d.principal.element === 'Principal' &&
    isStarPrincipal(d.principal.value) &&
    d.actions.element === 'Action' &&
    d.resources?.element !== 'NotResource' &&
    d.conditions.every((c) => excludesOutsiders(c, service))
      ? [{ statement: d, except: d.conditions }]
      : [],
  );

/**
 * AWS documents `"*"` and `{"AWS": "*"}` as both meaning everyone, anonymous callers included, yet
 * some services treat them differently; so a Deny written `{"AWS": "*"}` is taken to cover only an
 * Allow that itself names AWS principals, never an Allow of `"*"` or a NotPrincipal.
 */
const coversPrincipals = (deny: PolicyStatement, allow: PolicyStatement): boolean =>
  deny.principal.value === '*' || (allow.principal.element === 'Principal' && allow.principal.value !== '*');

const coversResources = (deny: PolicyStatement, allow: PolicyStatement): boolean => {
  const d = deny.resources;
  const a = allow.resources;
  if (d === null) return a === null;
  if (d.values.includes('*')) return true;
  if (a === null || a.element === 'NotResource') return false;
  return a.values.every((r) => d.values.some((dr) => patternCovers(dr, r, false)));
};

const coversAction = (deny: PolicyStatement, pattern: string, prefix: string): boolean =>
  deny.actions.values.some((d) => patternCovers(d, withinService(pattern, prefix), true));

// ---------------------------------------------------------------- one statement

interface Ctx {
  service: PolicyService;
  profile: ServiceProfile;
  reach: ReachContext;
  denies: Cancelling[];
}

const everyoneGrant = (
  s: PolicyStatement,
  label: string,
  g: Granted,
  ctx: Ctx,
): { public: PublicPolicyGrant } | { restricted: RestrictedPolicyGrant } => {
  const base = { statement: s.label, actions: g.actions, notAction: g.notAction };
  const narrowedBy = s.conditions.filter((c) => narrows(c, ctx.service));
  const restricted = (over: Partial<RestrictedPolicyGrant> & Pick<RestrictedPolicyGrant, 'limitedBy'> & Reach) => ({
    restricted: {
      ...base,
      principals: [`anyone (${label})`],
      includesWrite: includesWrite(g, ctx.profile),
      narrowedBy,
      deniedBy: [],
      unscopedService: false,
      ...over,
    },
  });
  if (narrowedBy.length > 0)
    return restricted({
      limitedBy: 'condition',
      ...allOf(narrowedBy.map((c) => clauseReach(c, ctx.service, ctx.reach))),
    });

  const denies = ctx.denies.filter((d) => coversPrincipals(d.statement, s) && coversResources(d.statement, s));
  const prefix = ctx.profile.prefix;
  const usedFor = (pattern: string) => denies.filter((d) => coversAction(d.statement, pattern, prefix));
  // A NotAction grant is "everything but …": only a Deny of the whole service takes it away.
  const remaining = g.notAction
    ? usedFor('*').length > 0
      ? []
      : g.actions
    : g.actions.filter((a) => usedFor(a).length === 0);
  const used = [...new Set((g.notAction ? ['*'] : g.actions).flatMap(usedFor))];
  if (remaining.length === 0) {
    const deniedBy = used.map((d) => ({ statement: d.statement.label, except: d.except }));
    return restricted({
      limitedBy: 'deny',
      deniedBy,
      ...anyOf(used.flatMap((d) => d.except.map((c) => clauseReach(c, ctx.service, ctx.reach)))),
    });
  }
  const left = { actions: remaining, notAction: g.notAction };
  return {
    public: {
      ...base,
      ...left,
      principal: label,
      includesWrite: includesWrite(left, ctx.profile),
      partlyDeniedBy: used.map((d) => d.statement.label),
      conditions: s.conditions,
    },
  };
};

/** One grant per principal type of an Allow that names fixed principals. */
const fixedGrants = (s: PolicyStatement, g: Granted, ctx: Ctx): RestrictedPolicyGrant[] => {
  const narrowedBy = s.conditions.filter((c) => narrows(c, ctx.service));
  const conditionReach = narrowedBy.map((c) => clauseReach(c, ctx.service, ctx.reach));
  return principalGroups(s.principal.value).map(({ type, values }) => {
    const common = {
      statement: s.label,
      limitedBy: 'principal' as const,
      principals: values.map((v) => `${type} ${v}`),
      actions: g.actions,
      notAction: g.notAction,
      includesWrite: includesWrite(g, ctx.profile),
      narrowedBy,
      deniedBy: [],
    };
    if (type === 'Service') {
      const scoped = s.conditions.filter((c) => scopesSource(c, ctx.service));
      const { reach, sharedWith } = allOf(scoped.map((c) => clauseReach(c, ctx.service, ctx.reach)));
      return {
        ...common,
        reach: 'service',
        sharedWith: reach === 'cross-account' ? sharedWith : [],
        unscopedService: scoped.length === 0,
      };
    }
    const principalReach =
      type === 'AWS'
        ? anyOf(values.map((v) => accountReach(principalAccount(v), ctx.reach)))
        : { reach: 'undetermined' as const, sharedWith: [] };
    return { ...common, ...allOf([principalReach, ...conditionReach]), unscopedService: false };
  });
};

// ---------------------------------------------------------------- the document

/**
 * Reads `document` (parsed JSON or JSON text) as the resource policy of `context.service`. Throws
 * only when `context` itself is invalid (a programming error, not an AWS answer).
 */
export const evaluateResourcePolicy = (document: unknown, context: PolicyContext): ResourcePolicyVerdict => {
  const { ownerAccountId, service, knownAccountIds, orgIds } = PolicyContextSchema.parse(context);
  const read = readPolicy(document);
  if (!read.ok) return { status: 'unreadable', reason: read.reason };
  const ctx: Ctx = {
    service,
    profile: SERVICE_PROFILES[service],
    reach: { ownerAccountId, knownAccountIds, orgIds },
    denies: cancellingDenies(read.statements, service),
  };
  const publicGrants: PublicPolicyGrant[] = [];
  const restrictedGrants: RestrictedPolicyGrant[] = [];
  for (const s of read.statements) {
    if (s.effect !== 'Allow') continue;
    const g = granted(s, ctx.profile);
    if (g === null) continue;
    const label = everyoneLabel(s);
    if (label === null) {
      restrictedGrants.push(...fixedGrants(s, g, ctx));
      continue;
    }
    const result = everyoneGrant(s, label, g, ctx);
    if ('public' in result) publicGrants.push(result.public);
    else restrictedGrants.push(result.restricted);
  }
  return publicGrants.length > 0
    ? { status: 'public', publicGrants, restrictedGrants, includesWrite: publicGrants.some((p) => p.includesWrite) }
    : { status: 'not-public', restrictedGrants };
};

type ReadableVerdict = Exclude<ResourcePolicyVerdict, { status: 'unreadable' }>;

/** Grants that reach named accounts or organizations outside the estate (a service principal's too). */
export const crossAccountGrants = (v: ReadableVerdict): RestrictedPolicyGrant[] =>
  v.restrictedGrants.filter((g) => g.sharedWith.length > 0);

/** Service-principal grants without a source account or ARN: the confused-deputy case. */
export const unscopedServiceGrants = (v: ReadableVerdict): RestrictedPolicyGrant[] =>
  v.restrictedGrants.filter((g) => g.unscopedService);
