import { DAY_MS } from '../../../exceptions/time';

/**
 * Expiry dates as the date picker gives them (`YYYY-MM-DD`, no time zone) and as exceptions store
 * them (an instant). A date means the end of that day in UTC, as in cloudsec.yml, with one
 * exception: the last day allowed ends exactly `maxDays` days from now. Accepted risks are limited
 * to `maxDays` days as an instant (validateNewException), and a date picker cannot pick a time, so
 * the end of that day would overshoot the limit by up to a day and be refused on submit.
 */

/** How far ahead the modal proposes an expiry, when the policy allows that much. */
export const DEFAULT_EXPIRY_DAYS = 30;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` (UTC) of an instant. */
export const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The latest expiry allowed at `now`: exactly `maxDays` days later. */
export const latestExpiry = (now: Date, maxDays: number): Date => new Date(now.getTime() + maxDays * DAY_MS);

/** The picker's initial date: `days` (30) from now, but no later than the last day allowed. */
export const defaultExpiryDate = (now: Date, maxDays: number, days: number = DEFAULT_EXPIRY_DAYS): string =>
  utcDate(now.getTime() + Math.min(days, maxDays) * DAY_MS);

/** The first and last instant of a real calendar day (UTC); null for text that is not one. */
export const dayBounds = (date: string): { start: number; end: number } | null => {
  const m = DATE.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const start = Date.UTC(year, month - 1, day);
  const d = new Date(start);
  // Date.UTC rolls 2027-02-30 over to March: a date that does not exist is not a day.
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { start, end: start + DAY_MS - 1 };
};

export type ExpiryResult = { ok: true; expiresAt: string } | { ok: false; message: string };

/**
 * The instant a picked date stands for, or why it cannot be chosen: the end of that day (UTC);
 * on the last allowed day, `maxDays` days from now exactly; refused when the day is over or starts
 * after the limit.
 */
export const expiryOfDate = (date: string, now: Date, maxDays: number): ExpiryResult => {
  const bounds = dayBounds(date);
  const last = latestExpiry(now, maxDays);
  if (bounds === null)
    return { ok: false, message: `"${date.slice(0, 40)}" is not a date: choose one in the date picker.` };
  if (bounds.end <= now.getTime())
    return { ok: false, message: `${date} is in the past: an accepted risk must end today or later.` };
  if (bounds.start > last.getTime())
    return {
      ok: false,
      message:
        `${date} is more than ${maxDays} days away: choose ${utcDate(last.getTime())} at the latest, ` +
        'and extend it then if the risk is still accepted.',
    };
  return { ok: true, expiresAt: new Date(Math.min(bounds.end, last.getTime())).toISOString() };
};

/** The hint under a date picker: what a date means and the last one allowed. */
export const expiryHint = (now: Date, maxDays: number): string => {
  const last = latestExpiry(now, maxDays);
  const time = last.toISOString().slice(11, 16);
  return (
    `It ends at the end of that day (UTC). At most ${maxDays} days: ${utcDate(last.getTime())} at the latest ` +
    `(until ${time} UTC that day). It can be extended later, with approval again.`
  );
};
