import { z } from 'zod';
import { fact } from './fact';
import { isoDate } from './vocabulary';

/**
 * What cloudsec reads of IAM Access Analyzer, per scanned region: the analyzers, and the active
 * findings of the external-access analyzers (resources this account shares outside its zone of
 * trust). Every value an AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or
 * odd answer is carried as missing evidence rather than as "no analyzer" or "no findings".
 */

/** Analyzer types that analyse external access: the only ones CIS 1.20 / IAM.28 count. */
export const EXTERNAL_ACCESS_ANALYZER_TYPES = ['ACCOUNT', 'ORGANIZATION'] as const;

export const AnalyzerSummarySchema = z.object({
  arn: z.string(),
  name: z.string(),
  /** `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, … as AWS names it. */
  type: z.string(),
  /** `ACTIVE`, `CREATING`, `DISABLED` or `FAILED`. */
  status: z.string(),
  /** Why an analyzer is not active (`AWS_SERVICE_ACCESS_DISABLED`, …); null when AWS gave none. */
  statusReason: z.string().nullable(),
});
export type AnalyzerSummary = z.infer<typeof AnalyzerSummarySchema>;

export const AccessAnalyzerFindingSchema = z.object({
  /** The analyzer that reported it. */
  analyzerArn: z.string(),
  id: z.string(),
  /** The resource's ARN (or name) as Access Analyzer gives it; null when it gave none. */
  resource: z.string().nullable(),
  /** `AWS::S3::Bucket`, `AWS::IAM::Role`, … */
  resourceType: z.string(),
  resourceOwnerAccount: z.string(),
  /** Null when Access Analyzer did not say: such a finding is reported as possibly public. */
  isPublic: z.boolean().nullable(),
  /** Who gets access: `{ "AWS": "999999999999" }`, `{ "AWS": "*" }`, … (empty when not given). */
  principal: z.record(z.string(), z.string()),
  /** The actions granted (empty when not given). */
  actions: z.array(z.string()),
  /** The policy condition under which access is granted. */
  condition: z.record(z.string(), z.string()),
  /** Set when Access Analyzer could not fully analyse the resource. */
  error: z.string().nullable(),
  updatedAt: isoDate,
});
export type AccessAnalyzerFinding = z.infer<typeof AccessAnalyzerFindingSchema>;

export const AccessAnalyzerFindingsSchema = z.object({
  /** Active findings about this account's resources, from every active external-access analyzer. */
  active: z.array(AccessAnalyzerFindingSchema),
  /** More findings exist than cloudsec keeps (it stops paging at a cap). */
  truncated: z.boolean(),
});
export type AccessAnalyzerFindings = z.infer<typeof AccessAnalyzerFindingsSchema>;

export const AccessAnalyzerRegionSchema = z.object({
  /** Every analyzer in the region, of every type and status; empty: none (a state, not an error). */
  analyzers: fact(z.array(AnalyzerSummarySchema)),
  /** `null`: no active external-access analyzer in the region, so there were no findings to ask for. */
  findings: fact(AccessAnalyzerFindingsSchema.nullable()),
});
export type AccessAnalyzerRegion = z.infer<typeof AccessAnalyzerRegionSchema>;
