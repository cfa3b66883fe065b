// SPDX-License-Identifier: Apache-2.0
// The viewer's panes and what is shown in them: the layout (1×1, 1×2, 2×2), which study and series
// each pane starts on (with a prior study, the right-hand panes show it), scrolling in step with
// the prior, the active pane, and the ViewState of the co-viewing contract.
import { Enums, RenderingEngine } from '@cornerstonejs/core';
import type { PaneState, Pointer, ViewState } from './coviewHandle';
import { Pane } from './pane';
import { loadStudy, type Series, type StudyInfo } from './study';
import type { ViewerTools } from './tools';

export type Layout = ViewState['layout'];
export const LAYOUTS: Layout[] = ['1x1', '1x2', '2x2'];
const PANES: Record<Layout, number> = { '1x1': 1, '1x2': 2, '2x2': 4 };

export interface LayoutEvents {
  /** The local user changed the view (not a change made by apply). */
  changed: () => void;
  /** The active pane or its series changed (the toolbar and series list follow). */
  activeChanged: (pane: Pane) => void;
  drawn: (pane: Pane) => void;
  pointer: (p: Pointer | null) => void;
}

export class PaneLayout {
  readonly engine: RenderingEngine;
  readonly grid: HTMLElement;
  panes: Pane[] = [];
  layout: Layout = '1x1';
  active = 0;
  /** Scroll the prior's panes by as many slices as the current study's (on when a prior is open). */
  linked: boolean;
  private readonly studies = new Map<string, StudyInfo>();
  private readonly lastIndex = new Map<Pane, number>();
  private readonly following = new Map<Pane, number>();
  private applying = 0;

  constructor(
    grid: HTMLElement,
    private readonly tools: ViewerTools,
    readonly current: StudyInfo,
    readonly prior: StudyInfo | null,
    private readonly events: LayoutEvents,
  ) {
    this.grid = grid;
    this.engine = new RenderingEngine(`viewer-${Date.now()}`);
    this.linked = prior !== null;
    this.studies.set(current.uid, current);
    if (prior) this.studies.set(prior.uid, prior);
  }

  activePane(): Pane {
    return this.panes[this.active] ?? this.panes[0]!;
  }

  /** What pane number starts on: with a prior, odd panes show the prior. */
  private initial(number: number): { study: StudyInfo; series: Series } {
    const fromPrior = this.prior !== null && number % 2 === 1;
    const study = fromPrior ? this.prior! : this.current;
    const k = this.prior ? Math.floor(number / 2) : number;
    return { study, series: study.series[k % study.series.length]! };
  }

  async setLayout(layout: Layout): Promise<void> {
    const count = PANES[layout];
    this.layout = layout;
    this.grid.dataset.layout = layout;
    while (this.panes.length > count) {
      const pane = this.panes.pop()!;
      this.tools.removeViewport(pane.viewportId, this.engine.id);
      this.engine.disableElement(pane.viewportId);
      pane.root.remove();
    }
    const added: Pane[] = [];
    while (this.panes.length < count) {
      const pane = this.newPane(this.panes.length);
      this.panes.push(pane);
      added.push(pane);
    }
    // Every pane's image fits its new size (a change of layout is a new look, not a zoom).
    this.engine.resize(true, false);
    await Promise.all(added.map((pane) => this.start(pane)));
    if (this.active >= count) this.setActive(0);
    else this.setActive(this.active);
  }

  private newPane(number: number): Pane {
    const pane = new Pane(number, this.engine, {
      changed: (p, what) => this.paneChanged(p, what),
      drawn: (p) => this.events.drawn(p),
      pointer: (p) => this.events.pointer(p),
      activate: (p) => this.setActive(p.number),
    });
    this.grid.append(pane.root);
    this.engine.enableElement({
      viewportId: pane.viewportId,
      type: Enums.ViewportType.STACK,
      element: pane.element,
      defaultOptions: { background: [0, 0, 0] },
    });
    this.tools.addViewport(pane.viewportId, this.engine.id);
    return pane;
  }

  private async start(pane: Pane): Promise<void> {
    const { study, series } = this.initial(pane.number);
    await pane.show(study, series, 0);
    this.lastIndex.set(pane, pane.index());
  }

  setActive(number: number): void {
    const changed = number !== this.active;
    this.active = number;
    this.panes.forEach((pane) => pane.setActive(pane.number === number));
    this.events.activeChanged(this.activePane());
    if (changed && !this.applying) this.events.changed();
  }

  async showSeries(study: StudyInfo, series: Series): Promise<void> {
    const pane = this.activePane();
    await pane.show(study, series, 0);
    this.lastIndex.set(pane, pane.index());
    this.events.activeChanged(pane);
    this.events.changed();
  }

  private paneChanged(pane: Pane, what: 'index' | 'voi' | 'camera'): void {
    if (what === 'index') {
      const index = pane.index();
      const previous = this.lastIndex.get(pane) ?? index;
      this.lastIndex.set(pane, index);
      const followed = this.following.get(pane);
      if (followed !== undefined) {
        this.following.delete(pane);
        if (followed === index) return;
      }
      if (this.linked && !this.applying) this.scrollOthers(pane, index - previous);
    }
    if (!this.applying) this.events.changed();
  }

  /** Scrolls the panes of the other study by delta slices, as the user scrolled this one. */
  private scrollOthers(source: Pane, delta: number): void {
    if (delta === 0) return;
    for (const pane of this.panes) {
      if (pane === source || pane.study?.uid === source.study?.uid || !pane.series) continue;
      const target = Math.max(0, Math.min(pane.series.imageIds.length - 1, pane.index() + delta));
      if (target === pane.index()) continue;
      this.following.set(pane, target);
      pane.scroll(target - pane.index());
    }
  }

  state(): ViewState {
    return {
      layout: this.layout,
      panes: this.panes.map((pane) => pane.state()).filter((s): s is PaneState => s !== null),
      active: this.active,
    };
  }

  private async study(uid: string): Promise<StudyInfo> {
    let study = this.studies.get(uid);
    if (!study) {
      study = await loadStudy(uid);
      this.studies.set(uid, study);
    }
    return study;
  }

  /** Shows s (the presenter's view); no change is reported for what it does. */
  async apply(s: ViewState): Promise<void> {
    this.applying++;
    try {
      await this.setLayout(s.layout);
      await Promise.all(
        s.panes.slice(0, this.panes.length).map(async (state, i) => {
          const pane = this.panes[i]!;
          const study = await this.study(state.studyUid);
          const series = study.series.find((x) => x.uid === state.seriesUid);
          if (!series) return;
          await pane.show(study, series, state.index);
          this.lastIndex.set(pane, pane.index());
          pane.applyView(state);
        }),
      );
      this.setActive(Math.min(s.active, this.panes.length - 1));
    } finally {
      // The viewport events of what was applied fire after the awaits above: let them pass first.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      this.applying--;
    }
  }

  destroy(): void {
    this.engine.destroy();
  }
}
