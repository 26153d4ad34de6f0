import { z } from 'zod';
import { fact } from './fact';

/**
 * What cloudsec reads of GuardDuty, per scanned region: the region's detector (an account has at most
 * one per region) and how many open findings it holds at each severity. Every value an AWS answer
 * provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd answer is carried as missing
 * evidence rather than as "no detector".
 */

/** GuardDuty's severity bands (its user guide, "Severity levels for GuardDuty findings"). */
export const GUARDDUTY_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type GuardDutySeverity = (typeof GUARDDUTY_SEVERITIES)[number];

/** Open (not archived) findings per severity band, for digests and evidence. */
export const GuardDutyFindingCountsSchema = z.object({
  critical: z.number().int().nonnegative(),
  high: z.number().int().nonnegative(),
  medium: z.number().int().nonnegative(),
  low: z.number().int().nonnegative(),
});
export type GuardDutyFindingCounts = z.infer<typeof GuardDutyFindingCountsSchema>;

/** A protection plan of the detector (`S3_DATA_EVENTS`, `EKS_AUDIT_LOGS`, …) and its status. */
export const GuardDutyFeatureSchema = z.object({ name: z.string(), status: z.string() });

export const GuardDutyDetectorSchema = z.object({
  id: z.string(),
  /** `DISABLED`: the detector exists but is suspended, so GuardDuty analyses nothing. */
  status: z.enum(['ENABLED', 'DISABLED']),
  /** Null when GetDetector sent no feature list (evidence only; no verdict reads it). */
  features: z.array(GuardDutyFeatureSchema).nullable(),
  /** A fact of its own: it needs a further call, which may be refused while the detector is known. */
  findingsBySeverity: fact(GuardDutyFindingCountsSchema),
});
export type GuardDutyDetector = z.infer<typeof GuardDutyDetectorSchema>;

export const GuardDutyRegionSchema = z.object({
  /** `null`: the region has no detector, i.e. GuardDuty is off there (a state, not an error). */
  detector: fact(GuardDutyDetectorSchema.nullable()),
});
export type GuardDutyRegion = z.infer<typeof GuardDutyRegionSchema>;
