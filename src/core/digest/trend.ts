import type { DigestRunSummary, TrendPoint } from './model';

/** One stored run as the trend needs it. */
export interface TrendRun {
  scheduledFor: string;
  status: 'running' | 'succeeded' | 'failed';
  /** The run's parsed `details`; null when it has none or they do not parse. */
  summary: DigestRunSummary | null;
}

export interface TrendOptions {
  /** How many runs to draw (default 30). */
  limit?: number;
  /**
   * The times the schedule fired within the drawn window (from the cron expression). When given,
   * a gap is placed wherever a scheduled time has no run, so a weekday digest shows no gap over a
   * weekend; when absent, gaps are guessed from the spacing of the runs (see below).
   */
  scheduledTimes?: readonly string[];
}

export const TREND_RUNS = 30;

/** A gap is a spacing this many times the usual spacing between runs. */
export const GAP_FACTOR = 1.5;

const gapAt = (ms: number): TrendPoint => ({ at: new Date(ms).toISOString(), score: null, open: null });

/**
 * The trend chart's series: the last `limit` runs in time order (oldest first), where nothing is
 * drawn for a time without data rather than a zero or a line across it.
 *
 * - A failed run, or one without a summary, is a point with null score and counts (a gap).
 *   A `running` run with a summary (the run being posted) is drawn.
 * - Missing runs are gaps too. With `scheduledTimes`, a gap goes at the first scheduled time that
 *   has no run between two runs. Without them, the usual spacing is the median interval between
 *   consecutive runs (the lower median, so that three daily runs with one missing day still read
 *   as daily), and two runs further apart than 1.5× that get one gap point at their midpoint: a
 *   daily digest that missed a day shows a break for that day, an hourly one a break for the hour.
 *   One gap point per hole is enough to break the line; the chart's time axis shows its width.
 */
export const trendSeries = (runs: readonly TrendRun[], options: TrendOptions = {}): TrendPoint[] => {
  const limit = options.limit ?? TREND_RUNS;
  const byTime = new Map<number, TrendRun>();
  // The store returns newest first; on a duplicate time the first (newest record) wins.
  for (const run of runs) {
    const ms = Date.parse(run.scheduledFor);
    if (!Number.isNaN(ms) && !byTime.has(ms)) byTime.set(ms, run);
  }
  const chosen = [...byTime]
    .sort(([a], [b]) => b - a)
    .slice(0, Math.max(0, limit))
    .reverse();
  if (chosen.length === 0) return [];

  const times = chosen.map(([ms]) => ms);
  const missedBetween = options.scheduledTimes
    ? expectedGapFinder(options.scheduledTimes, new Set(times))
    : spacingGapFinder(times);

  const points: TrendPoint[] = [];
  chosen.forEach(([ms, run], i) => {
    const previous = times[i - 1];
    if (previous !== undefined) {
      const gap = missedBetween(previous, ms);
      if (gap !== null) points.push(gapAt(gap));
    }
    const drawn = run.status !== 'failed' && run.summary !== null;
    points.push({
      at: new Date(ms).toISOString(),
      score: drawn ? (run.summary?.score ?? null) : null,
      open: drawn && run.summary ? { ...run.summary.open } : null,
    });
  });
  return points;
};

type GapFinder = (fromMs: number, toMs: number) => number | null;

const lowerMedian = (values: readonly number[]): number | null => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
};

const spacingGapFinder = (times: readonly number[]): GapFinder => {
  const usual = lowerMedian(times.slice(1).map((t, i) => t - (times[i] ?? t)));
  return (from, to) => (usual !== null && usual > 0 && to - from > GAP_FACTOR * usual ? (from + to) / 2 : null);
};

const expectedGapFinder = (scheduled: readonly string[], ran: ReadonlySet<number>): GapFinder => {
  const expected = scheduled
    .map((t) => Date.parse(t))
    .filter((ms) => !Number.isNaN(ms))
    .sort((a, b) => a - b);
  return (from, to) => expected.find((ms) => ms > from && ms < to && !ran.has(ms)) ?? null;
};
