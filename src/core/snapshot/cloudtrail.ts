import { z } from 'zod';
import { fact } from './fact';

/** What cloudsec reads from CloudTrail: the trails every scanned region can see. */

/**
 * S3 object-level events a trail's selectors record for ALL buckets (CIS 3.8 write, 3.9 read). A
 * selector limited to some buckets, some operations or some callers does not count: it leaves the
 * other objects' reads or writes unrecorded.
 */
export const S3DataEventsSchema = z.object({ read: z.boolean(), write: z.boolean() });
export type S3DataEvents = z.infer<typeof S3DataEventsSchema>;

export const TrailSchema = z.object({
  name: z.string(),
  arn: z.string(),
  homeRegion: z.string(),
  isMultiRegion: z.boolean(),
  isOrganizationTrail: z.boolean(),
  logFileValidationEnabled: z.boolean(),
  kmsKeyId: z.string().nullable(),
  s3BucketName: z.string().nullable(),
  status: fact(z.object({ isLogging: z.boolean(), latestDeliveryError: z.string().nullable() })),
  /** Whether the trail records management events, read and write (basic or advanced selectors). */
  eventSelectors: fact(
    z.object({
      managementEvents: z.boolean(),
      readWriteType: z.enum(['All', 'ReadOnly', 'WriteOnly']).nullable(),
      /**
       * Whether some selector records S3 object-level (data) events of every bucket, reads and
       * writes separately. Absent from snapshots recorded before cloudsec read it (the checks then
       * say unknown, never pass).
       */
      s3DataEvents: S3DataEventsSchema.optional(),
    }),
  ),
  /**
   * The CloudWatch Logs log group the trail delivers to (DescribeTrails' CloudWatchLogsLogGroupArn);
   * null when it delivers to none. Absent from snapshots recorded before cloudsec read it.
   */
  cloudWatchLogsLogGroupArn: z.string().nullable().optional(),
});
export type Trail = z.infer<typeof TrailSchema>;

export const CloudTrailSliceSchema = z.object({
  /** Trails seen from every scanned region (shadow trails included), de-duplicated by ARN. */
  trails: fact(z.array(TrailSchema)),
});
export type CloudTrailSlice = z.infer<typeof CloudTrailSliceSchema>;
