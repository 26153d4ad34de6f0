import { GLOBAL_REGION, type Finding } from '../model';
import { accountVerdict, checkInScope, scopeVerdict, type ScopeContext } from './match';
import { EXPIRING_SOON_DAYS, ExceptionScopeSchema, type ExceptionScope, type RiskException } from './model';
import { DAY_MS, daysAfter, instantOf } from './time';

/**
 * When an accepted risk applies, when it must be swept to `expired`, when its owner is reminded,
 * and when it has become stale. Everything takes `now`; nothing reads a clock.
 */

type Timed = Pick<RiskException, 'status' | 'expiresAt'>;

/**
 * Is the exception in force at `now`? Active and `now` strictly before its expiry: at the expiry
 * instant itself it no longer applies. An expiry that cannot be read means not in force.
 */
export const isInForce = (e: Timed, now: Date): boolean => {
  if (e.status !== 'active') return false;
  const expires = instantOf(e.expiresAt);
  return !Number.isNaN(expires) && now.getTime() < expires;
};

const byExpiry = (a: Timed, b: Timed): number => instantOf(a.expiresAt) - instantOf(b.expiresAt);

/**
 * Active exceptions the expiry sweep must move to `expired`: their expiry is now or past. One whose
 * expiry cannot be read is swept too, since it hides nothing already (see isInForce).
 */
export const dueToExpire = <E extends Timed>(exceptions: readonly E[], now: Date): E[] =>
  exceptions.filter((e) => e.status === 'active' && !isInForce(e, now));

/** In force and expiring within `days` of `now`, soonest first (digests list them; App Home warns). */
export const expiringSoon = <E extends Timed>(
  exceptions: readonly E[],
  now: Date,
  days: number = EXPIRING_SOON_DAYS,
): E[] => exceptions.filter((e) => isInForce(e, now) && instantOf(e.expiresAt) <= daysAfter(now, days)).sort(byExpiry);

/**
 * Exceptions whose owner should be reminded now: expiring within `days` and not reminded yet. The
 * sweep sets `remindedAt` when it sends the reminder, so each expiry date is reminded once; an
 * extension that moves the expiry must set `remindedAt` back to null so the new date is reminded.
 */
export const dueForReminder = <E extends Timed & Pick<RiskException, 'remindedAt'>>(
  exceptions: readonly E[],
  now: Date,
  days: number = EXPIRING_SOON_DAYS,
): E[] => expiringSoon(exceptions, now, days).filter((e) => e.remindedAt === null);

/**
 * Exceptions that stopped applying because they expired within the last `sinceDays` days, most
 * recent first: those already swept to `expired`, and active ones the sweep has not reached yet
 * (they hide nothing either). Digests show them loudly: their findings are back.
 */
export const recentlyExpired = <E extends Timed>(exceptions: readonly E[], now: Date, sinceDays: number): E[] => {
  const from = daysAfter(now, -sinceDays);
  return exceptions
    .filter((e) => {
      if (e.status !== 'expired' && e.status !== 'active') return false;
      const expires = instantOf(e.expiresAt);
      return expires <= now.getTime() && expires > from;
    })
    .sort((a, b) => byExpiry(b, a));
};

/** Whole days left, rounded up ("expires in 1 day" until the last instant); 0 once it has expired. */
export const daysLeft = (e: Pick<RiskException, 'expiresAt'>, now: Date): number => {
  const left = instantOf(e.expiresAt) - now.getTime();
  return Number.isNaN(left) || left <= 0 ? 0 : Math.ceil(left / DAY_MS);
};

/** What a scan looked at, so that an exception is only called stale where the scan could have seen its findings. */
export interface ScannedScope {
  accountIds: ReadonlySet<string>;
  checkIds: ReadonlySet<string>;
  /**
   * Regions scanned. Absent: not known, so an exception limited to regions is never stale.
   * Account-wide resources (region `global`) count as scanned whenever an account is.
   */
  regions?: ReadonlySet<string>;
}

const scanLookedAt = (scope: ExceptionScope, ctx: ScopeContext, scanned: ScannedScope): boolean => {
  const accounts = [...scanned.accountIds].some((id) => accountVerdict(scope, id, ctx) === 'covered');
  const checks = [...scanned.checkIds].some((id) => checkInScope(scope, id));
  const regions =
    scope.regions === undefined ||
    scope.regions.includes(GLOBAL_REGION) ||
    (scanned.regions !== undefined && scope.regions.some((r) => scanned.regions!.has(r)));
  return accounts && checks && regions;
};

/** A finding that means the scan could not tell whether the exception still covers something. */
const blindSpot = (scope: ExceptionScope, f: Finding, ctx: ScopeContext): boolean => {
  if (f.status === 'fail') return scopeVerdict(scope, f, ctx) === 'unknown';
  if (f.status !== 'unknown') return false;
  // An unknown is often reported on the account or region rather than on the resources it could not
  // read, so only its account, check and region are compared: any such unknown may hide a match.
  return (
    accountVerdict(scope, f.accountId, ctx) !== 'not-covered' &&
    checkInScope(scope, f.checkId) &&
    (scope.regions === undefined || f.region === GLOBAL_REGION || scope.regions.includes(f.region))
  );
};

/** In force, readable, not suppressed in Security Hub, and nothing the scan saw keeps it in use. */
const unusedByScan = (e: RiskException, findings: readonly Finding[], ctx: ScopeContext & { now: Date }): boolean => {
  if (!isInForce(e, ctx.now) || !ExceptionScopeSchema.safeParse(e.scope).success) return false;
  // Findings this exception set to SUPPRESSED in Security Hub are no longer read back (cloudsec reads
  // active findings only), so a scan cannot see that they still fail: never call that stale.
  if (e.suppressedInSecurityHub.length > 0) return false;
  return !findings.some(
    (f) => (f.status === 'fail' && scopeVerdict(e.scope, f, ctx) === 'covered') || blindSpot(e.scope, f, ctx),
  );
};

/**
 * Active exceptions in force that match nothing any more: the scan looked at what they cover (one
 * of their accounts, one of their checks, one of their regions) and no failing finding is in their
 * scope. Never stale when the scan could not look, or when a finding there is unknown (access
 * denied, tags not read): "nothing found" must mean "checked and nothing there".
 */
export const staleExceptions = <E extends RiskException>(
  exceptions: readonly E[],
  findings: readonly Finding[],
  ctx: ScopeContext & { now: Date },
  scanned: ScannedScope,
): E[] => exceptions.filter((e) => scanLookedAt(e.scope, ctx, scanned) && unusedByScan(e, findings, ctx));

/**
 * The exceptions staleExceptions would call stale if `scanned` showed the scan looked at their
 * scope: nothing held keeps them in use, but what was looked at is not known from the findings held
 * (a queued scan's answer keeps its passes in the store). The caller may learn more of what was
 * looked at and ask staleExceptions again.
 */
export const staleIfLookedAt = <E extends RiskException>(
  exceptions: readonly E[],
  findings: readonly Finding[],
  ctx: ScopeContext & { now: Date },
  scanned: ScannedScope,
): E[] => exceptions.filter((e) => !scanLookedAt(e.scope, ctx, scanned) && unusedByScan(e, findings, ctx));

/** Of `accountIds`, those an exception's scope covers: the accounts where looking further may help. */
export const accountsCoveredBy = (scope: ExceptionScope, accountIds: readonly string[], ctx: ScopeContext): string[] =>
  accountIds.filter((id) => accountVerdict(scope, id, ctx) === 'covered');

/** What a new exception (or an extension) must satisfy besides its schema, checked at `now`. */
export interface NewExceptionInput {
  expiresAt: string;
  reason: string;
  scope: unknown;
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const issuePath = (path: readonly PropertyKey[]): string =>
  ['scope', ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].join('.').replace(/\.\[/g, '[');

/**
 * Human-readable problems with a requested exception; empty when it may be submitted. The expiry
 * must be in the future and at most `maxDays` days from `now` (the limit itself allowed).
 */
export const validateNewException = (input: NewExceptionInput, now: Date, maxDays: number): string[] => {
  const errors: string[] = [];
  const expires = instantOf(input.expiresAt);
  if (Number.isNaN(expires)) {
    errors.push(
      `The expiry "${input.expiresAt.slice(0, 40)}" is not a date and time with a time zone (for example 2027-03-01T00:00:00Z).`,
    );
  } else if (expires <= now.getTime()) {
    errors.push(`The expiry ${input.expiresAt} is in the past: an accepted risk must expire in the future.`);
  } else if (expires > daysAfter(now, maxDays)) {
    errors.push(
      `The expiry ${input.expiresAt} is more than ${maxDays} days away: accept the risk until ${dayOf(daysAfter(now, maxDays))} at the latest, and extend it then if it still applies.`,
    );
  }
  if (input.reason.trim().length === 0) errors.push('Give a reason: why is this risk accepted?');
  const scope = ExceptionScopeSchema.safeParse(input.scope);
  if (!scope.success) {
    for (const issue of scope.error.issues) errors.push(`${issuePath(issue.path)}: ${issue.message}`);
  }
  return errors;
};
