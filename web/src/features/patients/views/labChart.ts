// SPDX-License-Identifier: Apache-2.0
// The SVG line chart of one laboratory test over time: the reference range as a band, one point
// per result with its date and value (as <title> and in the chart's description). Built from
// the shared pieces of chart.ts.
import { axisGroup, chartSvg, linePath, niceTicks, plotArea, pointMark, svg, tick, yLabel, yScale } from '../../../chart';
import { t } from '../../../i18n';

export interface LabPoint {
  /** Milliseconds since the epoch (for the x axis). */
  time: number;
  /** The date as shown to people. */
  label: string;
  value: number;
  /** The value as shown (with the test's decimals); default String(value). */
  text?: string;
  flag: '' | 'H' | 'L';
}

export interface LabSeries {
  name: string;
  unit: string;
  low?: number;
  high?: number;
  points: LabPoint[];
}

const PLOT = plotArea(640, 220, { left: 56, right: 16, top: 16, bottom: 40 });

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
  // round ticks at both ends, a little beyond the values: the axis runs from tick to tick
  const margin = (max - min) * 0.05;
  const ticks = niceTicks(min - margin, max + margin);
  return [ticks[0] ?? min, ticks[ticks.length - 1] ?? max];
}

function pointText(series: LabSeries, point: LabPoint): string {
  const flag = point.flag ? ` (${t(point.flag === 'H' ? 'record.lab_high' : 'record.lab_low')})` : '';
  return `${point.label}: ${point.text ?? point.value} ${series.unit}${flag}`;
}

function rangeText(series: LabSeries): string {
  if (series.low === undefined && series.high === undefined) return '';
  return t('record.lab_range_text', {
    low: series.low !== undefined ? tick(series.low) : '',
    high: series.high !== undefined ? tick(series.high) : '',
    unit: series.unit,
  });
}

/** The reference range band (open-ended ranges reach the edge of the plot), if there is one. */
function band(series: LabSeries, y: (value: number) => number): SVGElement | null {
  if (series.low === undefined && series.high === undefined) return null;
  const top = series.high !== undefined ? Math.max(y(series.high), PLOT.top) : PLOT.top;
  const bottom = series.low !== undefined ? Math.min(y(series.low), PLOT.top + PLOT.plotH) : PLOT.top + PLOT.plotH;
  if (bottom <= top) return null;
  return svg('rect', { class: 'band', x: PLOT.left, y: top, width: PLOT.plotW, height: bottom - top, 'aria-hidden': 'true' });
}

/** Axes with the value range and the first and last dates. */
function axes(points: LabPoint[], yMin: number, yMax: number, y: (value: number) => number): SVGGElement {
  const group = axisGroup();
  const bottom = PLOT.top + PLOT.plotH;
  group.append(
    svg('line', { x1: PLOT.left, y1: PLOT.top, x2: PLOT.left, y2: bottom }),
    svg('line', { x1: PLOT.left, y1: bottom, x2: PLOT.left + PLOT.plotW, y2: bottom }),
  );
  for (const value of niceTicks(yMin, yMax)) group.append(yLabel(PLOT, value, y(value)));
  const firstPoint = points[0];
  const lastPoint = points[points.length - 1];
  if (firstPoint) {
    group.append(svg('text', { x: PLOT.left, y: PLOT.height - 12, 'text-anchor': 'start' }, firstPoint.label));
  }
  if (lastPoint && lastPoint !== firstPoint) {
    group.append(svg('text', { x: PLOT.left + PLOT.plotW, y: PLOT.height - 12, 'text-anchor': 'end' }, lastPoint.label));
  }
  return group;
}

/** The chart of one series (needs at least one point; callers show charts for two or more). */
export function labChart(series: LabSeries, testid = 'lab-chart'): SVGSVGElement {
  const points = [...series.points].sort((a, b) => a.time - b.time);
  const [yMin, yMax] = domain(series);
  const first = points[0]?.time ?? 0;
  const last = points[points.length - 1]?.time ?? first;
  const x = (time: number): number =>
    last === first ? PLOT.left + PLOT.plotW / 2 : PLOT.left + ((time - first) / (last - first)) * PLOT.plotW;
  const y = yScale(PLOT, yMin, yMax);

  const chart = chartSvg({
    plot: PLOT,
    cls: 'lab-chart',
    testid,
    title: t('record.lab_chart_title', { name: series.name, unit: series.unit }),
    desc: [rangeText(series), ...points.map((p) => pointText(series, p))].filter(Boolean).join('; '),
    attrs: { 'data-test-name': series.name },
  });
  const range = band(series, y);
  if (range) chart.append(range);
  chart.append(axes(points, yMin, yMax, y));
  if (points.length > 1) {
    const d = linePath(points.map((p) => [x(p.time), y(p.value)] as const));
    chart.append(svg('path', { class: 'line', d, 'aria-hidden': 'true' }));
  }
  for (const point of points) {
    // Out-of-range results get a square as well as the colour, so colour is not the only cue.
    chart.append(
      pointMark({
        x: x(point.time),
        y: y(point.value),
        cls: point.flag ? 'point out' : 'point',
        square: point.flag !== '',
        half: 5,
        r: 5,
        title: pointText(series, point),
      }),
    );
  }
  return chart;
}
