import { createCanvas, loadImage } from '@napi-rs/canvas';
import {
  CHART_SEVERITIES,
  COUNT_AXIS,
  SCORE_AXIS,
  SCORE_COLOUR,
  renderTrendPng,
  trendChartSpec,
} from '../../src/charts/trend-chart';
import type { SeverityCounts, TrendPoint } from '../../src/core/digest/model';

const DAY = 86_400_000;
const START = Date.parse('2026-03-01T08:00:00Z');
const options = { title: 'prod-daily · posture trend', timezone: 'Europe/Berlin' };

const counts = (critical: number, high: number, medium: number, low: number): SeverityCounts => ({
  critical,
  high,
  medium,
  low,
  informational: 7,
});

/** 30 daily runs with a falling finding count and a rising score; runs 7, 8 and 20 have no data. */
const GAPS = new Set([7, 8, 20]);
const thirtyRuns = (): TrendPoint[] =>
  Array.from({ length: 30 }, (_, i) => {
    const at = new Date(START + i * DAY).toISOString();
    if (GAPS.has(i)) return { at, score: null, open: null };
    return {
      at,
      score: Math.round((50 + i * 1.5) * 10) / 10,
      open: counts(Math.max(0, 6 - Math.floor(i / 5)), 14 - Math.floor(i / 3), 20 + (i % 4), 30 - i),
    };
  });

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG header as the spec lays it out: signature, then IHDR first with width and height. */
const pngHeader = (png: Buffer): { signatureOk: boolean; chunk: string; width: number; height: number } => ({
  signatureOk: png.subarray(0, 8).equals(PNG_SIGNATURE),
  chunk: png.subarray(12, 16).toString('latin1'),
  width: png.readUInt32BE(16),
  height: png.readUInt32BE(20),
});

interface Pixels {
  width: number;
  height: number;
  at: (x: number, y: number) => [number, number, number, number];
}

const decode = async (png: Buffer): Promise<Pixels> => {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return {
    width: image.width,
    height: image.height,
    at: (x, y) => {
      const i = (y * image.width + x) * 4;
      return [data[i] ?? -1, data[i + 1] ?? -1, data[i + 2] ?? -1, data[i + 3] ?? -1];
    },
  };
};

const hexRgb = (hex: string): [number, number, number] => {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

const countPixels = (
  pixels: Pixels,
  match: (rgba: [number, number, number, number]) => boolean,
  area = { x0: 0, y0: 0, x1: pixels.width, y1: pixels.height },
): number => {
  let n = 0;
  for (let y = area.y0; y < area.y1; y++) for (let x = area.x0; x < area.x1; x++) if (match(pixels.at(x, y))) n++;
  return n;
};

const isWhite = ([r, g, b, a]: [number, number, number, number]): boolean =>
  r === 255 && g === 255 && b === 255 && a === 255;

describe('trendChartSpec', () => {
  it('when given runs, then the score series is the runs’ scores on the 0–100 right axis, with nulls at the gaps', () => {
    const points = thirtyRuns();
    const spec = trendChartSpec(points, options);
    const score = spec.data.datasets.find((d) => d.yAxisID === SCORE_AXIS);

    expect(score?.data).toEqual(points.map((p) => p.score));
    expect(score?.data.filter((v) => v === null)).toHaveLength(GAPS.size);
    expect(spec.options?.scales?.[SCORE_AXIS]).toMatchObject({ position: 'right', min: 0, max: 100 });
  });

  it('when given runs, then there is one stacked series per severity from critical to low, each exactly the runs’ counts', () => {
    const points = thirtyRuns();
    const spec = trendChartSpec(points, options);
    const severitySeries = spec.data.datasets.filter((d) => d.yAxisID === COUNT_AXIS);

    expect(severitySeries.map((d) => d.label)).toEqual(['Critical', 'High', 'Medium', 'Low']);
    severitySeries.forEach((series, i) => {
      const severity = CHART_SEVERITIES[i]!;
      expect(series.data).toEqual(points.map((p) => (p.open === null ? null : p.open[severity])));
    });
    expect(spec.options?.scales?.[COUNT_AXIS]).toMatchObject({ position: 'left', stacked: true });
  });

  it('when a run has no data, then every series leaves a gap there instead of joining or dropping to zero', () => {
    const spec = trendChartSpec(thirtyRuns(), options);

    for (const series of spec.data.datasets) {
      expect(series.spanGaps).toBe(false);
      for (const i of GAPS) expect(series.data[i]).toBeNull();
    }
  });

  it('when a run has a score but no counts (or the reverse), then only the missing series has a gap', () => {
    const points: TrendPoint[] = [
      { at: '2026-03-01T08:00:00Z', score: 80, open: null },
      { at: '2026-03-02T08:00:00Z', score: null, open: counts(1, 2, 3, 4) },
    ];
    const spec = trendChartSpec(points, options);

    expect(spec.data.datasets.map((d) => d.data)).toEqual([
      [null, 1],
      [null, 2],
      [null, 3],
      [null, 4],
      [80, null],
    ]);
  });

  it('when runs fall on different local days, then the x labels are those days in the digest’s time zone', () => {
    // 23:30 UTC is already the next day in Berlin.
    const points: TrendPoint[] = [
      { at: '2026-03-01T23:30:00Z', score: 50, open: counts(0, 0, 0, 0) },
      { at: '2026-03-02T23:30:00Z', score: 51, open: counts(0, 0, 0, 0) },
    ];

    expect(trendChartSpec(points, { ...options, timezone: 'Europe/Berlin' }).data.labels).toEqual(['2 Mar', '3 Mar']);
    expect(trendChartSpec(points, { ...options, timezone: 'UTC' }).data.labels).toEqual(['1 Mar', '2 Mar']);
  });

  it('when two runs fall on the same local day, then their labels add the local time so they can be told apart', () => {
    const points: TrendPoint[] = [
      { at: '2026-03-01T08:00:00Z', score: 50, open: counts(0, 0, 0, 0) },
      { at: '2026-03-01T20:00:00Z', score: 51, open: counts(0, 0, 0, 0) },
    ];

    expect(trendChartSpec(points, { ...options, timezone: 'America/New_York' }).data.labels).toEqual([
      ['1 Mar', '03:00'],
      ['1 Mar', '15:00'],
    ]);
  });

  it('when the chart is built, then it is a fixed-size still image with the given title', () => {
    const spec = trendChartSpec(thirtyRuns(), options);

    expect(spec.options).toMatchObject({ responsive: false, animation: false, devicePixelRatio: 1 });
    expect(spec.options?.plugins?.title).toMatchObject({ display: true, text: options.title });
  });
});

describe('renderTrendPng', () => {
  it('when rendered with default options, then it is a PNG of 1000×500', () => {
    const header = pngHeader(renderTrendPng(thirtyRuns(), options));

    expect(header).toEqual({ signatureOk: true, chunk: 'IHDR', width: 1000, height: 500 });
  });

  it('when a size is requested, then the PNG has exactly that size', () => {
    const header = pngHeader(renderTrendPng(thirtyRuns(), { ...options, width: 640, height: 320 }));

    expect(header).toEqual({ signatureOk: true, chunk: 'IHDR', width: 640, height: 320 });
  });

  it('when rendered, then the background is opaque white (readable on dark Slack themes) and the score line is drawn in its colour', async () => {
    const pixels = await decode(renderTrendPng(thirtyRuns(), options));
    const [sr, sg, sb] = hexRgb(SCORE_COLOUR);

    expect(isWhite(pixels.at(0, 0))).toBe(true);
    expect(isWhite(pixels.at(pixels.width - 1, pixels.height - 1))).toBe(true);
    expect(countPixels(pixels, ([r, g, b]) => r === sr && g === sg && b === sb)).toBeGreaterThan(200);
    expect(countPixels(pixels, (p) => !isWhite(p))).toBeGreaterThan(pixels.width * pixels.height * 0.2);
  });

  it('when there are no runs yet, then it is still a valid PNG of the requested size with a "no data yet" message and no series', async () => {
    const png = renderTrendPng([], options);
    const pixels = await decode(png);
    const [sr, sg, sb] = hexRgb(SCORE_COLOUR);
    const middle = { x0: 0, y0: Math.floor(pixels.height * 0.4), x1: pixels.width, y1: Math.ceil(pixels.height * 0.7) };

    expect(pngHeader(png)).toEqual({ signatureOk: true, chunk: 'IHDR', width: 1000, height: 500 });
    expect(countPixels(pixels, (p) => !isWhite(p), middle)).toBeGreaterThan(100);
    expect(countPixels(pixels, ([r, g, b]) => r === sr && g === sg && b === sb)).toBe(0);
  });

  it('when every run failed (only gaps), then it shows the same "no data yet" image as no runs at all', () => {
    const gaps: TrendPoint[] = [0, 1, 2].map((i) => ({
      at: new Date(START + i * DAY).toISOString(),
      score: null,
      open: null,
    }));

    expect(renderTrendPng(gaps, options).equals(renderTrendPng([], options))).toBe(true);
  });

  it('when the same history is rendered twice, then the images are identical (nothing depends on the clock)', () => {
    expect(renderTrendPng(thirtyRuns(), options).equals(renderTrendPng(thirtyRuns(), options))).toBe(true);
  });

  it('when 30 runs are rendered, then a PNG comes back', () => {
    const png = renderTrendPng(thirtyRuns(), options);

    expect(pngHeader(png).signatureOk).toBe(true);
    expect(png.length).toBeGreaterThan(renderTrendPng([], options).length);
  });
});
