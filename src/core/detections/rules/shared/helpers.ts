import type { DetectionMatch } from '../../define';
import {
  isJsonObject,
  recordAccountId,
  recordPartition,
  recordRegion,
  textAt,
  type CloudTrailRecord,
} from '../../record';

/**
 * What every detection rule shares, one copy each: reading CloudTrail's JSON (EC2's `{items: [...]}`
 * lists, a text at the first of several paths), the words for a value a record did or did not hold,
 * and a match without `undefined` fields. The CIS alarms (cis/) and the exposure detections
 * (exposure/) add what only they need on top.
 *
 * Values from records go into card text as they are (the renderer escapes them) but cut short:
 * records carry strings the caller chose.
 */

export type Json = Record<string, unknown>;
export type DetectionEvents = ReadonlyArray<{ source: string; names: readonly string[] }>;

export const isJson = isJsonObject;

const MAX_VALUE = 80;

/** A record's value cut to what one card line can hold. */
export const clip = (value: string, max = MAX_VALUE): string =>
  value.length > max ? `${value.slice(0, max - 1)}…` : value;

/** `value` in backticks (clipped), or the words for a value the record did not hold. */
export const quoted = (value: string | undefined, missing = 'a resource the record does not name'): string =>
  value === undefined || value === '' ? missing : `\`${clip(value)}\``;

/** A non-empty string at the first of `paths` that holds one. */
export const firstText = (obj: Json | null | undefined, ...paths: string[][]): string | undefined => {
  for (const path of paths) {
    const v = textAt(obj, ...path);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
};

/**
 * EC2 records lists as `{ "items": [ … ] }` (and an empty list as `{}`). `null` when the value is
 * there but is not that shape: a list the detection cannot read, which it must not take as empty.
 * Items are returned as they are; a caller that needs objects checks each one.
 */
export const ec2Items = (v: unknown): unknown[] | null => {
  if (v === undefined || v === null) return [];
  if (!isJson(v)) return null;
  if (v['items'] === undefined) return Object.keys(v).length === 0 ? [] : null;
  const items = v['items'];
  return Array.isArray(items) ? items : null;
};

/** A match without `undefined` optional fields (exactOptionalPropertyTypes-safe, tidy for the store and tests). */
export const tidy = (m: DetectionMatch): DetectionMatch =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as DetectionMatch;

export const partitionOf = recordPartition;

export const regionOf = recordRegion;

/** The record's account for keys and words, `unknown` when CloudTrail did not send one. */
export const recordAccount = (r: CloudTrailRecord): string => recordAccountId(r) ?? 'unknown';
