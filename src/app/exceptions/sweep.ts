import { exceptionsFromConfig } from '../../core/exceptions/from-config';
import { daysLeft, dueForReminder, dueToExpire } from '../../core/exceptions/lifecycle';
import { EXPIRING_SOON_DAYS, type RiskException } from '../../core/exceptions/model';
import { DAY_MS, instantOf } from '../../core/exceptions/time';
import { errorMessage } from '../remediation/support';
import type { ExceptionWorkflowDeps } from './ports';
import { restoreSuppressed } from './security-hub';
import { audit, deliver, SWEEP_ACTOR, tell, updateCard } from './support';

/**
 * The scheduler's tick for accepted risks: expire what has expired, remind owners of what expires
 * soon. Safe to run in several processes at once: every move is a compare-and-set and every
 * reminder a claim in the store, so each happens exactly once and only its winner tells Slack.
 *
 * Exceptions written in cloudsec.yml cannot be moved (they are rebuilt from the file on every
 * load), so their expiry and their reminders are remembered as nonces in the store instead
 * (`claimNonce`, exactly one claimant per key):
 * - `exception-reminder:<id>:<expiresAt>`: the owner was reminded of this expiry (kept until a day
 *   after it, when it can no longer be due);
 * - `exception-expired:<id>:<expiresAt>`: its expiry was reported (kept for a year: an entry left in
 *   the file that long is reported again).
 * Editing the expiry in the file makes new keys, so the new date is reminded and reported once too.
 */

export interface SweepReport {
  /** Stored exceptions this call moved from `active` to `expired`. */
  expired: string[];
  /** Pending ones whose expiry passed before anyone approved them (`pending → expired`). */
  expiredPending: string[];
  /** Stored exceptions whose owner this call reminded. */
  reminded: string[];
  /** cloudsec.yml exceptions whose expiry this call reported (first time only). */
  configExpired: string[];
  /** cloudsec.yml exceptions whose owner this call reminded. */
  configReminded: string[];
  /** What went wrong (logged too); the rest of the sweep went on. */
  errors: string[];
}

const CONFIG_EXPIRED_KEPT_MS = 366 * DAY_MS;

export const sweepExceptions = async (deps: ExceptionWorkflowDeps, now: Date = deps.clock()): Promise<SweepReport> => {
  const report: SweepReport = {
    expired: [],
    expiredPending: [],
    reminded: [],
    configExpired: [],
    configReminded: [],
    errors: [],
  };
  const attempt = async (what: string, id: string | null, step: () => Promise<void>) => {
    try {
      await step();
    } catch (err) {
      deps.log?.error({ err, exceptionId: id, step: what }, 'accepted-risk sweep step failed');
      report.errors.push(`${what}${id ? ` ${id}` : ''}: ${errorMessage(err)}`);
    }
  };

  // Narrow queries, expiries first: a row that cannot be parsed fails only the queries that reach
  // it (the store refuses to list it), so one broken row due later does not stop today's expiries.
  let due: RiskException[] = [];
  await attempt('reading expired accepted risks', null, async () => {
    due = await deps.store.listExceptions({ statuses: ['active'], expiresBefore: now });
  });
  for (const e of dueToExpire(due, now)) await attempt('expiring', e.id, () => expire(deps, e, report));

  let soon: RiskException[] = [];
  await attempt('reading accepted risks expiring soon', null, async () => {
    soon = await deps.store.listExceptions({
      statuses: ['active'],
      expiresBefore: new Date(now.getTime() + EXPIRING_SOON_DAYS * DAY_MS),
    });
  });
  for (const e of dueForReminder(soon, now)) await attempt('reminding', e.id, () => remind(deps, e, now, report));

  let pending: RiskException[] = [];
  await attempt('reading pending accepted risks', null, async () => {
    pending = await deps.store.listExceptions({ statuses: ['pending'], expiresBefore: now });
  });
  for (const e of pending) await attempt('expiring', e.id, () => expirePending(deps, e, report));

  const config = exceptionsFromConfig(deps.config.exceptions.accepted, now);
  for (const e of config.filter((c) => c.status === 'expired')) {
    await attempt('reporting expiry of', e.id, () => reportConfigExpiry(deps, e, report));
  }
  for (const e of dueForReminder(config, now)) {
    await attempt('reminding', e.id, () => remindConfig(deps, e, now, report));
  }
  return report;
};

/** `active → expired` (exactly once), audited, the owner told loudly, Security Hub back to NEW. */
const expire = async (deps: ExceptionWorkflowDeps, e: RiskException, report: SweepReport) => {
  const expired = await deps.store.transitionException(e.id, ['active'], 'expired', { extension: null });
  if (!expired) return;
  report.expired.push(expired.id);
  await audit(deps, {
    actor: SWEEP_ACTOR,
    action: 'exception.expire',
    outcome: 'ok',
    exception: expired,
    details: { from: 'active', withdrawnExtension: e.extension !== null },
  });
  await updateCard(deps, expired);
  if (e.extension?.message) {
    const ext = e.extension;
    await deliver(deps, expired, 'extension card', () =>
      deps.messenger.update(ext.message!, deps.render.extensionCard(expired, ext, 'withdrawn', { now: deps.clock() })),
    );
  }
  await tell(
    deps,
    expired,
    'expired',
    [expired.owner.id],
    deps.render.statusNotice(expired, 'expired', { now: deps.clock() }),
  );
  await restoreSuppressed(deps, expired, SWEEP_ACTOR, 'expired');
};

/** A pending request whose expiry passed can never be approved. */
const expirePending = async (deps: ExceptionWorkflowDeps, e: RiskException, report: SweepReport) => {
  const expired = await deps.store.transitionException(e.id, ['pending'], 'expired', {
    decidedAt: deps.clock().toISOString(),
    decisionNote: 'Its expiry passed before anyone approved it.',
  });
  if (!expired) return;
  report.expiredPending.push(expired.id);
  await audit(deps, {
    actor: SWEEP_ACTOR,
    action: 'exception.expire',
    outcome: 'ok',
    exception: expired,
    details: { from: 'pending' },
  });
  await updateCard(deps, expired);
};

/** Claims the reminder of this expiry in the store; only the claimant DMs the owner. */
const remind = async (deps: ExceptionWorkflowDeps, e: RiskException, now: Date, report: SweepReport) => {
  if (!(await deps.store.claimExceptionReminder(e.id, e.expiresAt))) return;
  report.reminded.push(e.id);
  const left = daysLeft(e, now);
  const told = await tell(
    deps,
    e,
    'reminder',
    [e.owner.id],
    deps.render.reminder(e, { now, daysLeft: left, extendable: true }),
  );
  await audit(deps, {
    actor: SWEEP_ACTOR,
    action: 'exception.remind',
    outcome: told.length > 0 ? 'ok' : 'error',
    exception: e,
    details: { daysLeft: left, told },
  });
};

const remindConfig = async (deps: ExceptionWorkflowDeps, e: RiskException, now: Date, report: SweepReport) => {
  const until = new Date(instantOf(e.expiresAt) + DAY_MS);
  if (!(await deps.store.claimNonce(`exception-reminder:${e.id}:${e.expiresAt}`, until))) return;
  report.configReminded.push(e.id);
  const left = daysLeft(e, now);
  const told = await tell(
    deps,
    e,
    'reminder',
    [e.owner.id],
    deps.render.reminder(e, { now, daysLeft: left, extendable: false }),
  );
  await audit(deps, {
    actor: SWEEP_ACTOR,
    action: 'exception.remind',
    // An owner given by name in cloudsec.yml cannot be DMed: the digest's expiring list is what tells them.
    outcome: told.length > 0 ? 'ok' : 'no_op',
    exception: e,
    details: { daysLeft: left, told },
  });
};

const reportConfigExpiry = async (deps: ExceptionWorkflowDeps, e: RiskException, report: SweepReport) => {
  const until = new Date(Math.max(instantOf(e.expiresAt), deps.clock().getTime()) + CONFIG_EXPIRED_KEPT_MS);
  if (!(await deps.store.claimNonce(`exception-expired:${e.id}:${e.expiresAt}`, until))) return;
  report.configExpired.push(e.id);
  const told = await tell(
    deps,
    e,
    'expired',
    [e.owner.id],
    deps.render.statusNotice(e, 'expired', { now: deps.clock() }),
  );
  await audit(deps, {
    actor: SWEEP_ACTOR,
    action: 'exception.expire',
    outcome: 'ok',
    exception: e,
    details: { from: 'cloudsec.yml', told, note: 'remove or renew the entry in cloudsec.yml' },
  });
};
