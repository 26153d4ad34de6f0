import { z } from 'zod';

/**
 * A CloudTrail record as AWS documents it (CloudTrail record contents, userIdentity element), read
 * leniently: every field a detection may look at is optional here, because a field AWS did not send
 * is missing evidence that the detection itself must treat as such (never as "safe"). Unknown fields
 * pass through untouched. The same shape arrives from an EventBridge `detail` (SQS) and from
 * LookupEvents' `CloudTrailEvent` string.
 */

const Text = z.string();
/** requestParameters / responseElements / additionalEventData: any JSON object, or null when AWS sent null. */
const JsonObject = z.record(z.string(), z.unknown());

export const SessionIssuerSchema = z
  .object({
    type: Text.optional(),
    principalId: Text.optional(),
    arn: Text.optional(),
    accountId: Text.optional(),
    userName: Text.optional(),
  })
  .loose();

export const UserIdentitySchema = z
  .object({
    /** Root | IAMUser | AssumedRole | Role | FederatedUser | Directory | IdentityCenterUser | AWSAccount | AWSService | Unknown */
    type: Text.optional(),
    principalId: Text.optional(),
    arn: Text.optional(),
    accountId: Text.optional(),
    accessKeyId: Text.optional(),
    userName: Text.optional(),
    /** The AWS service that made the call for the principal (e.g. `cloudformation.amazonaws.com`). */
    invokedBy: Text.optional(),
    sessionContext: z
      .object({
        sessionIssuer: SessionIssuerSchema.optional(),
        attributes: z
          .object({
            creationDate: Text.optional(),
            /** "true" | "false" (a string in CloudTrail). */
            mfaAuthenticated: Text.optional(),
          })
          .loose()
          .optional(),
        sourceIdentity: Text.optional(),
        webIdFederationData: JsonObject.optional(),
      })
      .loose()
      .optional(),
    /** IAM Identity Center: who the session acts for. */
    onBehalfOf: z.object({ userId: Text.optional(), identityStoreArn: Text.optional() }).loose().optional(),
    credentialId: Text.optional(),
  })
  .loose();
export type UserIdentity = z.infer<typeof UserIdentitySchema>;

export const CloudTrailRecordSchema = z
  .object({
    eventVersion: Text.optional(),
    /** The record's unique id: what "exactly once" is keyed on. Required: a record without it cannot be deduplicated. */
    eventID: Text.min(1),
    eventTime: Text.min(1),
    eventSource: Text.min(1),
    eventName: Text.min(1),
    awsRegion: Text.optional(),
    sourceIPAddress: Text.optional(),
    userAgent: Text.optional(),
    errorCode: Text.optional(),
    errorMessage: Text.optional(),
    requestParameters: JsonObject.nullable().optional(),
    responseElements: JsonObject.nullable().optional(),
    additionalEventData: JsonObject.nullable().optional(),
    userIdentity: UserIdentitySchema.optional(),
    recipientAccountId: Text.optional(),
    eventType: Text.optional(),
    readOnly: z.boolean().optional(),
    managementEvent: z.boolean().optional(),
    sharedEventID: Text.optional(),
    vpcEndpointId: Text.optional(),
    serviceEventDetails: JsonObject.nullable().optional(),
  })
  .loose();
export type CloudTrailRecord = z.infer<typeof CloudTrailRecordSchema>;

export type RecordParse = { ok: true; record: CloudTrailRecord } | { ok: false; reason: string };

/** Parses one record; the reason names the first field that is wrong, never the record's content. */
export const parseCloudTrailRecord = (value: unknown): RecordParse => {
  const parsed = CloudTrailRecordSchema.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the record';
  return { ok: false, reason: `not a CloudTrail record: ${where} ${issue?.message ?? 'is invalid'}` };
};

/** The account the record is about: the recipient, else the caller's. Null when neither was sent. */
export const recordAccountId = (r: CloudTrailRecord): string | null =>
  r.recipientAccountId ?? r.userIdentity?.accountId ?? null;

/** The record's `source:name` key, e.g. `s3.amazonaws.com:PutBucketPolicy`. */
export const eventKey = (eventSource: string, eventName: string): string => `${eventSource}:${eventName}`;

/** A string field of requestParameters / responseElements, or undefined when absent or not a string. */
export const textAt = (obj: Record<string, unknown> | null | undefined, ...path: string[]): string | undefined => {
  let here: unknown = obj;
  for (const key of path) {
    if (here === null || typeof here !== 'object' || Array.isArray(here)) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return typeof here === 'string' ? here : undefined;
};

/** Any value at a path of a JSON object (undefined when a step is missing). */
export const valueAt = (obj: Record<string, unknown> | null | undefined, ...path: string[]): unknown => {
  let here: unknown = obj;
  for (const key of path) {
    if (here === null || typeof here !== 'object' || Array.isArray(here)) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
};

/** True when the call failed (AccessDenied, validation, …): a failed call changed nothing. */
export const callFailed = (r: CloudTrailRecord): boolean => r.errorCode !== undefined && r.errorCode !== '';

const ARN_PARTITION = /^arn:([^:]+):/;

/** The partition of the caller's ARN, else the one the record's region belongs to. */
export const recordPartition = (r: CloudTrailRecord): string => {
  const fromArn = ARN_PARTITION.exec(r.userIdentity?.arn ?? '')?.[1];
  if (fromArn) return fromArn;
  const region = r.awsRegion ?? '';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
};

/** The record's region; `unknown` (never a default region) when CloudTrail did not send one. */
export const recordRegion = (r: CloudTrailRecord): string => r.awsRegion ?? 'unknown';

/** A JSON object (not null, not an array). */
export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
