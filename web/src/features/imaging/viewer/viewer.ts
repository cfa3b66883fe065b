// SPDX-License-Identifier: Apache-2.0
// The image viewer (#/imaging/view/<studyUID>[?prior=<studyUID>][&coview=<sessionId>]): series
// thumbnails, the panes, the toolbar (tools, CT presets, invert, reset, layouts), the measurements,
// and the side panel where co-viewing mounts. Loaded on demand: Cornerstone is only fetched when a
// viewer opens.
import { errorMessage } from '../../../api';
import { h, replace } from '../../../dom';
import { t } from '../../../i18n';
import { onLeave, type Route } from '../../../router';
import { mountCoview } from '../coview/index';
import { cornerstoneReady, renderer } from './cornerstone';
import type { Pointer, ViewerHandle, ViewState } from './coviewHandle';
import { watchMeasurements } from './measurements';
import { PaneLayout } from './layout';
import type { Pane } from './pane';
import { formatDicomDate, loadStudy, seriesThumbnail, type StudyInfo } from './study';
import { toolbar } from './toolbar';
import { ViewerTools } from './tools';
import './viewer.css';

const KEY_STEPS: Record<string, number> = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1, PageUp: -10, PageDown: 10, Home: -1e6, End: 1e6 };

function seriesList(layout: PaneLayout, studies: StudyInfo[], activePane: Pane): HTMLElement {
  return h(
    'div',
    { class: 'viewer-series-list', testid: 'viewer-series-list' },
    studies.map((study) => [
      studies.length > 1 ? h('h3', null, study === layout.current ? t('viewer.this_study') : t('viewer.prior_study'), ' ', formatDicomDate(study.studyDate)) : null,
      study.series.map((series) =>
        h(
          'button',
          {
            type: 'button',
            class: `viewer-series${activePane.series?.uid === series.uid ? ' current' : ''}`,
            testid: 'viewer-series',
            'data-series-uid': series.uid,
            onClick: () => void layout.showSeries(study, series),
          },
          h('img', { src: seriesThumbnail(study.uid, series.uid), alt: '', loading: 'lazy', width: '96', height: '96' }),
          h('span', null, [series.modality, series.description].filter(Boolean).join(' ') || t('viewer.series_untitled')),
          h('span', { class: 'hint' }, t('viewer.images', { n: series.imageIds.length })),
        ),
      ),
    ]),
  );
}

/** Calls every listener of a set; returns the function that removes cb. */
function listeners<T>(set: Set<(value: T) => void>, cb: (value: T) => void): () => void {
  set.add(cb);
  return () => set.delete(cb);
}

function makeHandle(layout: PaneLayout, panel: HTMLElement, changes: Set<(s: ViewState) => void>, pointers: Set<(p: Pointer | null) => void>): ViewerHandle {
  return {
    studyUid: layout.current.uid,
    state: () => layout.state(),
    apply: (s) => layout.apply(s),
    onChange: (cb) => listeners(changes, cb),
    onPointer: (cb) => listeners(pointers, cb),
    showPointer: (who, label, p) => layout.panes.forEach((pane) => pane.showPointer(who, label, p)),
    panel,
  };
}

async function openViewer(root: HTMLElement, studyUid: string, route: Route, opened: number): Promise<void> {
  const priorUid = route.query.get('prior');
  const [, study, prior] = await Promise.all([cornerstoneReady(), loadStudy(studyUid), priorUid ? loadStudy(priorUid) : Promise.resolve(null)]);
  root.dataset.renderer = renderer();
  const grid = h('div', { class: 'viewer-grid', testid: 'viewer-grid' });
  const side = h('aside', { class: 'viewer-side' });
  const seriesBox = h('div', null);
  const measurements = h('div', { testid: 'viewer-measurements' });
  const coviewPanel = h('div', { class: 'viewer-coview', testid: 'viewer-coview-panel' });
  const changes = new Set<(s: ViewState) => void>();
  const pointers = new Set<(p: Pointer | null) => void>();
  const tools = new ViewerTools(`viewer-tools-${Date.now()}`);
  let pending = false;
  const emitChange = (): void => {
    if (pending || changes.size === 0) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const state = layout.state();
      for (const cb of changes) cb(state);
    });
  };
  const studies = prior ? [study, prior] : [study];
  const layout: PaneLayout = new PaneLayout(grid, tools, study, prior, {
    changed: emitChange,
    activeChanged: (pane) => {
      replace(seriesBox, seriesList(layout, studies, pane));
      bar.refresh();
    },
    drawn: () => {
      if (!root.dataset.firstImageMs) root.dataset.firstImageMs = (performance.now() - opened).toFixed(1);
    },
    pointer: (p) => pointers.forEach((cb) => cb(p)),
  });
  const bar = toolbar(layout, tools, () => emitChange());
  replace(
    root,
    bar.element,
    h('div', { class: 'viewer-body' }, h('nav', { class: 'viewer-thumbs', 'aria-label': t('viewer.series_title') }, seriesBox), grid, side),
  );
  replace(side, h('h2', null, t('viewer.measurements')), measurements, coviewPanel);
  const stopMeasurements = watchMeasurements(measurements, emitChange);
  const resize = new ResizeObserver(() => layout.engine.resize(true, true));
  resize.observe(grid);
  root.addEventListener('keydown', (event) => {
    const step = KEY_STEPS[event.key];
    // The slider and form fields use the arrows themselves; a focused toolbar button does not.
    if (step === undefined || (event.target as HTMLElement).closest('input, select, textarea')) return;
    event.preventDefault();
    layout.activePane().scroll(step);
  });
  onLeave(() => {
    resize.disconnect();
    stopMeasurements();
    tools.destroy();
    layout.destroy();
  });
  await layout.setLayout(prior ? '1x2' : '1x1');
  root.dataset.ready = 'true';
  mountCoview(makeHandle(layout, coviewPanel, changes, pointers), route.query.get('coview'));
}

export async function renderViewer(main: HTMLElement, route: Route): Promise<void> {
  const opened = performance.now();
  main.classList.add('viewer-main');
  const studyUid = route.path[2] ?? '';
  const root = h('section', { class: 'viewer', testid: 'viewer', tabindex: '0', 'aria-label': t('viewer.title') }, h('p', { class: 'hint', testid: 'loading' }, t('viewer.loading')));
  replace(main, root);
  try {
    await openViewer(root, studyUid, route, opened);
  } catch (error) {
    replace(root, h('div', { class: 'error', role: 'alert', testid: 'viewer-error' }, errorMessage(error)));
  }
}
