import type { Finding, Snapshot } from '../model';
import type { Summary } from '../findings';
import type { AppliedExceptions } from '../exceptions/apply';
import { exceptionNote, type ExceptionNote, type RiskException } from '../exceptions/model';
import { CONFIG_EXCEPTION_ID_PREFIX } from '../exceptions/from-config';

/** One finding as reports carry it (`cloudsec check --format json`, the Slack message, Download all). */
export type ReportFinding = Pick<
  Finding,
  | 'id'
  | 'checkId'
  | 'source'
  | 'status'
  | 'severity'
  | 'service'
  | 'accountId'
  | 'region'
  | 'resource'
  | 'title'
  | 'message'
  | 'remediationId'
  | 'frameworks'
  | 'evidence'
  | 'observedAt'
>;

/** An accepted risk as a report names it, with how many of the report's findings it hides. */
export interface AcceptedRiskRef extends ExceptionNote {
  hides: number;
}

/**
 * What accepted risks (exceptions) did to a report. Hidden findings are left out of `findings` and
 * of `summary`, and kept here, so they stay counted and reachable ("12 accepted risks hidden ·
 * Show"). Everything here is computed over the findings the report is about (for Slack: the
 * accounts the reader may see), so no count or name reveals an account outside them: an accepted
 * risk is listed only when it hides or shows again one of these findings, and by its note (id,
 * source, reason, owner, expiry), never by its scope.
 */
export interface AcceptedRisksReport {
  /** Failing findings hidden by accepted risks. */
  hidden: number;
  /** The accepted risks that hide or show again a finding of this report: cloudsec.yml ones first. */
  exceptions: AcceptedRiskRef[];
  /** The hidden findings, in the report's order, each with the accepted risk that hides it (what Show lists). */
  findings: (ReportFinding & { exception: ExceptionNote })[];
  /**
   * Failing findings an accepted risk covers that are shown again because they got worse since the
   * risk was accepted (severity up, or evidence changed). They are in the report's `findings` too.
   */
  resurfaced: { findingId: string; exception: ExceptionNote; why: string }[];
  /** Accepted risks that could not be read (the findings they cover are shown); for people. */
  problems: string[];
}

/** The machine-readable answer of `cloudsec check --format json` (stable field names: SIEMs and CI parse it). */
export interface CheckReport {
  generatedAt: string;
  evaluatedAt: string;
  demo: boolean;
  services: string[];
  accounts: {
    id: string;
    name: string;
    regions: string[];
    reachable: boolean;
    error: string | null;
    warnings: string[];
  }[];
  /** Every finding not hidden by an accepted risk (those are under `acceptedRisks`). */
  findings: ReportFinding[];
  /** Counts of `findings`: hidden findings are not counted as failing (see `acceptedRisks.hidden`). */
  summary: Summary;
  acceptedRisks: AcceptedRisksReport;
}

export const NO_ACCEPTED_RISKS: AcceptedRisksReport = Object.freeze({
  hidden: 0,
  exceptions: [],
  findings: [],
  resurfaced: [],
  problems: [],
}) as AcceptedRisksReport;

export const reportFinding = (f: ReportFinding): ReportFinding => ({
  id: f.id,
  checkId: f.checkId,
  source: f.source,
  status: f.status,
  severity: f.severity,
  // The CSV export and SIEMs read these two; without them "Download all" left both columns empty.
  service: f.service,
  accountId: f.accountId,
  region: f.region,
  resource: f.resource,
  title: f.title,
  message: f.message,
  remediationId: f.remediationId,
  frameworks: f.frameworks,
  evidence: f.evidence,
  observedAt: f.observedAt,
});

/**
 * The report's part about accepted risks, from what `applyExceptions` decided over the report's
 * findings. `exceptions` gives the order accepted risks are listed in (config first, as
 * src/app/accepted-risks.ts reads them); one that neither hides nor shows again a finding here is
 * not listed.
 */
export const acceptedRisksReport = (
  applied: Pick<AppliedExceptions, 'excepted' | 'resurfaced'>,
  exceptions: readonly Pick<RiskException, 'id'>[],
  problems: readonly string[] = [],
): AcceptedRisksReport => {
  const hides = new Map<string, number>();
  const notes = new Map<string, ExceptionNote>();
  for (const { exception } of applied.excepted) {
    hides.set(exception.id, (hides.get(exception.id) ?? 0) + 1);
    notes.set(exception.id, exceptionNote(exception));
  }
  for (const { exception } of applied.resurfaced) notes.set(exception.id, exceptionNote(exception));
  const order = new Map(exceptions.map((e, i) => [e.id, i]));
  const position = (note: ExceptionNote) => order.get(note.id) ?? Number.MAX_SAFE_INTEGER;
  const sourceRank = (note: ExceptionNote) => (note.source === 'config' ? 0 : 1);
  const listed = [...notes.values()]
    .sort(
      (a, b) => sourceRank(a) - sourceRank(b) || position(a) - position(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((note) => ({ ...note, hides: hides.get(note.id) ?? 0 }));
  return {
    hidden: applied.excepted.length,
    exceptions: listed,
    findings: applied.excepted.map(({ finding, exception }) => ({
      ...reportFinding(finding),
      exception: notes.get(exception.id)!,
    })),
    resurfaced: applied.resurfaced.map(({ finding, exception, why }) => ({
      findingId: finding.id,
      exception: notes.get(exception.id)!,
      why,
    })),
    problems: [...problems],
  };
};

export const buildCheckReport = (
  snapshot: Snapshot,
  findings: readonly Finding[],
  summary: Summary,
  evaluatedAt: Date,
  services: readonly string[],
  acceptedRisks: AcceptedRisksReport = NO_ACCEPTED_RISKS,
): CheckReport => ({
  generatedAt: snapshot.generatedAt,
  evaluatedAt: evaluatedAt.toISOString(),
  demo: snapshot.demo,
  services: [...services],
  accounts: snapshot.accounts.map((a) => ({
    id: a.accountId,
    name: a.accountName,
    regions: a.regions,
    reachable: a.access.ok,
    error: a.access.ok ? null : `${a.access.error.code}: ${a.access.error.message}`,
    warnings: a.warnings,
  })),
  findings: findings.map(reportFinding),
  summary,
  acceptedRisks,
});

/** How an accepted risk is named in one line: a cloudsec.yml entry by its name, a stored one by its id. */
export const acceptedRiskName = (note: Pick<ExceptionNote, 'id' | 'source'>): string =>
  note.source === 'config' && note.id.startsWith(CONFIG_EXCEPTION_ID_PREFIX)
    ? note.id.slice(CONFIG_EXCEPTION_ID_PREFIX.length)
    : note.id;

/**
 * "12 accepted risks hidden (cloudsec.yml: legacy-website, logs; database: ex_01h…)": the line the
 * CLI prints under the counts. Null when nothing is hidden. Names only the accepted risks that hide
 * something; one that only shows a finding again is not "hiding" anything.
 */
export const acceptedRisksSummaryText = (
  accepted: Pick<AcceptedRisksReport, 'hidden' | 'exceptions'>,
): string | null => {
  if (accepted.hidden === 0) return null;
  const hiding = accepted.exceptions.filter((e) => e.hides > 0);
  const names = (source: ExceptionNote['source']) =>
    hiding
      .filter((e) => e.source === source)
      .map(acceptedRiskName)
      .join(', ');
  const parts = [
    ...(names('config') ? [`cloudsec.yml: ${names('config')}`] : []),
    ...(names('slack') ? [`database: ${names('slack')}`] : []),
  ];
  const n = accepted.hidden;
  return `${n} accepted risk${n === 1 ? '' : 's'} hidden${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
};

/**
 * The accepted-risk part of a narrower answer cut from a report (`/cloudsec findings` lists only
 * Security Hub findings at or above a severity): hidden findings `keep` admits, resurfaced ones
 * among `shown`, and only the accepted risks still involved, with their counts redone. Problems
 * stay: they are about reading accepted risks, not about any finding.
 */
export const narrowAcceptedRisks = (
  accepted: AcceptedRisksReport,
  keep: (finding: ReportFinding) => boolean,
  shown: readonly Pick<ReportFinding, 'id'>[],
): AcceptedRisksReport => {
  const findings = accepted.findings.filter(keep);
  const shownIds = new Set(shown.map((f) => f.id));
  const resurfaced = accepted.resurfaced.filter((r) => shownIds.has(r.findingId));
  const hides = new Map<string, number>();
  for (const f of findings) hides.set(f.exception.id, (hides.get(f.exception.id) ?? 0) + 1);
  const involved = new Set([...hides.keys(), ...resurfaced.map((r) => r.exception.id)]);
  return {
    hidden: findings.length,
    exceptions: accepted.exceptions
      .filter((e) => involved.has(e.id))
      .map((e) => ({ ...e, hides: hides.get(e.id) ?? 0 })),
    findings,
    resurfaced,
    problems: [...accepted.problems],
  };
};
