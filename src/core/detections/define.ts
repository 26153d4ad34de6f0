import { z } from 'zod';
import { SeveritySchema, type Severity } from '../snapshot/vocabulary';
import type { CloudTrailRecord } from './record';

/**
 * A CloudTrail detection, one per file under src/core/detections/rules/, like a check: metadata that
 * `cloudsec detections list` prints and the EventBridge pattern is built from, and a pure `match`.
 * Nothing here talks to AWS or Slack; a detection turns one record into an alert draft or null.
 */

export const MitreTechniqueSchema = z.object({ id: z.string().regex(/^T\d{4}(\.\d{3})?$/), name: z.string() });
export type MitreTechnique = z.infer<typeof MitreTechniqueSchema>;

/** The resource a change is about, as findings name resources (ASFF type names, ids, ARNs). */
export const AlertResourceSchema = z.object({
  type: z.string(),
  id: z.string(),
  arn: z.string().nullable(),
  /** `global` for account-wide resources (IAM, S3 account settings), else the record's region. */
  region: z.string(),
});
export type AlertResource = z.infer<typeof AlertResourceSchema>;

/**
 * A security group rule the change added, named the way ec2_revoke_world_ingress reads rules from a
 * finding's evidence (`rules`): by id when AWS gave one, else by protocol, ports and source, which
 * name one rule within a group.
 */
export const UndoRuleSchema = z.object({
  ruleId: z.string().nullable(),
  ipProtocol: z.string(),
  fromPort: z.number().int().nullable(),
  toPort: z.number().int().nullable(),
  cidrIpv4: z.string().nullable(),
  cidrIpv6: z.string().nullable(),
});
export type UndoRule = z.infer<typeof UndoRuleSchema>;

/**
 * The finding evidence that makes ec2_revoke_world_ingress revoke exactly `rules`: it reads ids from
 * `ruleIds` and, for rules without one, the values in `rules`. Undo hands the remediation the
 * finding of the spec's check with its rule evidence replaced by this.
 */
export const undoRuleEvidence = (rules: readonly UndoRule[]): { ruleIds: string[]; rules: UndoRule[] } => ({
  ruleIds: rules.flatMap((r) => (r.ruleId === null ? [] : [r.ruleId])),
  rules: rules.map((r) => ({ ...r })),
});

/**
 * What Undo would do: the remediation (src/core/remediations) that reverses the change, applied to
 * the finding of `checkId` on the resource once it is re-collected. Undo is a remediation request
 * like any other: approved, executed once, verified.
 */
export const UndoSpecSchema = z.object({
  remediationId: z.string(),
  checkId: z.string(),
  resource: AlertResourceSchema,
  /** One line for the button's confirmation: "Block public access on bucket x". */
  description: z.string(),
  /**
   * The exact rules the change added, when the remediation revokes rules (ec2_revoke_world_ingress):
   * the undo is meant to revoke these and no others, whichever ports they open, rather than every
   * rule the check's finding lists (which may be older and not this change's). The finding of
   * `checkId` is still the gate (it must fail now) and what verifies the result; the remediation's
   * plan finds each rule in the re-collected group and refuses when one is gone.
   */
  rules: z.array(UndoRuleSchema).min(1).optional(),
});
export type UndoSpec = z.infer<typeof UndoSpecSchema>;

/** What `match` returns: the words of the change; the engine adds actor, time, account and ids. */
export interface DetectionMatch {
  /** What changed, in words, one line: "made bucket `x` public: the policy grants `s3:GetObject` to `*`". */
  summary: string;
  resource: AlertResource;
  /** Further lines shown on the card (grants, ports, the policy attached); keep each short. */
  details?: string[];
  /** Overrides the detection's severity for this record (admin ports open to the world: high → critical). */
  severity?: Severity;
  undo?: UndoSpec;
  /**
   * The part of the dedup key after the detection id and account (the resource, by default): repeats
   * of the same key within the rule's window become a count on the first alert's thread.
   */
  dedupSuffix?: string;
}

export interface DetectionDefinition {
  /** `<area>_<what>`, equal to the file name. */
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters, for the card and `detections list`. */
  rationale: string;
  /** The CloudTrail `eventSource`s and `eventName`s the detection reads (the EventBridge pattern is built from them). */
  events: ReadonlyArray<{ source: string; names: readonly string[] }>;
  /** CIS AWS Foundations Benchmark v3.0 section 4 id (e.g. '4.1'), when the detection is one of its alarms. */
  cis?: string;
  /** Security Hub control id (CloudWatch.N), when one maps. */
  securityHub?: string;
  mitre: MitreTechnique;
  /** The remediation id Undo uses, when the detection can offer one (documentation; the match carries the spec). */
  remediation?: string;
  /**
   * A counting rule alerts only when `threshold` matching records of the same dedup key arrive within
   * `windowMinutes` (sign-in failures, unauthorized calls). Config can change both.
   */
  counting?: { threshold: number; windowMinutes: number };
  /** Default dedup window in minutes (config can change it). */
  dedupWindowMinutes?: number;
  /**
   * Whether failed calls (an `errorCode`) are what this detection looks for. Default false: a failed
   * call changed nothing, and the engine drops it before `match` for every other detection.
   */
  matchesFailedCalls?: boolean;
  /**
   * For a detection whose `events` use source `*`: EventBridge `detail` filters that narrow its rule
   * (`cloudsec detections pattern`). Must let through every record `match` can alert on.
   */
  eventPatternDetail?: Record<string, unknown>;
  match(record: CloudTrailRecord): DetectionMatch | null;
}

export const defineDetection = (d: DetectionDefinition): DetectionDefinition => d;

export { SeveritySchema };
