/**
 * "4 min ago" from a timestamp and the injected `now` (the core never reads the clock).
 * A timestamp in the future (clock skew between collector and bot) reads as "just now".
 */
export const ageOf = (iso: string, now: Date): string => {
  const then = Date.parse(iso);
  if (Number.isNaN(then) || Number.isNaN(now.getTime())) return 'at an unknown time';
  const minutes = Math.floor((now.getTime() - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
};

/** `2026-11-01 12:00 UTC`, or the input itself (escaped by the caller) when it is not a date. */
export const utcStamp = (iso: string): string => {
  const t = Date.parse(iso);
  return Number.isNaN(t)
    ? iso
    : new Date(t)
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d{3}Z$/, ' UTC');
};
