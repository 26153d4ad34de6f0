import { defineDetection, type AlertResource, type DetectionMatch, type UndoSpec } from '../define';
import { recordAccountId, type CloudTrailRecord } from '../record';
import { type Describe, eventListDetection, unread } from './cis/common';
import { clip, firstText, partitionOf, regionOf } from './shared/helpers';

/**
 * CIS 4.5: changes to what CloudTrail records. Stopping or deleting a trail is what an intruder does
 * first, so those are high and StopLogging offers Undo (start it again, through the remediation that
 * fixes cloudtrail_trail_logging). The request names a trail by name or by ARN; the resource is named
 * as that check's finding names it: id = trail name, ARN, region = the trail's home region (trails
 * can only be stopped from there, so the record's region is it when the request gave a bare name).
 */

const TRAIL_ARN = /^arn:([^:]+):cloudtrail:([^:]+):(\d{12}):trail\/(.+)$/;

interface TrailRef {
  resource: AlertResource;
  /** The trail in words, or the words for a trail the record does not name. */
  label: string;
  named: boolean;
}

const trailOf = (r: CloudTrailRecord, field: 'name' | 'trailName'): TrailRef => {
  const given =
    firstText(r.requestParameters, [field]) ??
    firstText(r.responseElements, ['trailARN']) ??
    firstText(r.responseElements, ['name']);
  if (given === undefined) {
    return {
      resource: { type: 'AwsCloudTrailTrail', id: 'unknown', arn: null, region: regionOf(r) },
      label: 'a trail the record does not name',
      named: false,
    };
  }
  const parsed = TRAIL_ARN.exec(given);
  if (parsed) {
    const [, , region, , name] = parsed;
    return {
      resource: { type: 'AwsCloudTrailTrail', id: name!, arn: given, region: region! },
      label: `trail \`${clip(name!)}\``,
      named: true,
    };
  }
  const region = regionOf(r);
  const account = recordAccountId(r);
  const arn =
    firstText(r.responseElements, ['trailARN']) ??
    (account && region !== 'unknown' ? `arn:${partitionOf(r)}:cloudtrail:${region}:${account}:trail/${given}` : null);
  return {
    resource: { type: 'AwsCloudTrailTrail', id: given, arn, region },
    label: `trail \`${clip(given)}\``,
    named: true,
  };
};

const missingName = (t: TrailRef, field: string): string[] =>
  t.named ? [] : [unread('which trail', `requestParameters.${field}`)];

/** Only for a trail the record names, in a region it names: a guessed target would start the wrong trail. */
const startAgain = (t: TrailRef): UndoSpec | undefined =>
  t.named && t.resource.region !== 'unknown'
    ? {
        remediationId: 'cloudtrail_start_logging',
        checkId: 'cloudtrail_trail_logging',
        resource: t.resource,
        description: `Start logging on ${t.label} again`,
      }
    : undefined;

const change =
  (field: 'name' | 'trailName', words: (label: string) => string, extra: Partial<DetectionMatch> = {}): Describe =>
  (r) => {
    const trail = trailOf(r, field);
    return { summary: words(trail.label), resource: trail.resource, details: missingName(trail, field), ...extra };
  };

const updateDetails = (r: CloudTrailRecord): string[] => {
  const bucket = firstText(r.requestParameters, ['s3BucketName']);
  const multi = r.requestParameters?.['isMultiRegionTrail'];
  return [
    ...(bucket ? [`Logs now go to bucket \`${clip(bucket)}\`.`] : []),
    ...(multi === false ? ['The trail now records its home region only.'] : []),
  ];
};

const detection = eventListDetection('cloudtrail.amazonaws.com', {
  StopLogging: (r) => {
    const trail = trailOf(r, 'name');
    return {
      summary: `stopped logging on ${trail.label}: API activity is no longer recorded by it`,
      resource: trail.resource,
      severity: 'high',
      details: missingName(trail, 'name'),
      undo: startAgain(trail),
    };
  },
  DeleteTrail: change('name', (t) => `deleted ${t}: API activity is no longer recorded by it`, { severity: 'high' }),
  StartLogging: change('name', (t) => `started logging on ${t}`, { severity: 'low' }),
  CreateTrail: change('name', (t) => `created ${t}`),
  UpdateTrail: (r) => {
    const trail = trailOf(r, 'name');
    return {
      summary: `changed the settings of ${trail.label}`,
      resource: trail.resource,
      details: [...updateDetails(r), ...missingName(trail, 'name')],
    };
  },
  // Not in the benchmark's list: selectors decide which events a trail records, so narrowing them blinds it as surely.
  PutEventSelectors: change('trailName', (t) => `changed which events ${t} records (event selectors)`),
  PutInsightSelectors: change('trailName', (t) => `changed the Insights selectors of ${t}`, { severity: 'low' }),
});

export default defineDetection({
  id: 'cloudtrail_config_changed',
  title: 'CloudTrail configuration changed',
  severity: 'medium',
  rationale:
    'CloudTrail is the record of everything done in the account; stopping, deleting or narrowing a trail is how an intruder hides what comes next.',
  events: detection.events,
  cis: '4.5',
  securityHub: 'CloudWatch.5',
  mitre: { id: 'T1562.008', name: 'Impair Defenses: Disable or Modify Cloud Logs' },
  remediation: 'cloudtrail_start_logging',
  match: detection.match,
});
