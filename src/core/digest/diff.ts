import { GLOBAL_REGION, SERVICES, severityRank, type AccountSnapshot, type Finding, type Service } from '../model';
import {
  unevaluatedKey,
  type DigestDelta,
  type DigestItem,
  type ItemScope,
  type Observation,
  type ObservedItem,
  type ObservedState,
} from './model';

/**
 * The digest's delta: what this run observed against what the last posted run stored.
 *
 * `stored` must hold, for a `complete` observation, every stored item of that source, and for a
 * `changes` observation at least the stored items whose ids it lists (the store looks them up by id
 * so that 100,000 untouched Security Hub findings are never read). A stored item of a source that
 * has no observation in this run is left exactly as it is.
 */
export const diffObservations = (
  stored: readonly DigestItem[],
  observations: readonly Observation[],
  now: Date,
): DigestDelta => {
  const at = now.toISOString();
  const byId = new Map(stored.map((s) => [s.findingId, s]));
  const delta: DigestDelta = { opened: [], reopened: [], resolved: [], suppressed: [], upserts: [], removals: [] };
  const resolve = (item: DigestItem) => {
    delta.resolved.push(item);
    delta.removals.push(item.findingId);
  };

  // An id listed twice (two observations of one source, or a repeat within one) counts once, the
  // last listing winning, so one finding can never be both opened and resolved in the same run.
  const latest = new Map<string, ObservedItem>();
  for (const observation of observations) for (const item of observation.items) latest.set(item.findingId, item);

  for (const item of latest.values()) {
    const before = byId.get(item.findingId);
    if (item.state === 'unknown') continue;
    if (item.state === 'resolved') {
      if (before) resolve(before);
      continue;
    }
    const { state: _observed, ...fields } = item;
    const next: DigestItem = {
      ...fields,
      state: item.state,
      firstSeenAt: before?.firstSeenAt ?? at,
      lastSeenAt: at,
    };
    delta.upserts.push(next);
    // Back from suppression (an accepted risk ended, Security Hub's suppression lifted) is not new.
    if (item.state === 'open' && before === undefined) delta.opened.push(next);
    if (item.state === 'open' && before?.state === 'suppressed') delta.reopened.push(next);
    if (item.state === 'suppressed' && before?.state === 'open') delta.suppressed.push(next);
  }

  for (const { source, unevaluated } of completeBySource(observations)) {
    for (const before of stored) {
      if (before.source !== source || latest.has(before.findingId)) continue;
      const keptBecauseUnevaluated =
        unevaluated.has(unevaluatedKey(before.accountId)) ||
        unevaluated.has(unevaluatedKey(before.accountId, before.checkId));
      if (!keptBecauseUnevaluated) resolve(before);
    }
  }
  return delta;
};

/**
 * Complete observations of one source are read as one (e.g. one per account): what matters is
 * whether any of them listed an item, and the union of what none of them could evaluate.
 */
const completeBySource = (observations: readonly Observation[]) => {
  const bySource = new Map<DigestItem['source'], Set<string>>();
  for (const o of observations) {
    if (o.kind !== 'complete') continue;
    const set = bySource.get(o.source) ?? new Set<string>();
    for (const key of o.unevaluated) set.add(key);
    bySource.set(o.source, set);
  }
  return [...bySource].map(([source, unevaluated]) => ({ source, unevaluated }));
};

// ---------------------------------------------------------------- observing findings

const securityHubState = (evidence: Record<string, unknown>): ObservedState => {
  const field = (key: string) => {
    const value = evidence[key];
    return typeof value === 'string' ? value.toUpperCase() : null;
  };
  // A finding that is gone from Security Hub or passes is fixed whatever its workflow says; one
  // Security Hub itself could not evaluate (NOT_AVAILABLE) must not read as fixed or as new.
  if (field('recordState') === 'ARCHIVED') return 'resolved';
  if (field('complianceStatus') === 'PASSED') return 'resolved';
  if (field('workflowStatus') === 'RESOLVED') return 'resolved';
  if (field('complianceStatus') === 'NOT_AVAILABLE') return 'unknown';
  if (field('workflowStatus') === 'SUPPRESSED') return 'suppressed';
  return 'open';
};

const observedState = (finding: Finding, accepted: boolean): ObservedState => {
  if (finding.status === 'pass') return 'resolved';
  if (finding.status === 'unknown') return 'unknown';
  const state = finding.source === 'securityhub' ? securityHubState(finding.evidence) : 'open';
  // An accepted risk hides an open finding; it never makes a fixed or unreadable one look suppressed.
  return state === 'open' && accepted ? 'suppressed' : state;
};

/**
 * A finding as a digest sees it. Security Hub findings read their state from the evidence the
 * collectors keep (`workflowStatus`, `complianceStatus`, and `recordState` when the incremental
 * collector records it). `accepted`: an accepted risk hides the finding, so an open one is
 * observed as `suppressed` (kept, not counted as fixed; see ./model.ts).
 */
export const toObservedItem = (finding: Finding, accepted = false): ObservedItem => ({
  findingId: finding.id,
  source: finding.source,
  checkId: finding.checkId,
  service: finding.service,
  severity: finding.severity,
  accountId: finding.accountId,
  region: finding.region,
  resourceType: finding.resource.type,
  resourceId: finding.resource.id,
  resourceArn: finding.resource.arn,
  title: finding.title,
  message: finding.message,
  remediationId: finding.remediationId,
  state: observedState(finding, accepted),
});

const SECURITY_HUB_CONTROL = /^securityhub:([A-Za-z][A-Za-z0-9]*)\.\d+$/;

/**
 * The cloudsec service a Security Hub control belongs to (`securityhub:S3.8` → `s3`), so that a
 * digest scoped to `services: [s3]` also shows Security Hub's S3 controls.
 */
export const securityHubControlService = (checkId: string): Service | null => {
  const prefix = SECURITY_HUB_CONTROL.exec(checkId)?.[1]?.toLowerCase();
  return SERVICES.find((s) => s === prefix) ?? null;
};

/**
 * Whether a finding belongs in a digest by service and severity (accounts, OUs and sources are
 * resolved by the app before scanning). A Security Hub finding is in scope when the scope names
 * `securityhub` or the service of its control.
 */
export const inScope = (item: Pick<DigestItem, 'service' | 'severity' | 'source' | 'checkId'>, scope: ItemScope) => {
  if (severityRank(item.severity) > severityRank(scope.minSeverity)) return false;
  const services: readonly string[] = scope.services;
  if (services.includes(item.service)) return true;
  if (item.source !== 'securityhub') return false;
  const control = securityHubControlService(item.checkId);
  return control !== null && services.includes(control);
};

const ENTER_ACCOUNT_FAILURE = 'Could not enter account ';

/**
 * `evaluateAccount` reports an account it could not enter as one unknown finding per check, on the
 * account itself, in the global region (src/core/findings.ts).
 */
const isEnterAccountFailure = (f: Finding) =>
  f.status === 'unknown' &&
  f.resource.type === 'AwsAccount' &&
  f.resource.id === f.accountId &&
  f.region === GLOBAL_REGION &&
  f.message.startsWith(ENTER_ACCOUNT_FAILURE);

export interface ObserveOptions {
  scope: ItemScope;
  /**
   * The scanned accounts (the snapshot's), with the checks that were run (`id`, `requires`): a
   * check whose snapshot slices were not collected for an account produces no finding at all,
   * which must not read as "everything it found before is fixed". Both are optional; without them
   * only unknown findings mark what was not evaluated.
   */
  accounts?: readonly Pick<AccountSnapshot, 'accountId' | 'access' | Service>[];
  checks?: readonly { id: string; requires: readonly Service[] }[];
  /** Ids of the findings accepted risks hide (src/core/exceptions applyExceptions' `excepted`). */
  accepted?: ReadonlySet<string>;
}

/**
 * This run's `complete` observation of cloudsec's own checks. Unknown findings are observed (so
 * their stored items are kept) and name their account and check in `unevaluated`, whatever their
 * severity: a stored high finding must survive a scan whose low-severity sibling was refused.
 */
export const observeFindings = (findings: readonly Finding[], options: ObserveOptions): Observation => {
  const unevaluated = new Set<string>();
  const items: ObservedItem[] = [];
  for (const finding of findings) {
    if (finding.source !== 'cloudsec') continue;
    if (finding.status === 'unknown') {
      unevaluated.add(unevaluatedKey(finding.accountId, finding.checkId));
      if (isEnterAccountFailure(finding)) unevaluated.add(unevaluatedKey(finding.accountId));
    }
    const item = toObservedItem(finding, options.accepted?.has(finding.id) === true);
    if (inScope(item, options.scope)) items.push(item);
  }
  for (const account of options.accounts ?? []) {
    if (!account.access.ok) {
      unevaluated.add(unevaluatedKey(account.accountId));
      continue;
    }
    for (const check of options.checks ?? [])
      if (check.requires.some((slice) => account[slice] === undefined))
        unevaluated.add(unevaluatedKey(account.accountId, check.id));
  }
  return { kind: 'complete', source: 'cloudsec', items, unevaluated };
};
