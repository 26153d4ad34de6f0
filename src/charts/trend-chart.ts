import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartConfiguration, ChartItem, Plugin } from 'chart.js';
import type { TrendPoint } from '../core/digest/model';
import type { Severity } from '../core/model';

/**
 * The digest's trend chart: posture score and open findings by severity over the last runs, drawn
 * server-side with Chart.js onto @napi-rs/canvas (no browser). Without a DOM, Chart.js picks its
 * BasicPlatform, which draws straight onto the 2D context it is handed.
 */

export interface TrendChartOptions {
  title: string;
  /** IANA time zone of the digest: run times are labelled as its readers see them. */
  timezone: string;
  width?: number;
  height?: number;
}

/** Informational findings are left out: they would dwarf the severities a team acts on. */
export const CHART_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly Severity[];

export const SEVERITY_COLOURS: Record<(typeof CHART_SEVERITIES)[number], string> = {
  critical: '#7f1d1d',
  high: '#e8590c',
  medium: '#f2a900',
  low: '#8ca0b8',
};
export const SCORE_COLOUR = '#1d4ed8';

export const DEFAULT_WIDTH = 1000;
export const DEFAULT_HEIGHT = 500;

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];
const FONT_FAMILY = "'DejaVu Sans', sans-serif";
const TEXT_COLOUR = '#1f2937';
const MUTED_COLOUR = '#6b7280';
const GRID_COLOUR = '#e5e7eb';
const NO_DATA_TEXT = 'No data yet: the trend fills in as this digest runs';

export const SCORE_AXIS = 'score';
export const COUNT_AXIS = 'y';

const hasData = (p: TrendPoint): boolean => p.score !== null || p.open !== null;

/** Opaque colour `#rrggbb` with an alpha, for area fills under their solid border. */
const withAlpha = (hex: string, alpha: number): string => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
};

/**
 * Run times in the digest's time zone. A date alone reads best; the time is added (as a second
 * line) only when two runs fall on the same local day, so labels still tell them apart.
 */
export const trendLabels = (points: readonly TrendPoint[], timezone: string): (string | string[])[] => {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, day: 'numeric', month: 'short' });
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const days = points.map((p) => day.format(new Date(p.at)));
  const withTime = new Set(days).size < days.length;
  return points.map((p, i) => (withTime ? [days[i] ?? '', time.format(new Date(p.at))] : (days[i] ?? '')));
};

/**
 * A point between two gaps has no line to draw; without a marker it would vanish. Other points
 * of the areas stay unmarked so the stack reads as a surface.
 */
const isolatedRadius = (values: readonly (number | null)[]): number[] =>
  values.map((v, i) => (v !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null ? 4 : 0));

/** The Chart.js configuration for a trend (pure: the same points give the same chart). */
export const trendChartSpec = (
  points: readonly TrendPoint[],
  options: Pick<TrendChartOptions, 'title' | 'timezone'>,
): ChartConfiguration<'line', (number | null)[], string | string[]> => {
  const empty = !points.some(hasData);
  const runs = points.filter(hasData).length;

  const severityDatasets = CHART_SEVERITIES.map((severity, i) => {
    const data = points.map((p) => (p.open === null ? null : p.open[severity]));
    const colour = SEVERITY_COLOURS[severity];
    return {
      label: severity[0]?.toUpperCase() + severity.slice(1),
      data,
      yAxisID: COUNT_AXIS,
      // The first area fills to the axis, each next one to the one below: a stack of bands.
      fill: i === 0 ? ('origin' as const) : ('-1' as const),
      borderColor: colour,
      backgroundColor: withAlpha(colour, 0.7),
      borderWidth: 1.5,
      pointRadius: isolatedRadius(data),
      pointBackgroundColor: colour,
      pointBorderWidth: 0,
      tension: 0,
      spanGaps: false,
      order: 2,
    };
  });
  const scores = points.map((p) => p.score);
  const scoreDataset = {
    label: 'Posture score',
    data: scores,
    yAxisID: SCORE_AXIS,
    fill: false as const,
    borderColor: SCORE_COLOUR,
    backgroundColor: SCORE_COLOUR,
    borderWidth: 3,
    pointRadius: 3,
    pointBackgroundColor: '#ffffff',
    pointBorderColor: SCORE_COLOUR,
    pointBorderWidth: 2,
    tension: 0,
    spanGaps: false,
    // Lower order draws last: the score line stays on top of the areas.
    order: 1,
  };

  const tickFont = { size: 13 };
  const axisTitleFont = { size: 13, weight: 'bold' as const };
  return {
    type: 'line',
    data: {
      labels: trendLabels(points, options.timezone),
      datasets: [...severityDatasets, scoreDataset],
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      font: { family: FONT_FAMILY, size: 13 },
      color: TEXT_COLOUR,
      layout: { padding: { top: 8, right: 16, bottom: 8, left: 16 } },
      interaction: { mode: 'index', intersect: false },
      plugins: {
        title: {
          display: true,
          text: options.title,
          color: TEXT_COLOUR,
          font: { size: 20, weight: 'bold' },
          padding: { top: 4, bottom: 2 },
        },
        subtitle: {
          display: !empty,
          text: `Open findings by severity (stacked) and posture score · ${runs} of ${points.length} runs with data · times in ${options.timezone}`,
          color: MUTED_COLOUR,
          font: { size: 13 },
          padding: { bottom: 10 },
        },
        legend: {
          display: !empty,
          position: 'bottom',
          labels: {
            color: TEXT_COLOUR,
            font: { size: 14 },
            boxWidth: 18,
            boxHeight: 12,
            padding: 18,
            // Drawing order puts the score first; readers expect severities first, worst to least.
            sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
          },
        },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          type: 'category',
          display: !empty,
          // Half a step of room at each end: a lone first run is not pinned to the axis.
          offset: true,
          grid: { display: false },
          ticks: { color: TEXT_COLOUR, font: tickFont, maxRotation: 0, autoSkip: true, autoSkipPadding: 12 },
        },
        [COUNT_AXIS]: {
          type: 'linear',
          display: !empty,
          position: 'left',
          stacked: true,
          beginAtZero: true,
          grid: { color: GRID_COLOUR },
          border: { display: false },
          ticks: { color: TEXT_COLOUR, font: tickFont, precision: 0 },
          title: { display: true, text: 'Open findings', color: TEXT_COLOUR, font: axisTitleFont },
        },
        [SCORE_AXIS]: {
          type: 'linear',
          display: !empty,
          position: 'right',
          min: 0,
          max: 100,
          // Its own grid would clash with the counts' grid; the left axis draws the lines.
          grid: { drawOnChartArea: false },
          border: { display: false },
          ticks: { color: SCORE_COLOUR, font: tickFont, stepSize: 20 },
          title: { display: true, text: 'Posture score', color: SCORE_COLOUR, font: axisTitleFont },
        },
      },
    },
  };
};

/** Chart.js canvases are transparent; Slack shows PNGs on dark themes too, so paint white first. */
const whiteBackground: Plugin<'line'> = {
  id: 'cloudsecWhiteBackground',
  beforeDraw: (chart) => {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

const noDataMessage: Plugin<'line'> = {
  id: 'cloudsecNoData',
  afterDraw: (chart) => {
    const hasPoint = chart.data.datasets.some((d) => d.data.some((v) => v !== null));
    if (hasPoint) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.fillStyle = MUTED_COLOUR;
    ctx.font = `18px ${FONT_FAMILY}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(NO_DATA_TEXT, (chartArea.left + chartArea.right) / 2, (chartArea.top + chartArea.bottom) / 2);
    ctx.restore();
  },
};

interface Drawing {
  chartjs: typeof import('chart.js');
  canvas: typeof import('@napi-rs/canvas');
}

let drawingModules: Drawing | undefined;

/**
 * Chart.js and the canvas are loaded at the first render, not when this module is: the canvas is a
 * 35 MB native library (~17 MB of a process's memory once loaded) and a bot draws only when a digest
 * runs. A missing or broken library then fails that render, which the digest reports, instead of
 * the start-up.
 */
const loadDrawing = (): Drawing =>
  (drawingModules ??= {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (above); types come from `import type` */
    chartjs: require('chart.js') as typeof import('chart.js'),
    canvas: require('@napi-rs/canvas') as typeof import('@napi-rs/canvas'),
    /* eslint-enable @typescript-eslint/no-require-imports */
  });

/**
 * Registers what the line chart needs and, when the system has the files but the canvas did not
 * pick them up, DejaVu Sans (regular and bold), so labels look the same on a laptop and in the
 * container. Both registries are process-wide and this is idempotent, so it runs per render.
 */
const prepare = (): Drawing => {
  const drawing = loadDrawing();
  const {
    Chart,
    LineController,
    LineElement,
    PointElement,
    CategoryScale,
    LinearScale,
    Filler,
    Legend,
    Title,
    SubTitle,
  } = drawing.chartjs;
  const { GlobalFonts } = drawing.canvas;
  Chart.register(
    LineController,
    LineElement,
    PointElement,
    CategoryScale,
    LinearScale,
    Filler,
    Legend,
    Title,
    SubTitle,
  );
  if (GlobalFonts.has('DejaVu Sans')) return drawing;
  for (const file of FONT_FILES) {
    const path = join(FONT_DIR, file);
    if (existsSync(path)) GlobalFonts.registerFromPath(path, 'DejaVu Sans');
  }
  return drawing;
};

/** The trend as a PNG (default 1000×500 at pixel ratio 1), synchronous: Chart.js draws at once without animation. */
export const renderTrendPng = (points: readonly TrendPoint[], options: TrendChartOptions): Buffer => {
  const { chartjs, canvas: napi } = prepare();
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  const canvas = napi.createCanvas(width, height);
  const spec = trendChartSpec(points, options);
  // Chart.js types want a DOM canvas context; @napi-rs/canvas's context implements what BasicPlatform uses.
  const chart = new chartjs.Chart(canvas.getContext('2d') as unknown as ChartItem, {
    ...spec,
    plugins: [whiteBackground, noDataMessage],
  });
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
};
