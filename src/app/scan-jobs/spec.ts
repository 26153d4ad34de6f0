/**
 * What one queued account of a scan asks its worker to do, as stored in the job row. Any replica's
 * worker may run it, so it carries everything the collection and the evaluation need; it is read
 * back through this schema, and a job whose spec does not parse fails with that reason (its account
 * then answers `unknown`, never a pass).
 */
import { z } from 'zod';
import { ServiceSchema } from '../../core/model';

export const ScanJobSpecSchema = z.object({
  /** Bumped when the shape changes: a replica running older code refuses a newer job rather than misreading it. */
  v: z.literal(1),
  /** Who the account is: what its answer says when its collection never finished. */
  account: z.object({
    id: z.string().regex(/^\d{12}$/),
    name: z.string(),
    ou: z.string().nullable(),
    partition: z.string().min(1),
  }),
  /** The collector's own description of how to reach the account (validated by the collector). */
  target: z.unknown(),
  /** Slices to collect (slicesFor: what the reported services' checks read). */
  collect: z.array(ServiceSchema).min(1),
  /** Services reported on: checks of other services are not evaluated. */
  report: z.array(ServiceSchema).min(1),
  /** Only these regions for regional services (the request's); configured ones when absent. */
  regions: z.array(z.string()).optional(),
  /**
   * When to judge the account at: a recorded estate is judged at the time it was taken (a key's age
   * in it does not grow with the file's), a live one when it was read (absent).
   */
  judgeAt: z.string().datetime({ offset: true }).optional(),
});
export type ScanJobSpec = z.infer<typeof ScanJobSpecSchema>;
