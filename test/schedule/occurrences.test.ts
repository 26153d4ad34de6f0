import {
  dueCatchUp,
  nextOccurrence,
  normaliseScheduledTime,
  occurrenceSupport,
  previousOccurrence,
} from '../../src/schedule/occurrences';

const at = (iso: string): Date => new Date(iso);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The next `count` times after `from`, each found from the one before. */
const following = (schedule: string, timezone: string, from: string, count: number): (string | null)[] => {
  const out: (string | null)[] = [];
  let cursor: Date | null = at(from);
  for (let i = 0; i < count && cursor; i++) {
    cursor = nextOccurrence(schedule, timezone, cursor);
    out.push(iso(cursor));
  }
  return out;
};

/** The `count` times at or before `from`, newest first. */
const preceding = (schedule: string, timezone: string, from: string, count: number): (string | null)[] => {
  const out: (string | null)[] = [];
  let cursor: Date | null = at(from);
  for (let i = 0; i < count && cursor; i++) {
    cursor = previousOccurrence(schedule, timezone, cursor);
    out.push(iso(cursor));
    if (cursor) cursor = new Date(cursor.getTime() - 1);
  }
  return out;
};

describe('nextOccurrence and previousOccurrence', () => {
  it.each([
    ['Europe/Berlin', '2026-01-15T08:00:00.000Z', '2026-07-15T07:00:00.000Z'],
    ['America/New_York', '2026-01-15T14:00:00.000Z', '2026-07-15T13:00:00.000Z'],
    ['Asia/Kolkata', '2026-01-15T03:30:00.000Z', '2026-07-15T03:30:00.000Z'],
    ['UTC', '2026-01-15T09:00:00.000Z', '2026-07-15T09:00:00.000Z'],
  ])('when a digest runs daily at 09:00 in %s, then it is 09:00 there in winter and summer', (tz, winter, summer) => {
    expect(iso(nextOccurrence('0 9 * * *', tz, at('2026-01-14T23:00:00Z')))).toBe(winter);
    expect(iso(previousOccurrence('0 9 * * *', tz, at('2026-01-15T23:00:00Z')))).toBe(winter);
    expect(iso(nextOccurrence('0 9 * * *', tz, at('2026-07-14T23:00:00Z')))).toBe(summer);
  });

  it('when now is exactly a scheduled time, then it is the previous occurrence and not the next', () => {
    const nine = at('2026-01-15T09:00:00Z');
    expect(iso(previousOccurrence('0 9 * * *', 'UTC', nine))).toBe('2026-01-15T09:00:00.000Z');
    expect(iso(nextOccurrence('0 9 * * *', 'UTC', nine))).toBe('2026-01-16T09:00:00.000Z');
    expect(iso(previousOccurrence('0 9 * * *', 'UTC', at('2026-01-15T08:59:59.999Z')))).toBe(
      '2026-01-14T09:00:00.000Z',
    );
  });

  it('when 02:30 does not exist (Europe/Berlin, 2026-03-29), then a daily 02:30 digest has no time that day', () => {
    expect(following('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-30T00:30:00.000Z', // 02:30 CEST: the 29th is skipped
      '2026-03-31T00:30:00.000Z',
    ]);
    expect(preceding('30 2 * * *', 'Europe/Berlin', '2026-03-30T12:00:00Z', 2)).toEqual([
      '2026-03-30T00:30:00.000Z',
      '2026-03-28T01:30:00.000Z',
    ]);
  });

  it('when 02:30 happens twice (Europe/Berlin, 2026-10-25), then a daily 02:30 digest has one time, the second 02:30 (CET)', () => {
    expect(following('30 2 * * *', 'Europe/Berlin', '2026-10-23T12:00:00Z', 3)).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    expect(iso(previousOccurrence('30 2 * * *', 'Europe/Berlin', at('2026-10-25T01:00:00Z')))).toBe(
      '2026-10-24T00:30:00.000Z',
    );
  });

  it('when an hourly digest crosses the repeated hour in Europe/Berlin, then each wall-clock time has one occurrence', () => {
    expect(following('30 * * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', 5)).toEqual([
      '2026-10-24T22:30:00.000Z', // 00:30 CEST
      '2026-10-24T23:30:00.000Z', // 01:30 CEST
      '2026-10-25T01:30:00.000Z', // 02:30 CET (02:30 CEST, 00:30Z, has none)
      '2026-10-25T02:30:00.000Z', // 03:30 CET
      '2026-10-25T03:30:00.000Z',
    ]);
    expect(preceding('30 * * * *', 'Europe/Berlin', '2026-10-25T02:00:00Z', 3)).toEqual([
      '2026-10-25T01:30:00.000Z',
      '2026-10-24T23:30:00.000Z',
      '2026-10-24T22:30:00.000Z',
    ]);
  });

  it('when America/New_York changes clocks, then 09:00 stays 09:00, 02:30 is skipped in spring and 01:30 is the first pass in autumn', () => {
    expect(following('0 9 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
    ]);
    expect(following('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
    expect(following('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('when both day of month and day of week are set, then both must match (node-cron), not either', () => {
    // 09:00 on a Monday that is the 1st.
    expect(following('0 9 1 * 1', 'UTC', '2026-01-01T12:00:00Z', 2)).toEqual([
      '2026-06-01T09:00:00.000Z',
      '2027-02-01T09:00:00.000Z',
    ]);
    expect(following('0 0 1 * 1', 'UTC', '2026-01-01T12:00:00Z', 1)).toEqual(['2026-06-01T00:00:00.000Z']);
    expect(iso(previousOccurrence('0 9 1 * 1', 'UTC', at('2027-01-31T00:00:00Z')))).toBe('2026-06-01T09:00:00.000Z');
  });

  it.each([
    ['@daily', ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']],
    ['@midnight', ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']],
    ['0 9 * * mon-fri', ['2026-01-02T09:00:00.000Z', '2026-01-05T09:00:00.000Z']],
    ['0 9 * * fri-tue', ['2026-01-02T09:00:00.000Z', '2026-01-03T09:00:00.000Z']],
    ['0 9 * * 7', ['2026-01-04T09:00:00.000Z', '2026-01-11T09:00:00.000Z']],
    ['0 9 L * *', ['2026-01-31T09:00:00.000Z', '2026-02-28T09:00:00.000Z']],
    ['0 9 * * 5L', ['2026-01-30T09:00:00.000Z', '2026-02-27T09:00:00.000Z']],
    ['0 9 * * 1#2', ['2026-01-12T09:00:00.000Z', '2026-02-09T09:00:00.000Z']],
    ['0 9 * feb *', ['2026-02-01T09:00:00.000Z', '2026-02-02T09:00:00.000Z']],
    ['*/20 * * * * *', ['2026-01-01T12:00:20.000Z', '2026-01-01T12:00:40.000Z']],
  ])('when the schedule is written "%s" (node-cron syntax), then its times are node-cron’s', (schedule, expected) => {
    expect(following(schedule, 'UTC', '2026-01-01T12:00:00.500Z', 2)).toEqual(expected);
  });

  it('when a schedule uses a form cron-parser cannot read, then it says so instead of guessing', () => {
    expect(occurrenceSupport('0 9 * * *')).toBeNull();
    expect(occurrenceSupport('0 9 15W * *')).toMatch(/0 9 15W \* \*.*not supported/);
    expect(occurrenceSupport('0 9 L-2 * *')).toMatch(/not supported/);
    expect(() => nextOccurrence('0 9 15W * *', 'UTC', at('2026-01-01T00:00:00Z'))).toThrow(/cannot work out/);
  });

  it('when a six-field schedule fires every second, then times are exact to the second, also next to a clock change', () => {
    expect(iso(nextOccurrence('* * * * * *', 'Europe/Berlin', at('2026-10-25T00:59:59.500Z')))).toBe(
      '2026-10-25T01:00:00.000Z',
    );
    expect(iso(previousOccurrence('* * * * * *', 'Europe/Berlin', at('2026-06-01T12:00:00.500Z')))).toBe(
      '2026-06-01T12:00:00.000Z',
    );
  });
});

describe('normaliseScheduledTime', () => {
  it('when a five-field schedule ticks, then the time is cut to the minute; six fields keep the second', () => {
    expect(iso(normaliseScheduledTime('0 9 * * *', at('2026-01-15T09:00:00.250Z')))).toBe('2026-01-15T09:00:00.000Z');
    expect(iso(normaliseScheduledTime('@daily', at('2026-01-15T00:00:59.999Z')))).toBe('2026-01-15T00:00:00.000Z');
    expect(iso(normaliseScheduledTime('*/20 * * * * *', at('2026-01-15T09:00:20.250Z')))).toBe(
      '2026-01-15T09:00:20.000Z',
    );
  });
});

describe('dueCatchUp', () => {
  const daily = { schedule: '0 9 * * *', timezone: 'Europe/Berlin' }; // 08:00Z in January
  const now = at('2026-01-15T10:00:00Z');

  it('when the bot was down over one scheduled time, then that time runs once', () => {
    expect(iso(dueCatchUp(daily, at('2026-01-14T08:00:00Z'), now))).toBe('2026-01-15T08:00:00.000Z');
  });

  it('when the bot was down for a week, then only the latest time runs', () => {
    expect(iso(dueCatchUp(daily, at('2026-01-08T08:00:00Z'), now))).toBe('2026-01-15T08:00:00.000Z');
  });

  it('when the digest has never run, then nothing is caught up (it waits for its next time)', () => {
    expect(dueCatchUp(daily, null, now)).toBeNull();
  });

  it('when the last run is the latest scheduled time, then nothing is due', () => {
    expect(dueCatchUp(daily, at('2026-01-15T08:00:00Z'), now)).toBeNull();
    expect(dueCatchUp(daily, at('2026-01-14T08:00:00Z'), at('2026-01-15T07:59:59Z'))).toBeNull();
  });

  it('when the latest scheduled time is older than the limit, then nothing is caught up', () => {
    const weekly = { schedule: '0 9 * * 1', timezone: 'Europe/Berlin' }; // Mondays; the 12th was the last
    const wednesday = at('2026-01-14T10:00:00Z');
    expect(dueCatchUp(weekly, at('2026-01-05T08:00:00Z'), wednesday)).toBeNull();
    expect(iso(dueCatchUp(weekly, at('2026-01-05T08:00:00Z'), wednesday, { maxAgeMs: 3 * 24 * 3600_000 }))).toBe(
      '2026-01-12T08:00:00.000Z',
    );
  });

  it('when the latest time is exactly the age limit old, then it still runs', () => {
    expect(iso(dueCatchUp(daily, at('2026-01-14T08:00:00Z'), now, { maxAgeMs: 2 * 3600_000 }))).toBe(
      '2026-01-15T08:00:00.000Z',
    );
    expect(dueCatchUp(daily, at('2026-01-14T08:00:00Z'), now, { maxAgeMs: 2 * 3600_000 - 1 })).toBeNull();
  });

  it('when the bot starts between the two 02:30s of 2026-10-25 (Berlin), then nothing is caught up: the tick at the second one is that day’s', () => {
    const early = { schedule: '30 2 * * *', timezone: 'Europe/Berlin' };
    expect(dueCatchUp(early, at('2026-10-24T00:30:00Z'), at('2026-10-25T01:00:00Z'))).toBeNull();
    expect(iso(dueCatchUp(early, at('2026-10-24T00:30:00Z'), at('2026-10-25T01:45:00Z')))).toBe(
      '2026-10-25T01:30:00.000Z',
    );
  });
});
