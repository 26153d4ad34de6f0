import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

/**
 * Which of the user groups named in role bindings a Slack user belongs to.
 *
 * Membership comes from `usergroups.users.list` (scope `usergroups:read`, rate-limit tier 2), one
 * call per group, cached in the store with a TTL so that every command does not cost an API call,
 * and dropped when Slack reports a change (`subteam_updated`, `subteam_members_changed`).
 *
 * A failed look-up never fails the command: the group counts as not containing the user (deny is
 * the safe side), a stale cache entry is used if one exists and is younger than `maxStaleMs`
 * (default 24 h), and a warning is logged and returned. The cap matters because a membership read
 * once would otherwise grant roles forever to someone removed from the group while Slack could not
 * be asked (a revoked scope, a long outage). A fetch time that cannot be read, or that lies in the
 * future beyond a little clock skew between replicas, is trusted neither as fresh nor as stale.
 * After a failure the group is not asked for again until `retryAfterFailureMs` (or Slack's
 * Retry-After) has passed, so a rate limit or a missing scope does not turn into a call per command.
 */

/**
 * Implemented by the store (SQLite today); the method names are shared with it. `fetchedAt` may
 * come back as an ISO string, which is how the store keeps times.
 */
export interface GroupMembershipCache {
  getGroupMembers(groupId: string): Promise<{ members: readonly string[]; fetchedAt: Date | string } | null>;
  putGroupMembers(groupId: string, members: string[], fetchedAt: Date): Promise<void>;
  invalidateGroup(groupId: string): Promise<void>;
}

/** pino's `logger.warn(obj, msg)` shape. */
export interface WarningLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface GroupWarning {
  groupId: string;
  /** Slack's error (`missing_scope`, `no_such_subteam`, `ratelimited`, …) or `http_<status>` / `request_failed`. */
  code: string;
  /** True when a stale membership list was used instead of none. */
  usedStaleMembers: boolean;
  message: string;
}

export interface GroupResolution {
  groups: string[];
  warnings: GroupWarning[];
}

export interface GroupResolverDeps {
  slack: WebClient;
  cache: GroupMembershipCache;
  ttlMs: number;
  clock: () => Date;
  logger?: WarningLogger;
  /** Default 60 s. */
  retryAfterFailureMs?: number;
  /** Oldest cached membership used when Slack cannot be asked; default `STALE_MEMBERS_MAX_MS`. */
  maxStaleMs?: number;
}

/** A membership read more than a day ago is not used, whatever Slack's state. */
export const STALE_MEMBERS_MAX_MS = 24 * 60 * 60_000;

/** Replicas' clocks differ a little: a fetch time this far ahead is still believed. */
const CLOCK_SKEW_MS = 60_000;

export interface GroupResolver {
  /** The candidate groups that contain the user. */
  groupsOf(userId: string, candidateGroupIds: readonly string[]): Promise<string[]>;
  /** As `groupsOf`, with the look-ups that failed (for whoami and the audit log). */
  resolve(userId: string, candidateGroupIds: readonly string[]): Promise<GroupResolution>;
  invalidate(groupId: string): Promise<void>;
  /** Register for `subteam_updated` and `subteam_members_changed`; other events are ignored. */
  onSubteamEvent(event: unknown): Promise<void>;
}

const UsersListResponse = z.object({ users: z.array(z.string()) });

const SubteamEvent = z.union([
  z.object({ type: z.literal('subteam_updated'), subteam: z.object({ id: z.string() }) }),
  z.object({ type: z.literal('subteam_members_changed'), subteam_id: z.string() }),
]);

/** The group a membership-change event is about, or undefined for any other event. */
export const subteamIdOf = (event: unknown): string | undefined => {
  const parsed = SubteamEvent.safeParse(event);
  if (!parsed.success) return undefined;
  return parsed.data.type === 'subteam_updated' ? parsed.data.subteam.id : parsed.data.subteam_id;
};

interface Failure {
  code: string;
  retryAt: number;
}

export const makeGroupResolver = (deps: GroupResolverDeps): GroupResolver => {
  const { slack, cache, ttlMs, clock, logger } = deps;
  const retryAfterFailureMs = deps.retryAfterFailureMs ?? 60_000;
  const maxStaleMs = deps.maxStaleMs ?? STALE_MEMBERS_MAX_MS;
  const failures = new Map<string, Failure>();
  /** Concurrent commands from one group's members share one API call. */
  const inFlight = new Map<string, Promise<string[]>>();
  /** Bumped on invalidation, so a call that started before a change does not cache what it read. */
  const generations = new Map<string, number>();

  const fetchMembers = (groupId: string): Promise<string[]> => {
    const pending = inFlight.get(groupId);
    if (pending) return pending;
    const call = slack.usergroups.users
      .list({ usergroup: groupId })
      .then((response) => UsersListResponse.parse(response).users)
      .finally(() => {
        // An invalidation may have replaced this call with a newer one.
        if (inFlight.get(groupId) === call) inFlight.delete(groupId);
      });
    inFlight.set(groupId, call);
    return call;
  };

  const membersOf = async (groupId: string): Promise<{ members: readonly string[]; warning?: GroupWarning }> => {
    const now = clock().getTime();
    const entry = await cache.getGroupMembers(groupId);
    const fetchedAt = entry ? new Date(entry.fetchedAt) : null;
    // NaN (an unreadable time) fails every comparison, so such an entry is neither fresh nor usable.
    const age = fetchedAt ? now - fetchedAt.getTime() : NaN;
    const believable = age >= -CLOCK_SKEW_MS;
    if (entry && believable && age < ttlMs) return { members: entry.members };

    const degraded = (code: string) => {
      // Judged at each use, not only when Slack failed: a retry delay must not stretch the cap.
      const stale = entry && fetchedAt && believable && age < maxStaleMs;
      const warning: GroupWarning = {
        groupId,
        code,
        usedStaleMembers: Boolean(stale),
        message: stale
          ? `could not refresh user group ${groupId} (${code}); using its members as of ${fetchedAt.toISOString()}`
          : entry
            ? `could not refresh user group ${groupId} (${code}); its cached members (as of ${describeTime(fetchedAt)}) ${
                believable ? 'are too old to be used' : 'carry a fetch time that cannot be trusted'
              }, so they get no role from it for now`
            : `could not read user group ${groupId} (${code}); its members get no role from it for now`,
      };
      return { members: stale ? entry.members : [], warning };
    };

    const failure = failures.get(groupId);
    if (failure && now < failure.retryAt) return degraded(failure.code);

    const generation = generations.get(groupId) ?? 0;
    const startedAt = clock();
    let members: string[];
    try {
      members = await fetchMembers(groupId);
    } catch (err) {
      const { code, retryAfterMs } = describeSlackError(err);
      failures.set(groupId, { code, retryAt: now + Math.max(retryAfterFailureMs, retryAfterMs ?? 0) });
      const result = degraded(code);
      logger?.warn({ groupId, code, usedStaleMembers: result.warning.usedStaleMembers }, result.warning.message);
      return result;
    }
    failures.delete(groupId);
    if ((generations.get(groupId) ?? 0) === generation) await cache.putGroupMembers(groupId, members, startedAt);
    return { members };
  };

  const resolve = async (userId: string, candidateGroupIds: readonly string[]): Promise<GroupResolution> => {
    const unique = [...new Set(candidateGroupIds)];
    const results = await Promise.all(unique.map(async (groupId) => ({ groupId, ...(await membersOf(groupId)) })));
    return {
      groups: results.filter((r) => r.members.includes(userId)).map((r) => r.groupId),
      warnings: results.flatMap((r) => (r.warning ? [r.warning] : [])),
    };
  };

  const invalidate = async (groupId: string): Promise<void> => {
    generations.set(groupId, (generations.get(groupId) ?? 0) + 1);
    inFlight.delete(groupId);
    failures.delete(groupId);
    await cache.invalidateGroup(groupId);
  };

  return {
    resolve,
    groupsOf: async (userId, candidateGroupIds) => (await resolve(userId, candidateGroupIds)).groups,
    invalidate,
    onSubteamEvent: async (event) => {
      const groupId = subteamIdOf(event);
      if (groupId !== undefined) await invalidate(groupId);
    },
  };
};

const describeTime = (t: Date | null): string =>
  t === null || Number.isNaN(t.getTime()) ? 'an unknown time' : t.toISOString();

/**
 * @slack/web-api errors carry a `code`: platform errors (`ok: false`) put Slack's error string in
 * `data.error`; rate-limit errors (clients built with `rejectRateLimitedCalls`) carry `retryAfter`
 * in seconds; HTTP errors carry `statusCode`.
 */
const describeSlackError = (err: unknown): { code: string; retryAfterMs?: number } => {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    data?: { error?: unknown };
    retryAfter?: unknown;
    statusCode?: unknown;
  };
  switch (e.code) {
    case 'slack_webapi_platform_error':
      return { code: typeof e.data?.error === 'string' ? e.data.error : 'platform_error' };
    case 'slack_webapi_rate_limited_error':
      return {
        code: 'ratelimited',
        ...(typeof e.retryAfter === 'number' ? { retryAfterMs: e.retryAfter * 1000 } : {}),
      };
    case 'slack_webapi_http_error':
      return { code: `http_${String(e.statusCode)}` };
    default:
      return { code: err instanceof z.ZodError ? 'unexpected_response' : 'request_failed' };
  }
};
