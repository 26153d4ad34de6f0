import { GLOBAL_REGION, type ResourceRef } from '../../../model';
import type { AlertResource, DetectionMatch, UndoSpec } from '../../define';
import { recordAccountId, type CloudTrailRecord } from '../../record';
import { partitionOf, type DetectionEvents } from '../shared/helpers';

/**
 * What the exposure detections share beyond rules/shared/helpers.ts: reading S3's "one or a list"
 * XML-derived values and header arrays, naming resources the way the checks' findings name them,
 * offering an undo, and the wording of a change cloudsec could not read.
 */

/** XML-derived values are one element or a list of them; absent is an empty list. */
export const oneOrMany = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** A string, or the first string of a header array (`"x-amz-acl": ["public-read"]`). */
export const headerText = (v: unknown): string | undefined => {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
};

/** JSON numbers, and numeric strings some tools write; anything else is undefined. */
export const numberOf = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
};

/** `true`/`false`, also as the strings CloudTrail sometimes writes; undefined otherwise. */
export const booleanOf = (v: unknown): boolean | undefined => {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return undefined;
};

/** The account and partition the resource builders of src/core/resources.ts take, or null without an account. */
export const accountRefOf = (r: CloudTrailRecord): { accountId: string; partition: string } | null => {
  const accountId = recordAccountId(r);
  return accountId ? { accountId, partition: partitionOf(r) } : null;
};

/** A finding's ResourceRef as an alert resource (tags are not part of an alert). */
export const located = (ref: ResourceRef, region: string): AlertResource => ({
  type: ref.type,
  id: ref.id,
  arn: ref.arn,
  region,
});

export const globalResource = (ref: ResourceRef): AlertResource => located(ref, GLOBAL_REGION);

/**
 * An undo only when the resource is fully located: a region CloudTrail did not send, or a resource
 * the record does not name, cannot be re-collected, so no undo is offered rather than a wrong one.
 */
export const undoFor = (
  remediationId: string,
  checkId: string,
  resource: AlertResource,
  description: string,
  extra: Pick<UndoSpec, 'rules'> = {},
): UndoSpec | undefined =>
  resource.region === 'unknown' ? undefined : { remediationId, checkId, resource, description, ...extra };

/** The line every fail-closed alert carries: what could not be read, and what to do. */
export const unreadableDetail = (what: string, reason: string): string =>
  `cloudsec could not read ${what} from the CloudTrail record (${reason}); press Re-check to see the resource as it is now.`;

/**
 * `match` for the events a detection declares, null for any other record: the engine routes by the
 * same list, and this keeps a detection from judging a record it was not written for.
 */
export const forEvents =
  (events: DetectionEvents, fn: (record: CloudTrailRecord) => DetectionMatch | null) =>
  (record: CloudTrailRecord): DetectionMatch | null =>
    events.some((e) => e.source === record.eventSource && e.names.includes(record.eventName)) ? fn(record) : null;
