import { CronExpressionParser, type CronExpression } from 'cron-parser';
import cron from 'node-cron';
import type { DigestConfig } from '../digest-config';
import { CloudsecError } from '../errors';

/**
 * When a digest schedule fires, computed without a clock (time comes in as `now`).
 *
 * node-cron fires the ticks, so these answers must be node-cron's, or a catch-up could claim a
 * time no tick ever uses (and post twice) or `nextRuns` could show a time that never comes. Three
 * places where cron-parser alone would disagree with node-cron 4.6:
 *  - Syntax: node-cron's own `parse` reads the expression (names, nicknames such as `@midnight`,
 *    wrapped ranges such as `fri-tue`, 7 = Sunday); cron-parser gets the expanded lists.
 *  - Day of month and day of week both restricted: node-cron wants both to match, cron-parser
 *    either. Candidates are filtered to node-cron's meaning.
 *  - Daylight saving: cron-parser enumerates wall-clock times (it runs in UTC, where no time is
 *    skipped or repeated) and each is placed in the zone the way node-cron does it
 *    (`localTimeToTimestamp` in node-cron/dist/_shared): a wall-clock time that does not exist
 *    that day has no occurrence; one that happens twice has exactly one (node-cron picks the later
 *    pass in zones ahead of UTC such as Europe/Berlin, the earlier in zones behind it such as
 *    America/New_York).
 * test/schedule/digest-scheduler.test.ts checks these answers against real node-cron ticks.
 */

/** More than any daylight-saving shift (Antarctica/Troll moves 2 h). */
const SHIFT_MARGIN_MS = 3 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Candidates examined before giving up (an expression that matches almost never). */
const MAX_CANDIDATES = 200_000;

export const DEFAULT_CATCH_UP_MAX_AGE_MS = DAY_MS;

type Schedule = Pick<DigestConfig, 'schedule' | 'timezone'>;

interface CompiledSchedule {
  /** Six fields, node-cron's lists spelled out for cron-parser. */
  expression: string;
  /** Both day fields restricted: a candidate must match both (node-cron), not either (cron-parser). */
  dayFilter: { dayOfMonth: CronExpression; dayOfWeek: CronExpression } | null;
}

const compiled = new Map<string, CompiledSchedule>();

const field = (values: readonly (number | string)[], full: number): string =>
  values.length === full && values.every((v) => typeof v === 'number') ? '*' : values.join(',');

const parseUtc = (expression: string, currentDate?: Date): CronExpression =>
  CronExpressionParser.parse(expression, { tz: 'UTC', ...(currentDate ? { currentDate } : {}) });

const compile = (schedule: string): CompiledSchedule => {
  const known = compiled.get(schedule);
  if (known) return known;
  let result: CompiledSchedule;
  try {
    const f = cron.parse(schedule);
    const time = `${field(f.second, 60)} ${field(f.minute, 60)} ${field(f.hour, 24)}`;
    const dom = field(f.dayOfMonth, 31);
    const month = field(f.month, 12);
    const dow = field(f.dayOfWeek, 7);
    const expression = `${time} ${dom} ${month} ${dow}`;
    parseUtc(expression);
    const dayFilter =
      dom !== '*' && dow !== '*'
        ? { dayOfMonth: parseUtc(`0 0 0 ${dom} * *`), dayOfWeek: parseUtc(`0 0 0 * * ${dow}`) }
        : null;
    result = { expression, dayFilter };
  } catch (err) {
    throw new CloudsecError(
      'config',
      `schedule "${schedule}": cloudsec cannot work out when it runs (${err instanceof Error ? err.message : String(err)}); ` +
        'use plain lists, ranges and steps (the W and L-n day-of-month forms and "#" inside a list are not supported)',
    );
  }
  compiled.set(schedule, result);
  return result;
};

/**
 * Null when cloudsec can compute the schedule's occurrences (catch-up, next run); otherwise why
 * not. node-cron accepts a few forms cron-parser does not read: config validation should reject
 * them so a digest never runs without catch-up.
 */
export const occurrenceSupport = (schedule: string): string | null => {
  try {
    compile(schedule);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
};

/**
 * The time a tick or catch-up is "for": to the minute, or to the second for six-field
 * expressions. A run is claimed in the store by this value, so equal ticks must compare equal.
 */
export const normaliseScheduledTime = (schedule: string, at: Date): Date => {
  const trimmed = schedule.trim();
  // Nicknames (@daily…) are five-field expressions.
  const sixFields = !trimmed.startsWith('@') && trimmed.split(/\s+/).length === 6;
  const granularityMs = sixFields ? 1000 : 60_000;
  return new Date(Math.floor(at.getTime() / granularityMs) * granularityMs);
};

// ----------------------------------------------------------------------------- wall-clock time

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The wall-clock time at `ms` in the zone, as if it were UTC ("floating"), to the second. */
const wallClock = (ms: number, timeZone: string): number => {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const n = (k: string): number => parts[k] ?? 0;
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second'));
};

const offsetAt = (ms: number, timeZone: string): number => wallClock(ms, timeZone) - Math.floor(ms / 1000) * 1000;

/** node-cron's placement of a wall-clock time in a zone; null when that time does not exist there. */
const instantOf = (wall: number, timeZone: string): number | null => {
  const firstOffset = offsetAt(wall, timeZone);
  const first = wall - firstOffset;
  const secondOffset = offsetAt(first, timeZone);
  if (secondOffset === firstOffset) return first;
  const second = wall - secondOffset;
  if (wallClock(first, timeZone) === wall) return first;
  if (wallClock(second, timeZone) === wall) return second;
  return null;
};

const dayMatches = (plan: CompiledSchedule, wall: number): boolean => {
  if (!plan.dayFilter) return true;
  const midnight = new Date(Math.floor(wall / DAY_MS) * DAY_MS);
  return plan.dayFilter.dayOfMonth.includesDate(midnight) && plan.dayFilter.dayOfWeek.includesDate(midnight);
};

/**
 * Walks wall-clock candidates from `startWall` in one direction and returns the first whose
 * instant satisfies `accept`. Placing wall-clock times in a zone keeps their order (node-cron
 * picks the same pass for every repeated time), so the first accepted is the nearest.
 */
const walk = (
  schedule: Schedule,
  startWall: number,
  direction: 'next' | 'prev',
  accept: (instant: number) => boolean,
): Date | null => {
  const plan = compile(schedule.schedule);
  const candidates = parseUtc(plan.expression, new Date(startWall));
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    let wall: number;
    try {
      wall = candidates[direction]().getTime();
    } catch {
      // cron-parser gives up on expressions that match nothing for years.
      return null;
    }
    if (!dayMatches(plan, wall)) {
      // Skip the rest of that day rather than every second of it.
      const dayStart = Math.floor(wall / DAY_MS) * DAY_MS;
      candidates.reset(new Date(direction === 'next' ? dayStart + DAY_MS - 1 : dayStart));
      continue;
    }
    const instant = instantOf(wall, schedule.timezone);
    if (instant !== null && accept(instant)) return new Date(instant);
  }
  return null;
};

/**
 * How far from now's wall-clock time the walk must start. Near a daylight-saving change an
 * occurrence's wall-clock time can lie on the other side of now's (a repeated hour), so the walk
 * starts a shift away; elsewhere it starts next to now, which keeps every-second schedules cheap.
 */
const startMargin = (nowMs: number, timeZone: string): number => {
  const offset = offsetAt(nowMs, timeZone);
  const steady =
    offsetAt(nowMs - 2 * SHIFT_MARGIN_MS, timeZone) === offset &&
    offsetAt(nowMs + 2 * SHIFT_MARGIN_MS, timeZone) === offset;
  return steady ? 1000 : SHIFT_MARGIN_MS;
};

/** The first time the schedule fires strictly after `now`. */
export const nextOccurrence = (schedule: string, timezone: string, now: Date): Date | null => {
  const nowMs = now.getTime();
  const start = wallClock(nowMs, timezone) - startMargin(nowMs, timezone);
  return walk({ schedule, timezone }, start, 'next', (t) => t > nowMs);
};

/** The last time the schedule fired at or before `now` (a tick due at exactly `now` counts). */
export const previousOccurrence = (schedule: string, timezone: string, now: Date): Date | null => {
  const nowMs = now.getTime();
  const start = wallClock(nowMs, timezone) + startMargin(nowMs, timezone);
  return walk({ schedule, timezone }, start, 'prev', (t) => t <= nowMs);
};

/**
 * The one scheduled time to run at start-up, or null. The latest time the digest was due, if it
 * is after the last run's `scheduledFor` and at most `maxAgeMs` old: a digest missed for a week
 * posts once, for the latest time (a stale digest is worse than none once the next one is near).
 * A digest that has never run does not catch up: it waits for its first time.
 */
export const dueCatchUp = (
  digest: Schedule,
  lastScheduledFor: Date | null,
  now: Date,
  options: { maxAgeMs?: number } = {},
): Date | null => {
  if (lastScheduledFor === null) return null;
  const latest = previousOccurrence(digest.schedule, digest.timezone, now);
  if (latest === null || latest.getTime() <= lastScheduledFor.getTime()) return null;
  if (now.getTime() - latest.getTime() > (options.maxAgeMs ?? DEFAULT_CATCH_UP_MAX_AGE_MS)) return null;
  return latest;
};
