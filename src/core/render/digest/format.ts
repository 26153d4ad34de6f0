import { SEVERITIES, type Severity } from '../../model';
import type {
  DigestAcceptedRisk,
  DigestAcceptedRisks,
  DigestAlerts,
  DigestItem,
  DigestReport,
  SeverityCounts,
} from '../../digest/model';
import { consoleUrl } from '../../digest/console-links';
import { utcStamp } from '../blocks/age';

/**
 * Wording shared by the Block Kit and the text renderers, so Slack, the CLI preview and the console
 * demo say the same thing in the same words.
 */

/** Where an item is listed; also the CSV's first column. */
export type DigestSection = 'new' | 'reopened' | 'resolved' | 'suppressed' | 'still_open';

export const SECTION_TITLES: Record<DigestSection, string> = {
  new: 'New since last digest',
  reopened: 'Back since last digest',
  resolved: 'Resolved since last digest',
  suppressed: 'Suppressed since last digest',
  still_open: 'Still open',
};

/** How many items of each list a message may show at most (the fitting loop may show fewer). */
export const LIST_CAP = { full: 10, compact: 5 } as const;

/** Exact counts with thousands separators: "1,234". */
export const num = (n: number): string => (Number.isFinite(n) ? Math.trunc(n).toLocaleString('en-US') : String(n));

export const plural = (n: number, noun: string): string => `${num(n)} ${noun}${n === 1 ? '' : 's'}`;

/** "3 critical · 1,500 high" for the severities that have any. */
export const severityCountsText = (counts: SeverityCounts, separator = ' · '): string =>
  SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${num(counts[s])} ${s}`)
    .join(separator);

export const total = (counts: SeverityCounts): number => SEVERITIES.reduce((n, s) => n + counts[s], 0);

/** Scores are kept to one decimal; showing more would invent precision. */
export const scoreText = (score: number): string => score.toFixed(1);

/**
 * "▲ 3.1 points" / "▼ 0.4 points" / "no change": the change is computed on the rounded scores so it
 * always matches the difference of the two figures a reader sees.
 */
export const scoreChange = (score: number, previous: number): string => {
  const tenths = Math.round(score * 10) - Math.round(previous * 10);
  if (tenths === 0) return 'no change';
  return `${tenths > 0 ? '▲' : '▼'} ${(Math.abs(tenths) / 10).toFixed(1)} points`;
};

/** "▲ 2" / "▼ 1" / "no change" for a count (more open findings is ▲: the arrow shows direction, not merit). */
export const countChange = (now: number, before: number): string => {
  const d = now - before;
  if (d === 0) return 'no change';
  return `${d > 0 ? '▲' : '▼'} ${num(Math.abs(d))}`;
};

/**
 * "12 accepted risks not counted": said next to the score whenever accepted risks were set aside
 * (src/core/digest/score.ts), so a score they lifted never reads as one earned by fixes.
 */
export const scoreSetAsideText = (report: Pick<DigestReport, 'acceptedRisks'>): string | null => {
  const n = report.acceptedRisks?.scoreSetAside ?? 0;
  return n > 0 ? `${plural(n, 'accepted risk')} not counted` : null;
};

/** The headline's score phrase, without markup. */
export const scoreHeadline = (
  report: Pick<DigestReport, 'score' | 'previousScore' | 'firstRun' | 'incomplete' | 'acceptedRisks'>,
): { score: string; change: string } => {
  if (report.score === null)
    return {
      score: 'No posture score',
      change:
        report.incomplete.length > 0
          ? 'not computed: the scan was incomplete'
          : 'the scope has no cloudsec check results (Security Hub only)',
    };
  const setAside = scoreSetAsideText(report);
  const score = `Posture score ${scoreText(report.score)} / 100${setAside ? ` · ${setAside}` : ''}`;
  if (report.firstRun) return { score, change: 'first digest, nothing to compare with yet' };
  if (report.previousScore === null) return { score, change: 'the last digest had no score to compare with' };
  return { score, change: `${scoreChange(report.score, report.previousScore)} since the last digest` };
};

/** The severity's change since the last digest, or null when there is nothing to compare with. */
export const severityChange = (report: Pick<DigestReport, 'open' | 'previousOpen'>, s: Severity): string | null =>
  report.previousOpen ? countChange(report.open[s], report.previousOpen[s]) : null;

export const totalChange = (report: Pick<DigestReport, 'open' | 'previousOpen'>): string | null =>
  report.previousOpen ? countChange(total(report.open), total(report.previousOpen)) : null;

/** "4 new · 1 back · 2 resolved · 1 suppressed since the last digest" (back and suppressed only when any). */
export const changesLine = (report: DigestReport, separator = ' · '): string => {
  const parts = [`${num(report.opened.total)} new`];
  if ((report.reopened?.total ?? 0) > 0) parts.push(`${num(report.reopened!.total)} back`);
  parts.push(`${num(report.resolved.total)} resolved`);
  if (report.newlySuppressed.total > 0) parts.push(`${num(report.newlySuppressed.total)} suppressed`);
  return `${parts.join(separator)} since the last digest`;
};

const DATE_PARTS: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

/**
 * "Mon, 2 Nov 2026, 09:00 (Europe/Berlin)": the zone is named rather than abbreviated because
 * abbreviations are missing for many zones in a given locale ("GMT-5") and ambiguous where present.
 */
export const asOfText = (iso: string, timeZone: string): string => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  try {
    const local = new Intl.DateTimeFormat('en-GB', { ...DATE_PARTS, timeZone }).format(t);
    return `${local} (${timeZone})`;
  } catch {
    // The config validates time zones; a report built elsewhere still gets a readable time.
    return utcStamp(iso);
  }
};

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, or null when either is not a date; never negative (clock skew). */
export const daysBetween = (from: string, to: string): number | null => {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.max(0, Math.floor((b - a) / DAY_MS));
};

/** "41 days", "1 day", "less than a day". */
export const ageText = (firstSeenAt: string, asOf: string): string | null => {
  const days = daysBetween(firstSeenAt, asOf);
  if (days === null) return null;
  return days === 0 ? 'less than a day' : plural(days, 'day');
};

const timeOf = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Infinity : t;
};

/** Oldest first (undated last); stable, so the builder's order decides ties. */
export const oldestFirst = (items: readonly DigestItem[]): DigestItem[] =>
  items
    .map((item, i) => ({ item, i, t: timeOf(item.firstSeenAt) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ item }) => item);

/** Most severe first; stable. */
export const worstFirst = (items: readonly DigestItem[]): DigestItem[] =>
  items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => SEVERITIES.indexOf(a.item.severity) - SEVERITIES.indexOf(b.item.severity) || a.i - b.i)
    .map(({ item }) => item);

export interface DigestList {
  section: DigestSection;
  total: number;
  items: DigestItem[];
  /** Whether a Remediate button / hint belongs on its items (the finding is still open). */
  remediable: boolean;
  /** Listed even when empty (saying "none" is news for new/resolved/still open). */
  alwaysShown: boolean;
}

/** The lists a style shows, in display order; counts are the report's exact totals. */
export const listsOf = (report: DigestReport): DigestList[] => {
  const newList: DigestList = {
    section: 'new',
    total: report.opened.total,
    items: worstFirst(report.opened.items),
    remediable: true,
    alwaysShown: true,
  };
  // Back in the failing lists (an accepted risk ended): as urgent as new, so compact digests show it too.
  const reopened: DigestList = {
    section: 'reopened',
    total: report.reopened?.total ?? 0,
    items: worstFirst(report.reopened?.items ?? []),
    remediable: true,
    alwaysShown: false,
  };
  if (report.style === 'compact') return [newList, reopened].filter((l) => l.alwaysShown || l.total > 0);
  const lists: DigestList[] = [
    newList,
    reopened,
    {
      section: 'resolved',
      total: report.resolved.total,
      items: worstFirst(report.resolved.items),
      remediable: false,
      alwaysShown: true,
    },
    {
      section: 'suppressed',
      total: report.newlySuppressed.total,
      items: worstFirst(report.newlySuppressed.items),
      remediable: false,
      alwaysShown: false,
    },
    {
      section: 'still_open',
      total: report.stillOpen.total,
      items: oldestFirst(report.stillOpen.items),
      remediable: true,
      alwaysShown: true,
    },
  ];
  return lists.filter((l) => l.alwaysShown || l.total > 0);
};

/** Items a list can show: never more than its exact total, whatever the builder handed over. */
export const showable = (list: DigestList): DigestItem[] => list.items.slice(0, Math.max(0, list.total));

/** The age phrase an item carries in its list: how long it has been (or was) open. */
export const itemAge = (section: DigestSection, item: DigestItem, asOf: string): string | null => {
  if (section !== 'still_open' && section !== 'resolved') return null;
  const age = ageText(item.firstSeenAt, asOf);
  if (age === null) return null;
  return section === 'still_open' ? `open ${age}` : `was open ${age}`;
};

export const partitionFor = (partition: string | ((accountId: string) => string) | undefined, accountId: string) =>
  typeof partition === 'function' ? partition(accountId) : (partition ?? 'aws');

/** The item's console link, or null (see src/core/digest/console-links.ts). */
export const itemConsoleUrl = (item: DigestItem, partition: string): string | null => consoleUrl(item, partition);

// ---------------------------------------------------------------- accepted risks

/** Accepted risks listed per kind (expiring, expired, stale) before "…and N more". */
export const ACCEPTED_LISTED = 5;

/** "14 findings hidden by 3 exceptions" (the Slack line's words), or null when nothing is hidden. */
export const acceptedHiddenText = (a: Pick<DigestAcceptedRisks, 'hidden' | 'exceptions'>): string | null =>
  a.hidden > 0 ? `${plural(a.hidden, 'finding')} hidden by ${plural(Math.max(a.exceptions, 1), 'exception')}` : null;

/** "3 days left" / "1 day left" (daysLeft rounds up: 1 = within the next 24 hours). */
export const daysLeftText = (r: Pick<DigestAcceptedRisk, 'daysLeft'>): string => `${plural(r.daysLeft, 'day')} left`;

/** The calendar day (UTC) an accepted risk ends, or its raw text when unreadable. */
export const expiryDay = (r: Pick<DigestAcceptedRisk, 'expiresAt'>): string =>
  /^\d{4}-\d{2}-\d{2}/.test(r.expiresAt) ? `${r.expiresAt.slice(0, 10)} (UTC)` : r.expiresAt;

/** "hides 4 findings here" / "4 findings back in the failing lists" / "" for each kind of list. */
export const expiringFindingsText = (r: Pick<DigestAcceptedRisk, 'findings'>): string =>
  `hides ${plural(r.findings, 'finding')} here`;

export const expiredFindingsText = (r: Pick<DigestAcceptedRisk, 'findings'>): string =>
  r.findings > 0 ? `${plural(r.findings, 'finding')} back in the failing lists` : 'nothing of it is failing here now';

/** Whether the "accepted risks" part has anything to say (expired ones have their own, louder part). */
export const hasAcceptedNews = (a: DigestAcceptedRisks | undefined): a is DigestAcceptedRisks =>
  a !== undefined && (a.hidden > 0 || a.expiring.length > 0 || a.stale.length > 0 || a.problems.length > 0);

// ---------------------------------------------------------------- alerts

/** Where every alert is listed; the digest names it rather than listing them all. */
export const ALERTS_COMMAND = '/cloudsec alerts';

export const ALERTS_UNREADABLE = 'alerts could not be read: the figures are missing, not zero';

/** "3 opened, 1 resolved, 1 false positive, 2 still open" (false positives only when any). */
export const alertCountsText = (a: Extract<DigestAlerts, { kind: 'read' }>): string =>
  [
    `${num(a.opened)} opened`,
    `${num(a.resolved)} resolved`,
    ...(a.falsePositive > 0 ? [`${num(a.falsePositive)} false positive${a.falsePositive === 1 ? '' : 's'}`] : []),
    `${num(a.stillOpen)} still open`,
  ].join(', ');

/** Open alerts not listed under the line. */
export const alertsNotListed = (a: Extract<DigestAlerts, { kind: 'read' }>): number =>
  Math.max(0, a.stillOpen - a.topOpen.length);
