import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DetectionDefinition, DetectionMatch } from '../../../../src/core/detections/define';
import { parseCloudTrailRecord, type CloudTrailRecord } from '../../../../src/core/detections/record';

/**
 * Fixtures for the exposure detections: CloudTrail records shaped like AWS's documented examples,
 * in test/fixtures/cloudtrail/exposure/. Every one goes through parseCloudTrailRecord first, as the
 * engine does, so a fixture the engine would refuse fails its test instead of passing it.
 */

const DIR = path.join(__dirname, '../../../fixtures/cloudtrail/exposure');

export const rawFixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;

export const parsed = (raw: unknown): CloudTrailRecord => {
  const result = parseCloudTrailRecord(raw);
  if (!result.ok) throw new Error(result.reason);
  return result.record;
};

export const fixture = (name: string): CloudTrailRecord => parsed(rawFixture(name));

/** The fixture with its requestParameters (or responseElements) replaced by `change(copy)`. */
export const withRequest = (
  name: string,
  change: (rp: Record<string, unknown>) => Record<string, unknown> | null,
): CloudTrailRecord => {
  const raw = rawFixture(name);
  const rp = structuredClone((raw.requestParameters ?? {}) as Record<string, unknown>);
  return parsed({ ...raw, requestParameters: change(rp) });
};

export const withResponse = (
  name: string,
  change: (re: Record<string, unknown>) => Record<string, unknown> | null,
): CloudTrailRecord => {
  const raw = rawFixture(name);
  const re = structuredClone((raw.responseElements ?? {}) as Record<string, unknown>);
  return parsed({ ...raw, responseElements: change(re) });
};

/** The match, which the test expects: a detection that returns null here fails with the record's name. */
export const alertOf = (d: DetectionDefinition, record: CloudTrailRecord): DetectionMatch => {
  const m = d.match(record);
  if (m === null) throw new Error(`${d.id} did not alert on ${record.eventName} ${record.eventID}`);
  return m;
};

/** The severity the alert carries: the match's own, else the detection's. */
export const severityOf = (d: DetectionDefinition, m: DetectionMatch) => m.severity ?? d.severity;
