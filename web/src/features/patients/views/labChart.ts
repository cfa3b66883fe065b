// SPDX-License-Identifier: Apache-2.0
// A hand-written SVG line chart of one laboratory test over time: the reference range as a band,
// one point per result with its date and value (as <title> and in the chart's description).
// Presentation comes from classes in app.css (the CSP allows no inline styles).
import { uniqueId } from '../../../dom';
import { t } from '../../../i18n';

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface LabPoint {
  /** Milliseconds since the epoch (for the x axis). */
  time: number;
  /** The date as shown to people. */
  label: string;
  value: number;
  flag: '' | 'H' | 'L';
}

export interface LabSeries {
  name: string;
  unit: string;
  low?: number;
  high?: number;
  points: LabPoint[];
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

const W = 640;
const H = 220;
const PAD = { left: 56, right: 16, top: 16, bottom: 40 };

/** A round-ish number for axis labels (at most 3 significant digits). */
function tick(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function domain(series: LabSeries): [number, number] {
  const values = series.points.map((p) => p.value);
  if (series.low !== undefined) values.push(series.low);
  if (series.high !== undefined) values.push(series.high);
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) {
    const spread = Math.abs(min) * 0.1 || 1;
    min -= spread;
    max += spread;
  }
  const margin = (max - min) * 0.1;
  return [min - margin, max + margin];
}

function pointText(series: LabSeries, point: LabPoint): string {
  const flag = point.flag ? ` (${t(point.flag === 'H' ? 'record.lab_high' : 'record.lab_low')})` : '';
  return `${point.label}: ${point.value} ${series.unit}${flag}`;
}

/** The chart of one series (needs at least one point; callers show charts for two or more). */
export function labChart(series: LabSeries, testid = 'lab-chart'): SVGSVGElement {
  const points = [...series.points].sort((a, b) => a.time - b.time);
  const [yMin, yMax] = domain(series);
  const first = points[0]?.time ?? 0;
  const last = points[points.length - 1]?.time ?? first;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (time: number): number =>
    last === first ? PAD.left + plotW / 2 : PAD.left + ((time - first) / (last - first)) * plotW;
  const y = (value: number): number => PAD.top + (1 - (value - yMin) / (yMax - yMin)) * plotH;

  const titleId = uniqueId('chart-title');
  const descId = uniqueId('chart-desc');
  const range =
    series.low !== undefined || series.high !== undefined
      ? t('record.lab_range_text', {
          low: series.low !== undefined ? tick(series.low) : '',
          high: series.high !== undefined ? tick(series.high) : '',
          unit: series.unit,
        })
      : '';
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'lab-chart',
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    'data-testid': testid,
    'data-test-name': series.name,
  });
  svg.append(
    s('title', { id: titleId }, t('record.lab_chart_title', { name: series.name, unit: series.unit })),
    s('desc', { id: descId }, [range, ...points.map((p) => pointText(series, p))].filter(Boolean).join('; ')),
  );

  // The reference range band (open-ended ranges reach the edge of the plot).
  if (series.low !== undefined || series.high !== undefined) {
    const top = series.high !== undefined ? Math.max(y(series.high), PAD.top) : PAD.top;
    const bottom = series.low !== undefined ? Math.min(y(series.low), PAD.top + plotH) : PAD.top + plotH;
    if (bottom > top) {
      svg.append(
        s('rect', { class: 'band', x: PAD.left, y: top, width: plotW, height: bottom - top, 'aria-hidden': 'true' }),
      );
    }
  }

  // Axes with the value range and the first and last dates.
  const axes = s('g', { class: 'axis', 'aria-hidden': 'true' });
  axes.append(
    s('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: PAD.top + plotH }),
    s('line', { x1: PAD.left, y1: PAD.top + plotH, x2: PAD.left + plotW, y2: PAD.top + plotH }),
  );
  for (const value of [yMin, (yMin + yMax) / 2, yMax]) {
    axes.append(s('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, tick(value)));
  }
  const firstPoint = points[0];
  const lastPoint = points[points.length - 1];
  if (firstPoint) {
    axes.append(s('text', { x: PAD.left, y: H - 12, 'text-anchor': 'start' }, firstPoint.label));
  }
  if (lastPoint && lastPoint !== firstPoint) {
    axes.append(s('text', { x: PAD.left + plotW, y: H - 12, 'text-anchor': 'end' }, lastPoint.label));
  }
  svg.append(axes);

  if (points.length > 1) {
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`);
    svg.append(s('path', { class: 'line', d: path.join(' '), 'aria-hidden': 'true' }));
  }
  for (const point of points) {
    const cx = x(point.time);
    const cy = y(point.value);
    const cls = point.flag ? 'point out' : 'point';
    // Out-of-range results get a square as well as the colour, so colour is not the only cue.
    const mark = point.flag
      ? s('rect', { class: cls, x: cx - 5, y: cy - 5, width: 10, height: 10 })
      : s('circle', { class: cls, cx, cy, r: 5 });
    mark.append(s('title', {}, pointText(series, point)));
    svg.append(mark);
  }
  return svg;
}
