import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CloudTrailRecordSchema } from '../../core/detections/record';
import { CloudsecError } from '../../errors';

/**
 * The bundled sample events (data/sample-events/<name>.json) that `/cloudsec demo-event <name>`
 * replays through the live lane: each file an array of CloudTrail records shaped like AWS's
 * documented examples. Validated when loaded (a broken sample is a packaging bug: refused at start).
 *
 * A replay gives every record a fresh eventID and moves the records to now (keeping their spacing),
 * so the demo can be repeated: the store's exactly-once claim would otherwise call a second replay a
 * duplicate. Everything else stays as in the file.
 */

const SAMPLE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A sample file: records as CloudTrail writes them (validated, kept as the raw objects). */
const SampleFileSchema = z.array(z.record(z.string(), z.unknown())).min(1).max(1000);

export interface SampleEvents {
  names(): readonly string[];
  /** The records as in the file, null when there is no such sample. */
  records(name: string): readonly Record<string, unknown>[] | null;
}

/** Parses sample files (name → JSON text); throws naming the file and the first bad record. */
export const parseSampleEvents = (files: readonly { name: string; text: string }[]): SampleEvents => {
  const byName = new Map<string, Record<string, unknown>[]>();
  for (const file of files) {
    if (!SAMPLE_NAME.test(file.name))
      throw new CloudsecError('config', `sample event file name "${file.name}" is not a plain name`);
    let json: unknown;
    try {
      json = JSON.parse(file.text);
    } catch (err) {
      throw new CloudsecError('config', `sample events ${file.name}.json: not JSON (${(err as Error).message})`);
    }
    const parsed = SampleFileSchema.safeParse(json);
    if (!parsed.success)
      throw new CloudsecError('config', `sample events ${file.name}.json: expected an array of CloudTrail records`);
    parsed.data.forEach((record, i) => {
      const check = CloudTrailRecordSchema.safeParse(record);
      if (!check.success) {
        const issue = check.error.issues[0];
        throw new CloudsecError(
          'config',
          `sample events ${file.name}.json record ${i}: ${issue?.path.join('.') || 'the record'} ${issue?.message ?? 'is invalid'}`,
        );
      }
    });
    byName.set(file.name, parsed.data);
  }
  const names = [...byName.keys()].sort();
  return { names: () => names, records: (name) => byName.get(name) ?? null };
};

/** Reads every `<name>.json` of a directory (the edge: main.ts passes data/sample-events). */
export const loadSampleEvents = (dir: string): SampleEvents =>
  parseSampleEvents(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ name: f.slice(0, -'.json'.length), text: fs.readFileSync(path.join(dir, f), 'utf8') })),
  );

/**
 * The records of one replay: fresh eventIDs (`demo-<time>-<run>-<index>`, unique per clock tick and
 * run counter) and eventTimes moved so the newest record is `now`, the others as far before it as in
 * the file (a counting rule's window sees the same spacing).
 */
export const replayRecords = (
  records: readonly Record<string, unknown>[],
  now: Date,
  run: number,
): Record<string, unknown>[] => {
  const times = records.map((r) => (typeof r['eventTime'] === 'string' ? Date.parse(r['eventTime']) : NaN));
  const known = times.filter((t) => !Number.isNaN(t));
  const newest = known.length > 0 ? Math.max(...known) : now.getTime();
  return records.map((r, i) => {
    const t = times[i]!;
    const at = Number.isNaN(t) ? now.getTime() : now.getTime() - (newest - t);
    return {
      ...r,
      eventID: `demo-${now.getTime().toString(36)}-${run}-${i}`,
      eventTime: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  });
};
