// SPDX-License-Identifier: Apache-2.0
// Cornerstone3D, set up once per page load: the core (WebGL when the browser has it, else its CPU
// renderer), the tools the viewer offers, and the DICOM image loader, whose decoders run in its
// web workers (bundled by Vite as files of our own origin, so the CSP needs worker-src 'self' and
// 'wasm-unsafe-eval' for the WebAssembly codecs, nothing more).
import { Settings, getRenderingCapabilities, getShouldUseCPURendering, init as initCore } from '@cornerstonejs/core';
import { init as initLoader } from '@cornerstonejs/dicom-image-loader';
import {
  AngleTool,
  EllipticalROITool,
  LengthTool,
  PanTool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
  addTool,
  init as initTools,
} from '@cornerstonejs/tools';

export const TOOLS = {
  windowLevel: WindowLevelTool.toolName,
  pan: PanTool.toolName,
  zoom: ZoomTool.toolName,
  scroll: StackScrollTool.toolName,
  length: LengthTool.toolName,
  angle: AngleTool.toolName,
  roi: EllipticalROITool.toolName,
} as const;

let ready: Promise<void> | null = null;

/**
 * Cornerstone's measurement labels (drawingSvg/drawTextBox) get their style by
 * setAttribute('style', …), which our CSP (style-src 'self', no 'unsafe-inline') refuses. The same
 * declarations set through the CSSOM are allowed, so for SVG text elements only, a style
 * attribute is applied that way; the policy stays as strict as it is.
 */
function styleSvgTextThroughCssom(): void {
  const proto = SVGTextElement.prototype as SVGTextElement & { setAttribute: Element['setAttribute'] };
  if (Object.prototype.hasOwnProperty.call(proto, 'setAttribute')) return;
  const setAttribute = Element.prototype.setAttribute;
  Object.defineProperty(proto, 'setAttribute', {
    configurable: true,
    value(this: SVGTextElement, name: string, value: string): void {
      if (name.toLowerCase() === 'style') this.style.cssText = value;
      else setAttribute.call(this, name, value);
    },
  });
}

async function setUp(): Promise<void> {
  initCore();
  styleSvgTextThroughCssom();
  // The tools' cursors are SVG images behind blob: URLs, which our CSP (img-src 'self' data:)
  // refuses; the stylesheet gives the panes a plain crosshair instead.
  Settings.getRuntimeSettings().set('useCursors', false);
  initLoader({ maxWebWorkers: Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1)) });
  initTools();
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool, EllipticalROITool]) addTool(tool);
}

export function cornerstoneReady(): Promise<void> {
  ready ??= setUp();
  return ready;
}

/**
 * How the images are drawn: 'cpu' (Cornerstone's canvas renderer) when the browser gives no
 * WebGL, else 'webgl' and the WebGL renderer's name (headless Chromium without a GPU draws WebGL
 * with SwiftShader, on the CPU).
 */
export function renderer(): string {
  return getShouldUseCPURendering() ? 'cpu' : `webgl ${getRenderingCapabilities().renderer}`.trim();
}
