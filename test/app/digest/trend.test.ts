import { aDigest, openDigestHarness } from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

// 2026-11-02 is a Monday.
const WEEKDAYS = ['02', '03', '04', '05', '06', '09', '10'].map((d) => `2026-11-${d}T09:00:00.000Z`);

describe('the trend a digest draws', () => {
  const stores = useTempStores();

  it('when a weekday digest ran every weekday, then its chart has no gap over the weekend', async () => {
    const h = openDigestHarness(stores, { digests: [aDigest({ schedule: '0 9 * * 1-5' })] });

    for (const at of WEEKDAYS) await h.run(at);

    const points = h.chart.calls.at(-1)!.points;
    expect(points.map((p) => p.at)).toEqual(WEEKDAYS);
    expect(points.every((p) => p.score !== null && p.open !== null)).toBe(true);
  });

  it('when a weekday run was missed, then the chart has a gap at that day, not a zero', async () => {
    const h = openDigestHarness(stores, { digests: [aDigest({ schedule: '0 9 * * 1-5' })] });

    for (const at of WEEKDAYS.filter((d) => !d.startsWith('2026-11-04'))) await h.run(at);

    const points = h.chart.calls.at(-1)!.points;
    const gaps = points.filter((p) => p.score === null);
    expect(gaps.map((p) => p.at)).toEqual(['2026-11-04T09:00:00.000Z']);
    expect(gaps[0]!.open).toBeNull();
  });
});
