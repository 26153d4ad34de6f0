/**
 * The bot's periodic duties that are not a source's own: housekeeping, and with replicas the
 * leader's lease TTL and the age before a request left `executing` is verified.
 */
import type { AppDeps } from '../app/deps';
import { CloudsecError } from '../errors';
import type { Logger } from '../slack/logger';
import { acceptedRiskSweep, type PeriodicDuty } from './periodic-duties';

/**
 * With several replicas a request another replica is executing right now must not be "reconciled":
 * only requests unchanged for longer than any execution takes are verified (and by the leader).
 */
export const REPLICA_RECONCILE_AFTER_MS = 15 * 60_000;

/** CLOUDSEC_LEADER_TTL_MS: how long a dead leader's lease keeps the other replicas waiting (default 30 s). */
export const leaderTtl = (env: NodeJS.ProcessEnv): { ttlMs?: number } => {
  const raw = env.CLOUDSEC_LEADER_TTL_MS?.trim();
  if (!raw) return {};
  if (!/^\d+$/.test(raw) || Number(raw) < 1_000)
    throw new CloudsecError(
      'config',
      `CLOUDSEC_LEADER_TTL_MS must be a whole number of milliseconds, at least 1000; got "${raw.slice(0, 40)}".`,
    );
  return { ttlMs: Number(raw) };
};

/**
 * The bot's housekeeping, every minute in every replica (each duty is exactly-once in the store):
 * remediation requests past their deadline, digest runs a stopped process left, accepted risks
 * (expiries, reminders, Security Hub back to NEW).
 */
export const housekeeping = (deps: AppDeps, logger: Logger): PeriodicDuty[] => [
  {
    name: 'remediation-expiry',
    everyMs: 60_000,
    run: async () => {
      await deps.remediation?.expire();
    },
  },
  {
    name: 'digest-resume',
    everyMs: 60_000,
    run: async () => {
      for (const o of (await deps.digests?.resumeAbandoned()) ?? [])
        logger.warn({ outcome: o.kind }, 'finished a digest run a stopped process had claimed');
    },
  },
  acceptedRiskSweep(deps.exceptions, logger),
];
