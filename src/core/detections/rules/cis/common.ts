import { GLOBAL_REGION } from '../../../model';
import type { AlertResource, DetectionMatch } from '../../define';
import { callFailed, recordAccountId, type CloudTrailRecord } from '../../record';
import { partitionOf, regionOf, tidy, type DetectionEvents } from '../shared/helpers';

/**
 * What the CIS section 4 detections share beyond rules/shared/helpers.ts. Most of them alarm on an
 * event name alone (the benchmark's metric filters are lists of event names), so the event is the
 * evidence: a field the wording needs and the record lacks is named as unread, never a reason to
 * stay silent.
 */

/** The line a match carries for each field it needed and could not read. */
export const unread = (what: string, field: string): string =>
  `CloudTrail did not record ${what} (${field}); the event itself is the signal, so cloudsec alerts anyway. Open the event in CloudTrail to see the rest.`;

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
