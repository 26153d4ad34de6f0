import { z } from 'zod';
import { fact } from './fact';
import { isoDate } from './vocabulary';

/**
 * What cloudsec reads of AWS Config, per scanned region: the configuration recorders, whether they
 * record, and the delivery channels with their last deliveries. Each of the four calls is a `Fact` of
 * its own (src/core/snapshot/fact.ts): "no recorder" is known from the recorder list alone, even when
 * the status call is refused.
 */

export const ConfigRecorderSchema = z.object({
  name: z.string(),
  /** `recordingGroup.allSupported`; null when AWS did not say. */
  allSupported: z.boolean().nullable(),
  /** `recordingGroup.includeGlobalResourceTypes` (the IAM resource types); null when AWS did not say. */
  includeGlobalResourceTypes: z.boolean().nullable(),
  /** `recordingGroup.recordingStrategy.useOnly` (`ALL_SUPPORTED_RESOURCE_TYPES`, …); null when absent. */
  strategy: z.string().nullable(),
  /**
   * Set on service-linked recorders, which another AWS service manages for its own use (their items
   * are not delivered to the account's channel): null on the customer-managed recorder.
   */
  servicePrincipal: z.string().nullable(),
  /** `INTERNAL` for service-linked recorders, `PAID` otherwise; null when absent. */
  recordingScope: z.string().nullable(),
});
export type ConfigRecorder = z.infer<typeof ConfigRecorderSchema>;

export const ConfigRecorderStatusSchema = z.object({
  name: z.string(),
  /** Null when AWS did not say whether the recorder is recording. */
  recording: z.boolean().nullable(),
  /** `Pending`, `Success`, `Failure` or `NotApplicable`; null when absent. */
  lastStatus: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  lastStatusChangeTime: isoDate.nullable(),
});
export type ConfigRecorderStatus = z.infer<typeof ConfigRecorderStatusSchema>;

export const ConfigDeliveryChannelSchema = z.object({
  name: z.string(),
  s3BucketName: z.string().nullable(),
  snsTopicArn: z.string().nullable(),
});
export type ConfigDeliveryChannel = z.infer<typeof ConfigDeliveryChannelSchema>;

/** The last delivery of one kind (history, snapshot or stream). */
export const ConfigDeliveryInfoSchema = z.object({
  /** `Success`, `Failure` or `Not_Applicable`; null when absent. */
  lastStatus: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  lastAttemptTime: isoDate.nullable(),
});
export type ConfigDeliveryInfo = z.infer<typeof ConfigDeliveryInfoSchema>;

export const ConfigDeliveryChannelStatusSchema = z.object({
  name: z.string(),
  /** Null when AWS sent no information of that kind. */
  history: ConfigDeliveryInfoSchema.nullable(),
  snapshot: ConfigDeliveryInfoSchema.nullable(),
  stream: ConfigDeliveryInfoSchema.nullable(),
});
export type ConfigDeliveryChannelStatus = z.infer<typeof ConfigDeliveryChannelStatusSchema>;

export const ConfigRegionSchema = z.object({
  /** Empty: no recorder, AWS Config is off in the region (a state, not an error). */
  recorders: fact(z.array(ConfigRecorderSchema)),
  recorderStatuses: fact(z.array(ConfigRecorderStatusSchema)),
  /** Empty: the recorder has nowhere to deliver. */
  deliveryChannels: fact(z.array(ConfigDeliveryChannelSchema)),
  deliveryChannelStatuses: fact(z.array(ConfigDeliveryChannelStatusSchema)),
});
export type ConfigRegion = z.infer<typeof ConfigRegionSchema>;
