// SPDX-License-Identifier: Apache-2.0
// Hand-written SVG charts of the referral figures (実績), one value per month: grouped bars for
// counts and lines for rates. Like labChart.ts: every value is in a <title> and in the chart's
// description; colours come from classes in app.css (the CSP allows no inline styles), and each
// series also has its own legend entry, so colour is not the only cue.
import { uniqueId } from '../../../dom';

const SVG_NS = 'http://www.w3.org/2000/svg';

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

type SvgAttrs = Record<string, string | number>;

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs,
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.append(child);
  return el;
}

const W = 720;
const H = 240;
const PAD = { left: 48, right: 12, top: 14, bottom: 36 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

/** 1, 2 or 5 times a power of ten, at least value (and at least minimum). */
function niceMax(value: number, minimum: number): number {
  const v = Math.max(value, minimum);
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

/** "2026/1" for January and the first month, else "3". */
function monthLabel(month: string, first: boolean): string {
  const [year, mm] = month.split('-');
  const m = String(Number(mm));
  return first || m === '1' ? `${year}/${m}` : m;
}

function frame(spec: ChartSpec, yMax: number): SVGSVGElement {
  const titleId = uniqueId('chart-title');
  const descId = uniqueId('chart-desc');
  const desc = spec.months
    .map((month, i) => `${month}: ${spec.series.map((x) => `${x.name} ${show(spec, x.values[i])}`).join(', ')}`)
    .join('; ');
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'stats-chart',
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    'data-testid': spec.testid,
  });
  svg.append(s('title', { id: titleId }, spec.title), s('desc', { id: descId }, desc));
  const axes = s('g', { class: 'axis', 'aria-hidden': 'true' });
  for (const value of [0, yMax / 2, yMax]) {
    const y = PAD.top + (1 - value / yMax) * PLOT_H;
    axes.append(
      s('line', { class: value === 0 ? 'base' : 'grid', x1: PAD.left, y1: y, x2: PAD.left + PLOT_W, y2: y }),
      s('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' }, String(Number(value.toPrecision(3)))),
    );
  }
  const n = spec.months.length;
  const every = Math.ceil(n / 12);
  spec.months.forEach((month, i) => {
    if (i % every !== 0) return;
    const x = PAD.left + (i + 0.5) * (PLOT_W / n);
    axes.append(s('text', { x, y: H - 14, 'text-anchor': 'middle' }, monthLabel(month, i === 0)));
  });
  svg.append(axes);
  return svg;
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
  const svg = frame(spec, yMax);
  const n = spec.months.length;
  const group = PLOT_W / n;
  const bar = (group * 0.8) / spec.series.length;
  spec.months.forEach((month, i) => {
    spec.series.forEach((series, k) => {
      const value = series.values[i] ?? 0;
      const height = (value / yMax) * PLOT_H;
      const rect = s('rect', {
        class: `bar ${series.cls}`,
        x: PAD.left + i * group + group * 0.1 + k * bar,
        y: PAD.top + PLOT_H - height,
        width: Math.max(bar - 1, 1),
        height,
        'data-month': month,
        'data-value': value,
      });
      rect.append(s('title', {}, `${month} ${series.name}: ${show(spec, series.values[i])}`));
      svg.append(rect);
    });
  });
  return svg;
}

/** One line per series with a point per month that has a value (gaps where there is none). */
export function lineChart(spec: ChartSpec): SVGSVGElement {
  const yMax = niceMax(maxOf(spec), 100);
  const svg = frame(spec, yMax);
  const n = spec.months.length;
  const x = (i: number): number => PAD.left + (i + 0.5) * (PLOT_W / n);
  const y = (v: number): number => PAD.top + (1 - v / yMax) * PLOT_H;
  for (const series of spec.series) {
    let d = '';
    let open = false;
    series.values.forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      d += `${open ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      open = true;
    });
    if (d) svg.append(s('path', { class: `line ${series.cls}`, d: d.trim(), 'aria-hidden': 'true' }));
    series.values.forEach((v, i) => {
      if (v === null) return;
      const mark =
        series.cls === 's2'
          ? s('rect', { class: `point ${series.cls}`, x: x(i) - 4, y: y(v) - 4, width: 8, height: 8 })
          : s('circle', { class: `point ${series.cls}`, cx: x(i), cy: y(v), r: 4.5 });
      mark.setAttribute('data-month', spec.months[i] ?? '');
      mark.setAttribute('data-value', String(v));
      mark.append(s('title', {}, `${spec.months[i] ?? ''} ${series.name}: ${spec.format(v)}`));
      svg.append(mark);
    });
  }
  return svg;
}
