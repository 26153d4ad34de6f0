import { z } from 'zod';
import { SeveritySchema } from '../model';

/**
 * The `detections:` section of cloudsec.yml: the live lane (CloudTrail → alerts). Off unless a
 * source is configured or the demo replays sample events; rules are all on by default and can be
 * tuned one by one. Noise controls (exclusions, dedup windows, thresholds, staging) are here from
 * day one because most raw CIS alarms in real deployments are automation.
 *
 *   detections:
 *     sources:
 *       sqs: { queueUrl: https://sqs.eu-west-1.amazonaws.com/111111111111/cloudsec-events, maxReceives: 5 }
 *       lookupEvents: { regions: [eu-west-1, us-east-1], intervalSeconds: 300, settleMinutes: 15 }
 *     routing:
 *       default: C0ALERTS            # where alert cards go
 *       staged: C0ALERTSQUIET        # staged rules post here until trusted
 *       accounts: { "111111111111": C0PRODALERTS }
 *       ous: { ou-ab12-34cd56ef: C0PRODALERTS }
 *     dedupWindowMinutes: 60
 *     exclude:                       # global; each entry: all given fields must match
 *       - principal: "arn:aws:sts::*:assumed-role/terraform-*"
 *         reason: Terraform pipeline
 *     rules:
 *       unauthorized_api_calls: { threshold: 10, windowMinutes: 5, staged: true }
 *       root_activity: { enabled: true }
 *       iam_policy_changed: { exclude: [{ sourceService: cloudformation.amazonaws.com, reason: stacks }] }
 *     actors:                        # principal ARN pattern → Slack user, for "Ask the actor"
 *       "arn:aws:iam::111111111111:user/alice": U0ALICE
 *     lookupByEmail: false           # true: SSO users are found with users.lookupByEmail (needs users:read.email)
 *     ask: { escalateAfterMinutes: 60 }
 */

const CHANNEL = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0ALERTS');
const SLACK_USER = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id such as U0ALICE');
const ACCOUNT_ID = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');
/** Patterns use `*` for any run of characters (no regular expressions: linear matching, no ReDoS). */
const PATTERN = z.string().min(1).max(512);

/** Why a userAgent-only exclusion is refused (shown as the config error). */
export const USER_AGENT_ONLY =
  'an exclusion cannot match on userAgent alone: the caller chooses its user agent, so anyone could send that string and silence these alerts. Combine userAgent with principal, account or sourceService (e.g. principal: "arn:aws:sts::*:assumed-role/terraform-*").';

/** An entry whose only matcher is userAgent: refused by the schema, and matching nothing in noise.ts. */
export const isUserAgentOnly = (e: {
  principal?: string | undefined;
  account?: string | undefined;
  userAgent?: string | undefined;
  sourceService?: string | undefined;
}): boolean =>
  e.userAgent !== undefined && e.principal === undefined && e.account === undefined && e.sourceService === undefined;

export const DetectionExclusionSchema = z
  .object({
    /** The caller's ARN (assumed-role session ARN, user ARN) or its role's ARN. */
    principal: PATTERN.optional(),
    account: ACCOUNT_ID.optional(),
    userAgent: PATTERN.optional(),
    /** `userIdentity.invokedBy` (e.g. `cloudformation.amazonaws.com`). */
    sourceService: PATTERN.optional(),
    /** Why this is excluded: required, shown in `cloudsec detections list` and audit. */
    reason: z.string().min(1).max(300),
  })
  .strict()
  .refine((e) => e.principal ?? e.account ?? e.userAgent ?? e.sourceService, {
    message: 'an exclusion needs at least one of principal, account, userAgent or sourceService',
  })
  // The user agent is whatever the caller sends (`aws s3 ... --user-agent`, one SDK setting): an
  // exclusion on it alone lets anyone who learns the string silence these alerts. It may narrow an
  // exclusion, never be one.
  .refine((e) => !isUserAgentOnly(e), {
    message: USER_AGENT_ONLY,
    path: ['userAgent'],
  });
export type DetectionExclusion = z.infer<typeof DetectionExclusionSchema>;

export const DetectionRuleSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Posts to routing.staged until the rule is trusted. */
    staged: z.boolean().default(false),
    severity: SeveritySchema.optional(),
    dedupWindowMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .optional(),
    /** Counting rules only: records of one key within windowMinutes that make an alert. */
    threshold: z.number().int().min(1).max(100_000).optional(),
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    exclude: z.array(DetectionExclusionSchema).default([]),
  })
  .strict();
export type DetectionRuleSettings = z.infer<typeof DetectionRuleSettingsSchema>;

export const SqsSourceSchema = z
  .object({
    queueUrl: z.url().regex(/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[\w-]{1,80}(\.fifo)?$|^http/, {
      message: 'expected an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/111111111111/cloudsec-events',
    }),
    /** Long-poll wait (ReceiveMessage WaitTimeSeconds). */
    waitSeconds: z.number().int().min(0).max(20).default(20),
    /** How long a received message stays hidden while it is handled. */
    visibilityTimeoutSeconds: z.number().int().min(5).max(43_200).default(60),
    /** The queue's redrive maxReceiveCount: a message received this often is left for the DLQ. */
    maxReceives: z.number().int().min(1).max(1000).default(5),
    /**
     * Receive loops reading the queue side by side (each one batch of 10 at a time). Two keep up with
     * 100 events a second when every AWS and Slack call takes 50 ms (npm run bench:detect-pipeline).
     */
    receiveLoops: z.number().int().min(1).max(10).default(2),
  })
  .strict();

export const LookupEventsSourceSchema = z
  .object({
    /** Regions to poll (management events are recorded per region; IAM's land in us-east-1). */
    regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/)).min(1),
    intervalSeconds: z.number().int().min(30).max(3600).default(300),
    /**
     * How long CloudTrail is given to list an event in LookupEvents: each poll reads up to now minus
     * this, and its checkpoint never moves past that, so an event listed minutes after its eventTime
     * is still read. Alerts from this source come that much later; 0 reads up to now (and misses
     * events CloudTrail lists late).
     */
    settleMinutes: z.number().int().min(0).max(60).default(15),
    /** How far back (from now − settleMinutes) the first poll looks, when no checkpoint exists yet. */
    initialLookbackMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
  })
  .strict();

export const DetectionsConfigSchema = z
  .object({
    sources: z
      .object({ sqs: SqsSourceSchema.optional(), lookupEvents: LookupEventsSourceSchema.optional() })
      .strict()
      .default({}),
    routing: z
      .object({
        default: CHANNEL.optional(),
        staged: CHANNEL.optional(),
        accounts: z.record(ACCOUNT_ID, CHANNEL).default({}),
        ous: z.record(z.string().regex(/^(ou-[a-z0-9]+-[a-z0-9]+|r-[a-z0-9]+)$/), CHANNEL).default({}),
      })
      .strict()
      .default({ accounts: {}, ous: {} }),
    dedupWindowMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(60),
    exclude: z.array(DetectionExclusionSchema).default([]),
    rules: z.record(z.string(), DetectionRuleSettingsSchema).default({}),
    actors: z.record(PATTERN, SLACK_USER).default({}),
    lookupByEmail: z.boolean().default(false),
    ask: z
      .object({
        escalateAfterMinutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .default(60),
      })
      .strict()
      .default({ escalateAfterMinutes: 60 }),
    /**
     * Cards per channel per minute before medium, low and informational alerts are grouped into one
     * summary with a thread (Slack allows ~1 message/s per channel). High and critical alerts always
     * get their own card, over this budget if need be (Slack tolerates short bursts; see burst.ts).
     */
    burstPerChannelPerMinute: z.number().int().min(1).max(60).default(20),
    /** Days handled event ids are kept for exactly-once (SQS/LookupEvents never redeliver older records). */
    retentionDays: z.number().int().min(1).max(365).default(14),
  })
  .strict();
export type DetectionsConfig = z.infer<typeof DetectionsConfigSchema>;

export const DEFAULT_DETECTIONS_CONFIG: DetectionsConfig = DetectionsConfigSchema.parse({});

/** Whether a CloudTrail source is configured, i.e. whether a deployment's live lane runs. */
export const liveSourceConfigured = (detections: Pick<DetectionsConfig, 'sources'>): boolean =>
  detections.sources.sqs !== undefined || detections.sources.lookupEvents !== undefined;
