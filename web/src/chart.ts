// SPDX-License-Identifier: Apache-2.0
// Pieces of the hand-written SVG charts (laboratory results, referral figures): the <svg> with
// its title and description for screen readers, the plot area and scales, axis labels, lines
// with gaps and point marks. Presentation comes from classes in the stylesheets (the CSP allows no
// inline styles); every value a chart shows is also in its description or a <title>.
import { uniqueId } from './dom';

const SVG_NS = 'http://www.w3.org/2000/svg';

export type SvgAttrs = Record<string, string | number>;

/** Creates an SVG element; like dom.ts's h(), text goes in as text nodes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs,
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.append(child);
  return el;
}

/** Where the data are drawn inside a chart of width × height, after the padding. */
export interface Plot {
  width: number;
  height: number;
  left: number;
  top: number;
  /** Width and height of the plot area itself. */
  plotW: number;
  plotH: number;
}

export function plotArea(
  width: number,
  height: number,
  pad: { left: number; right: number; top: number; bottom: number },
): Plot {
  return {
    width,
    height,
    left: pad.left,
    top: pad.top,
    plotW: width - pad.left - pad.right,
    plotH: height - pad.top - pad.bottom,
  };
}

export interface ChartSvgSpec {
  plot: Plot;
  /** Class of the <svg>, which styles the chart. */
  cls: string;
  testid: string;
  /** The accessible name, and a description with every value. */
  title: string;
  desc: string;
  /** More attributes of the <svg> (e.g. data-* for the tests). */
  attrs?: SvgAttrs;
}

/** The <svg> of a chart, named and described by its own <title> and <desc>. */
export function chartSvg(spec: ChartSvgSpec): SVGSVGElement {
  const titleId = uniqueId('chart-title');
  const descId = uniqueId('chart-desc');
  const root = svg('svg', {
    viewBox: `0 0 ${spec.plot.width} ${spec.plot.height}`,
    class: spec.cls,
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    'data-testid': spec.testid,
    ...spec.attrs,
  });
  root.append(svg('title', { id: titleId }, spec.title), svg('desc', { id: descId }, spec.desc));
  return root;
}

/** The group that holds axes, grid lines and their labels (hidden from screen readers). */
export function axisGroup(): SVGGElement {
  return svg('g', { class: 'axis', 'aria-hidden': 'true' });
}

/** Maps values from min (bottom of the plot) to max (top). */
export function yScale(plot: Plot, min: number, max: number): (value: number) => number {
  return (value) => plot.top + (1 - (value - min) / (max - min)) * plot.plotH;
}

/** A round-ish number for axis labels (at most 3 significant digits). */
export function tick(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** A round step (1, 2, 2.5 or 5 times a power of ten) for about `count` intervals over span. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Round axis ticks covering min..max (about count intervals): the first ≤ min, the last ≥ max,
 *  e.g. 5.83..8.1 → 5.5, 6, 6.5, …, 8.5. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min];
  const step = niceStep(max - min, count);
  const first = Math.floor(min / step + 1e-9) * step;
  const last = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A value label left of the plot, level with y. */
export function yLabel(plot: Plot, value: number, y: number): SVGTextElement {
  return svg('text', { x: plot.left - 6, y: y + 4, 'text-anchor': 'end' }, tick(value));
}

/** The `d` of a line through the points; null leaves a gap (the line starts again after it). */
export function linePath(points: (readonly [x: number, y: number] | null)[]): string {
  const parts: string[] = [];
  let open = false;
  for (const point of points) {
    if (!point) {
      open = false;
      continue;
    }
    parts.push(`${open ? 'L' : 'M'}${point[0].toFixed(1)},${point[1].toFixed(1)}`);
    open = true;
  }
  return parts.join(' ');
}

export interface MarkSpec {
  x: number;
  y: number;
  cls: string;
  /** A square (half its side given) instead of a circle (its radius given): a cue besides colour. */
  square: boolean;
  half: number;
  r: number;
  /** The value as text, shown on hover and read by screen readers. */
  title: string;
  attrs?: SvgAttrs;
}

/** The mark of one data point. */
export function pointMark(spec: MarkSpec): SVGElement {
  const mark = spec.square
    ? svg('rect', {
        class: spec.cls,
        x: spec.x - spec.half,
        y: spec.y - spec.half,
        width: spec.half * 2,
        height: spec.half * 2,
        ...spec.attrs,
      })
    : svg('circle', { class: spec.cls, cx: spec.x, cy: spec.y, r: spec.r, ...spec.attrs });
  mark.append(svg('title', {}, spec.title));
  return mark;
}
