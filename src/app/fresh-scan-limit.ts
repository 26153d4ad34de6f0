/**
 * `--fresh` skips the cache and scans every account in the asker's scope again: a few per hour are
 * what a person re-checking a fix needs; more is a loop or a script. Each user gets
 * `perHour` fresh scans in any sliding hour. Counts live in this process (one replica's view):
 * behind several replicas a user can reach the limit once per replica, still bounded.
 */

const HOUR_MS = 60 * 60 * 1000;

export type FreshScanClaim =
  | { ok: true; remaining: number }
  | {
      ok: false;
      /** When the oldest of the user's fresh scans leaves the hour: the next one is allowed then. */
      retryAt: Date;
      limit: number;
    };

export interface FreshScanLimit {
  /** Counts one fresh scan for the user, or refuses it (nothing counted) when the hour is used up. */
  claim(userId: string): FreshScanClaim;
}

export const makeFreshScanLimit = (deps: { perHour: number; clock: () => Date }): FreshScanLimit => {
  const started = new Map<string, number[]>();
  return {
    claim(userId) {
      const now = deps.clock().getTime();
      const recent = (started.get(userId) ?? []).filter((t) => t > now - HOUR_MS);
      if (recent.length >= deps.perHour) {
        started.set(userId, recent);
        return { ok: false, retryAt: new Date(recent[0]! + HOUR_MS), limit: deps.perHour };
      }
      recent.push(now);
      started.set(userId, recent);
      return { ok: true, remaining: deps.perHour - recent.length };
    },
  };
};
