import type { AppLogger } from '../app/deps';
import type { Store } from '../store/store';
import type { DutyTimers } from './periodic-duties';

/**
 * One elected leader among the replicas sharing a database: a lease row (the store's lock `leader`)
 * that the holder renews every third of its TTL. The duties only one replica should run (pollers,
 * sweeps, reconciliation) ask `isLeader()` before each run; the rest of the bot (Slack requests,
 * scans) runs on every replica.
 *
 * Safety does not rest on the lease alone. A leader that stalls (a long GC, a paused VM) past its TTL
 * may still believe it leads for a moment after a successor took over; so `isLeader()` turns false
 * already at half the TTL without a successful renewal, every fenced piece of work carries the fence
 * of the lease it ran under (incremented on every change of hands, see the locks table), and every
 * duty is exactly-once in the store anyway (compare-and-set transitions, claims). Two leaders can at
 * worst repeat a read, never an action. Replicas' clocks must agree to well under the TTL (NTP).
 */

export const LEADER_LOCK = 'leader';
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface LeaderLease {
  /** True while this replica holds the lease and renewed it within half its TTL. */
  isLeader(): boolean;
  /** The fencing token of the lease held (null when not leader). */
  fence(): number | null;
  /** One renewal attempt now (what a tick does); resolves with isLeader() after it. */
  renew(): Promise<boolean>;
  /** Renews every third of the TTL until stopped. */
  start(): void;
  /** Stops renewing and releases the lease, so a successor need not wait out the TTL. */
  stop(): Promise<void>;
}

export interface LeaderLeaseDeps {
  store: Pick<Store, 'acquireLock' | 'releaseLock'>;
  /** This replica's unique name (host:pid:random). */
  owner: string;
  ttlMs?: number;
  clock: () => Date;
  log: Pick<AppLogger, 'info' | 'warn'>;
  timers?: DutyTimers;
  /**
   * Called when this replica takes the lead (a new fence): a successor runs the leader's duties at
   * once (finish a dead leader's digest run, verify its requests) instead of at their next tick.
   */
  onLead?: (fence: number) => void;
}

const realTimers: DutyTimers = {
  every: (ms, tick) => {
    const handle = setInterval(tick, ms);
    handle.unref();
    return handle;
  },
  cancel: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export const makeLeaderLease = (deps: LeaderLeaseDeps): LeaderLease => {
  const ttlMs = deps.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(ttlMs) || ttlMs < 3) throw new RangeError(`the lease TTL must be at least 3 ms, got ${ttlMs}`);
  const timers = deps.timers ?? realTimers;
  /** When the last successful renewal started (local clock), and the fence it returned. */
  let held: { sinceMs: number; fence: number } | null = null;
  let handle: unknown = null;
  let renewing: Promise<boolean> | null = null;
  let stopped = false;

  const isLeader = (): boolean => held !== null && deps.clock().getTime() - held.sinceMs < ttlMs / 2;

  const renewOnce = async (): Promise<boolean> => {
    if (stopped) return false;
    const startedMs = deps.clock().getTime();
    const was = isLeader();
    try {
      const result = await deps.store.acquireLock(LEADER_LOCK, deps.owner, ttlMs);
      if (result.acquired) {
        const changed = held === null || held.fence !== result.lock.fence;
        held = { sinceMs: startedMs, fence: result.lock.fence };
        if (changed) {
          deps.log.info({ owner: deps.owner, fence: result.lock.fence }, 'this replica is the leader');
          deps.onLead?.(result.lock.fence);
        }
      } else {
        if (was || held) deps.log.warn({ owner: deps.owner, leader: result.lock.owner }, 'this replica lost the lead');
        held = null;
      }
    } catch (err) {
      // Cannot reach the store: keep what we had, which ages out at half the TTL (fail closed).
      deps.log.warn({ err, owner: deps.owner }, 'could not renew the leader lease');
    }
    return isLeader();
  };

  const renew = (): Promise<boolean> => {
    // One renewal at a time: a slow store must not pile up attempts.
    if (!renewing) renewing = renewOnce().finally(() => (renewing = null));
    return renewing;
  };

  return {
    isLeader,
    fence: () => (isLeader() ? held!.fence : null),
    renew,
    start: () => {
      if (handle !== null || stopped) return;
      void renew();
      handle = timers.every(Math.floor(ttlMs / 3), () => void renew());
    },
    stop: async () => {
      stopped = true;
      if (handle !== null) timers.cancel(handle);
      handle = null;
      await renewing?.catch(() => undefined);
      const wasHeld = held !== null;
      held = null;
      if (wasHeld) {
        try {
          await deps.store.releaseLock(LEADER_LOCK, deps.owner);
        } catch (err) {
          deps.log.warn({ err }, 'could not release the leader lease; it expires on its own');
        }
      }
    },
  };
};
