import type { ConditionClause } from './document';
import { isFixedValue, isNarrowCidr } from './patterns';
import { arnAccount } from './principals';
import { SERVICE_PROFILES, SOURCE_SCOPING_KEYS, stringKeyKind, type KeyKind, type PolicyService } from './services';

/**
 * Which condition clauses keep a grant from being public, and to whom they leave it.
 *
 * IAM: a key missing from the request makes a condition false — except negated operators
 * (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`, …), `…IfExists` and `Null`, which are true then;
 * `ForAllValues:` is also true when the key is missing or empty ("IAM JSON policy elements:
 * Condition operators"; "multivalued context keys"). An anonymous or foreign caller has none of the
 * owner's principal keys, so an Allow clause narrows only under an operator that is false on a
 * missing key, over a key naming the caller (or the resource a service acts for), with values the
 * caller cannot choose. Clauses are AND-ed, so one narrowing clause narrows the statement; values of
 * one clause are OR-ed, so every value must be pinned.
 */

interface Operator {
  /** `ForAnyValue:` / `ForAllValues:` qualifier, or none. */
  set: 'none' | 'any' | 'all';
  /** Lower case, without the set qualifier and the `IfExists` suffix. */
  base: string;
  ifExists: boolean;
}

const parseOperator = (operator: string): Operator => {
  let op = operator.toLowerCase();
  let set: Operator['set'] = 'none';
  if (op.startsWith('foranyvalue:')) [set, op] = ['any', op.slice('foranyvalue:'.length)];
  else if (op.startsWith('forallvalues:')) [set, op] = ['all', op.slice('forallvalues:'.length)];
  const ifExists = op.endsWith('ifexists');
  return { set, base: ifExists ? op.slice(0, -'ifexists'.length) : op, ifExists };
};

const POSITIVE_STRING = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);
const NEGATED_STRING = new Set([
  'stringnotequals',
  'stringnotequalsignorecase',
  'stringnotlike',
  'arnnotequals',
  'arnnotlike',
]);

/**
 * `o-a1b2c3/r-ab12/ou-ab12-1111/*` pins the organization even with a wildcard after it: the first
 * segment is what decides whose principals match (research §4.2). Every other kind must be fixed.
 */
const pinned = (kind: KeyKind, value: string): boolean =>
  kind === 'org-path' ? /^o-[a-z0-9]+\//i.test(value) && !value.includes('${') : isFixedValue(value);

const pinnedValues = (kind: KeyKind, values: string[]) => values.length > 0 && values.every((v) => pinned(kind, v));

const key = (c: ConditionClause) => c.key.toLowerCase();

/** An Allow's clause that holds only for callers the owner chose (false for an anonymous caller). */
export const narrows = (c: ConditionClause, service: PolicyService): boolean => {
  const op = parseOperator(c.operator);
  if (op.set === 'all' || op.ifExists) return false;
  const k = key(c);
  if (k === 'aws:sourceip') return op.base === 'ipaddress' && c.values.length > 0 && c.values.every(isNarrowCidr);
  if (SERVICE_PROFILES[service].boolKeys.includes(k))
    return op.base === 'bool' && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === 'true');
  const kind = stringKeyKind(service, k);
  return kind !== undefined && POSITIVE_STRING.has(op.base) && pinnedValues(kind, c.values);
};

/**
 * A Deny's clause that is true for every caller outside a pinned set: `StringNotEquals
 * aws:PrincipalOrgID o-x` (true when the key is missing, true for another organization). A Deny whose
 * every clause is of this kind leaves the Allow only to the callers the clauses name — the common
 * "org only" pattern. `IfExists` is fine here (true on a missing key); set qualifiers are not
 * accepted (kept conservative).
 */
export const excludesOutsiders = (c: ConditionClause, service: PolicyService): boolean => {
  const op = parseOperator(c.operator);
  if (op.set !== 'none') return false;
  const k = key(c);
  if (k === 'aws:sourceip') return op.base === 'notipaddress' && c.values.length > 0 && c.values.every(isNarrowCidr);
  const kind = stringKeyKind(service, k);
  return kind !== undefined && NEGATED_STRING.has(op.base) && pinnedValues(kind, c.values);
};

/** A narrowing clause that ties a service principal to a source account or resource. */
export const scopesSource = (c: ConditionClause, service: PolicyService): boolean =>
  SOURCE_SCOPING_KEYS.has(key(c)) && narrows(c, service);

// ---------------------------------------------------------------- reach: whose callers remain

/** `internal`: only the owner's (or known, or own organization's) callers; `undetermined`: narrow, but not by account. */
export type AccountReach = 'internal' | 'cross-account' | 'undetermined';

export interface ReachContext {
  ownerAccountId: string | null;
  knownAccountIds: readonly string[];
  /** `undefined`: the caller does not know the estate's organizations, so none can be classed. */
  orgIds: readonly string[] | undefined;
}

export interface Reach {
  reach: AccountReach;
  /** Account or organization ids outside the estate that the grant names (only for `cross-account`). */
  sharedWith: string[];
}

const OR_ORDER: AccountReach[] = ['internal', 'undetermined', 'cross-account'];
const AND_ORDER: AccountReach[] = ['internal', 'cross-account', 'undetermined'];

const combine = (order: AccountReach[], pick: 'min' | 'max', reaches: Reach[]): Reach => {
  const rank = (r: Reach) => order.indexOf(r.reach);
  const chosen = reaches.reduce((a, b) => ((pick === 'max' ? rank(b) > rank(a) : rank(b) < rank(a)) ? b : a));
  const sharedWith =
    chosen.reach === 'cross-account'
      ? [...new Set(reaches.filter((r) => r.reach === 'cross-account').flatMap((r) => r.sharedWith))]
      : [];
  return { reach: chosen.reach, sharedWith };
};

/** Alternatives (a clause's values, a statement's principals, a Deny's exceptions): the widest wins. */
export const anyOf = (reaches: Reach[]): Reach =>
  reaches.length === 0 ? { reach: 'internal', sharedWith: [] } : combine(OR_ORDER, 'max', reaches);

/** Requirements that all hold (a statement's clauses, principal and condition): the narrowest wins. */
export const allOf = (reaches: Reach[]): Reach =>
  reaches.length === 0 ? { reach: 'undetermined', sharedWith: [] } : combine(AND_ORDER, 'min', reaches);

export const accountReach = (account: string | null, ctx: ReachContext): Reach => {
  if (account === null) return { reach: 'undetermined', sharedWith: [] };
  if (account === ctx.ownerAccountId || ctx.knownAccountIds.includes(account))
    return { reach: 'internal', sharedWith: [] };
  return ctx.ownerAccountId === null
    ? { reach: 'undetermined', sharedWith: [] }
    : { reach: 'cross-account', sharedWith: [account] };
};

const orgReach = (org: string, ctx: ReachContext): Reach =>
  ctx.orgIds === undefined
    ? { reach: 'undetermined', sharedWith: [] }
    : ctx.orgIds.includes(org)
      ? { reach: 'internal', sharedWith: [] }
      : { reach: 'cross-account', sharedWith: [org] };

const valueReach = (kind: KeyKind | undefined, value: string, ctx: ReachContext): Reach => {
  switch (kind) {
    case 'account':
      return accountReach(value, ctx);
    case 'arn':
      return accountReach(arnAccount(value), ctx);
    case 'org':
      return orgReach(value, ctx);
    case 'org-path':
      return orgReach(value.split('/')[0]!, ctx);
    default:
      return { reach: 'undetermined', sharedWith: [] };
  }
};

/** Whose callers a narrowing (Allow) or excluding (Deny) clause leaves: any of its values. */
export const clauseReach = (c: ConditionClause, service: PolicyService, ctx: ReachContext): Reach =>
  anyOf(c.values.map((v) => valueReach(stringKeyKind(service, c.key), v, ctx)));
