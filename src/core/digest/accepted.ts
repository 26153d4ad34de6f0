import type { Finding } from '../model';
import { applyExceptions } from '../exceptions/apply';
import { scopeCovers, type ScopeContext } from '../exceptions/match';
import { daysLeft, expiringSoon, recentlyExpired, staleExceptions, type ScannedScope } from '../exceptions/lifecycle';
import { matchesPattern } from '../exceptions/pattern';
import { EXPIRING_SOON_DAYS, type RiskException } from '../exceptions/model';
import { DAY_MS } from '../exceptions/time';
import type { DigestAcceptedRisk, DigestAcceptedRisks, ObservedItem } from './model';

/**
 * The digest's "accepted risks" part, decided from what one run saw. Pure: the app reads the
 * exceptions and the scan, this decides what the digest says about them.
 *
 * A digest is read by everyone in its channel, who may read every account of its scope and no
 * other (src/app/digest/authorize.ts). So an accepted risk is listed only when it is about this
 * scope: it hides a finding here (expiring), a finding here came back when it ended (expired), or
 * everything it covers lies inside the scope (stale, and an expired one that gave nothing back).
 * Lists name an accepted risk by id and owner, never by its scope.
 */

/** What the run looked at, to tell whether an accepted risk lies wholly inside the digest. */
export interface DigestCoverage {
  /** The digest covers every account (no `accounts:` or `ous:` in its scope). */
  everyAccount: boolean;
  /** The accounts of the scope this run scanned. */
  accountIds: ReadonlySet<string>;
  /** The cloudsec checks this run evaluated (the digest's services). */
  checkIds: ReadonlySet<string>;
  /** Every cloudsec check id there is (the catalog): a pattern must not reach a check the run skipped. */
  catalog: readonly string[];
  /**
   * Security Hub findings were read in full this run, from the snapshot (a live feed lists only
   * changes, so it can never show that nothing matches any more).
   */
  securityHubComplete: boolean;
}

const SECURITY_HUB_PREFIX = 'securityhub:';

/** Could the pattern match a Security Hub finding's check id (`securityhub:<control>`)? */
const reachesSecurityHub = (pattern: string): boolean => {
  const literal = pattern.split('*')[0] ?? '';
  return pattern.includes('*')
    ? literal.startsWith(SECURITY_HUB_PREFIX) || SECURITY_HUB_PREFIX.startsWith(literal)
    : pattern.startsWith(SECURITY_HUB_PREFIX);
};

/**
 * Does everything the accepted risk covers lie inside what this digest looked at? Its accounts (all
 * of them, by id; an OU scope only when the digest covers every account) and every check its
 * patterns reach. Only then may the digest call it stale, or name it when nothing of its came back.
 */
export const insideDigest = (e: Pick<RiskException, 'scope'>, coverage: DigestCoverage): boolean => {
  const { scope } = e;
  const accounts = coverage.everyAccount
    ? true
    : scope.accounts !== undefined &&
      !scope.accounts.includes('*') &&
      scope.accounts.every((id) => coverage.accountIds.has(id));
  if (!accounts) return false;
  return scope.checks.every((pattern) => {
    if (reachesSecurityHub(pattern) && !coverage.securityHubComplete) return false;
    return coverage.catalog.filter((id) => matchesPattern(pattern, id)).every((id) => coverage.checkIds.has(id));
  });
};

const listed = (e: RiskException, now: Date, findings: number): DigestAcceptedRisk => ({
  id: e.id,
  source: e.source,
  owner: { id: e.owner.id, ...(e.owner.name !== undefined ? { name: e.owner.name } : {}) },
  expiresAt: e.expiresAt,
  daysLeft: daysLeft(e, now),
  findings,
});

export interface DigestAcceptedInput {
  now: Date;
  /** When the last digest was posted (its scheduled time); null on a first run. */
  since: Date | null;
  /** Accepted risks, active and expired (src/app/accepted-risks.ts: cloudsec.yml first). */
  exceptions: readonly RiskException[];
  /** Accepted risk id → findings in the digest's scope it hides in this run. */
  hiddenBy: ReadonlyMap<string, number>;
  /** Failing findings in the digest's scope shown in this run (for "came back" counts). */
  shownFailing: readonly Finding[];
  /** Every finding the run evaluated, whatever its severity (staleness needs all of them). */
  evaluated: readonly Finding[];
  /** What the scan looked at (lifecycle.ts staleExceptions). */
  scanned: ScannedScope;
  coverage: DigestCoverage;
  ctx: ScopeContext;
  scoreSetAside: number;
  problems: readonly string[];
}

export const digestAcceptedRisks = (input: DigestAcceptedInput): DigestAcceptedRisks => {
  const { now, exceptions, hiddenBy } = input;
  const hidden = [...hiddenBy.values()].reduce((n, v) => n + v, 0);
  const expiring = expiringSoon(exceptions, now)
    .filter((e) => (hiddenBy.get(e.id) ?? 0) > 0)
    .map((e) => listed(e, now, hiddenBy.get(e.id) ?? 0));

  // Each expiry is told once: in the first digest after it (a first digest looks back a week).
  const sinceDays = input.since ? Math.max(0, (now.getTime() - input.since.getTime()) / DAY_MS) : EXPIRING_SOON_DAYS;
  const expired = recentlyExpired(exceptions, now, sinceDays)
    .map((e) => ({
      e,
      back: input.shownFailing.filter((f) => f.status === 'fail' && scopeCovers(e.scope, f, input.ctx)).length,
    }))
    .filter(({ e, back }) => back > 0 || insideDigest(e, input.coverage))
    .map(({ e, back }) => listed(e, now, back));

  const stale = staleExceptions(
    // One hiding something in this run matches something, whatever the list of findings says.
    exceptions.filter((e) => (hiddenBy.get(e.id) ?? 0) === 0 && insideDigest(e, input.coverage)),
    input.evaluated,
    { now, ouPath: input.ctx.ouPath },
    input.scanned,
  ).map((e) => listed(e, now, 0));

  return {
    hidden,
    exceptions: [...hiddenBy.values()].filter((n) => n > 0).length,
    scoreSetAside: input.scoreSetAside,
    expiring,
    expired,
    stale,
    problems: [...input.problems],
  };
};

/**
 * An item of the live Security Hub feed as a finding, for matching only. The feed carries no
 * evidence and no tags: a tag scope cannot match (tags unknown), and an accepted risk whose baseline
 * lists the finding cannot compare its evidence, so it does not hide it here (fail closed: it stays
 * as Security Hub says). Such findings are hidden in digests through their Security Hub workflow
 * status, which cloudsec sets to SUPPRESSED for the accepted risk (src/aws/securityhub-workflow.ts).
 */
const itemAsFinding = (item: ObservedItem, now: Date): Finding => ({
  id: item.findingId,
  source: item.source,
  checkId: item.checkId,
  status: item.state === 'resolved' ? 'pass' : item.state === 'unknown' ? 'unknown' : 'fail',
  severity: item.severity,
  service: item.service,
  accountId: item.accountId,
  region: item.region,
  resource: { type: item.resourceType, id: item.resourceId, arn: item.resourceArn },
  title: item.title,
  message: item.message,
  evidence: {},
  remediationId: item.remediationId,
  frameworks: { cis: null, securityHub: null },
  observedAt: now.toISOString(),
});

/**
 * Accepted risks over observed items (the live Security Hub feed): an open item an exception in
 * force hides becomes `suppressed`. Returns the items (same order); per hidden item (open or
 * already suppressed), the id of the exception that hides it; and the open items left shown, as
 * findings (for "came back" counts).
 */
export const acceptObservedItems = (
  items: readonly ObservedItem[],
  inForce: readonly RiskException[],
  ctx: ScopeContext & { now: Date },
): { items: ObservedItem[]; hiddenBy: Map<string, string>; shownFailing: Finding[] } => {
  const findings = items.map((i) => itemAsFinding(i, ctx.now));
  const applied = applyExceptions(findings, inForce, ctx);
  const hiddenBy = new Map(applied.excepted.map(({ finding, exception }) => [finding.id, exception.id]));
  const open = new Set(items.filter((i) => i.state === 'open').map((i) => i.findingId));
  return {
    items: items.map((i) => (open.has(i.findingId) && hiddenBy.has(i.findingId) ? { ...i, state: 'suppressed' } : i)),
    hiddenBy,
    shownFailing: findings.filter((f) => open.has(f.id) && !hiddenBy.has(f.id)),
  };
};
