import { z } from 'zod';
import { FindingStatusSchema, ServiceSchema, SeveritySchema, SEVERITIES, type Severity } from '../model';

/**
 * What a digest remembers between runs, and what one run reports. The store keeps, per digest,
 * one `DigestItem` per finding that was open or suppressed at the last posted run; the next run
 * diffs what it observes against them. Items are small on purpose: 100,000 Security Hub findings
 * must fit in the store and in a diff without holding the findings themselves.
 *
 * `suppressed` means "failing, and someone decided it need not be listed": Security Hub's workflow
 * status SUPPRESSED, or an accepted risk (exception) that hides it. Both are stored the same way,
 * because both must behave the same way: an open finding that becomes suppressed is not fixed (it is
 * kept, never listed as resolved), and one that is open again when the suppression ends (the
 * accepted risk expired, was revoked, or the finding got worse) is `reopened` ("back"), not new:
 * the digest saw it before.
 */

const isoDate = z.string().datetime({ offset: true });

export const DigestItemStateSchema = z.enum(['open', 'suppressed']);
export type DigestItemState = z.infer<typeof DigestItemStateSchema>;

/** One finding as a digest remembers it. */
export const DigestItemSchema = z.object({
  findingId: z.string(),
  source: z.enum(['cloudsec', 'securityhub']),
  checkId: z.string(),
  service: z.string(),
  severity: SeveritySchema,
  accountId: z.string(),
  region: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  resourceArn: z.string().nullable(),
  /**
   * The finding's title when last observed: for a cloudsec check, what is wrong (its failTitle).
   * Items stored before checks had one hold the desired state; renderers head every item with
   * `problemTitle` (src/core/render/headline.ts), which reads both right.
   */
  title: z.string(),
  /** One sentence about this resource, as last observed. */
  message: z.string(),
  remediationId: z.string().nullable(),
  state: DigestItemStateSchema,
  /** When a digest first saw it open (kept across runs; the age shown under "still open"). */
  firstSeenAt: isoDate,
  /** The last run that saw it (open or suppressed). */
  lastSeenAt: isoDate,
});
export type DigestItem = z.infer<typeof DigestItemSchema>;

/**
 * What one run saw of one finding. `resolved`: the finding passes now, or Security Hub says it is
 * RESOLVED, ARCHIVED or PASSED. `unknown`: it could not be evaluated this time — the stored item is
 * kept as it was (a failed scan never reads as "fixed").
 */
export const ObservedStateSchema = z.enum(['open', 'suppressed', 'resolved', 'unknown']);
export type ObservedState = z.infer<typeof ObservedStateSchema>;

export type ObservedItem = Omit<DigestItem, 'state' | 'firstSeenAt' | 'lastSeenAt'> & { state: ObservedState };

/**
 * Which findings belong in a digest by service and severity: the part of a digest's scope the core
 * decides on. Accounts, OUs and sources are resolved by the app before scanning; the configured
 * scope (src/digest-config.ts) builds on this one and adds its defaults.
 */
export const ItemScopeSchema = z.object({
  services: z.array(ServiceSchema).min(1),
  /** The least severe severity shown. */
  minSeverity: SeveritySchema,
});
export type ItemScope = z.infer<typeof ItemScopeSchema>;

/**
 * One source's observation in a run.
 * - `complete`: every finding in scope was listed (cloudsec checks): a stored item of this source
 *   that is not listed is resolved — unless its account and check were not fully evaluated
 *   (`unevaluated`), in which case it is kept.
 * - `changes`: only findings that changed since `since` were listed (Security Hub incremental):
 *   a stored item that is not listed is unchanged.
 */
export type Observation =
  | {
      kind: 'complete';
      source: DigestItem['source'];
      items: ObservedItem[];
      /** `accountId` alone: the whole account could not be scanned; `accountId/checkId`: that check. */
      unevaluated: ReadonlySet<string>;
    }
  | { kind: 'changes'; source: DigestItem['source']; since: string; items: ObservedItem[] };

export const unevaluatedKey = (accountId: string, checkId?: string): string =>
  checkId === undefined ? accountId : `${accountId}/${checkId}`;

/** What changed since the last posted run of the digest. */
export interface DigestDelta {
  /** Open now, and not remembered at all at the last run: new since the last digest. */
  opened: DigestItem[];
  /**
   * Open now, suppressed at the last run: back in the failing lists because an accepted risk ended
   * (expired, revoked, or the finding got worse) or Security Hub's suppression was lifted. Not new.
   */
  reopened: DigestItem[];
  /** Open (or suppressed) at the last run, resolved now. */
  resolved: DigestItem[];
  /** Open at the last run, suppressed now (accepted risk: not counted as fixed). */
  suppressed: DigestItem[];
  /** The items to store after this run (upserted), and the finding ids to forget. */
  upserts: DigestItem[];
  removals: string[];
}

export const SeverityCountsSchema = z.object(
  Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int().nonnegative()])) as Record<Severity, z.ZodNumber>,
);
export type SeverityCounts = Record<Severity, number>;

export const zeroCounts = (): SeverityCounts => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;

/** The posture score's inputs: cloudsec check results (Security Hub reports only failures). */
export interface ScoreInput {
  severity: Severity;
  status: z.infer<typeof FindingStatusSchema>;
  /** A failing result an accepted risk hides: set aside by the score (src/core/digest/score.ts). */
  accepted?: boolean;
}

/** What a run stores about itself (in `digest_runs.details`), and what the trend is drawn from. */
export const DigestRunSummarySchema = z.object({
  /** 0–100, one decimal; null when the scope has no cloudsec check results (Security Hub only). */
  score: z.number().min(0).max(100).nullable(),
  open: SeverityCountsSchema,
  suppressed: z.number().int().nonnegative(),
  opened: z.number().int().nonnegative(),
  /** Absent in runs stored before "back" was told apart from "new". */
  reopened: z.number().int().nonnegative().optional(),
  resolved: z.number().int().nonnegative(),
  newlySuppressed: z.number().int().nonnegative(),
  /** Findings in scope that accepted risks hid in this run; absent in runs stored before exceptions. */
  accepted: z.number().int().nonnegative().optional(),
  /** Empty when every account and source in scope was read; otherwise one line each. */
  incomplete: z.array(z.string()),
  /** The Slack message the run posted (for the thread: chart and attachments). */
  message: z.object({ channel: z.string(), ts: z.string() }).nullable(),
});
export type DigestRunSummary = z.infer<typeof DigestRunSummarySchema>;

/** One point of the trend: a run's time and its figures, or a gap (no run, or a run that failed). */
export interface TrendPoint {
  at: string;
  score: number | null;
  open: SeverityCounts | null;
}

/** Per-account lines for multi-account digests, worst first. */
export interface AccountBreakdown {
  accountId: string;
  accountName: string;
  score: number | null;
  open: SeverityCounts;
  opened: number;
  resolved: number;
}

/** An accepted risk as a digest names it: by id and owner, never by its scope (it may reach other accounts). */
export interface DigestAcceptedRisk {
  id: string;
  source: 'slack' | 'config';
  /** The owner: a Slack user id (`U…`) is mentioned, anything else is shown as a name. */
  owner: { id: string; name?: string | undefined };
  expiresAt: string;
  /** Whole days left (expiring), 0 once expired. */
  daysLeft: number;
  /**
   * Findings of this digest's scope involved: hidden by it now (expiring), back in the failing
   * lists because it ended (expired), 0 for a stale one.
   */
  findings: number;
}

/**
 * The digest's "accepted risks" part. Every count is over the digest's own scope (its accounts,
 * services and minimum severity); an accepted risk is listed only when it hides or gave back a
 * finding here, or (stale) when everything it covers lies inside the scope, so a digest never
 * names an accepted risk about accounts its readers are not shown.
 */
export interface DigestAcceptedRisks {
  /** Failing findings in scope hidden by accepted risks in this run. */
  hidden: number;
  /** How many accepted risks hide them. */
  exceptions: number;
  /** cloudsec check results the posture score set aside because an accepted risk hides them (score.ts). */
  scoreSetAside: number;
  /** In force and expiring within EXPIRING_SOON_DAYS, soonest first. */
  expiring: DigestAcceptedRisk[];
  /** Ended since the last digest (or within EXPIRING_SOON_DAYS on a first run), most recent first. */
  expired: DigestAcceptedRisk[];
  /** In force but matching nothing any more: the scan looked at everything they cover and found nothing. */
  stale: DigestAcceptedRisk[];
  /** Accepted risks that could not be read (their findings are shown); for people. */
  problems: string[];
}

/** An open (or acknowledged) CloudTrail alert as a digest lists it. */
export interface DigestAlert {
  id: string;
  title: string;
  severity: Severity;
  accountId: string;
  /** The alert's one-line summary (mrkdwn from the detection: code spans around names). */
  summary: string;
  status: 'open' | 'acknowledged';
}

/**
 * The digest's "alerts" line: what the live lane (CloudTrail detections) did in the digest's
 * accounts since the last digest. `opened`, `resolved` and `falsePositive` count the alerts
 * created in the window [since, until), by their status now (an alert opened before the window
 * and closed in it is not counted again); `stillOpen` counts every open or acknowledged alert of
 * the scope, whenever it was opened. `unreadable`: the store could not be read — said, never
 * shown as zero.
 */
export type DigestAlerts =
  | {
      kind: 'read';
      since: string;
      until: string;
      opened: number;
      resolved: number;
      falsePositive: number;
      stillOpen: number;
      /** At most DIGEST_ALERTS_LISTED, most severe first, then newest. */
      topOpen: DigestAlert[];
    }
  /** The cause is logged, not posted: a store's error may name its files or hosts. */
  | { kind: 'unreadable' };

/**
 * Everything a digest message shows; built by the app from the delta, the store and the run
 * history, rendered by src/core/render (Block Kit and text). Lists are already sorted and capped by
 * the builder; counts are always exact.
 */
export interface DigestReport {
  name: string;
  /** The time the run was scheduled for (the "as of" shown). */
  scheduledFor: string;
  timezone: string;
  style: 'full' | 'compact';
  /** Describes the scope in words: "accounts prod, staging · s3, iam · high and above". */
  scopeText: string;
  demo: boolean;
  /** First run of this digest: there is nothing to compare with yet. */
  firstRun: boolean;
  score: number | null;
  previousScore: number | null;
  open: SeverityCounts;
  previousOpen: SeverityCounts | null;
  suppressed: number;
  opened: { total: number; items: DigestItem[] };
  /** Back in the failing lists (suppressed at the last run); absent = none (reports built before it existed). */
  reopened?: { total: number; items: DigestItem[] };
  resolved: { total: number; items: DigestItem[] };
  newlySuppressed: { total: number; items: DigestItem[] };
  /** Oldest first. */
  stillOpen: { total: number; items: DigestItem[] };
  /** Worst first; empty for a single-account scope. */
  accounts: AccountBreakdown[];
  incomplete: string[];
  /** Remediate buttons are shown only when the workflow is on. */
  remediationEnabled: boolean;
  /** Account names by id, for display. */
  accountNames: Record<string, string>;
  /** Accepted risks in the scope; absent = the digest applies none (reports built before exceptions). */
  acceptedRisks?: DigestAcceptedRisks;
  /** CloudTrail alerts in the scope; absent = nothing to say (no live lane and no alert at all). */
  alerts?: DigestAlerts;
}
