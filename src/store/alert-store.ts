import type {
  Alert,
  AlertDraft,
  AlertPatch,
  AlertQuery,
  AlertStatus,
  LookupCheckpoint,
} from '../core/detections/alert';

/** An alert as recordAlert left it: `created` false when the record was counted on an open alert. */
export interface RecordedAlert {
  alert: Alert;
  created: boolean;
}

/**
 * What the live lane (CloudTrail detections) keeps: which records were handled (exactly once, across
 * restarts and replicas), the alerts, and the LookupEvents checkpoints. Part of Store.
 */
export interface AlertStore {
  /**
   * Claims a CloudTrail record: true only for the first caller with this `eventId` ever (an INSERT
   * that conflicts on the id answers false). Claimed ids are kept for `retentionDays` (see
   * pruneHandledEvents); a claim is never released, so a record is handled at most once — the
   * caller claims only once it is ready to store what the record makes.
   */
  claimEvent(eventId: string, source: string): Promise<boolean>;
  /** Forgets claims older than `before` (ISO); returns how many. SQS and LookupEvents never redeliver records that old. */
  pruneHandledEvents(before: string): Promise<number>;

  /**
   * Stores an alert, or counts it on the open alert with the same dedup key, severity and summary
   * seen since `windowStart` (ISO) — a repeat that says something else (port 22 after 443 on one
   * group, a higher severity) is a new alert, never hidden in a count: in one transaction, so two replicas never open two alerts for one key. Returns the alert
   * and whether it was created (false: counted on an existing one, whose `count` and `lastSeenAt` moved).
   * A `windowStart` at or after the store's now counts on nothing (a dedup window of 0).
   */
  recordAlert(draft: AlertDraft, windowStart: string): Promise<RecordedAlert>;
  /**
   * Everything one CloudTrail record makes, in one transaction: claims `event.eventId` (as
   * claimEvent) and records each alert (as recordAlert). Either all of it is stored or none is, so
   * a failure in between can never leave the record claimed without its alerts (its redelivery would
   * be taken for a duplicate and the alert lost). `claimed: false` (and nothing stored) when the
   * record was handled before. A record that makes no alert (only counted) is claimed with no items.
   */
  recordEventAlerts(
    event: { eventId: string; source: string },
    items: ReadonlyArray<{ draft: AlertDraft; windowStart: string }>,
  ): Promise<{ claimed: false } | { claimed: true; results: RecordedAlert[] }>;
  getAlert(id: string): Promise<Alert | null>;
  /** Newest first; a row that fails validation throws an `internal` error naming its id (never dropped silently). */
  listAlerts(query?: AlertQuery): Promise<Alert[]>;
  /**
   * Counts by status of the alerts created in [since, until) (`by: 'created'`, the default) or closed
   * in it (`by: 'closed'`: resolved or marked false positive then), for digests; scoped by
   * accountIds when given.
   */
  countAlerts(query: {
    since: string;
    until: string;
    accountIds?: readonly string[];
    by?: 'created' | 'closed';
  }): Promise<Record<AlertStatus, number>>;
  /**
   * Compare-and-set: moves the alert to `to` (applying `patch`) only if its status is one of `from`;
   * null when it does not exist or its status was not in `from`. Moving to a closed status sets
   * `closedAt` (kept when it was closed already); moving back to an open one clears it.
   */
  transitionAlert(id: string, from: readonly AlertStatus[], to: AlertStatus, patch?: AlertPatch): Promise<Alert | null>;
  /** Applies `patch` without a status change (assignee, answer, undo request); null when the alert does not exist. */
  updateAlert(id: string, patch: AlertPatch): Promise<Alert | null>;
  /** Records where the card was posted. */
  setAlertMessage(id: string, channel: string, messageTs: string): Promise<Alert | null>;
  /**
   * Claims the escalation of an unanswered question exactly once: sets `escalatedAt` only when the
   * alert was asked, not answered and not escalated yet. True for the one caller that set it.
   */
  claimAlertEscalation(id: string): Promise<boolean>;

  getLookupCheckpoint(accountId: string, region: string): Promise<LookupCheckpoint | null>;
  /** Saves the checkpoint (upsert). */
  saveLookupCheckpoint(checkpoint: Omit<LookupCheckpoint, 'updatedAt'>): Promise<LookupCheckpoint>;
}
