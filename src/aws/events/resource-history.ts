import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { describeActor, type ChangeActor } from '../../core/detections/actor';
import type { CloudTrailRecord } from '../../core/detections/record';
import { CloudsecError } from '../../errors';
import { classifyError, errorDetail, errorName } from '../errors';
import { fetchLookupPage, LOOKUP_EVENTS_PAGE_SIZE, type LookupEvent } from './lookup-events-page';
import { LOOKUP_EVENTS_PERMISSIONS } from './permissions';
import type { RateLimiter } from './rate-limit';
import type { Clock } from './types';

/**
 * `/cloudsec who <resource>` and "Who did this?": the writes CloudTrail's event history holds for one
 * resource name in one account and region, newest first, each with who made it and from where, and
 * which one created the resource when that is within the window.
 *
 * Event history keeps 90 days of management events per region (CloudTrail user guide, "Working with
 * CloudTrail event history"), and finds a resource only in events that list it in Resources. What
 * was not read (a page that failed, the page limit, an event whose record could not be read) makes
 * the answer `complete: false` with the reason: a partial list is never presented as the whole story.
 */

/** Event history's retention. */
export const MAX_HISTORY_DAYS = 90;

export interface ResourceChangeRead {
  eventId: string;
  eventName: string;
  eventTime: string;
  eventSource: string;
  actor: ChangeActor;
  sourceIp: string | null;
  /** Set when the call failed (AccessDenied, …): it changed nothing, but someone tried. */
  errorCode: string | null;
  /** True for the call that created the resource, when it is within the window (see markCreation). */
  created: boolean;
}

export interface ResourceHistoryRead {
  changes: ResourceChangeRead[];
  complete: boolean;
  reason?: string;
  pages: number;
}

export interface ResourceHistoryRequest {
  client: CloudTrailClient;
  accountId: string;
  region: string;
  resourceName: string;
  days: number;
  clock: Clock;
  /** The LookupEvents limiter the poller shares: both draw on the same 2 requests per second. */
  limiter: RateLimiter;
  /** Pages of 50 events read at most; more leaves the answer incomplete. */
  maxPages?: number;
}

const READ_NAME = /^(Get|List|Describe|Head)/;
const CREATE_NAME = /^(Create|Run)/;
const PUT_NAME = /^Put/;

/**
 * A write, as CloudTrail says (the record's readOnly, else the event's ReadOnly); when neither says,
 * by its name, so an unlabelled call is shown rather than dropped.
 */
const isWrite = (event: LookupEvent & { record: CloudTrailRecord }): boolean => {
  const readOnly = event.record.readOnly ?? event.readOnly;
  if (readOnly !== null) return !readOnly;
  return !READ_NAME.test(event.record.eventName);
};

const toChange = (record: CloudTrailRecord): ResourceChangeRead => ({
  eventId: record.eventID,
  eventName: record.eventName,
  eventTime: record.eventTime,
  eventSource: record.eventSource,
  actor: describeActor(record),
  sourceIp: record.sourceIPAddress ?? null,
  errorCode: record.errorCode !== undefined && record.errorCode !== '' ? record.errorCode : null,
  created: false,
});

/**
 * Marks the call that created the resource as it is now: the newest successful Create or Run call
 * (a resource deleted and made again was created by the later one). Some resources are created by a
 * Put call (an SSM parameter, an EventBridge rule), but so are changes to existing ones (a bucket
 * policy): a Put call is marked only when there is no Create or Run call and the history was read
 * whole, and then the oldest, so a later change is never taken for the creation.
 */
const markCreation = (newestFirst: ResourceChangeRead[], complete: boolean): void => {
  const succeeded = newestFirst.filter((c) => c.errorCode === null);
  const creator =
    succeeded.find((c) => CREATE_NAME.test(c.eventName)) ??
    (complete ? [...succeeded].reverse().find((c) => PUT_NAME.test(c.eventName)) : undefined);
  if (creator) creator.created = true;
};

export const lookupResourceHistory = async (request: ResourceHistoryRequest): Promise<ResourceHistoryRead> => {
  const { days } = request;
  if (!Number.isInteger(days) || days < 1 || days > MAX_HISTORY_DAYS)
    throw new CloudsecError(
      'usage',
      `days must be a whole number from 1 to ${MAX_HISTORY_DAYS}: CloudTrail event history keeps ${MAX_HISTORY_DAYS} days.`,
    );
  const maxPages = request.maxPages ?? 10;
  const now = request.clock();
  const input = {
    LookupAttributes: [{ AttributeKey: 'ResourceName' as const, AttributeValue: request.resourceName }],
    StartTime: new Date(now.getTime() - days * 24 * 60 * 60 * 1000),
    EndTime: now,
  };

  const events: LookupEvent[] = [];
  const gaps: string[] = [];
  let unreadable = 0;
  let pages = 0;
  let nextToken: string | undefined;
  do {
    if (pages >= maxPages) {
      gaps.push(
        `stopped after ${pages} page${pages === 1 ? '' : 's'} (${pages * LOOKUP_EVENTS_PAGE_SIZE} events at most); older changes were not read`,
      );
      break;
    }
    try {
      const page = await fetchLookupPage({ ...request, input, nextToken });
      pages += 1;
      events.push(...page.events);
      unreadable += page.unplaceable;
      nextToken = page.nextToken;
    } catch (err) {
      const code = errorName(err);
      const denied = classifyError(code, request.region) === 'access-denied';
      gaps.push(
        `LookupEvents failed on page ${pages + 1} (${code}${denied ? `: grant ${LOOKUP_EVENTS_PERMISSIONS.LookupEvents}` : ''}): ${errorDetail(err)}; older changes were not read`,
      );
      break;
    }
  } while (nextToken !== undefined);

  const seen = new Set<string>();
  const changes: ResourceChangeRead[] = [];
  // LookupEvents lists newest first; sorting again (stably) keeps that true whatever order a page had.
  const newestFirst = [...events].sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
  for (const event of newestFirst) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    if (event.record === null) unreadable += 1;
    else if (isWrite(event)) changes.push(toChange(event.record));
  }
  if (unreadable > 0) gaps.push(`${unreadable} event${unreadable === 1 ? '' : 's'} could not be read`);
  markCreation(changes, gaps.length === 0);
  return gaps.length === 0
    ? { changes, complete: true, pages }
    : { changes, complete: false, reason: gaps.join('; '), pages };
};
