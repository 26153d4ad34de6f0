import { plural, thousands } from '../remediation/format';
import { idRef, personRef, stamp } from './format';

/**
 * The accepted-risk lines of a digest, as escaped mrkdwn lines; the digest renderer places them.
 * Each list names at most `max` accepted risks, then says how many more there are. An entry has
 * the shape of the digest's `DigestAcceptedRisk` (src/core/digest/model.ts), so those fit as they are.
 */
export interface AcceptedRiskDigestEntry {
  id: string;
  source: 'slack' | 'config';
  owner: { id: string; name?: string | undefined };
  expiresAt: string;
  /** Whole days left (expiring); 0 once expired. */
  daysLeft: number;
  /** Findings involved: hidden by it now (expiring), back in the lists (expired), 0 (stale). */
  findings: number;
}

const DEFAULT_MAX = 5;

const label = (r: AcceptedRiskDigestEntry): string =>
  `${idRef(r.id)}${r.source === 'config' ? ' (cloudsec.yml)' : ''} · owner ${personRef(r.owner)}`;

const listed = (
  entries: readonly AcceptedRiskDigestEntry[],
  max: number,
  line: (r: AcceptedRiskDigestEntry) => string,
): string[] => [
  ...entries.slice(0, Math.max(0, max)).map((r) => `• ${line(r)}`),
  ...(entries.length > max ? [`• …and ${thousands(entries.length - max)} more`] : []),
];

/** ":shield: *Accepted risks*: 14 findings hidden by 3 exceptions"; null when nothing is hidden. */
export const acceptedRisksLine = (a: { hidden: number; exceptions: number }): string | null =>
  a.hidden > 0
    ? `:shield: *Accepted risks*: ${plural(a.hidden, 'finding')} hidden by ${plural(Math.max(a.exceptions, 1), 'exception')}`
    : null;

/** "Expiring within 7 days", soonest first as given, each with its owner, day and what it hides. */
export const expiringLines = (
  entries: readonly AcceptedRiskDigestEntry[],
  opts: { days?: number; max?: number } = {},
): string[] =>
  entries.length === 0
    ? []
    : [
        `:hourglass_flowing_sand: *Expiring within ${plural(opts.days ?? 7, 'day')}*: ${thousands(entries.length)}`,
        ...listed(
          entries,
          opts.max ?? DEFAULT_MAX,
          (r) =>
            `${label(r)} · ends ${stamp(r.expiresAt)} (${plural(r.daysLeft, 'day')} left) · hides ${plural(r.findings, 'finding')}`,
        ),
      ];

/** Loud: accepted risks that ended, and what came back into the failing lists. */
export const expiredLines = (entries: readonly AcceptedRiskDigestEntry[], opts: { max?: number } = {}): string[] =>
  entries.length === 0
    ? []
    : [
        `:rotating_light: *${plural(entries.length, 'accepted risk')} expired*: ` +
          `${entries.length === 1 ? 'its findings are' : 'their findings are'} *shown again* until fixed or accepted again.`,
        ...listed(
          entries,
          opts.max ?? DEFAULT_MAX,
          (r) => `${label(r)} · ended ${stamp(r.expiresAt)} · ${plural(r.findings, 'finding')} back`,
        ),
      ];

/** Accepted risks in force that match nothing any more: revoke them or let them expire. */
export const staleLines = (entries: readonly AcceptedRiskDigestEntry[], opts: { max?: number } = {}): string[] =>
  entries.length === 0
    ? []
    : [
        `:zzz: *Stale*: ${plural(entries.length, 'accepted risk')} ${entries.length === 1 ? 'matches' : 'match'} nothing any more`,
        ...listed(entries, opts.max ?? DEFAULT_MAX, (r) => `${label(r)} · until ${stamp(r.expiresAt)}`),
      ];
