import { inScope } from '../../core/digest/diff';
import {
  DigestRunSummarySchema,
  unevaluatedKey,
  zeroCounts,
  type DigestDelta,
  type DigestItem,
  type DigestReport,
  type DigestRunSummary,
  type SeverityCounts,
} from '../../core/digest/model';
import { diffObservations } from '../../core/digest/diff';
import { accountBreakdown, postureScore, postureScoreByAccount, scoreSetAside } from '../../core/digest/score';
import { digestAcceptedRisks } from '../../core/digest/accepted';
import { TREND_RUNS, trendSeries } from '../../core/digest/trend';
import { nextOccurrence } from '../../schedule/occurrences';
import { severityRank } from '../../core/model';
import { scopeCovers, scopeOf, type Scope } from '../../core/access/policy';
import type { AccountRef } from '../../core/access/permissions';
import type { DigestConfig } from '../../digest-config';
import type { DigestItemCounts, DigestRun } from '../../store/store';
import { observeScope, type RunObservation, type SecurityHubMark } from './observe';
import type { DigestDeps } from './ports';
import { readDigestAlerts } from './alerts';
import type { TrendPoint } from '../../core/digest/model';

/** Still-open findings listed in the message (the rest are counted and attached). */
export const STILL_OPEN_LISTED = 50;
const HISTORY = 31;

export interface BuiltRun {
  report: DigestReport;
  delta: DigestDelta;
  summary: DigestRunSummary;
  observation: RunObservation;
  /** This run's point appended to the stored history (oldest first). */
  trend: TrendPoint[];
  /** The stored item ids this run read, to overlay the delta when listing everything. */
  touched: ReadonlyMap<string, DigestItem>;
  partitionOf: (accountId: string) => string;
  /** The scope this run applied, stored with the run so the next one can tell it changed. */
  scopeKey: string;
  /** Where this run counted alerts up to, stored with the run (`alertsUntil`) as the next one's start. */
  alertsUntil: string;
}

export const summaryOf = (run: DigestRun | undefined): DigestRunSummary | null => {
  if (!run) return null;
  const parsed = DigestRunSummarySchema.safeParse(run.details);
  return parsed.success ? parsed.data : null;
};

const markOf = (run: DigestRun | undefined): SecurityHubMark | null => {
  const raw = (run?.details as { securityHub?: unknown } | undefined)?.securityHub;
  if (!raw || typeof raw !== 'object') return null;
  const { until, baselineAt } = raw as Record<string, unknown>;
  return typeof until === 'string' && typeof baselineAt === 'string' ? { until, baselineAt } : null;
};

const subtract = (counts: SeverityCounts, item: DigestItem) => {
  if (item.state === 'open') counts[item.severity] -= 1;
};
const add = (counts: SeverityCounts, item: DigestItem) => {
  if (item.state === 'open') counts[item.severity] += 1;
};

/** The stored counts with the delta applied, without writing it (the run may still fail to post). */
const countsAfter = (before: DigestItemCounts, touched: ReadonlyMap<string, DigestItem>, delta: DigestDelta) => {
  const open = { ...before.open };
  let suppressed = before.suppressed;
  const byAccount = new Map(before.byAccount.map((a) => [a.accountId, { ...a, open: { ...a.open } }]));
  const account = (id: string) =>
    byAccount.get(id) ?? byAccount.set(id, { accountId: id, open: zeroCounts(), suppressed: 0 }).get(id)!;
  const remove = (item: DigestItem) => {
    subtract(open, item);
    subtract(account(item.accountId).open, item);
    if (item.state === 'suppressed') {
      suppressed -= 1;
      account(item.accountId).suppressed -= 1;
    }
  };
  const put = (item: DigestItem) => {
    add(open, item);
    add(account(item.accountId).open, item);
    if (item.state === 'suppressed') {
      suppressed += 1;
      account(item.accountId).suppressed += 1;
    }
  };
  for (const id of delta.removals) {
    const was = touched.get(id);
    if (was) remove(was);
  }
  for (const item of delta.upserts) {
    const was = touched.get(item.findingId);
    if (was) remove(was);
    put(item);
  }
  return { open, suppressed, byAccount: [...byAccount.values()] };
};

const sorted = (values: readonly string[] | undefined) => (values ? [...values].sort() : null);
const scopeKeyOf = (digest: DigestConfig): string => {
  const { accounts, ous, services, minSeverity, sources } = digest.scope;
  return JSON.stringify([sorted(accounts), sorted(ous), sorted(services), minSeverity, sorted(sources)]);
};

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Whether a stored item's account is in the scope: true, false, or null when that cannot be told
 * (a scope of names or OUs, and an account neither configured nor in this run's snapshot, as in
 * organization mode before a full scan). Undecided items are kept, never dropped or resolved.
 */
const accountJudge = (scope: Scope, known: readonly AccountRef[], scanned: readonly AccountRef[]) => {
  const directory = new Map<string, AccountRef>(known.map((a) => [a.id, a]));
  for (const a of scanned) directory.set(a.id, { ...directory.get(a.id), ...a });
  const idsOnly = scope.kind === 'all' || (scope.ous.length === 0 && scope.accounts.every((e) => ACCOUNT_ID.test(e)));
  return (accountId: string): boolean | null => {
    const ref = directory.get(accountId);
    if (ref) return scopeCovers(scope, ref);
    const byId = scopeCovers(scope, { id: accountId, name: accountId });
    return byId || idsOnly ? byId : null;
  };
};

/**
 * A full Security Hub read limited to the accounts known to be in scope says nothing about the
 * others: their stored items must not read as resolved because they were not listed.
 */
const keepUnreadSecurityHubAccounts = (observation: RunObservation, stored: readonly DigestItem[]) => {
  if (observation.securityHubAccounts === null) return;
  const read = new Set(observation.securityHubAccounts);
  observation.observations = observation.observations.map((o) => {
    if (o.kind !== 'complete' || o.source !== 'securityhub') return o;
    const unevaluated = new Set(o.unevaluated);
    for (const item of stored)
      if (item.source === 'securityhub' && !read.has(item.accountId)) unevaluated.add(unevaluatedKey(item.accountId));
    return { ...o, unevaluated };
  });
};

const byAgeThenSeverity = (a: DigestItem, b: DigestItem) =>
  a.firstSeenAt.localeCompare(b.firstSeenAt) ||
  severityRank(a.severity) - severityRank(b.severity) ||
  a.findingId.localeCompare(b.findingId);

/** The oldest open items after the delta: the stored oldest, overlaid with what this run changed. */
const oldestAfter = async (deps: DigestDeps, name: string, delta: DigestDelta, limit: number) => {
  const changed = new Map(delta.upserts.map((u) => [u.findingId, u]));
  const gone = new Set(delta.removals);
  const stored = await deps.store.oldestOpenDigestItems(name, limit + changed.size + gone.size);
  const candidates = new Map<string, DigestItem>();
  for (const item of stored)
    if (!gone.has(item.findingId) && !changed.has(item.findingId)) candidates.set(item.findingId, item);
  for (const item of changed.values()) if (item.state === 'open') candidates.set(item.findingId, item);
  return [...candidates.values()].sort(byAgeThenSeverity).slice(0, limit);
};

const total = (c: SeverityCounts) => Object.values(c).reduce((n, v) => n + v, 0);

/** Observes the scope, compares with the stored state and builds the report; writes nothing. */
export const buildRun = async (deps: DigestDeps, digest: DigestConfig, scheduledFor: Date): Promise<BuiltRun> => {
  const now = deps.clock();
  const history = await deps.store.digestRunHistory(digest.name, HISTORY);
  const previousRun = history.find((r) => r.status === 'succeeded' && r.scheduledFor !== scheduledFor.toISOString());
  const previous = summaryOf(previousRun);
  const scope = scopeOf(digest.scope);
  const known = await deps.knownAccounts();
  const inScopeAccount = (a: { id: string; name: string; ou?: string | null }) => {
    const ref = known.find((k) => k.id === a.id);
    return scopeCovers(scope, { id: a.id, name: ref?.name ?? a.name, ou: a.ou ?? ref?.ou, ouPath: ref?.ouPath });
  };

  const observation = await observeScope(deps, digest, inScopeAccount, markOf(previousRun), now);

  // Stored items this run can judge: every item of a fully observed source, and the changed ids of the others.
  const touched = new Map<string, DigestItem>();
  for (const o of observation.observations) {
    const items =
      o.kind === 'complete'
        ? await deps.store.digestItems(digest.name, { source: o.source })
        : await deps.store.digestItems(digest.name, { ids: o.items.map((i) => i.findingId) });
    for (const item of items) touched.set(item.findingId, item);
  }
  // Items the scope no longer covers (the config changed) are forgotten quietly, not reported as fixed.
  const accountCovered = accountJudge(scope, known, observation.scanned);
  const covered = (i: DigestItem) =>
    digest.scope.sources.includes(i.source) && inScope(i, digest.scope) && accountCovered(i.accountId) !== false;
  // An incremental read touches only what changed, so after a scope change everything stored is
  // looked at once (a page at a time, keeping only what leaves).
  const scopeKey = scopeKeyOf(digest);
  if (previousRun && (previousRun.details as { scope?: unknown }).scope !== scopeKey) {
    await deps.store.eachDigestItem(digest.name, (item) => {
      if (!touched.has(item.findingId) && !covered(item)) touched.set(item.findingId, item);
    });
  }
  const outOfScope = [...touched.values()].filter((i) => !covered(i));
  const leaving = new Set(outOfScope);
  const judged = [...touched.values()].filter((i) => !leaving.has(i));
  keepUnreadSecurityHubAccounts(observation, judged);
  const delta = diffObservations(judged, observation.observations, now);
  delta.removals.push(...outOfScope.map((i) => i.findingId));

  const after = countsAfter(await deps.store.digestItemCounts(digest.name), touched, delta);
  const stillOpen = await oldestAfter(deps, digest.name, delta, STILL_OPEN_LISTED);
  const cloudsecRead =
    digest.scope.sources.includes('cloudsec') && observation.observations.some((o) => o.source === 'cloudsec');
  const score = cloudsecRead ? postureScore(observation.scoreInputs) : null;
  const acceptedRisks = digestAcceptedRisks({
    ...observation.accepted,
    now,
    // Expiries are told once: those since the last posted digest (a first digest looks back a week).
    since: previousRun ? new Date(previousRun.scheduledFor) : null,
    scoreSetAside: cloudsecRead ? scoreSetAside(observation.scoreInputs) : 0,
  });
  const accountNames = Object.fromEntries([
    ...known.map((k) => [k.id, k.name] as const),
    ...observation.accounts.map((a) => [a.id, a.name] as const),
  ]);
  const accountIds = new Set([...observation.accounts.map((a) => a.id), ...after.byAccount.map((a) => a.accountId)]);
  const alerts = await readDigestAlerts(deps, {
    digestName: digest.name,
    previousRun,
    accountIds: alertAccounts(scope, known, observation, accountCovered),
    now,
  });
  const summary: DigestRunSummary = {
    score,
    open: after.open,
    suppressed: after.suppressed,
    opened: delta.opened.length,
    reopened: delta.reopened.length,
    resolved: delta.resolved.length,
    newlySuppressed: delta.suppressed.length,
    accepted: acceptedRisks.hidden,
    incomplete: observation.incomplete,
    message: null,
  };
  const report: DigestReport = {
    name: digest.name,
    scheduledFor: scheduledFor.toISOString(),
    timezone: digest.timezone,
    style: digest.style,
    scopeText: describeScope(digest),
    demo: observation.demo,
    firstRun: previous === null,
    score,
    previousScore: previous?.score ?? null,
    open: after.open,
    previousOpen: previous?.open ?? null,
    suppressed: after.suppressed,
    opened: { total: delta.opened.length, items: delta.opened },
    reopened: { total: delta.reopened.length, items: delta.reopened },
    resolved: { total: delta.resolved.length, items: delta.resolved },
    newlySuppressed: { total: delta.suppressed.length, items: delta.suppressed },
    stillOpen: { total: total(after.open), items: stillOpen },
    accounts:
      accountIds.size > 1
        ? accountBreakdown({
            accountIds,
            open: after.byAccount,
            scores: cloudsecRead ? postureScoreByAccount(observation.scoreInputs) : {},
            opened: delta.opened,
            resolved: delta.resolved,
            accountNames,
          })
        : [],
    incomplete: observation.incomplete,
    remediationEnabled: deps.remediationEnabled,
    accountNames,
    acceptedRisks,
    ...(alerts.alerts ? { alerts: alerts.alerts } : {}),
  };
  const runs = [
    { scheduledFor: scheduledFor.toISOString(), status: 'succeeded' as const, summary },
    ...history
      .filter((r) => r.scheduledFor !== scheduledFor.toISOString())
      .map((r) => ({ scheduledFor: r.scheduledFor, status: r.status, summary: summaryOf(r) })),
  ];
  const partitions = new Map(observation.accounts.map((a) => [a.id, a.partition]));
  return {
    report,
    delta,
    summary,
    observation,
    trend: trendSeries(runs, { scheduledTimes: scheduledTimesOf(digest, runs, scheduledFor) }),
    touched,
    partitionOf: (id) => partitions.get(id) ?? 'aws',
    scopeKey,
    alertsUntil: alerts.countedUntil,
  };
};

/**
 * The accounts whose alerts a scoped digest counts: those it can tell are in its scope (configured,
 * known from the organization, or scanned by this run, and account ids named in the scope). An
 * account it cannot place is left out: a digest never counts another scope's alerts. Null for a
 * digest of every account.
 */
const alertAccounts = (
  scope: Scope,
  known: readonly AccountRef[],
  observation: RunObservation,
  covered: (accountId: string) => boolean | null,
): string[] | null => {
  if (scope.kind === 'all') return null;
  const candidates = new Set([
    ...known.map((a) => a.id),
    ...observation.scanned.map((a) => a.id),
    ...observation.accounts.map((a) => a.id),
    ...scope.accounts.filter((entry) => ACCOUNT_ID.test(entry)),
  ]);
  return [...candidates].filter((id) => covered(id) === true).sort();
};

/**
 * The times the schedule fired over the drawn window, so the chart puts gaps only where a run was
 * due and missing (a weekday digest has none over the weekend).
 */
const scheduledTimesOf = (
  digest: DigestConfig,
  runs: readonly { scheduledFor: string }[],
  until: Date,
): string[] | undefined => {
  const drawn = runs.slice(0, TREND_RUNS).map((r) => Date.parse(r.scheduledFor));
  if (drawn.length < 2) return undefined;
  const times: string[] = [];
  let at: Date | null = new Date(Math.min(...drawn) - 1);
  while (times.length < 1_000) {
    at = nextOccurrence(digest.schedule, digest.timezone, at);
    if (!at || at.getTime() > until.getTime()) break;
    times.push(at.toISOString());
  }
  return times.length >= 1_000 ? undefined : times;
};

const SEVERITY_WORDS: Record<DigestConfig['scope']['minSeverity'], string> = {
  critical: 'critical only',
  high: 'high and above',
  medium: 'medium and above',
  low: 'low and above',
  informational: 'all severities',
};

export const describeScope = (digest: DigestConfig): string => {
  const { scope } = digest;
  const where = [
    scope.accounts ? `accounts ${scope.accounts.join(', ')}` : null,
    scope.ous ? `OUs ${scope.ous.join(', ')}` : null,
  ].filter(Boolean);
  const sources = scope.sources.map((s) => (s === 'cloudsec' ? 'cloudsec checks' : 'Security Hub')).join(' + ');
  return [
    where.length > 0 ? where.join(', ') : 'every account',
    scope.services.join(', '),
    SEVERITY_WORDS[scope.minSeverity],
    sources,
  ].join(' · ');
};
