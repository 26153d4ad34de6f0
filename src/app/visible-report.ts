import type { AuditInput } from '../core/audit';
import type { Finding, Service, Snapshot } from '../core/model';
import type { AccessPolicy, AccountRef, Actor, ChannelRef, Permission } from '../core/access/permissions';
import { authorize, type Delivery } from '../core/access/policy';
import { applyExceptions, type ExceptedFinding, type ResurfacedFinding } from '../core/exceptions/apply';
import { isInForce } from '../core/exceptions/lifecycle';
import type { RiskException } from '../core/exceptions/model';
import {
  acceptedRisksReport,
  buildCheckReport,
  type AcceptedRisksReport,
  type CheckReport,
} from '../core/render/report';
import type { Store } from '../store/store';
import { makeAcceptedRisks, type AcceptedRisks, type AcceptedRisksDeps } from './accepted-risks';
import type { AppLogger } from './deps';
import { servicesFor, type CheckOutcome, type CheckRequest } from './run-check';
import { scopeKeyOf, type RunOptions, type ScanService } from './scan-service';
import { summarize, type Summary } from '../core/findings';
import {
  narrowingFor,
  visiblePart,
  visibleSubset,
  type AccountNarrowing,
  type VisibleSubset,
} from './visible-findings';
import { withOmittedPasses } from './omitted-passes';

/**
 * "Scan → what this actor may see → report": the one place that decides who sees what of a scan.
 * `/cloudsec check`, `/cloudsec findings`, the Next page and Download buttons and App Home all ask
 * here, so a scoped viewer's answer is filtered by the same policy call whichever way they ask, and
 * the scan itself is narrowed to their accounts before anything is collected (narrowingFor).
 */

/** Which earlier answer may stand in for a new scan. */
export type Reuse =
  /** A scan of the scope within the cache's TTL, else a new one (`request.fresh` forces one): commands. */
  | 'recent'
  /** Any cached scan of the scope however old (a button paging a result its presser already has), else a new one. */
  | 'cached'
  /**
   * Any cached scan, else the latest scan stored before a restart (findings only: snapshots are not
   * stored, so names and OUs come from the account directory), else a new one: App Home. A failed
   * new scan is logged and answered as `scan-failed`, never thrown: the view still has to open.
   */
  | 'stored';

export interface VisibleReportDeps {
  /** The access policy, and the accepted risks written in cloudsec.yml (`exceptions`). */
  config: AccessPolicy & AcceptedRisksDeps['config'];
  scans: Pick<ScanService, 'run' | 'cached'>;
  store: Pick<Store, 'latestScan' | 'findingsOfScan' | 'scanJobs' | 'appendAudit' | 'listExceptions'>;
  /** The account directory: names and OUs of the accounts a stored scan's findings are about. */
  knownAccounts(): Promise<AccountRef[]>;
  log: Pick<AppLogger, 'warn'>;
  /** Whether an accepted risk is in force is decided at this clock's now, not at the scan's time. */
  clock: () => Date;
  /** Where accepted risks come from; default: cloudsec.yml and the store above (./accepted-risks.ts). */
  acceptedRisks?: Pick<AcceptedRisks, 'read'>;
}

export interface VisibleReportAsk extends Pick<RunOptions, 'onQueued' | 'onStarted'> {
  actor: Actor;
  permission: Permission;
  /** Where the answer would be shown; the channel policy decides whether and how (`delivery`). */
  channel?: ChannelRef | undefined;
  request: CheckRequest & { fresh?: boolean };
  reuse: Reuse;
  /** Records the decision in the audit log under this action and target (a button press). */
  record?: Omit<AuditInput, 'outcome' | 'details'>;
}

/**
 * Why an answer shows no account: nothing was in scope at all (the actor may see every account),
 * or nothing scanned is an account the actor may see. Either way not "nothing failing".
 */
export type Emptiness = 'nothing-scanned' | 'none-visible';

export interface VisibleReport {
  scopeKey: string;
  /** Where the answer came from: a new scan, the cache, or the store (App Home after a restart). */
  from: 'scan' | 'cache' | 'store';
  /**
   * Only findings of accounts the actor may see, without those accepted risks hide (they are in
   * `excepted`); resurfaced ones are here, failing.
   */
  findings: Finding[];
  /**
   * Counts of `findings`, and of the passes of the visible accounts the answer counted without
   * holding them (`passesOmitted`): a hidden finding is not counted as failing (`acceptedRisks.hidden` counts it).
   */
  summary: Summary;
  /**
   * Passing findings of the visible accounts that are counted in `summary` but not in `findings`
   * (a queued scan leaves them in the store), per account id; no other account is named. Empty
   * when every finding is in `findings`.
   */
  passesOmitted: Readonly<Record<string, number>>;
  /**
   * Failing findings of the visible accounts that accepted risks hide, each with the risk that
   * hides it: what "Show" lists (renderHiddenFindings). Each risk is the actor's view of it
   * (`viewOfException`): nothing in it names an account they may not see.
   */
  excepted: ExceptedFinding[];
  /** Findings shown again although an accepted risk covers them (they got worse): also in `findings`. */
  resurfaced: ResurfacedFinding[];
  /** The same, summed up for rendering: counts, the risks by name, what could not be read. */
  acceptedRisks: AcceptedRisksReport;
  /** The accounts the actor may see among those scanned, with names (and OUs when known). */
  accounts: AccountRef[];
  generatedAt: string;
  evaluatedAt: Date;
  demo: boolean;
  /** The services reported on. */
  services: Service[];
  /** Set when no account is visible; say why rather than show an empty answer. */
  empty: Emptiness | null;
  /** The scan's snapshot narrowed to the visible accounts; null for a stored scan (its snapshot is not kept). */
  snapshot: Snapshot | null;
  /** The report of the visible part, ready to render; null for a stored scan. */
  checkReport: CheckReport | null;
}

/** An answer from a scan, cached or new: its snapshot is there. */
export interface VisibleScan extends VisibleReport {
  from: 'scan' | 'cache';
  snapshot: Snapshot;
  checkReport: CheckReport;
}

export type NotAllowed = { ok: false; code: 'not-allowed'; reason: string };
/** The new scan failed (logged here); what went wrong is not for the asker to read. */
export type ScanFailed = { ok: false; code: 'scan-failed' };
export type ReportAnswer<R> = { ok: true; report: R; delivery: Delivery } | NotAllowed;

const emptiness = (narrowTo: AccountNarrowing | null, scanned: number, visible: number): Emptiness | null =>
  visible > 0 ? null : narrowTo === null && scanned === 0 ? 'nothing-scanned' : 'none-visible';

/**
 * The accepted risks in force now, and how to place an account in the organization for their OU
 * scopes. Read once per answer, after authorization: a refused ask reads nothing.
 */
interface RisksInForce {
  exceptions: RiskException[];
  problems: string[];
  ouPath(accountId: string): readonly string[] | null;
}

const risksInForce = async (deps: VisibleReportDeps, now: Date): Promise<RisksInForce> => {
  const source =
    deps.acceptedRisks ??
    makeAcceptedRisks({ config: deps.config, store: deps.store, clock: deps.clock, log: deps.log });
  const read = await source.read(['active']);
  const exceptions = read.exceptions.filter((e) => isInForce(e, now));
  // OU paths come from the account directory, and only an exception scoped by OU needs them. An
  // account it cannot place is `null`: an OU scope then covers nothing there (fail closed: shown).
  const byOu = exceptions.some((e) => e.scope.ous !== undefined);
  const paths = new Map<string, readonly string[]>();
  if (byOu) for (const a of await deps.knownAccounts()) if (a.ouPath) paths.set(a.id, a.ouPath);
  return { exceptions, problems: read.problems, ouPath: (id) => paths.get(id) ?? null };
};

/**
 * An accepted risk as someone who may see only `visible` accounts may be shown it: its scope's
 * account list cut to those accounts (`*` stays: it names none), and the fields that point at other
 * accounts' findings emptied (the baseline, Security Hub finding ids, whose ARNs hold account ids;
 * the approval cards). What decides anything was decided before, on the whole exception.
 */
export const viewOfException = (e: RiskException, visible: ReadonlySet<string>): RiskException => ({
  ...e,
  scope: {
    ...e.scope,
    ...(e.scope.accounts ? { accounts: e.scope.accounts.filter((a) => a === '*' || visible.has(a)) } : {}),
  },
  accepted: [],
  suppressedInSecurityHub: [],
  message: null,
  extension: e.extension ? { ...e.extension, message: null } : null,
});

/** The visible findings with accepted risks applied: what is shown, what is hidden and why. */
const withAcceptedRisks = (shown: VisibleSubset, risks: RisksInForce, now: Date) => {
  const applied = applyExceptions(shown.findings, risks.exceptions, { now, ouPath: risks.ouPath });
  const views = new Map<string, RiskException>();
  const view = (e: RiskException) =>
    views.get(e.id) ?? views.set(e.id, viewOfException(e, shown.accountIds)).get(e.id)!;
  return {
    findings: applied.shown,
    // Accepted risks hide failing findings only: the passes counted apart are all still shown.
    summary: withOmittedPasses(summarize(applied.shown), shown.omittedPasses),
    passesOmitted: shown.passesOmitted,
    excepted: applied.excepted.map(({ finding, exception }) => ({ finding, exception: view(exception) })),
    resurfaced: applied.resurfaced.map(({ finding, exception, why }) => ({ finding, exception: view(exception), why })),
    acceptedRisks: acceptedRisksReport(applied, risks.exceptions, risks.problems),
  };
};

const fromOutcome = (
  ask: VisibleReportAsk,
  access: AccessPolicy,
  risks: RisksInForce,
  now: Date,
  narrowTo: AccountNarrowing | null,
  scopeKey: string,
  outcome: CheckOutcome,
  from: VisibleScan['from'],
): VisibleScan => {
  const shown = visiblePart(
    ask.actor,
    ask.permission,
    access,
    outcome.snapshot,
    outcome.findings,
    outcome.passesOmitted,
  );
  const visible = withAcceptedRisks(shown, risks, now);
  const snapshot = {
    ...outcome.snapshot,
    accounts: outcome.snapshot.accounts.filter((a) => shown.accountIds.has(a.accountId)),
  };
  return {
    scopeKey,
    from,
    ...visible,
    accounts: shown.accounts,
    generatedAt: snapshot.generatedAt,
    evaluatedAt: outcome.evaluatedAt,
    demo: snapshot.demo,
    services: outcome.services,
    empty: emptiness(narrowTo, outcome.snapshot.accounts.length, shown.accounts.length),
    snapshot,
    checkReport: buildCheckReport(
      snapshot,
      visible.findings,
      visible.summary,
      outcome.evaluatedAt,
      outcome.services,
      visible.acceptedRisks,
    ),
  };
};

/**
 * The findings of a stored scan to answer from. A streamed scan (a queued one: its jobs counted each
 * account's passes as they were stored) is read without its passes, which are counted instead, as
 * its live answer was (a stored scan of 500 accounts holds ~450,000 findings, mostly passes). A scan
 * saved whole, or one whose jobs cannot be read, is read whole: right, only heavier.
 */
const storedFindings = async (
  deps: VisibleReportDeps,
  scanId: string,
): Promise<{ findings: Finding[]; passesOmitted: Record<string, number> }> => {
  let jobs: Awaited<ReturnType<VisibleReportDeps['store']['scanJobs']>> = [];
  try {
    jobs = await deps.store.scanJobs(scanId);
  } catch (err) {
    deps.log.warn({ err, scanId }, 'the jobs of a stored scan could not be read; its findings are read whole');
  }
  // Only a done job's count is of findings it stored (a failed job's is 0: it stored nothing, or a
  // lost account's unknowns, which are not passes).
  const done = jobs.filter((j) => j.state === 'done');
  if (done.length === 0) return { findings: await deps.store.findingsOfScan(scanId), passesOmitted: {} };
  const passesOmitted: Record<string, number> = {};
  for (const j of done) if (j.passCount > 0) passesOmitted[j.accountId] = j.passCount;
  return { findings: await deps.store.findingsOfScan(scanId, { notPassing: true }), passesOmitted };
};

/** The visible part of the latest stored scan of the scope, or null when none is stored. */
const fromStore = async (
  deps: VisibleReportDeps,
  ask: VisibleReportAsk,
  risks: RisksInForce,
  now: Date,
  narrowTo: AccountNarrowing | null,
  scopeKey: string,
): Promise<VisibleReport | null> => {
  const stored = await deps.store.latestScan(scopeKey);
  if (!stored) return null;
  const { findings, passesOmitted } = await storedFindings(deps, stored.id);
  const directory = new Map((await deps.knownAccounts()).map((a) => [a.id, a]));
  // An account the directory does not hold is named by its id and has no OU, so a grant by OU does
  // not reach it (fail closed): nobody sees an account the policy cannot place.
  const ids = new Set([...findings.map((f) => f.accountId), ...Object.keys(passesOmitted)]);
  const refs = [...ids].map((id) => directory.get(id) ?? { id, name: id });
  const shown = visibleSubset(ask.actor, ask.permission, deps.config, refs, findings, passesOmitted);
  return {
    scopeKey,
    from: 'store',
    ...withAcceptedRisks(shown, risks, now),
    accounts: shown.accounts,
    generatedAt: stored.generatedAt,
    evaluatedAt: new Date(stored.generatedAt),
    // The store keeps findings, not the snapshot's demo flag.
    demo: false,
    services: servicesFor(ask.request.service),
    empty: emptiness(narrowTo, refs.length, shown.accounts.length),
    snapshot: null,
    checkReport: null,
  };
};

/**
 * The report of `ask.request` as the actor may see it. Authorizes the permission first (with the
 * channel, which decides `delivery`) and records the decision when asked to; a refusal scans nothing.
 */
export function visibleReport(
  deps: VisibleReportDeps,
  ask: VisibleReportAsk & { reuse: 'recent' | 'cached' },
): Promise<ReportAnswer<VisibleScan>>;
export function visibleReport(
  deps: VisibleReportDeps,
  ask: VisibleReportAsk & { reuse: 'stored' },
): Promise<ReportAnswer<VisibleReport> | ScanFailed>;
export async function visibleReport(
  deps: VisibleReportDeps,
  ask: VisibleReportAsk,
): Promise<ReportAnswer<VisibleReport> | ScanFailed> {
  const decision = authorize({ actor: ask.actor, permission: ask.permission, channel: ask.channel }, deps.config);
  if (ask.record) {
    await deps.store.appendAudit({
      ...ask.record,
      outcome: decision.allowed ? 'allowed' : 'denied',
      details: { reason: decision.reason },
    });
  }
  if (!decision.allowed) return { ok: false, code: 'not-allowed', reason: decision.reason };
  const answer = (report: VisibleReport) => ({ ok: true as const, report, delivery: decision.delivery });

  const now = deps.clock();
  const risks = await risksInForce(deps, now);
  const narrowTo = narrowingFor(ask.actor, ask.permission, deps.config);
  const scopeKey = scopeKeyOf(ask.request);
  const options: RunOptions = {
    narrowTo,
    ...(ask.onQueued ? { onQueued: ask.onQueued } : {}),
    ...(ask.onStarted ? { onStarted: ask.onStarted } : {}),
  };
  const scan = async () => {
    const result = await deps.scans.run(ask.request, options);
    return fromOutcome(ask, deps.config, risks, now, narrowTo, scopeKey, result, result.fromCache ? 'cache' : 'scan');
  };

  if (ask.reuse === 'recent') return answer(await scan());
  const cached = deps.scans.cached(scopeKey, narrowTo);
  if (cached) return answer(fromOutcome(ask, deps.config, risks, now, narrowTo, scopeKey, cached, 'cache'));
  if (ask.reuse === 'cached') return answer(await scan());

  const stored = await fromStore(deps, ask, risks, now, narrowTo, scopeKey);
  if (stored) return answer(stored);
  try {
    return answer(await scan());
  } catch (err) {
    deps.log.warn({ err, userId: ask.actor.userId, scopeKey }, 'scan for a visible report failed');
    return { ok: false, code: 'scan-failed' };
  }
}
