import { batchesOf, type ImportProblem, type PublishReport } from '../aws/securityhub-publish';
import type { ExportRow } from '../core/exceptions/model';
import type { Finding } from '../core/model';
import { rowsToPublish, toAsff, type AsffFinding } from '../core/outputs/asff';
import { runCheck, type CheckRequest, type RunCheckDeps } from './run-check';

/**
 * `cloudsec publish --security-hub`: run every check as `cloudsec check all` does, turn cloudsec's
 * findings into ASFF (src/core/outputs/asff.ts) and import them (src/aws/securityhub-publish.ts),
 * or, in a dry run (`--dry-run`, `--demo`), only say what would be sent.
 *
 * Without `--only-failed` passing findings are sent too, `ARCHIVED` with `Compliance.Status:
 * PASSED`, so a finding fixed since the last publish is closed in Security Hub; with it only failing
 * (and excepted) ones are, and a fixed finding stays open there until a full publish. Findings that
 * came from Security Hub are never sent back.
 */

export interface PublishFindingsDeps extends RunCheckDeps {
  /** Where account-wide findings go (AWS_REGION or the profile's region). */
  homeRegion: string;
  /** The accepted risk covering each finding (ExportRow.exception); no finding is excepted when absent. */
  exceptionsOf?: (findings: readonly Finding[], now: Date) => ExportRow[] | Promise<ExportRow[]>;
  /** Imports into Security Hub; null for a dry run (nothing is sent). */
  publish: ((findings: AsffFinding[]) => Promise<PublishReport>) | null;
}

export interface PublishRequest extends Omit<CheckRequest, 'service'> {
  onlyFailed: boolean;
}

export interface PublishOutcome {
  dryRun: boolean;
  onlyFailed: boolean;
  /** What was sent, or would have been. */
  findings: AsffFinding[];
  /** Not sent: Security Hub's own findings, and with `--only-failed` the passing and unknown ones. */
  leftOut: { securityHub: number; notFailing: number };
  /** Security Hub's answers; null in a dry run. */
  report: PublishReport | null;
}

export const publishFindings = async (deps: PublishFindingsDeps, request: PublishRequest): Promise<PublishOutcome> => {
  const { onlyFailed, ...check } = request;
  const outcome = await runCheck(deps, { ...check, service: 'all' });
  const now = deps.clock();
  const rows = deps.exceptionsOf
    ? await deps.exceptionsOf(outcome.findings, now)
    : outcome.findings.map((finding) => ({ finding }));
  const selected = rowsToPublish(rows, { onlyFailed });
  // Each account's own partition (an organization never spans two; listed accounts could).
  const partitionOf = new Map(outcome.snapshot.accounts.map((a) => [a.accountId, a.partition]));
  const findings = selected.flatMap((row) =>
    toAsff([row], {
      now,
      partition: partitionOf.get(row.finding.accountId) ?? 'aws',
      homeRegion: deps.homeRegion,
      checks: deps.checks,
    }),
  );
  const fromHub = rows.filter((r) => r.finding.source === 'securityhub').length;
  return {
    dryRun: deps.publish === null,
    onlyFailed,
    findings,
    leftOut: { securityHub: fromHub, notFailing: rows.length - fromHub - selected.length },
    report: deps.publish ? await deps.publish(findings) : null,
  };
};

/** Whether everything sent was confirmed imported (a dry run sends nothing, so it is). */
export const publishSucceeded = (outcome: PublishOutcome): boolean =>
  outcome.report === null || (outcome.report.failed.length === 0 && outcome.report.unconfirmed.length === 0);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** At most this many failed findings are listed one by one; the rest are counted. */
const LISTED_PROBLEMS = 20;

/** The summary `cloudsec publish` prints (and the console demo shows). */
export const describePublish = (outcome: PublishOutcome): string => {
  const { findings, report } = outcome;
  const lines: string[] = [];
  const status = (s: string) => findings.filter((f) => f.Compliance.Status === s).length;
  const suppressed = findings.filter((f) => f.Workflow?.Status === 'SUPPRESSED').length;
  const mix =
    `${status('FAILED')} failing${suppressed > 0 ? ` (${suppressed} accepted, imported SUPPRESSED)` : ''}, ` +
    `${status('PASSED')} passing (ARCHIVED), ${status('NOT_AVAILABLE')} not evaluated (NOT_AVAILABLE)`;
  const groups = groupsOf(findings);
  const batches = groups.reduce((n, g) => n + g.batches, 0);
  if (outcome.dryRun) {
    lines.push(
      `Dry run: nothing was sent to Security Hub. Would send ${plural(findings.length, 'finding')} in ` +
        `${plural(batches, 'batch', 'batches')}: ${mix}.`,
    );
    for (const g of groups)
      lines.push(
        `  ${g.accountId} ${g.region}: ${plural(g.count, 'finding')}, ${plural(g.batches, 'batch', 'batches')}`,
      );
  } else if (report) {
    const problems = report.failed.length + report.unconfirmed.length;
    lines.push(
      `Sent ${plural(report.sent, 'finding')} to Security Hub in ${plural(report.batches.length, 'batch', 'batches')} ` +
        `(${mix}): ${report.succeeded} imported` +
        `${report.failed.length > 0 ? `, ${report.failed.length} failed` : ''}` +
        `${report.unconfirmed.length > 0 ? `, ${report.unconfirmed.length} could not be confirmed` : ''}.`,
    );
    for (const b of report.batches) {
      if (b.failed.length === 0 && b.unconfirmed.length === 0) continue;
      lines.push(
        `  ${b.accountId} ${b.region} batch ${b.batch}: ${b.succeeded} of ${b.size} imported` +
          `${b.callError ? `; the call failed: ${b.callError.code} (${b.callError.message})` : ''}` +
          `${b.retried > 0 ? `; ${b.retried} sent again` : ''}`,
      );
    }
    if (problems > 0) {
      lines.push(...listProblems('Failed', report.failed), ...listProblems('Could not confirm', report.unconfirmed));
    }
  }
  const leftOut = [
    outcome.leftOut.securityHub > 0
      ? `${plural(outcome.leftOut.securityHub, 'Security Hub finding')} (already in Security Hub)`
      : null,
    outcome.leftOut.notFailing > 0
      ? `${plural(outcome.leftOut.notFailing, 'passing or not evaluated finding')} (--only-failed)`
      : null,
  ].filter((s): s is string => s !== null);
  if (leftOut.length > 0) lines.push(`Not sent: ${leftOut.join('; ')}.`);
  return `${lines.join('\n')}\n`;
};

const listProblems = (heading: string, problems: readonly ImportProblem[]): string[] => {
  if (problems.length === 0) return [];
  const shown = problems.slice(0, LISTED_PROBLEMS).map((p) => `  ${p.id}: ${p.code} — ${p.message}`);
  const more = problems.length - shown.length;
  return [`${heading}:`, ...shown, ...(more > 0 ? [`  … and ${more} more`] : [])];
};

const groupsOf = (findings: readonly AsffFinding[]) => {
  const groups = new Map<string, AsffFinding[]>();
  for (const f of findings) {
    const key = `${f.AwsAccountId} ${f.Region}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, fs]) => ({
      accountId: fs[0]!.AwsAccountId,
      region: fs[0]!.Region,
      count: fs.length,
      batches: batchesOf(fs).length,
    }));
};
