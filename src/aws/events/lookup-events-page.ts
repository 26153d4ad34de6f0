import type { CloudTrailClient, LookupEventsRequest } from '@aws-sdk/client-cloudtrail';
import { sdk } from '../sdk';
import { z } from 'zod';
import { parseCloudTrailRecord, type CloudTrailRecord } from '../../core/detections/record';
import { describeIssues } from '../collectors/json-answer';
import { MalformedAnswerError } from '../errors';
import type { RateLimiter } from './rate-limit';

/**
 * One LookupEvents page, read: each event's CloudTrailEvent (the full record, as JSON text) parsed
 * into a CloudTrail record. LookupEvents answers `{"Events":[…],"NextToken"}`, newest first, each
 * event `{EventId, EventName, ReadOnly, EventTime, EventSource, Username, Resources, CloudTrailEvent}`
 * (CloudTrail API reference, LookupEvents / Event). Every call waits for the account and region's
 * rate limiter first: the API allows 2 requests per second per account per region.
 */

/** The most LookupEvents returns per page. */
export const LOOKUP_EVENTS_PAGE_SIZE = 50;

export type LookupEvent =
  | { eventId: string; eventTime: Date; readOnly: boolean | null; record: CloudTrailRecord }
  /** AWS listed it, but its record could not be read: never handled, always counted and logged. */
  | { eventId: string; eventTime: Date; readOnly: boolean | null; record: null; reason: string };

export interface LookupPage {
  events: LookupEvent[];
  /** Events without an id or a time: they cannot be ordered, deduplicated or checkpointed. */
  unplaceable: number;
  nextToken: string | undefined;
}

// The SDK reads the answer without checking types, and an empty body as one without fields: the
// page is held to the API reference's shape (a list of events) first. Per event, what matters is
// read one by one, so one odd event does not cost the page.
const PageSchema = z.object({ Events: z.array(z.unknown()), NextToken: z.string().optional() }).loose();
const EventSchema = z
  .object({
    EventId: z.string().min(1),
    EventTime: z.date().refine((d) => !Number.isNaN(d.getTime())),
    ReadOnly: z.string().optional(),
    CloudTrailEvent: z.string().optional(),
  })
  .loose();

const readOnlyOf = (text: string | undefined): boolean | null =>
  text === 'true' ? true : text === 'false' ? false : null;

const readEvent = (value: unknown): LookupEvent | null => {
  const event = EventSchema.safeParse(value);
  if (!event.success) return null;
  const { EventId: eventId, EventTime: eventTime, ReadOnly, CloudTrailEvent } = event.data;
  const base = { eventId, eventTime, readOnly: readOnlyOf(ReadOnly) };
  if (CloudTrailEvent === undefined) return { ...base, record: null, reason: 'the event has no CloudTrailEvent' };
  let json: unknown;
  try {
    json = JSON.parse(CloudTrailEvent);
  } catch {
    return { ...base, record: null, reason: 'its CloudTrailEvent is not valid JSON' };
  }
  const parsed = parseCloudTrailRecord(json);
  if (!parsed.ok) return { ...base, record: null, reason: parsed.reason };
  // The record must be the event it is listed as: a record with another id would be deduplicated,
  // checkpointed and alerted on under the wrong name.
  if (parsed.record.eventID !== eventId)
    return { ...base, record: null, reason: 'its CloudTrailEvent has another eventID' };
  return { ...base, record: parsed.record };
};

export interface PageRequest {
  client: CloudTrailClient;
  limiter: RateLimiter;
  accountId: string;
  region: string;
  input: Omit<LookupEventsRequest, 'MaxResults' | 'NextToken'>;
  nextToken?: string | undefined;
}

/** Sends one LookupEvents call (after the limiter's slot) and reads its page; AWS errors are thrown as they are. */
export const fetchLookupPage = async (request: PageRequest): Promise<LookupPage> => {
  await request.limiter.wait(request.accountId, request.region);
  const answer = await request.client.send(
    new sdk.cloudtrail.LookupEventsCommand({
      ...request.input,
      MaxResults: LOOKUP_EVENTS_PAGE_SIZE,
      ...(request.nextToken === undefined ? {} : { NextToken: request.nextToken }),
    }),
  );
  const page = PageSchema.safeParse(answer);
  if (!page.success)
    throw new MalformedAnswerError(`LookupEvents answered without a readable ${describeIssues(page.error)}`);
  const events: LookupEvent[] = [];
  let unplaceable = 0;
  for (const value of page.data.Events) {
    const event = readEvent(value);
    if (event) events.push(event);
    else unplaceable += 1;
  }
  // An empty token is no token: following it would ask for the first page again.
  const nextToken = page.data.NextToken === '' ? undefined : page.data.NextToken;
  return { events, unplaceable, nextToken };
};
