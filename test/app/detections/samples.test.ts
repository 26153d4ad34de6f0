import path from 'node:path';
import { loadSampleEvents, parseSampleEvents, replayRecords } from '../../../src/app/detections/samples';
import { parseCloudTrailRecord } from '../../../src/core/detections/record';
import { packageRoot } from '../../../src/paths';

const DIR = path.join(packageRoot(), 'data', 'sample-events');
const DEMO_ACCOUNT = '111111111111';

describe('bundled sample events', () => {
  it('when the bundled samples are loaded, then each is a list of CloudTrail records of the demo account', () => {
    const samples = loadSampleEvents(DIR);
    expect(samples.names()).toEqual(
      expect.arrayContaining([
        'admin-policy-attached',
        'bucket-made-public',
        'console-login-without-mfa',
        'port-22-opened',
        'root-access-key-created',
        'snapshot-shared-publicly',
        'trail-stopped',
        'unauthorized-calls-burst',
      ]),
    );
    for (const name of samples.names())
      for (const record of samples.records(name)!) {
        const parsed = parseCloudTrailRecord(record);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.record.recipientAccountId).toBe(DEMO_ACCOUNT);
      }
  });

  it('when a sample is replayed twice, then every record gets a fresh eventID, the newest is now, and the spacing is kept', () => {
    const records = loadSampleEvents(DIR).records('unauthorized-calls-burst')!;
    const now = new Date('2026-12-01T09:00:00.000Z');
    const first = replayRecords(records, now, 1);
    const second = replayRecords(records, now, 2);

    const ids = [...first, ...second].map((r) => r['eventID']);
    expect(new Set(ids).size).toBe(records.length * 2);
    const times = first.map((r) => Date.parse(String(r['eventTime'])));
    expect(Math.max(...times)).toBe(now.getTime());
    const original = records.map((r) => Date.parse(String(r['eventTime'])));
    expect(times[1]! - times[0]!).toBe(original[1]! - original[0]!);
    // Everything else is as in the file.
    expect({ ...first[0], eventID: undefined, eventTime: undefined }).toEqual({
      ...records[0],
      eventID: undefined,
      eventTime: undefined,
    });
  });

  it('when a sample file holds something that is not a CloudTrail record, then loading refuses and names the record', () => {
    expect(() =>
      parseSampleEvents([
        { name: 'broken', text: JSON.stringify([{ eventID: 'x', eventTime: 't', eventSource: 's' }]) },
      ]),
    ).toThrow(/broken\.json record 0: eventName/);
    expect(() => parseSampleEvents([{ name: 'notjson', text: '{' }])).toThrow(/notjson\.json: not JSON/);
    expect(() => parseSampleEvents([{ name: '../evil', text: '[]' }])).toThrow(/not a plain name/);
  });
});
