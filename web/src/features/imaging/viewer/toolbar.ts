// SPDX-License-Identifier: Apache-2.0
// The viewer's toolbar: the tool on the left button (one finger), the CT window presets, invert,
// reset, the layouts and, with a prior study, scrolling in step.
import { h, replace } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import { LAYOUTS, type PaneLayout } from './layout';
import { PRIMARY_TOOLS, type ViewerTools } from './tools';

/** CT window presets (width, level in HU) as Japanese radiology names them. */
export const CT_PRESETS = [
  { id: 'lung', label: 'viewer.preset_lung', width: 1500, center: -600 },
  { id: 'mediastinum', label: 'viewer.preset_mediastinum', width: 350, center: 40 },
  { id: 'abdomen', label: 'viewer.preset_abdomen', width: 400, center: 40 },
  { id: 'bone', label: 'viewer.preset_bone', width: 2000, center: 300 },
  { id: 'brain', label: 'viewer.preset_brain', width: 80, center: 40 },
] as const satisfies readonly { id: string; label: MessageKey; width: number; center: number }[];

function button(label: string, testid: string, onClick: () => void, extra: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'secondary', testid, onClick, ...extra }, label);
}

/** Back to where the viewer was opened from; opened from a link outside the app, to the search. */
function back(): void {
  if (history.length > 1) history.back();
  else location.hash = '#/patients';
}

export interface Toolbar {
  element: HTMLElement;
  /** Shows the chosen tool, layout and link state again. */
  refresh: () => void;
}

export function toolbar(layout: PaneLayout, tools: ViewerTools, changed: () => void): Toolbar {
  const element = h('div', { class: 'viewer-toolbar', role: 'toolbar', 'aria-label': t('viewer.toolbar') });
  const refresh = (): void => {
    const toolButtons = PRIMARY_TOOLS.map((tool) =>
      button(t(`viewer.tool_${tool}`), `viewer-tool-${tool}`, () => {
        tools.choose(tool);
        refresh();
      }, { 'aria-pressed': String(tools.chosen() === tool) }),
    );
    const presets = CT_PRESETS.map((preset) =>
      button(t(preset.label), `viewer-preset-${preset.id}`, () => layout.activePane().setVoi(preset.width, preset.center), {
        title: t('viewer.preset_title', { w: preset.width, l: preset.center }),
      }),
    );
    const layouts = LAYOUTS.map((name) =>
      button(t(`viewer.layout_${name.replace('x', '_')}` as MessageKey), `viewer-layout-${name}`, () => {
        void layout.setLayout(name).then(() => {
          refresh();
          changed();
        });
      }, { 'aria-pressed': String(layout.layout === name) }),
    );
    replace(
      element,
      h('button', { type: 'button', class: 'secondary', testid: 'viewer-back', onClick: back }, t('viewer.back')),
      h('div', { class: 'viewer-group', role: 'group', 'aria-label': t('viewer.tools') }, toolButtons),
      h('div', { class: 'viewer-group', role: 'group', 'aria-label': t('viewer.presets') }, presets),
      h(
        'div',
        { class: 'viewer-group', role: 'group' },
        button(t('viewer.invert'), 'viewer-invert', () => layout.activePane().toggleInvert()),
        button(t('viewer.reset'), 'viewer-reset', () => layout.activePane().reset()),
      ),
      h('div', { class: 'viewer-group', role: 'group', 'aria-label': t('viewer.layout') }, layouts),
      layout.prior
        ? button(t('viewer.linked'), 'viewer-linked', () => {
            layout.linked = !layout.linked;
            refresh();
          }, { 'aria-pressed': String(layout.linked) })
        : null,
    );
  };
  refresh();
  return { element, refresh };
}
