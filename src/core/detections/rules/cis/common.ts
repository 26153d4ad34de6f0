import { GLOBAL_REGION } from '../../../model';
import type { AlertResource, DetectionMatch } from '../../define';
import {
  callFailed,
  isJsonObject,
  recordAccountId,
  recordPartition,
  recordRegion,
  textAt,
  type CloudTrailRecord,
} from '../../record';

/**
 * What the CIS section 4 detections share. Most of them alarm on an event name alone (the benchmark's
 * metric filters are lists of event names), so the event is the evidence: a field the wording needs
 * and the record lacks is named as unread, never a reason to stay silent. Values from records go into
 * the text as they are (the renderer escapes them) but cut short, because records carry strings the
 * caller chose.
 */

export type Json = Record<string, unknown>;
export type DetectionEvents = ReadonlyArray<{ source: string; names: readonly string[] }>;

const MAX_VALUE = 80;

/** A record's value cut to what one card line can hold. */
export const clip = (value: string, max = MAX_VALUE): string =>
  value.length > max ? `${value.slice(0, max - 1)}…` : value;

/** `value` in backticks (clipped), or the words for a value the record did not hold. */
export const quoted = (value: string | undefined, missing: string): string =>
  value === undefined || value === '' ? missing : `\`${clip(value)}\``;

/** A non-empty string at the first of `paths` that holds one. */
export const firstText = (obj: Json | null | undefined, ...paths: string[][]): string | undefined => {
  for (const path of paths) {
    const v = textAt(obj, ...path);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
};

/** The line a match carries for each field it needed and could not read. */
export const unread = (what: string, field: string): string =>
  `CloudTrail did not record ${what} (${field}); the event itself is the signal, so cloudsec alerts anyway. Open the event in CloudTrail to see the rest.`;

export const partitionOf = recordPartition;

export const regionOf = recordRegion;

/** The account the record is about, as an alert resource (account-wide, so `global`). */
export const accountResource = (r: CloudTrailRecord, id?: string): AlertResource => ({
  type: 'AwsAccount',
  id: id ?? recordAccountId(r) ?? 'unknown',
  arn: null,
  region: GLOBAL_REGION,
});

/**
 * An EC2 resource of the record's region: `kind` is the ARN's resource type (`security-group`,
 * `vpc`, …). The ARN only when both the id and the account are known; a guessed ARN would point at
 * someone else's resource.
 */
export const ec2Resource = (r: CloudTrailRecord, type: string, kind: string, id: string | undefined): AlertResource => {
  const region = regionOf(r);
  const account = recordAccountId(r);
  return {
    type,
    id: id ?? 'unknown',
    arn: id && account && region !== 'unknown' ? `arn:${partitionOf(r)}:ec2:${region}:${account}:${kind}/${id}` : null,
    region,
  };
};

/** A match without `undefined` optional fields (tidy for the store and for test equality). */
export const tidy = (m: DetectionMatch): DetectionMatch =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as DetectionMatch;

export type Describe = (r: CloudTrailRecord) => DetectionMatch;

/**
 * A detection whose every event is the signal: one describer per event name of one event source. The
 * event list the EventBridge pattern is built from is derived from the describers, so the two cannot
 * drift apart. Records of other events, and failed calls (which changed nothing), match nothing.
 */
export const eventListDetection = <N extends string>(
  source: string,
  describers: Record<N, Describe>,
): { events: DetectionEvents; match: (r: CloudTrailRecord) => DetectionMatch | null } => {
  const names = Object.keys(describers) as N[];
  const isNamed = (name: string): name is N => (names as string[]).includes(name);
  return {
    events: [{ source, names }],
    match: (r) => {
      if (r.eventSource !== source || !isNamed(r.eventName) || callFailed(r)) return null;
      return tidy(describers[r.eventName](r));
    },
  };
};

export const isJson = isJsonObject;
