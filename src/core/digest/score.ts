import { SEVERITIES, type Severity } from '../model';
import { zeroCounts, type AccountBreakdown, type DigestItem, type ScoreInput, type SeverityCounts } from './model';

/**
 * How much one check result weighs in the posture score, by severity. A critical failure costs ten
 * times a low one; informational results do not count. The README quotes this table.
 */
export const SCORE_WEIGHTS: Readonly<Record<Severity, number>> = Object.freeze({
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
  informational: 0,
});

/**
 * Whether a result is set aside by the score: unknown (a refused API call is neither a pass nor a
 * failure), or a failure an accepted risk hides (`accepted`).
 *
 * Accepted risks are set aside rather than counted as passes or as failures. Counting them as
 * failures would punish a team for a decision it documented and had approved, and keep the digest
 * repeating what it already accepted; counting them as passes would let an acceptance raise the
 * score as much as a fix does. Set aside, the score is the weighted share of passing results among
 * those that are neither unknown nor accepted, and the digest says beside it how many were set aside
 * (`scoreSetAside`), so a score lifted by acceptances never reads as one earned by fixes. A failure
 * shown again under an accepted risk (it got worse) is not `accepted`: it counts as a failure.
 */
const setAside = (r: ScoreInput): boolean => r.status === 'unknown' || (r.status === 'fail' && r.accepted === true);

/**
 * The posture score: the weighted share of passing cloudsec check results, 0–100 with one decimal.
 * Unknown results and failures an accepted risk hides are left out (see `setAside`), and so is
 * Security Hub, which reports only failures. Null when no weighted pass or fail is left.
 */
export const postureScore = (results: Iterable<ScoreInput>): number | null => {
  let passed = 0;
  let total = 0;
  for (const r of results) {
    if (setAside(r)) continue;
    const weight = SCORE_WEIGHTS[r.severity];
    total += weight;
    if (r.status === 'pass') passed += weight;
  }
  // Weights are integers, so rounding the per-mille value avoids binary-fraction artefacts (x.x5).
  return total === 0 ? null : Math.round((passed * 1000) / total) / 10;
};

/**
 * How many failing results the score left out because accepted risks hide them: those that would
 * have weighed in it (informational results weigh nothing, so they are not "not counted").
 */
export const scoreSetAside = (results: Iterable<ScoreInput>): number => {
  let n = 0;
  for (const r of results) if (r.status === 'fail' && r.accepted === true && SCORE_WEIGHTS[r.severity] > 0) n += 1;
  return n;
};

/** The posture score of each account that has results. */
export const postureScoreByAccount = (
  results: Iterable<ScoreInput & { accountId: string }>,
): Record<string, number | null> => {
  const byAccount = new Map<string, ScoreInput[]>();
  for (const r of results) {
    const list = byAccount.get(r.accountId) ?? [];
    list.push(r);
    byAccount.set(r.accountId, list);
  }
  return Object.fromEntries([...byAccount].map(([accountId, list]) => [accountId, postureScore(list)]));
};

/** Counts by severity of every item given (pass only the open ones for "open" counts). */
export const countBySeverity = (items: Iterable<{ severity: Severity }>): SeverityCounts => {
  const counts = zeroCounts();
  for (const item of items) counts[item.severity] += 1;
  return counts;
};

export interface AccountBreakdownInput {
  /** Accounts in the digest's scope: one with nothing open still gets its line. */
  accountIds: Iterable<string>;
  /** Open items per account, e.g. the store's `digestItemCounts().byAccount`. */
  open: readonly { accountId: string; open: SeverityCounts }[];
  /** Posture score per account; an account missing here has no score. */
  scores: Readonly<Record<string, number | null>>;
  /** This run's delta lists, counted per account. */
  opened: readonly Pick<DigestItem, 'accountId'>[];
  resolved: readonly Pick<DigestItem, 'accountId'>[];
  accountNames: Readonly<Record<string, string>>;
}

/**
 * Worst first: the lowest score, then the most critical open findings, then high, medium, … and
 * finally the name. An account without a score (e.g. only Security Hub findings, or an account
 * cloudsec could not enter) sorts after every scored one and among them by its open counts.
 */
export const compareAccounts = (a: AccountBreakdown, b: AccountBreakdown): number => {
  if (a.score !== b.score) {
    if (a.score === null) return 1;
    if (b.score === null) return -1;
    return a.score - b.score;
  }
  for (const s of SEVERITIES) if (a.open[s] !== b.open[s]) return b.open[s] - a.open[s];
  return a.accountName.localeCompare(b.accountName) || a.accountId.localeCompare(b.accountId);
};

export const accountBreakdown = (input: AccountBreakdownInput): AccountBreakdown[] => {
  const tally = (items: readonly Pick<DigestItem, 'accountId'>[]) => {
    const counts = new Map<string, number>();
    for (const i of items) counts.set(i.accountId, (counts.get(i.accountId) ?? 0) + 1);
    return counts;
  };
  const open = new Map(input.open.map((o) => [o.accountId, o.open]));
  const opened = tally(input.opened);
  const resolved = tally(input.resolved);
  const ids = new Set([
    ...input.accountIds,
    ...open.keys(),
    ...Object.keys(input.scores),
    ...opened.keys(),
    ...resolved.keys(),
  ]);
  return [...ids]
    .map((accountId): AccountBreakdown => ({
      accountId,
      accountName: input.accountNames[accountId] ?? accountId,
      score: input.scores[accountId] ?? null,
      open: { ...(open.get(accountId) ?? zeroCounts()) },
      opened: opened.get(accountId) ?? 0,
      resolved: resolved.get(accountId) ?? 0,
    }))
    .sort(compareAccounts);
};
