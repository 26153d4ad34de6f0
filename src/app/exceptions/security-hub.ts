import { applyExceptions } from '../../core/exceptions/apply';
import type { RiskException } from '../../core/exceptions/model';
import type { Finding } from '../../core/model';
import type { ActorRef } from '../../core/remediations/request';
import { errorMessage } from '../remediation/support';
import type {
  ExceptionWorkflowDeps,
  SecurityHubReport,
  SecurityHubTarget,
  SecurityHubTargetResult,
  SecurityHubWorkflowStatus,
} from './ports';
import { audit, knownEstate, patchInPlace, replyInThread } from './support';

/**
 * Accepted risks in Security Hub: once an exception is approved, the Security Hub findings it
 * hides get workflow status SUPPRESSED with a note naming it; when it is revoked or expires they go
 * back to NEW. Security Hub refusing never undoes the decision (the exception is on the record and
 * hides the findings in cloudsec either way): what it refused is audited and replied in the card's
 * thread for a person to act on.
 *
 * Security Hub findings SUPPRESSED by cloudsec are no longer read back (the collector asks for NEW
 * and NOTIFIED ones), so their product ARN, account and region are remembered in the audit entry
 * of the suppression (`exception.securityhub_suppress`, `details.results`), which is where setting
 * them back to NEW finds them. `suppressedInSecurityHub` on the exception holds the ASFF ids.
 */

/** Security Hub's limit for Note.Text. */
const NOTE_MAX = 512;
const REASON_IN_NOTE = 200;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const ownerName = (e: RiskException): string => e.owner.name ?? e.owner.id;

export const suppressionNote = (e: RiskException): string =>
  clip(
    `Accepted risk ${e.id} in cloudsec: owner ${ownerName(e)}, expires ${e.expiresAt}. ` +
      `Reason: ${clip(e.reason.replace(/\s+/g, ' ').trim(), REASON_IN_NOTE)}`,
    NOTE_MAX,
  );

export const restoreNote = (e: RiskException, why: 'revoked' | 'expired', at: Date): string =>
  clip(`Accepted risk ${e.id} in cloudsec ${why} at ${at.toISOString()}: the finding is open again.`, NOTE_MAX);

/** The ASFF identity of a finding that came from Security Hub; null for any other finding. */
export const securityHubTargetOf = (f: Finding): SecurityHubTarget | null => {
  if (f.source !== 'securityhub') return null;
  const id = f.evidence['securityHubId'];
  const productArn = f.evidence['productArn'];
  if (typeof id !== 'string' || id === '' || typeof productArn !== 'string' || productArn === '') return null;
  return { id, productArn, accountId: f.accountId, region: f.region };
};

const reportOf = (
  status: SecurityHubWorkflowStatus,
  results: readonly SecurityHubTargetResult[],
): SecurityHubReport => ({
  status,
  processed: results.filter((r) => r.outcome === 'processed').map((r) => r.id),
  failed: results.flatMap((r) => (r.outcome === 'processed' ? [] : [{ id: r.id, code: r.code, message: r.message }])),
  skipped: null,
});

/** Sends the update, or says why nothing was sent; never throws. */
const send = async (
  deps: ExceptionWorkflowDeps,
  targets: readonly SecurityHubTarget[],
  status: SecurityHubWorkflowStatus,
  note: string,
): Promise<{ report: SecurityHubReport; results: SecurityHubTargetResult[] }> => {
  if (deps.dryRun) {
    return {
      report: { status, processed: [], failed: [], skipped: `dry run: ${targets.length} would be set to ${status}` },
      results: [],
    };
  }
  if (!deps.securityHub) {
    return {
      report: {
        status,
        processed: [],
        failed: [],
        skipped: 'Security Hub updates are not set up here (no write role): the findings keep their workflow status',
      },
      results: [],
    };
  }
  let results: SecurityHubTargetResult[];
  try {
    results = await deps.securityHub.setWorkflow(targets, status, note);
  } catch (err) {
    const message = errorMessage(err);
    results = targets.map((t) => ({ ...t, outcome: 'unconfirmed', code: 'Error', message }));
  }
  return { report: reportOf(status, results), results };
};

const auditOutcome = (report: SecurityHubReport) =>
  report.skipped !== null
    ? report.skipped.startsWith('dry run')
      ? ('dry_run' as const)
      : ('no_op' as const)
    : report.failed.length > 0
      ? ('error' as const)
      : ('ok' as const);

/**
 * After an approval: SUPPRESSED for the Security Hub findings the exception hides now (among the
 * latest findings, resurfaced ones excluded). Returns null when none of them came from Security Hub.
 */
export const suppressCovered = (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  actor: ActorRef,
): Promise<SecurityHubReport | null> =>
  guarded(deps, exception, actor, 'suppress', () => suppress(deps, exception, actor));

const suppress = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  actor: ActorRef,
): Promise<SecurityHubReport | null> => {
  const estate = await knownEstate(deps);
  const latest = await deps.latest.latestFindings();
  const now = deps.clock();
  const hidden = applyExceptions(latest, [exception], { now, ouPath: estate.ctx.ouPath }).excepted;
  const seen = new Set<string>();
  const targets: SecurityHubTarget[] = [];
  for (const { finding } of hidden) {
    const target = securityHubTargetOf(finding);
    if (!target || seen.has(`${target.productArn}\u0000${target.id}`)) continue;
    seen.add(`${target.productArn}\u0000${target.id}`);
    targets.push(target);
  }
  if (targets.length === 0) return null;

  const { report, results } = await send(deps, targets, 'SUPPRESSED', suppressionNote(exception));
  await audit(deps, {
    actor,
    action: 'exception.securityhub_suppress',
    outcome: auditOutcome(report),
    exception,
    details: {
      targets: targets.length,
      skipped: report.skipped,
      // Kept whole: setting them back to NEW reads the product ARN, account and region from here.
      results: results.map(resultDetail),
    },
  });
  if (report.processed.length > 0) await recordSuppressed(deps, exception, report.processed, actor);
  await replyInThread(deps, exception, 'securityhub', deps.render.securityHubReply(exception, report));
  return report;
};

const resultDetail = (r: SecurityHubTargetResult) => ({
  id: r.id,
  productArn: r.productArn,
  accountId: r.accountId,
  region: r.region,
  outcome: r.outcome,
  ...(r.outcome === 'processed' ? {} : { code: r.code, message: r.message }),
});

/**
 * Adds the suppressed ids to the exception. If it was revoked or expired while Security Hub was
 * being called, its own restore has already run without these ids: they are recorded and set back
 * to NEW at once, so nothing stays SUPPRESSED for an exception that no longer holds.
 */
const recordSuppressed = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  ids: readonly string[],
  actor: ActorRef,
): Promise<void> => {
  const recorded = await patchInPlace(deps, exception.id, (current) => ({
    suppressedInSecurityHub: [...new Set([...current.suppressedInSecurityHub, ...ids])],
  }));
  if (recorded && recorded.status !== 'active' && recorded.status !== 'pending') {
    await restore(deps, recorded, actor, recorded.status === 'expired' ? 'expired' : 'revoked');
  }
};

/** Where the suppressed findings are, as the suppression audited them. */
const knownTargets = async (deps: ExceptionWorkflowDeps, exception: RiskException) => {
  const byId = new Map<string, SecurityHubTarget>();
  const entries = await deps.store.listAudit({ requestId: exception.id });
  for (const entry of entries) {
    if (entry.action !== 'exception.securityhub_suppress') continue;
    const results = entry.details['results'];
    if (!Array.isArray(results)) continue;
    for (const r of results as unknown[]) {
      const t = r as Partial<Record<keyof SecurityHubTarget, unknown>>;
      if (
        typeof t.id === 'string' &&
        typeof t.productArn === 'string' &&
        typeof t.accountId === 'string' &&
        typeof t.region === 'string'
      ) {
        byId.set(t.id, { id: t.id, productArn: t.productArn, accountId: t.accountId, region: t.region });
      }
    }
  }
  // A finding suppressed by hand elsewhere may still be in the latest findings.
  for (const f of await deps.latest.latestFindings()) {
    const t = securityHubTargetOf(f);
    if (t && !byId.has(t.id)) byId.set(t.id, t);
  }
  return byId;
};

/**
 * After a revocation or expiry: NEW for the findings this exception suppressed. Ids Security Hub
 * did not change stay in `suppressedInSecurityHub` (so a person can see what is still suppressed);
 * returns null when there was nothing to restore.
 */
export const restoreSuppressed = (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  actor: ActorRef,
  why: 'revoked' | 'expired',
): Promise<SecurityHubReport | null> =>
  guarded(deps, exception, actor, 'restore', () => restore(deps, exception, actor, why));

/**
 * The decision is made and recorded before Security Hub is told: whatever goes wrong here (the
 * latest findings unreadable, the store failing mid-way) is logged and audited, never thrown back
 * into the use case that made it.
 */
const guarded = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  actor: ActorRef,
  what: 'suppress' | 'restore',
  run: () => Promise<SecurityHubReport | null>,
): Promise<SecurityHubReport | null> => {
  try {
    return await run();
  } catch (err) {
    deps.log?.error({ err, exceptionId: exception.id, step: what }, 'Security Hub update of an accepted risk failed');
    await audit(deps, {
      actor,
      action: `exception.securityhub_${what}`,
      outcome: 'error',
      exception,
      details: { error: errorMessage(err) },
    }).catch(() => undefined);
    return null;
  }
};

const restore = async (
  deps: ExceptionWorkflowDeps,
  exception: RiskException,
  actor: ActorRef,
  why: 'revoked' | 'expired',
): Promise<SecurityHubReport | null> => {
  const ids = exception.suppressedInSecurityHub;
  if (ids.length === 0) return null;
  const known = await knownTargets(deps, exception);
  const targets = ids.flatMap((id) => (known.has(id) ? [known.get(id)!] : []));
  const lost = ids
    .filter((id) => !known.has(id))
    .map((id) => ({
      id,
      code: 'UnknownFinding',
      message: 'cloudsec no longer knows its product ARN and account; set it back to NEW in Security Hub',
    }));

  const sent =
    targets.length > 0
      ? await send(deps, targets, 'NEW', restoreNote(exception, why, deps.clock()))
      : { report: { status: 'NEW' as const, processed: [], failed: [], skipped: null }, results: [] };
  const report: SecurityHubReport = { ...sent.report, failed: [...sent.report.failed, ...lost] };
  await audit(deps, {
    actor,
    action: 'exception.securityhub_restore',
    outcome: auditOutcome(report),
    exception,
    details: { why, skipped: report.skipped, results: sent.results.map(resultDetail), unknown: lost.map((l) => l.id) },
  });
  if (report.processed.length > 0) {
    const restored = new Set(report.processed);
    await patchInPlace(deps, exception.id, (current) => ({
      suppressedInSecurityHub: current.suppressedInSecurityHub.filter((id) => !restored.has(id)),
    }));
  }
  await replyInThread(deps, exception, 'securityhub', deps.render.securityHubReply(exception, report));
  return report;
};
