import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';

/**
 * What cloudsec reads of SNS topics and their access policies, per scanned region. Every value an
 * AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd answer is carried
 * as missing evidence rather than as an empty list.
 */

export const SnsTopicSchema = z.object({
  arn: z.string(),
  /** The last segment of the ARN. */
  name: z.string(),
  /**
   * GetTopicAttributes' `Policy`, parsed from its JSON text. Every topic has one (CreateTopic writes a
   * default that lets only the owner's account in), so it is never null.
   */
  policy: fact(PolicyDocumentSchema),
});
export type SnsTopic = z.infer<typeof SnsTopicSchema>;

export const SnsRegionSchema = z.object({
  topics: fact(z.array(SnsTopicSchema)),
});
export type SnsRegion = z.infer<typeof SnsRegionSchema>;
