/**
 * The IAM action each call of the live lane's AWS edge needs, by operation: named in the logs when
 * AWS refuses a call, and granted by the bot's read policy (src/aws/iam-policy.ts) from this one
 * declaration, as the collectors declare theirs.
 */

/** LookupEvents: the poller (detections.sources.lookupEvents) and `/cloudsec who`. */
export const LOOKUP_EVENTS_PERMISSIONS = {
  LookupEvents: 'cloudtrail:LookupEvents',
} as const;

/**
 * The SQS consumer (detections.sources.sqs). The batch calls are authorized as their single-message
 * actions (SQS API reference: "Amazon SQS API permissions"). Scoped to the one queue's ARN.
 */
export const SQS_CONSUMER_PERMISSIONS = {
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
} as const;
