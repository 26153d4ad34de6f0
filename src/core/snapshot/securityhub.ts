import { z } from 'zod';
import { fact } from './fact';
import { SeveritySchema, isoDate } from './vocabulary';

/** What cloudsec reads from Security Hub, per scanned region. */

export const SecurityHubFindingSchema = z.object({
  /** The Security Hub finding id (an ARN). */
  id: z.string(),
  productArn: z.string(),
  generatorId: z.string(),
  /** Security control id (`S3.8`) when the finding comes from a control. */
  controlId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  severity: SeveritySchema,
  accountId: z.string(),
  region: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  complianceStatus: z.string().nullable(),
  workflowStatus: z.string().nullable(),
  updatedAt: isoDate,
  createdAt: isoDate.nullable(),
});
export type SecurityHubFinding = z.infer<typeof SecurityHubFindingSchema>;

export const SecurityHubRegionSchema = z.object({
  /** `false` when the region is not subscribed to Security Hub (a state, not an error). */
  enabled: fact(z.boolean()),
  findings: fact(z.array(SecurityHubFindingSchema)),
});
export type SecurityHubRegion = z.infer<typeof SecurityHubRegionSchema>;
