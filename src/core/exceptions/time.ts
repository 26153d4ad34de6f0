/**
 * Times of exceptions are ISO-8601 strings. They are compared as instants, never as text: a string
 * with an offset (`2027-03-01T09:00:00+01:00`, as a config file may give it) sorts wrongly as text.
 */

export const DAY_MS = 86_400_000;

/**
 * A date-time with `Z` or a `±hh:mm` offset, or a bare date (UTC midnight, as ECMAScript reads it).
 * A date-time without an offset is refused: `Date.parse` would read it in the process's local time
 * zone, so the same exception would expire at different instants on different machines.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/** Milliseconds since the epoch; NaN when the text is not an unambiguous time (callers fail closed on NaN). */
export const instantOf = (iso: string): number => (ISO_INSTANT.test(iso) ? Date.parse(iso) : Number.NaN);

/** `now` plus a number of days, as milliseconds since the epoch. */
export const daysAfter = (now: Date, days: number): number => now.getTime() + days * DAY_MS;
