import { z } from 'zod';
import { SeveritySchema } from '../snapshot/vocabulary';
import { ChangeActorSchema } from './actor';
import { AlertResourceSchema, UndoSpecSchema } from './define';

/**
 * An alert: what a detection made of one CloudTrail record (or of the first of a run of repeats
 * with the same dedup key). The core owns the shape; the store keeps it and the surface renders it.
 */

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;
export const AlertStatusSchema = z.enum(ALERT_STATUSES);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;
export const OPEN_ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged'];
export const isOpenAlert = (s: AlertStatus): boolean => OPEN_ALERT_STATUSES.includes(s);

/** Where the record came from. */
export const ALERT_SOURCES = ['sqs', 'lookup-events', 'demo', 'file'] as const;
export const AlertSourceSchema = z.enum(ALERT_SOURCES);
export type AlertSource = z.infer<typeof AlertSourceSchema>;

/** What the engine makes of a record: everything an alert holds before the store gives it an id. */
export const AlertDraftSchema = z.object({
  detectionId: z.string(),
  title: z.string(),
  severity: SeveritySchema,
  /** `<detectionId>|<accountId>|<suffix>`: repeats within the window are counted on the first alert. */
  dedupKey: z.string(),
  accountId: z.string(),
  region: z.string(),
  eventId: z.string(),
  eventSource: z.string(),
  eventName: z.string(),
  eventTime: z.string(),
  summary: z.string(),
  details: z.array(z.string()),
  rationale: z.string(),
  resource: AlertResourceSchema,
  actor: ChangeActorSchema,
  undo: UndoSpecSchema.nullable(),
  /** Posted to the quiet (staged) channel while the rule is not yet trusted. */
  staged: z.boolean(),
  source: AlertSourceSchema,
  /** For counting rules: how many records reached the threshold. */
  thresholdCount: z.number().int().positive().nullable(),
});
export type AlertDraft = z.infer<typeof AlertDraftSchema>;

export const AlertSchema = AlertDraftSchema.extend({
  id: z.string(),
  status: AlertStatusSchema,
  /** Repeats of the dedup key within the window, the first included. */
  count: z.number().int().positive(),
  lastSeenAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Where the card is: set once it is posted (null until then, or when posting failed). */
  channel: z.string().nullable(),
  messageTs: z.string().nullable(),
  assigneeId: z.string().nullable(),
  /** Who acknowledged / resolved / marked it false positive, and their note. */
  closedBy: z.string().nullable(),
  /** When it was resolved or marked false positive (null while open or acknowledged). */
  closedAt: z.string().nullable(),
  note: z.string().nullable(),
  /** Ask the actor: the Slack user asked, when, their answer, and when the question escalated. */
  askedUserId: z.string().nullable(),
  askedAt: z.string().nullable(),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  /** The remediation request Undo opened. */
  undoRequestId: z.string().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertPatchSchema = AlertSchema.pick({
  assigneeId: true,
  closedBy: true,
  note: true,
  askedUserId: true,
  askedAt: true,
  answer: true,
  answeredAt: true,
  undoRequestId: true,
}).partial();
export type AlertPatch = z.infer<typeof AlertPatchSchema>;

export const AlertQuerySchema = z.object({
  statuses: z.array(AlertStatusSchema).optional(),
  /** Only alerts of these accounts (a scoped user's); absent = every account. */
  accountIds: z.array(z.string()).optional(),
  assigneeId: z.string().optional(),
  /** Alerts assigned to or asking this Slack user: (assignee_id = ? OR asked_user_id = ?). */
  involvesUserId: z.string().optional(),
  since: z.string().optional(),
  /** Questions due for escalation: asked_at IS NOT NULL AND asked_at <= ? AND answered_at IS NULL AND escalated_at IS NULL. */
  questionDueBefore: z.string().optional(),
  limit: z.number().int().positive().optional(),
});
export type AlertQuery = z.infer<typeof AlertQuerySchema>;

/** The LookupEvents checkpoint of one account and region: resume after the last record handled. */
export const LookupCheckpointSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  /** The eventTime of the newest record handled (ISO). */
  lastEventTime: z.string(),
  /** The ids handled at exactly lastEventTime (LookupEvents' time filter is inclusive, to the second). */
  lastEventIds: z.array(z.string()),
  updatedAt: z.string(),
});
export type LookupCheckpoint = z.infer<typeof LookupCheckpointSchema>;
