// SPDX-License-Identifier: Apache-2.0
// SVG charts of the referral figures (実績), one value per month: grouped bars for counts and
// lines for rates, built from the shared pieces of chart.ts. Every value is in a <title> and in
// the chart's description; each series also has its own legend entry and class (s1 … s4), so
// colour is not the only cue.
import { lang } from '../../../i18n';
import { axisGroup, chartSvg, linePath, niceTicks, plotArea, pointMark, svg, yLabel, yScale } from '../../../chart';

export interface ChartSeries {
  name: string;
  /** Class of the series' marks and legend swatch: s1 … s4. */
  cls: string;
  values: (number | null)[];
}

export interface ChartSpec {
  title: string;
  /** One label per month, e.g. "2026-03". */
  months: string[];
  series: ChartSeries[];
  testid: string;
  /** Formats a value for <title> and the description, e.g. "12" or "45.5%". */
  format: (value: number) => string;
  /** Shown when a value is null. */
  none: string;
}

const PLOT = plotArea(720, 240, { left: 48, right: 12, top: 14, bottom: 36 });

/** 1, 2 or 5 times a power of ten, at least value (and at least minimum). */
function niceMax(value: number, minimum: number): number {
  const v = Math.max(value, minimum);
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

/** "2026-01" → "2026年1月" (ja) or "Jan 2026" (en). */
export function formatMonth(month: string): string {
  const [year, mm] = month.split('-');
  const m = Number(mm);
  if (!year || !m) return month;
  if (lang() === 'ja') return `${year}年${m}月`;
  return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(year), m - 1, 1)));
}

/** "2026年1月" for January and the first month, else "3月". */
function monthLabel(month: string, first: boolean): string {
  const m = String(Number(month.split('-')[1]));
  return first || m === '1' ? formatMonth(month) : lang() === 'ja' ? `${m}月` : m;
}

/** The middle of month i's column. */
function monthX(spec: ChartSpec, i: number): number {
  return PLOT.left + (i + 0.5) * (PLOT.plotW / spec.months.length);
}

function frame(spec: ChartSpec, y: (value: number) => number, yMax: number): SVGSVGElement {
  const chart = chartSvg({
    plot: PLOT,
    cls: 'stats-chart',
    testid: spec.testid,
    title: spec.title,
    desc: spec.months
      .map((month, i) => `${formatMonth(month)}: ${spec.series.map((x) => `${x.name} ${show(spec, x.values[i])}`).join(', ')}`)
      .join('; '),
  });
  const axes = axisGroup();
  for (const value of niceTicks(0, yMax).filter((v) => v <= yMax * (1 + 1e-9))) {
    const at = y(value);
    axes.append(
      svg('line', { class: value === 0 ? 'base' : 'grid', x1: PLOT.left, y1: at, x2: PLOT.left + PLOT.plotW, y2: at }),
      yLabel(PLOT, value, at),
    );
  }
  const every = Math.ceil(spec.months.length / 12);
  spec.months.forEach((month, i) => {
    if (i % every !== 0) return;
    axes.append(svg('text', { x: monthX(spec, i), y: PLOT.height - 14, 'text-anchor': 'middle' }, monthLabel(month, i === 0)));
  });
  chart.append(axes);
  return chart;
}

function show(spec: ChartSpec, value: number | null | undefined): string {
  return value === null || value === undefined ? spec.none : spec.format(value);
}

function maxOf(spec: ChartSpec): number {
  return Math.max(0, ...spec.series.flatMap((x) => x.values.map((v) => v ?? 0)));
}

/** Grouped bars: one group per month, one bar per series. */
export function barChart(spec: ChartSpec): SVGSVGElement {
  const yMax = niceMax(maxOf(spec), 5);
  const chart = frame(spec, yScale(PLOT, 0, yMax), yMax);
  const group = PLOT.plotW / spec.months.length;
  const bar = (group * 0.8) / spec.series.length;
  spec.months.forEach((month, i) => {
    spec.series.forEach((series, k) => {
      const value = series.values[i] ?? 0;
      const height = (value / yMax) * PLOT.plotH;
      const rect = svg('rect', {
        class: `bar ${series.cls}`,
        x: PLOT.left + i * group + group * 0.1 + k * bar,
        y: PLOT.top + PLOT.plotH - height,
        width: Math.max(bar - 1, 1),
        height,
        'data-month': month,
        'data-value': value,
      });
      rect.append(svg('title', {}, `${formatMonth(month)} ${series.name}: ${show(spec, series.values[i])}`));
      chart.append(rect);
    });
  });
  return chart;
}

/** One line per series with a point per month that has a value (gaps where there is none). */
export function lineChart(spec: ChartSpec): SVGSVGElement {
  const yMax = niceMax(maxOf(spec), 100);
  const y = yScale(PLOT, 0, yMax);
  const chart = frame(spec, y, yMax);
  for (const series of spec.series) {
    const d = linePath(series.values.map((v, i) => (v === null ? null : ([monthX(spec, i), y(v)] as const))));
    if (d) chart.append(svg('path', { class: `line ${series.cls}`, d, 'aria-hidden': 'true' }));
    series.values.forEach((v, i) => {
      if (v === null) return;
      const month = spec.months[i] ?? '';
      chart.append(
        pointMark({
          x: monthX(spec, i),
          y: y(v),
          cls: `point ${series.cls}`,
          square: series.cls === 's2',
          half: 4,
          r: 4.5,
          title: `${formatMonth(month)} ${series.name}: ${spec.format(v)}`,
          attrs: { 'data-month': month, 'data-value': String(v) },
        }),
      );
    });
  }
  return chart;
}
