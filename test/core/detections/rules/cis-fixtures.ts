import fs from 'node:fs';
import path from 'node:path';
import type { DetectionDefinition, DetectionMatch } from '../../../../src/core/detections/define';
import { callFailed, parseCloudTrailRecord, type CloudTrailRecord } from '../../../../src/core/detections/record';

/**
 * The CIS detections' CloudTrail records (test/fixtures/cloudtrail/cis/), shaped like AWS's
 * documented examples. Every record is parsed the way the engine parses it before a detection sees
 * it, and a fixture that does not parse fails the test that reads it.
 */

export type Json = Record<string, unknown>;

const DIR = path.join(__dirname, '..', '..', '..', 'fixtures', 'cloudtrail', 'cis');

export const fixtureNames = (): string[] =>
  fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

export const rawFixture = (name: string): Json =>
  JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as Json;

/** The fixture `name`, changed by `edit` (on a copy), parsed as the engine parses it. */
export const record = (name: string, edit?: (raw: Json) => void): CloudTrailRecord => {
  const raw = structuredClone(rawFixture(name));
  edit?.(raw);
  const parsed = parseCloudTrailRecord(raw);
  if (!parsed.ok) throw new Error(`fixture ${name} is not a CloudTrail record: ${parsed.reason}`);
  return parsed.record;
};

/** Sets (or, with undefined, deletes) a field at a path of a raw record. */
export const setAt = (raw: Json, dotted: string, value: unknown): void => {
  const keys = dotted.split('.');
  let here = raw;
  for (const key of keys.slice(0, -1)) {
    if (typeof here[key] !== 'object' || here[key] === null) here[key] = {};
    here = here[key] as Json;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete here[last];
  else here[last] = value;
};

/** The same record as a call that AWS refused. */
export const refused = (raw: Json): void => {
  raw['errorCode'] = 'AccessDenied';
  raw['errorMessage'] = 'User is not authorized to perform this operation';
  raw['responseElements'] = null;
};

/** Whether a detection declares the record's event (a `*` source and name read every event). */
export const declares = (d: DetectionDefinition, r: CloudTrailRecord): boolean =>
  d.events.some(
    (e) => (e.source === '*' || e.source === r.eventSource) && (e.names.includes('*') || e.names.includes(r.eventName)),
  );

/**
 * What the engine's gates leave to `match`: the detection's own events, and failed calls only for
 * the detections that look for them. Tests go through this, so a rule is judged as it will run.
 */
export const run = (d: DetectionDefinition, r: CloudTrailRecord): DetectionMatch | null => {
  if (!declares(d, r)) return null;
  if (callFailed(r) && d.matchesFailedCalls !== true) return null;
  return d.match(r);
};

/** The match for a record the test expects to alert on (fails loudly when it does not). */
export const matched = (d: DetectionDefinition, r: CloudTrailRecord): DetectionMatch => {
  const m = run(d, r);
  if (m === null) throw new Error(`${d.id} did not match ${r.eventSource}:${r.eventName}`);
  return m;
};
