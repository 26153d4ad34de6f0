import { zeroCounts, type DigestRunSummary, type TrendPoint } from '../../../src/core/digest/model';
import { trendSeries, type TrendRun } from '../../../src/core/digest/trend';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-10-01T09:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

const summary = (score: number, critical = 0): DigestRunSummary => ({
  score,
  open: { ...zeroCounts(), critical },
  suppressed: 0,
  opened: 0,
  resolved: 0,
  newlySuppressed: 0,
  incomplete: [],
  message: null,
});

/** Succeeded runs at the given times, each with its own score, newest first as the store returns them. */
const history = (times: number[]): TrendRun[] =>
  times.map((ms, i) => ({ scheduledFor: at(ms), status: 'succeeded' as const, summary: summary(50 + i) })).reverse();

const shape = (points: TrendPoint[]) => points.map((p) => (p.score === null ? `gap@${p.at}` : `${p.score}`));
const days = (...n: number[]) => n.map((d) => START + d * DAY);

describe('trendSeries', () => {
  it('when a daily digest ran every day, then every run is a point in time order and there is no gap', () => {
    const points = trendSeries(history(days(0, 1, 2, 3)));

    expect(points.map((p) => p.at)).toEqual(days(0, 1, 2, 3).map(at));
    expect(shape(points)).toEqual(['50', '51', '52', '53']);
    expect(points[0]?.open).toEqual({ ...zeroCounts(), critical: 0 });
  });

  it('when a daily digest missed a day, then that day is one gap, not a zero and not a line across', () => {
    const points = trendSeries(history(days(0, 1, 2, 4, 5)));

    expect(shape(points)).toEqual(['50', '51', '52', `gap@${at(START + 3 * DAY)}`, '53', '54']);
    expect(points[3]).toEqual({ at: at(START + 3 * DAY), score: null, open: null });
  });

  it('when only three daily runs exist and one day is missing, then the gap is still shown', () => {
    expect(shape(trendSeries(history(days(0, 1, 3))))).toEqual(['50', '51', `gap@${at(START + 2 * DAY)}`, '52']);
  });

  it('when a daily digest missed several days in a row, then the hole is a single gap at its middle', () => {
    expect(shape(trendSeries(history(days(0, 1, 2, 3, 8, 9))))).toEqual([
      '50',
      '51',
      '52',
      '53',
      `gap@${at(START + 5.5 * DAY)}`,
      '54',
      '55',
    ]);
  });

  it('when an hourly digest missed two hours, then there is one gap between the runs around them', () => {
    const times = [0, 1, 2, 3, 6, 7].map((h) => START + h * HOUR);

    expect(shape(trendSeries(history(times)))).toEqual([
      '50',
      '51',
      '52',
      '53',
      `gap@${at(START + 4.5 * HOUR)}`,
      '54',
      '55',
    ]);
  });

  it('when runs are irregular, then only spacings beyond 1.5× the usual one are gaps', () => {
    // Usual spacing 60 min; 80 min is jitter, 2 h and 5 h are holes.
    const minutes = [0, 60, 140, 200, 320, 380, 680, 740];
    const times = minutes.map((m) => START + m * 60_000);

    expect(shape(trendSeries(history(times)))).toEqual([
      '50',
      '51',
      '52',
      '53',
      `gap@${at(START + 260 * 60_000)}`,
      '54',
      '55',
      `gap@${at(START + 530 * 60_000)}`,
      '56',
      '57',
    ]);
  });

  it('when a run failed or has no summary, then it is a gap at its own time', () => {
    const runs: TrendRun[] = [
      { scheduledFor: at(START + 3 * DAY), status: 'succeeded', summary: summary(70) },
      { scheduledFor: at(START + 2 * DAY), status: 'succeeded', summary: null },
      { scheduledFor: at(START + DAY), status: 'failed', summary: summary(99) },
      { scheduledFor: at(START), status: 'succeeded', summary: summary(60) },
    ];

    expect(trendSeries(runs)).toEqual([
      { at: at(START), score: 60, open: summary(60).open },
      { at: at(START + DAY), score: null, open: null },
      { at: at(START + 2 * DAY), score: null, open: null },
      { at: at(START + 3 * DAY), score: 70, open: summary(70).open },
    ]);
  });

  it('when the run being posted is still running but has its summary, then it is drawn', () => {
    const runs: TrendRun[] = [
      { scheduledFor: at(START + DAY), status: 'running', summary: summary(80, 2) },
      { scheduledFor: at(START), status: 'succeeded', summary: summary(60) },
    ];

    expect(trendSeries(runs).at(-1)).toEqual({
      at: at(START + DAY),
      score: 80,
      open: { ...zeroCounts(), critical: 2 },
    });
  });

  it('when a scope has no cloudsec results, then runs draw their open counts with a null score', () => {
    const hubOnly = { ...summary(0, 4), score: null };
    const [point] = trendSeries([{ scheduledFor: at(START), status: 'succeeded', summary: hubOnly }]);

    expect(point).toEqual({ at: at(START), score: null, open: { ...zeroCounts(), critical: 4 } });
  });

  it('when there are more than 30 runs, then the newest 30 are drawn', () => {
    const times = Array.from({ length: 40 }, (_, i) => START + i * DAY);

    const points = trendSeries(history(times));

    expect(points).toHaveLength(30);
    expect(points[0]?.at).toBe(at(START + 10 * DAY));
    expect(points.at(-1)?.at).toBe(at(START + 39 * DAY));
  });

  it('when a limit is given, then it bounds the runs drawn', () => {
    expect(trendSeries(history(days(0, 1, 2, 3, 4)), { limit: 2 }).map((p) => p.at)).toEqual(days(3, 4).map(at));
  });

  it('when there is no history, then the series is empty', () => {
    expect(trendSeries([])).toEqual([]);
  });

  it('when the same time is recorded twice, then it is drawn once, from the record listed first', () => {
    const runs: TrendRun[] = [
      { scheduledFor: at(START), status: 'succeeded', summary: summary(75) },
      { scheduledFor: at(START), status: 'failed', summary: null },
    ];

    expect(shape(trendSeries(runs))).toEqual(['75']);
  });

  describe('with the schedule’s times', () => {
    // Weekdays at 09:00 UTC: 2026-10-05 is a Monday.
    const MONDAY = Date.parse('2026-10-05T09:00:00.000Z');
    const weekdays = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => MONDAY + d * DAY);

    it('when a weekday digest skips the weekend as scheduled, then the weekend is not a gap', () => {
      const points = trendSeries(history(weekdays), { scheduledTimes: weekdays.map(at) });

      expect(points.every((p) => p.score !== null)).toBe(true);
      expect(points).toHaveLength(10);
    });

    it('when a weekday run is missing, then the gap sits at the missed scheduled time', () => {
      const ran = weekdays.filter((ms) => ms !== MONDAY + 9 * DAY);

      const points = trendSeries(history(ran), { scheduledTimes: weekdays.map(at) });

      expect(points.filter((p) => p.score === null).map((p) => p.at)).toEqual([at(MONDAY + 9 * DAY)]);
      expect(points).toHaveLength(10);
    });

    it('when the schedule is not given, then a weekday digest’s weekend reads as a gap (so the app passes it)', () => {
      // 3 days against a usual 1: the spacing guess cannot know the weekend was planned.
      expect(trendSeries(history(weekdays)).filter((p) => p.score === null)).toHaveLength(1);
    });
  });
});
