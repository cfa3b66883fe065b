// SPDX-License-Identifier: Apache-2.0
// One pane of the viewer: a Cornerstone stack viewport on one series, the information overlay
// (patient as recorded, study, slice, window/level), a slider to page through the stack on touch
// screens, and the pointers of other co-viewers. Its state is the PaneState of the co-viewing
// contract.
import { Enums, type RenderingEngine, type Types, utilities } from '@cornerstonejs/core';
import { utilities as toolUtilities } from '@cornerstonejs/tools';
import { h, replace } from '../../../dom';
import { t } from '../../../i18n';
import type { PaneState, Pointer } from './coviewHandle';
import { formatDicomDate, type Series, type StudyInfo } from './study';

export interface PaneEvents {
  /** The view of the pane changed (slice, window/level, camera). */
  changed: (pane: Pane, what: 'index' | 'voi' | 'camera') => void;
  /** The first image of the pane was drawn. */
  drawn: (pane: Pane) => void;
  pointer: (p: Pointer | null) => void;
  activate: (pane: Pane) => void;
}

export class Pane {
  readonly root: HTMLElement;
  readonly element: HTMLDivElement;
  readonly viewportId: string;
  study: StudyInfo | null = null;
  series: Series | null = null;
  private readonly slider: HTMLInputElement;
  private readonly overlay: HTMLElement;
  private readonly pointers = new Map<string, HTMLElement>();
  private drawnOnce = false;
  private prefetchPending = false;

  constructor(
    readonly number: number,
    private readonly engine: RenderingEngine,
    private readonly events: PaneEvents,
  ) {
    this.viewportId = `viewer-pane-${number}`;
    this.element = h('div', { class: 'viewer-canvas', testid: 'viewer-viewport' });
    this.element.addEventListener('contextmenu', (event) => event.preventDefault());
    this.slider = h('input', {
      type: 'range',
      min: '0',
      max: '0',
      value: '0',
      class: 'viewer-slider',
      testid: 'viewer-slider',
      'aria-label': t('viewer.slice'),
      onInput: () => void this.viewport()?.setImageIdIndex(Number(this.slider.value)),
    });
    this.overlay = h('div', { class: 'viewer-overlay', 'aria-hidden': 'true' });
    this.root = h('div', { class: 'viewer-pane', testid: 'viewer-pane', 'data-pane': number }, this.element, this.overlay, this.slider);
    this.root.addEventListener('pointerdown', () => this.events.activate(this));
    this.listen();
  }

  private listen(): void {
    const el = this.element;
    el.addEventListener(Enums.Events.STACK_NEW_IMAGE, () => {
      this.updateOverlay();
      this.events.changed(this, 'index');
    });
    el.addEventListener(Enums.Events.VOI_MODIFIED, () => {
      this.updateOverlay();
      this.events.changed(this, 'voi');
    });
    el.addEventListener(Enums.Events.CAMERA_MODIFIED, () => {
      this.updateOverlay();
      this.events.changed(this, 'camera');
    });
    el.addEventListener(Enums.Events.IMAGE_RENDERED, () => {
      this.root.dataset.drawn = String(this.index());
      if (this.prefetchPending) {
        // Once a stack's first image is drawn (not before: it comes first), fetch the slices
        // around it, more in the direction the user pages, so that scrolling does not wait.
        this.prefetchPending = false;
        toolUtilities.stackContextPrefetch.enable(el);
      }
      if (!this.drawnOnce) {
        this.drawnOnce = true;
        this.updateOverlay();
        this.events.drawn(this);
      }
    });
    el.addEventListener('pointermove', (event) => {
      const box = el.getBoundingClientRect();
      this.events.pointer({ pane: this.number, x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height });
    });
    el.addEventListener('pointerleave', () => this.events.pointer(null));
  }

  viewport(): Types.IStackViewport | null {
    return (this.engine.getViewport(this.viewportId) as Types.IStackViewport | undefined) ?? null;
  }

  index(): number {
    return this.viewport()?.getCurrentImageIdIndex() ?? 0;
  }

  /** Shows series of study from slice index (clamped). */
  async show(study: StudyInfo, series: Series, index = 0): Promise<void> {
    const viewport = this.viewport();
    if (!viewport) return;
    const sameStack = this.series?.uid === series.uid && this.study?.uid === study.uid;
    this.study = study;
    this.series = series;
    this.root.dataset.series = series.uid;
    this.root.dataset.study = study.uid;
    const at = Math.max(0, Math.min(series.imageIds.length - 1, index));
    this.slider.max = String(series.imageIds.length - 1);
    this.slider.hidden = series.imageIds.length < 2;
    if (sameStack) await viewport.setImageIdIndex(at);
    else {
      this.prefetchPending = true;
      await viewport.setStack(series.imageIds, at);
    }
    viewport.render();
    this.updateOverlay();
  }

  scroll(delta: number): void {
    const viewport = this.viewport();
    if (!viewport || !this.series) return;
    const next = Math.max(0, Math.min(this.series.imageIds.length - 1, this.index() + delta));
    if (next !== this.index()) void viewport.setImageIdIndex(next);
  }

  /** Window/level as width and center (HU for CT). */
  setVoi(width: number, center: number): void {
    const viewport = this.viewport();
    if (!viewport) return;
    viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(width, center) });
    viewport.render();
  }

  toggleInvert(): void {
    const viewport = this.viewport();
    if (!viewport) return;
    viewport.setProperties({ invert: !viewport.getProperties().invert });
    viewport.render();
    this.events.changed(this, 'voi');
  }

  reset(): void {
    const viewport = this.viewport();
    if (!viewport) return;
    viewport.resetProperties();
    viewport.resetCamera();
    viewport.render();
    this.updateOverlay();
    this.events.changed(this, 'voi');
  }

  state(): PaneState | null {
    const viewport = this.viewport();
    if (!viewport || !this.study || !this.series) return null;
    const properties = viewport.getProperties();
    const range = properties.voiRange;
    const voi = range ? utilities.windowLevel.toWindowLevel(range.lower, range.upper) : null;
    const pan = viewport.getPan() ?? [0, 0];
    // WebGL: relative to the fitted image (1 = fit); the CPU renderer gives its absolute scale,
    // unknown until an image is shown.
    const zoom = viewport.getZoom();
    return {
      studyUid: this.study.uid,
      seriesUid: this.series.uid,
      index: this.index(),
      voi: voi ? { center: voi.windowCenter, width: voi.windowWidth } : null,
      invert: properties.invert === true,
      zoom: Number.isFinite(zoom) ? zoom : 1,
      pan: [pan[0], pan[1]],
    };
  }

  /** Takes state's window/level, inversion and camera (the stack is shown by the caller). */
  applyView(state: PaneState): void {
    const viewport = this.viewport();
    if (!viewport) return;
    if (state.voi) viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(state.voi.width, state.voi.center) }, true);
    viewport.setProperties({ invert: state.invert }, true);
    viewport.setZoom(state.zoom);
    viewport.setPan(state.pan);
    viewport.render();
    this.updateOverlay();
  }

  showPointer(who: string, label: string, p: Pointer | null): void {
    let marker = this.pointers.get(who);
    if (!p || p.pane !== this.number) {
      marker?.remove();
      this.pointers.delete(who);
      return;
    }
    if (!marker) {
      marker = h('div', { class: 'viewer-pointer', testid: 'viewer-pointer', 'data-who': who }, h('span', null, label));
      this.pointers.set(who, marker);
      this.root.append(marker);
    }
    marker.style.left = `${(p.x * 100).toFixed(2)}%`;
    marker.style.top = `${(p.y * 100).toFixed(2)}%`;
  }

  setActive(active: boolean): void {
    this.root.classList.toggle('active', active);
  }

  private updateOverlay(): void {
    const study = this.study;
    const series = this.series;
    if (!study || !series) return;
    const state = this.state();
    this.slider.value = String(this.index());
    const voi = state?.voi ? t('viewer.overlay_wl', { w: Math.round(state.voi.width), l: Math.round(state.voi.center) }) : '';
    replace(
      this.overlay,
      h(
        'div',
        { class: 'corner tl' },
        h('div', { testid: 'viewer-patient-name' }, study.patientName),
        study.patientNameAlphabetic !== study.patientName ? h('div', null, study.patientNameAlphabetic) : null,
        h('div', null, [study.patientId, study.sex, formatDicomDate(study.birthDate)].filter(Boolean).join(' ')),
      ),
      h('div', { class: 'corner tr' }, h('div', null, study.institution), h('div', null, formatDicomDate(study.studyDate)), h('div', null, study.description)),
      h(
        'div',
        { class: 'corner bl' },
        h('div', null, [series.modality, series.description].filter(Boolean).join(' ')),
        h('div', { testid: 'viewer-slice' }, t('viewer.overlay_slice', { n: this.index() + 1, total: series.imageIds.length })),
      ),
      h(
        'div',
        { class: 'corner br' },
        h('div', { testid: 'viewer-zoom' }, state ? t('viewer.overlay_zoom', { z: state.zoom.toFixed(2) }) : ''),
        h('div', { testid: 'viewer-wl' }, voi),
      ),
    );
  }
}
