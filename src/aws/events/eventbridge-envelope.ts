import { z } from 'zod';
import { parseCloudTrailRecord, type CloudTrailRecord } from '../../core/detections/record';

/**
 * The body of one SQS message of the live lane, read into a CloudTrail record. An EventBridge rule
 * (the pattern `cloudsec detections pattern` prints) delivers CloudTrail management events as
 *
 *   { "version": "0", "id": "…", "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam",
 *     "account": "111111111111", "time": "2026-…Z", "region": "us-east-1", "resources": [],
 *     "detail": { <the CloudTrail record> } }
 *
 * (EventBridge user guide, "Amazon EventBridge events" and "Events from AWS services delivered via
 * AWS CloudTrail"). A bare CloudTrail record (an input transformer sending `$.detail`) and an SNS
 * notification wrapping either (`{"Type":"Notification","Message":"<json text>"}`, an SNS topic
 * subscribed without raw message delivery) are read too. Anything else is refused with a reason
 * that names what was wrong and never quotes the body: a message may carry anything.
 */

export type EnvelopeKind = 'eventbridge' | 'cloudtrail' | 'sns';

export type EnvelopeParse =
  | {
      ok: true;
      record: CloudTrailRecord;
      envelope: EnvelopeKind;
      /** The EventBridge event's account and region, when it came in one (they say where the rule ran). */
      eventBridge: { id: string; account: string; region: string; detailType: string } | null;
    }
  | { ok: false; reason: string };

/** Every CloudTrail-sourced detail-type ends so: API calls, console sign-ins, service events, console actions, Insights. */
const VIA_CLOUDTRAIL = / via CloudTrail$/;

const EventBridgeEventSchema = z
  .object({
    version: z.string(),
    id: z.string().min(1),
    'detail-type': z.string(),
    source: z.string(),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    detail: z.unknown(),
  })
  .loose();

const SnsNotificationSchema = z.object({ Type: z.literal('Notification'), Message: z.string() }).loose();

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
};

/** The fields of an EventBridge envelope that are wrong, never their values. */
const envelopeIssues = (error: z.ZodError): string =>
  [...new Set(error.issues.map((i) => i.path.join('.') || '(the event)'))].join(', ');

const fromEventBridge = (value: Record<string, unknown>, envelope: EnvelopeKind): EnvelopeParse => {
  const event = EventBridgeEventSchema.safeParse(value);
  if (!event.success)
    return { ok: false, reason: `an EventBridge event without a readable ${envelopeIssues(event.error)}` };
  const detailType = event.data['detail-type'];
  if (!VIA_CLOUDTRAIL.test(detailType))
    return {
      ok: false,
      reason: 'an EventBridge event that is not from CloudTrail (its detail-type does not end "via CloudTrail")',
    };
  const record = parseCloudTrailRecord(event.data.detail);
  if (!record.ok) return { ok: false, reason: `an EventBridge event whose detail is ${record.reason}` };
  return {
    ok: true,
    record: record.record,
    envelope,
    eventBridge: { id: event.data.id, account: event.data.account, region: event.data.region, detailType },
  };
};

const fromValue = (value: unknown, wrappedInSns: boolean): EnvelopeParse => {
  if (!isObject(value)) return { ok: false, reason: 'a JSON value that is not an object' };
  if ('detail-type' in value || 'detail' in value) return fromEventBridge(value, wrappedInSns ? 'sns' : 'eventbridge');
  if (!wrappedInSns && value.Type === 'Notification') {
    const notification = SnsNotificationSchema.safeParse(value);
    if (!notification.success) return { ok: false, reason: 'an SNS notification without a Message text' };
    const inner = parseJson(notification.data.Message);
    if (!inner.ok) return { ok: false, reason: 'an SNS notification whose Message is not valid JSON' };
    // One level only: SNS does not nest notifications, and a loop of wrappers is not worth following.
    return fromValue(inner.value, true);
  }
  const record = parseCloudTrailRecord(value);
  if (!record.ok) return { ok: false, reason: record.reason };
  return { ok: true, record: record.record, envelope: wrappedInSns ? 'sns' : 'cloudtrail', eventBridge: null };
};

/** Reads one message body; `undefined` is a message SQS sent without a body. */
export const parseQueueMessage = (body: string | undefined): EnvelopeParse => {
  if (body === undefined || body.trim() === '') return { ok: false, reason: 'an empty message body' };
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, reason: 'a message body that is not valid JSON' };
  return fromValue(parsed.value, false);
};
