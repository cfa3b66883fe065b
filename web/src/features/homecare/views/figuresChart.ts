// SPDX-License-Identifier: Apache-2.0
// SVG charts of the visit figures (訪問実績), from the shared pieces of chart.ts: bars per month
// (stacked by kind of visit, or grouped) and horizontal bars per category (referral source, kind).
// Every value is in a <title> and in the chart's description, and every series has a legend
// entry, so colour is never the only cue.
import { axisGroup, chartSvg, niceTicks, plotArea, svg, yLabel, yScale, type Plot } from '../../../chart';
import { h } from '../../../dom';

export interface Series {
  name: string;
  /** Class of the marks and the legend swatch (k1 … k9 for kinds, p1 … p3 for patients). */
  cls: string;
  values: number[];
}

export interface MonthChartSpec {
  title: string;
  testid: string;
  /** Labels of the columns (months). */
  labels: string[];
  /** data-month of each column. */
  keys: string[];
  series: Series[];
  stacked: boolean;
}

const MONTHS_PLOT = plotArea(720, 240, { left: 44, right: 12, top: 14, bottom: 36 });

function niceMax(value: number): number {
  const ticks = niceTicks(0, Math.max(value, 4));
  return ticks[ticks.length - 1] ?? 4;
}

function yAxis(plot: Plot, yMax: number): SVGGElement {
  const axes = axisGroup();
  const y = yScale(plot, 0, yMax);
  for (const value of niceTicks(0, yMax)) {
    const at = y(value);
    axes.append(svg('line', { class: value === 0 ? 'base' : 'grid', x1: plot.left, y1: at, x2: plot.left + plot.plotW, y2: at }), yLabel(plot, value, at));
  }
  return axes;
}

/** Bars per month: stacked (one column of all series) or grouped (a bar per series). */
export function monthChart(spec: MonthChartSpec): SVGSVGElement {
  const plot = MONTHS_PLOT;
  const totals = spec.labels.map((_, i) => spec.series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const highest = spec.stacked ? Math.max(0, ...totals) : Math.max(0, ...spec.series.flatMap((s) => s.values));
  const yMax = niceMax(highest);
  const chart = chartSvg({
    plot,
    cls: 'figures-chart',
    testid: spec.testid,
    title: spec.title,
    desc: spec.labels.map((label, i) => `${label}: ${spec.series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join(', ')}`).join('; '),
  });
  const axes = yAxis(plot, yMax);
  const column = plot.plotW / spec.labels.length;
  spec.labels.forEach((label, i) => axes.append(svg('text', { x: plot.left + (i + 0.5) * column, y: plot.height - 14, 'text-anchor': 'middle' }, label)));
  chart.append(axes);
  const height = (value: number): number => (value / yMax) * plot.plotH;
  spec.labels.forEach((label, i) => {
    let base = plot.top + plot.plotH;
    spec.series.forEach((series, k) => {
      const value = series.values[i] ?? 0;
      const barW = spec.stacked ? column * 0.6 : (column * 0.8) / spec.series.length;
      const x = spec.stacked ? plot.left + i * column + column * 0.2 : plot.left + i * column + column * 0.1 + k * barW;
      const top = spec.stacked ? base - height(value) : plot.top + plot.plotH - height(value);
      const rect = svg('rect', { class: `bar ${series.cls}`, x, y: top, width: Math.max(barW - 1, 1), height: height(value), 'data-month': spec.keys[i] ?? '', 'data-value': value });
      rect.append(svg('title', {}, `${label} ${series.name}: ${value}`));
      chart.append(rect);
      if (spec.stacked) base = top;
    });
  });
  return chart;
}

export interface CategoryChartSpec {
  title: string;
  testid: string;
  items: { name: string; value: number; cls: string; key?: string }[];
}

/** One horizontal bar per category, its value written beside it. */
export function categoryChart(spec: CategoryChartSpec): SVGSVGElement {
  const row = 28;
  const plot = plotArea(720, Math.max(spec.items.length, 1) * row + 30, { left: 200, right: 48, top: 8, bottom: 22 });
  const highest = niceMax(Math.max(0, ...spec.items.map((i) => i.value)));
  const chart = chartSvg({ plot, cls: 'figures-chart', testid: spec.testid, title: spec.title, desc: spec.items.map((i) => `${i.name} ${i.value}`).join(', ') });
  const axes = axisGroup();
  for (const value of niceTicks(0, highest)) {
    const x = plot.left + (value / highest) * plot.plotW;
    axes.append(svg('line', { class: value === 0 ? 'base' : 'grid', x1: x, y1: plot.top, x2: x, y2: plot.top + plot.plotH }), svg('text', { x, y: plot.height - 6, 'text-anchor': 'middle' }, String(value)));
  }
  spec.items.forEach((item, i) => {
    const y = plot.top + i * row;
    axes.append(svg('text', { x: plot.left - 8, y: y + row / 2 + 4, 'text-anchor': 'end' }, item.name.length > 14 ? `${item.name.slice(0, 13)}…` : item.name));
  });
  chart.append(axes);
  spec.items.forEach((item, i) => {
    const y = plot.top + i * row + 4;
    const width = (item.value / highest) * plot.plotW;
    const rect = svg('rect', { class: `bar ${item.cls}`, x: plot.left, y, width, height: row - 8, 'data-value': item.value, 'data-key': item.key ?? '' });
    rect.append(svg('title', {}, `${item.name}: ${item.value}`));
    chart.append(rect, svg('text', { class: 'value', x: plot.left + width + 4, y: y + row / 2 }, String(item.value)));
  });
  return chart;
}

/** A chart in a figure with its caption and legend. */
export function figure(title: string, chart: Element, legend: { name: string; cls: string }[] = []): HTMLElement {
  return h(
    'figure',
    { class: 'figures-figure' },
    h('figcaption', null, title),
    chart,
    legend.length > 0 ? h('ul', { class: 'chart-legend' }, legend.map((x) => h('li', null, h('span', { class: `swatch ${x.cls}`, 'aria-hidden': 'true' }), x.name))) : null,
  );
}
