import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';

/**
 * What cloudsec reads of SQS queues and their access policies, per scanned region. Every value an
 * AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd answer is carried
 * as missing evidence rather than as an empty list.
 */

/** What GetQueueAttributes answers for `Policy` and `QueueArn`. */
export const SqsQueueAttributesSchema = z.object({
  arn: z.string(),
  /** The access policy, parsed from its JSON text; `null`: the queue has none (the attribute is absent). */
  policy: PolicyDocumentSchema.nullable(),
});
export type SqsQueueAttributes = z.infer<typeof SqsQueueAttributesSchema>;

export const SqsQueueSchema = z.object({
  /** The queue URL ListQueues names it by: `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
  url: z.string(),
  /** The last segment of the URL. */
  name: z.string(),
  /** The owner's account, the URL's path segment before the name. */
  accountId: z.string(),
  attributes: fact(SqsQueueAttributesSchema),
});
export type SqsQueue = z.infer<typeof SqsQueueSchema>;

export const SqsRegionSchema = z.object({
  queues: fact(z.array(SqsQueueSchema)),
});
export type SqsRegion = z.infer<typeof SqsRegionSchema>;
