import { checkCatalog } from '../../core/checks/catalog';
import { observeFindings, toObservedItem, inScope } from '../../core/digest/diff';
import { acceptObservedItems, type DigestCoverage } from '../../core/digest/accepted';
import { applyExceptions } from '../../core/exceptions/apply';
import { isInForce, type ScannedScope } from '../../core/exceptions/lifecycle';
import type { ScopeContext } from '../../core/exceptions/match';
import type { RiskException } from '../../core/exceptions/model';
import type { Observation, ObservedItem, ScoreInput } from '../../core/digest/model';
import { evaluateChecks } from '../../core/findings';
import { SERVICES, severityRank, type Finding, type Service, type Snapshot } from '../../core/model';
import type { DigestConfig } from '../../digest-config';
import type { AccountRef } from '../../core/access/permissions';
import { errorText } from '../../core/error-text';
import { errorMessage } from '../remediation/support';
import { slicesFor } from '../run-check';
import type { DigestDeps } from './ports';
import { makeAcceptedRisks, REPORTED_STATUSES } from '../accepted-risks';

/** What one run saw, before it is compared with the stored state. */
export interface RunObservation {
  observations: Observation[];
  /** cloudsec check results in scope (pass and fail), per account: the posture score. */
  scoreInputs: (ScoreInput & { accountId: string })[];
  /** One line per thing that could not be read; empty when the scan was complete. */
  incomplete: string[];
  /** Accounts the run covered (for the per-account breakdown), with names and partitions. */
  accounts: { id: string; name: string; partition: string }[];
  /**
   * Every account the snapshot held, in scope or not, with its name and OU. In organization mode
   * nothing else may know them (no account is configured), and without them a scope of names or
   * OUs cannot be applied to what the store remembers.
   */
  scanned: AccountRef[];
  /** The accounts Security Hub was read for; null when the scope is every account (or it was not read). */
  securityHubAccounts: string[] | null;
  demo: boolean;
  /** Security Hub bookkeeping for the next run (stored in the run's details). */
  securityHub: SecurityHubMark | null;
  /** Security Hub calls made (the bench reads it). */
  securityHubCalls: number;
  /** The findings evaluated from the snapshot (accounts in scope), stored after a post for the Remediate buttons. */
  findings: Finding[];
  /** When the snapshot was taken. */
  generatedAt: string | null;
  /** What accepted risks did in this run: the material of the digest's "accepted risks" part. */
  accepted: AcceptedObservation;
}

/** Accepted risks as one run met them (src/core/digest/accepted.ts turns this into the report's part). */
export interface AcceptedObservation {
  /** Active and expired ones, cloudsec.yml first (src/app/accepted-risks.ts). */
  exceptions: RiskException[];
  problems: string[];
  /** Accepted risk id → findings in the digest's scope it hides in this run. */
  hiddenBy: Map<string, number>;
  /** Failing findings in the digest's scope shown in this run. */
  shownFailing: Finding[];
  /** Every finding the run evaluated (all severities), for staleness. */
  evaluated: Finding[];
  scanned: ScannedScope;
  coverage: DigestCoverage;
  ctx: ScopeContext;
}

export interface SecurityHubMark {
  /** The end of this run's window: the next run's `since`. */
  until: string;
  /** When Security Hub was last read in full. */
  baselineAt: string;
}

/** Severities at or above the digest's minimum. */
export const severitiesFrom = (min: DigestConfig['scope']['minSeverity']) =>
  (['critical', 'high', 'medium', 'low', 'informational'] as const).filter((s) => severityRank(s) <= severityRank(min));

const DAY_MS = 86_400_000;

/**
 * Reads the digest's scope. Nothing here throws: a source that fails becomes a line in
 * `incomplete` and contributes no observation, so its stored findings stay as they were (an outage
 * never reads as "everything was fixed").
 */
export const observeScope = async (
  deps: DigestDeps,
  digest: DigestConfig,
  inScopeAccount: (account: { id: string; name: string; ou?: string | null }) => boolean,
  previous: SecurityHubMark | null,
  now: Date,
): Promise<RunObservation> => {
  const { scope } = digest;
  const result: RunObservation = {
    observations: [],
    scoreInputs: [],
    incomplete: [],
    accounts: [],
    scanned: [],
    securityHubAccounts: null,
    demo: false,
    securityHub: null,
    securityHubCalls: 0,
    findings: [],
    generatedAt: null,
    accepted: {
      exceptions: [],
      problems: [],
      hiddenBy: new Map(),
      shownFailing: [],
      evaluated: [],
      scanned: { accountIds: new Set(), checkIds: new Set() },
      coverage: {
        everyAccount: !scope.accounts && !scope.ous,
        accountIds: new Set(),
        checkIds: new Set(),
        catalog: checkCatalog().map((c) => c.id),
        securityHubComplete: false,
      },
      ctx: { ouPath: () => null },
    },
  };
  const accepted = result.accepted;
  // Accepted risks are read whatever else fails: an unreadable store hides nothing (accepted-risks.ts).
  const risks = await (
    deps.acceptedRisks ??
    makeAcceptedRisks({ config: deps.config, store: deps.store, clock: deps.clock, log: deps.log })
  ).read(REPORTED_STATUSES);
  accepted.exceptions = risks.exceptions;
  accepted.problems = risks.problems;
  const inForce = risks.exceptions.filter((e) => isInForce(e, now));
  if (inForce.some((e) => e.scope.ous !== undefined)) {
    // Only OU scopes need the account's place in the organization; an account not placed is null (not covered).
    const paths = new Map<string, readonly string[]>();
    for (const a of await deps.knownAccounts()) if (a.ouPath) paths.set(a.id, a.ouPath);
    accepted.ctx = { ouPath: (id) => paths.get(id) ?? null };
  }
  const hide = (exceptionId: string) =>
    accepted.hiddenBy.set(exceptionId, (accepted.hiddenBy.get(exceptionId) ?? 0) + 1);
  const wantsCloudsec = scope.sources.includes('cloudsec');
  const feed = scope.sources.includes('securityhub') ? deps.securityHub : null;
  // Without a live feed, Security Hub findings come from the snapshot (bounded, complete per run).
  const shFromSnapshot = scope.sources.includes('securityhub') && !feed && scope.services.includes('securityhub');
  const services = SERVICES.filter(
    (s: Service) => (wantsCloudsec && scope.services.includes(s)) || (s === 'securityhub' && shFromSnapshot),
  );

  let snapshot: Snapshot | null = null;
  if (services.length > 0) {
    try {
      // Collect what the checks read (CloudTrail's log-bucket checks read S3), report on `services`.
      snapshot = await deps.source.load({ services: slicesFor(checkCatalog(), services), reporting: services });
    } catch (err) {
      result.incomplete.push(`cloudsec checks: the scan failed (${errorText(errorMessage(err))})`);
    }
  }
  if (snapshot) {
    result.demo = snapshot.demo;
    result.scanned = snapshot.accounts.map((a) => ({
      id: a.accountId,
      name: a.accountName,
      ...(a.ou ? { ou: a.ou } : {}),
    }));
    const accounts = snapshot.accounts.filter((a) =>
      inScopeAccount({ id: a.accountId, name: a.accountName, ou: a.ou }),
    );
    result.accounts = accounts.map((a) => ({ id: a.accountId, name: a.accountName, partition: a.partition }));
    for (const a of accounts) {
      if (!a.access.ok)
        result.incomplete.push(
          `${a.accountName} (${a.accountId}): could not enter the account (${a.access.error.message})`,
        );
      for (const w of a.warnings) result.incomplete.push(`${a.accountName} (${a.accountId}): ${w}`);
    }
    const findings = evaluateChecks(checkCatalog(), { ...snapshot, accounts }, now, {
      services,
      settings: deps.config.checks,
    });
    result.findings = findings;
    result.generatedAt = snapshot.generatedAt;
    // Accepted risks are applied to everything evaluated; what the digest counts is what its scope shows.
    const applied = applyExceptions(findings, inForce, { now, ouPath: accepted.ctx.ouPath });
    const hiddenBy = new Map(applied.excepted.map(({ finding, exception }) => [finding.id, exception.id]));
    const acceptedIds = new Set(hiddenBy.keys());
    const listedSource = (f: Finding) => (f.source === 'cloudsec' ? wantsCloudsec : shFromSnapshot);
    for (const f of findings) {
      if (f.status !== 'fail' || !listedSource(f) || !inScope(toObservedItem(f), scope)) continue;
      const by = hiddenBy.get(f.id);
      if (by === undefined) accepted.shownFailing.push(f);
      else hide(by);
    }
    const runChecks = checkCatalog().filter((c) => services.includes(c.service));
    accepted.evaluated = findings;
    accepted.scanned = {
      accountIds: new Set(accounts.map((a) => a.accountId)),
      checkIds: new Set([...runChecks.map((c) => c.id), ...findings.map((f) => f.checkId)]),
    };
    accepted.coverage = {
      ...accepted.coverage,
      accountIds: accepted.scanned.accountIds,
      checkIds: new Set(runChecks.map((c) => c.id)),
    };
    if (wantsCloudsec) {
      const checks = runChecks.map((c) => ({ id: c.id, requires: c.requires }));
      result.observations.push(observeFindings(findings, { scope, accounts, checks, accepted: acceptedIds }));
      for (const f of findings) {
        if (f.source !== 'cloudsec' || f.status === 'unknown') continue;
        if (!inScope(toObservedItem(f), scope)) continue;
        result.scoreInputs.push({
          accountId: f.accountId,
          severity: f.severity,
          status: f.status,
          ...(acceptedIds.has(f.id) ? { accepted: true } : {}),
        });
      }
    }
    if (shFromSnapshot) {
      const items: ObservedItem[] = findings
        .filter((f) => f.source === 'securityhub')
        .map((f) => toObservedItem(f, acceptedIds.has(f.id)))
        .filter((i) => inScope(i, scope));
      const unevaluated = new Set<string>();
      for (const a of accounts) {
        const regions = Object.values(a.securityhub ?? {});
        if (!a.access.ok || regions.length === 0 || regions.some((r) => !r.findings.ok)) unevaluated.add(a.accountId);
      }
      result.observations.push({ kind: 'complete', source: 'securityhub', items, unevaluated });
      accepted.coverage = { ...accepted.coverage, securityHubComplete: unevaluated.size === 0 };
    }
  }

  if (feed) {
    const known = await deps.knownAccounts();
    // The snapshot (when this run took one) is the fresher word on names and OUs.
    const directory = new Map<string, AccountRef>(known.map((a) => [a.id, a]));
    for (const a of result.scanned) directory.set(a.id, { ...directory.get(a.id), ...a });
    const scoped = [...directory.values()].filter((a) => inScopeAccount({ id: a.id, name: a.name, ou: a.ou ?? null }));
    const restricted = Boolean(digest.scope.accounts || digest.scope.ous);
    if (restricted && scoped.length === 0) {
      // Asking for no account would read as "nothing is open": every stored finding would resolve.
      result.incomplete.push(
        'Security Hub: not read, no account in the digest’s scope is known yet (accounts and OUs of an organization are learned when cloudsec lists the organization, at start-up and on every scan)',
      );
      result.securityHub = previous;
      return result;
    }
    const accountIds = restricted ? scoped.map((a) => a.id) : undefined;
    result.securityHubAccounts = accountIds ?? null;
    const resync =
      !previous || now.getTime() - Date.parse(previous.baselineAt) >= (deps.securityHubResyncMs ?? 7 * DAY_MS);
    const mode = resync
      ? ({ kind: 'baseline' } as const)
      : ({ kind: 'changes', since: new Date(previous.until), until: now } as const);
    try {
      const read = await feed.read({
        ...(accountIds ? { accountIds } : {}),
        severities: severitiesFrom(scope.minSeverity),
        mode,
      });
      result.securityHubCalls = read.calls;
      // Incremental Security Hub items carry no full finding (evidence, ids) that a remediation could
      // be planned from, so they get no Remediate button here; /cloudsec findings offers it.
      const inScopeItems = read.items
        .filter((i) => inScope(i, scope) && (!restricted || accountIds!.includes(i.accountId)))
        .map((i) => ({ ...i, remediationId: null }));
      // Counted over what this read listed: an incremental read lists only what changed since the last run.
      const fed = acceptObservedItems(inScopeItems, inForce, { now, ouPath: accepted.ctx.ouPath });
      for (const exceptionId of fed.hiddenBy.values()) hide(exceptionId);
      accepted.shownFailing.push(...fed.shownFailing);
      const items = fed.items;
      for (const f of read.failures) result.incomplete.push(`Security Hub: ${f}`);
      if (mode.kind === 'baseline') {
        result.observations.push({
          kind: 'complete',
          source: 'securityhub',
          items,
          unevaluated: new Set(read.failedAccounts),
        });
      } else {
        result.observations.push({ kind: 'changes', source: 'securityhub', since: previous!.until, items });
      }
      // A window is only closed when every account was read; otherwise the next run reads it again.
      const complete = read.failures.length === 0;
      result.securityHub = {
        until: complete ? now.toISOString() : (previous?.until ?? now.toISOString()),
        baselineAt:
          mode.kind === 'baseline' && complete
            ? now.toISOString()
            : (previous?.baselineAt ?? new Date(0).toISOString()),
      };
      if (!complete && !previous) result.securityHub = null;
      for (const a of scoped) {
        if (!result.accounts.some((x) => x.id === a.id))
          result.accounts.push({ id: a.id, name: a.name, partition: 'aws' });
      }
    } catch (err) {
      result.incomplete.push(`Security Hub: could not be read (${errorText(errorMessage(err))})`);
      result.securityHub = previous;
    }
  }
  return result;
};
