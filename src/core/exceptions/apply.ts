import { severityRank, type Finding } from '../model';
import { EVIDENCE_DIGEST_VERSION, evidenceDigest } from './baseline';
import { checkInScope, scopeCovers, type ScopeContext } from './match';
import { ExceptionScopeSchema, exceptionNote, type AcceptedFinding, type ExportRow, type RiskException } from './model';
import { isInForce } from './lifecycle';
import { instantOf } from './time';

/**
 * Which findings accepted risks hide. Only a failing finding can be hidden, only by an exception in
 * force (status `active` and not yet at its expiry), and only while it is no worse than when the
 * risk was accepted.
 *
 * What "no worse" can mean depends on the exception's baseline (`accepted`):
 * - a finding in the baseline is compared with it: higher severity or changed evidence shows it again;
 * - a finding the scope covers but the baseline does not list (a new bucket matching `logs-*`) is
 *   hidden: covering what appears later is what a pattern is for. Such a finding has nothing to be
 *   compared with, so a later change of its evidence does not show it again;
 * - config exceptions (cloudsec.yml) have an empty baseline, since nobody saw the findings when the
 *   file was written: every failing finding they cover is hidden, whatever its severity or evidence
 *   becomes. That is the price of exceptions as code; their scope and expiry are reviewed in git.
 */

export interface ApplyContext extends ScopeContext {
  now: Date;
}

export interface ExceptedFinding {
  finding: Finding;
  exception: RiskException;
}

export interface ResurfacedFinding {
  finding: Finding;
  exception: RiskException;
  /** A sentence for humans: "severity rose from medium to high since the risk was accepted". */
  why: string;
}

export interface AppliedExceptions {
  /** What lists show, in the input order: every finding not hidden, resurfaced ones included. */
  shown: Finding[];
  /** Hidden failing findings with the exception that hides them, in the input order. */
  excepted: ExceptedFinding[];
  /** Findings an exception covers that are shown again because they got worse, in the input order. */
  resurfaced: ResurfacedFinding[];
}

/**
 * The exceptions that may hide findings now. The scope is checked again here, although rows are
 * parsed when read: a scope of an unexpected shape (built in code, or a row that slipped past a
 * parser) must hide nothing rather than throw or match too much.
 */
const applicable = (exceptions: readonly RiskException[], now: Date): RiskException[] =>
  exceptions.filter((e) => isInForce(e, now) && ExceptionScopeSchema.safeParse(e.scope).success);

/** The exception expiring last wins, then the smallest id: the same answer on every replica and every run. */
export const compareExceptions = (a: RiskException, b: RiskException): number => {
  const byExpiry = instantOf(b.expiresAt) - instantOf(a.expiresAt);
  if (byExpiry !== 0 && !Number.isNaN(byExpiry)) return byExpiry;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** Why the finding no longer is the risk that was accepted, or null when it still is. */
export const worsening = (finding: Finding, accepted: AcceptedFinding): string | null => {
  const reasons: string[] = [];
  if (severityRank(finding.severity) < severityRank(accepted.severity)) {
    reasons.push(`severity rose from ${accepted.severity} to ${finding.severity}`);
  }
  if (!accepted.evidence.startsWith(`${EVIDENCE_DIGEST_VERSION}:`)) {
    // Digests of another version cannot be compared; showing the finding again is the safe side.
    reasons.push('the evidence can no longer be compared (cloudsec changed how it records evidence)');
  } else if (accepted.evidence !== evidenceDigest(finding)) {
    reasons.push('the evidence changed');
  }
  if (reasons.length === 0) return null;
  return `${reasons.join(' and ')} since the risk was accepted`;
};

/** The exceptions that may cover findings of one check, indexed by what a finding must have. */
interface CheckBucket {
  /** Exceptions naming accounts explicitly (no `*`), by account id. */
  byAccount: Map<string, RiskException[]>;
  /** Exceptions on OUs (and not on named accounts), by OU id: tried for accounts below that OU. */
  byOu: Map<string, RiskException[]>;
  /** Exceptions on every account that require a tag value, by one `key=value` they require. */
  byTag: Map<string, RiskException[]>;
  /** The rest: tried on every finding of the check. */
  everywhere: RiskException[];
}

const push = (map: Map<string, RiskException[]>, key: string, e: RiskException) => {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
};

const tagKey = (key: string, value: string) => `${key}\u0000${value}`;

/**
 * An index over the exceptions in force, so a report of tens of thousands of findings does not try
 * every exception on every finding: check patterns are matched once per distinct check id, and an
 * exception is only tried on findings that have what it names at least one of (an account, an OU
 * above the account, a tag value). The index only narrows: every candidate is still judged by
 * `scopeCovers`, in the `compareExceptions` order, so the answer is the same as trying them all.
 */
const candidateIndex = (candidates: readonly RiskException[], ctx: ScopeContext) => {
  const rank = new Map(candidates.map((e, i) => [e, i]));
  const buckets = new Map<string, CheckBucket>();
  const bucketFor = (checkId: string): CheckBucket => {
    let bucket = buckets.get(checkId);
    if (bucket) return bucket;
    bucket = { byAccount: new Map(), byOu: new Map(), byTag: new Map(), everywhere: [] };
    for (const e of candidates) {
      if (!checkInScope(e.scope, checkId)) continue;
      const { accounts, ous, tags } = e.scope;
      const exactTag = Object.entries(tags ?? {}).find(([, value]) => value !== '*');
      if (accounts !== undefined && !accounts.includes('*')) {
        for (const account of new Set(accounts)) push(bucket.byAccount, account, e);
      } else if (ous !== undefined) {
        for (const ou of new Set(ous)) push(bucket.byOu, ou, e);
      } else if (exactTag) {
        push(bucket.byTag, tagKey(exactTag[0], exactTag[1]), e);
      } else {
        bucket.everywhere.push(e);
      }
    }
    buckets.set(checkId, bucket);
    return bucket;
  };
  const ouPaths = new Map<string, readonly string[] | null>();
  const ouPathOf = (accountId: string) => {
    if (!ouPaths.has(accountId)) ouPaths.set(accountId, ctx.ouPath(accountId));
    return ouPaths.get(accountId) ?? null;
  };
  return (finding: Finding): readonly RiskException[] => {
    const bucket = bucketFor(finding.checkId);
    const lists: RiskException[][] = [];
    const named = bucket.byAccount.get(finding.accountId);
    if (named) lists.push(named);
    if (bucket.byOu.size > 0) {
      // An unknown OU path covers nothing (scopeCovers would say so): no OU candidates to try.
      for (const ou of ouPathOf(finding.accountId) ?? []) {
        const list = bucket.byOu.get(ou);
        if (list) lists.push(list);
      }
    }
    if (bucket.byTag.size > 0 && finding.resource.tags) {
      for (const [key, value] of Object.entries(finding.resource.tags)) {
        const list = bucket.byTag.get(tagKey(key, value));
        if (list) lists.push(list);
      }
    }
    if (bucket.everywhere.length > 0) lists.push(bucket.everywhere);
    if (lists.length === 0) return [];
    if (lists.length === 1) return lists[0]!;
    return [...new Set(lists.flat())].sort((a, b) => rank.get(a)! - rank.get(b)!);
  };
};

export const applyExceptions = (
  findings: readonly Finding[],
  exceptions: readonly RiskException[],
  ctx: ApplyContext,
): AppliedExceptions => {
  const candidates = applicable(exceptions, ctx.now).sort(compareExceptions);
  const candidatesFor = candidateIndex(candidates, ctx);
  // Baselines indexed once: findings × exceptions lookups stay cheap on large estates.
  const baselines = new Map(candidates.map((e) => [e.id, new Map(e.accepted.map((a) => [a.findingId, a]))]));

  const shown: Finding[] = [];
  const excepted: ExceptedFinding[] = [];
  const resurfaced: ResurfacedFinding[] = [];
  for (const finding of findings) {
    const exception =
      finding.status === 'fail' ? candidatesFor(finding).find((e) => scopeCovers(e.scope, finding, ctx)) : undefined;
    if (exception === undefined) {
      shown.push(finding);
      continue;
    }
    const accepted = baselines.get(exception.id)?.get(finding.id);
    const why = accepted === undefined ? null : worsening(finding, accepted);
    if (why === null) {
      excepted.push({ finding, exception });
    } else {
      resurfaced.push({ finding, exception, why });
      shown.push(finding);
    }
  }
  return { shown, excepted, resurfaced };
};

/** Every finding as an output row, a hidden one carrying the note of the accepted risk that hides it. */
export const exportRows = (findings: readonly Finding[], applied: Pick<AppliedExceptions, 'excepted'>): ExportRow[] => {
  const hiddenBy = new Map(applied.excepted.map(({ finding, exception }) => [finding.id, exceptionNote(exception)]));
  return findings.map((finding) => {
    const exception = hiddenBy.get(finding.id);
    return exception ? { finding, exception } : { finding };
  });
};
