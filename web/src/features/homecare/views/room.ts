// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab of the patient page, the team's one room: its sections (訪問予定, 訪問記録,
// タイムライン, 訪問看護報告書) as a second row of tabs, the section in the URL
// (`#/patients/<id>/homecare/<section>`). Each section renders itself into its own panel and
// gets the tab's leave hook, so that its event stream closes with the section.
import { h, replace } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import { hashOf, leaveScope, type LeaveScope } from '../../../router';
import type { TabContext } from '../../patients/extensions';
import type { Patient } from '../../patients/types';
import { renderRecords } from './records';
import { renderReports } from './report';
import { renderSchedule } from './schedule';
import { renderTimeline } from './timeline';

/** What a section gets: the tab's context with its own leave hook, and the rest of the URL. */
export interface SectionContext extends TabContext {
  /** Opens another section (e.g. the record form from a visit of the schedule). */
  open: (section: string, path?: string[]) => void;
}

interface Section {
  id: string;
  label: MessageKey;
  render: (panel: HTMLElement, patient: Patient, context: SectionContext) => void | Promise<void>;
}

const SECTIONS: Section[] = [
  { id: 'schedule', label: 'homecare.section_schedule', render: renderSchedule },
  { id: 'records', label: 'homecare.section_records', render: renderRecords },
  { id: 'timeline', label: 'homecare.section_timeline', render: renderTimeline },
  { id: 'report', label: 'homecare.section_report', render: renderReports },
];

export function renderHomecare(panel: HTMLElement, patient: Patient, context: TabContext): void {
  const buttons = SECTIONS.map((section) =>
    h(
      'button',
      { type: 'button', role: 'tab', class: 'tab', testid: `homecare-section-${section.id}`, 'aria-controls': 'homecare-panel' },
      t(section.label),
    ),
  );
  let body = h('div', { class: 'homecare-panel', role: 'tabpanel', id: 'homecare-panel', testid: 'homecare-panel' });
  let scope: LeaveScope | null = null;
  const open = (id: string, path: string[] = []): void => {
    const section = SECTIONS.find((s) => s.id === id) ?? (SECTIONS[0] as Section);
    SECTIONS.forEach((s, i) => {
      const button = buttons[i] as HTMLButtonElement;
      button.setAttribute('aria-selected', String(s === section));
      button.tabIndex = s === section ? 0 : -1;
    });
    const fresh = h('div', { class: 'homecare-panel', role: 'tabpanel', id: 'homecare-panel', testid: 'homecare-panel' });
    fresh.dataset.section = section.id;
    body.replaceWith(fresh);
    body = fresh;
    history.replaceState(null, '', hashOf(['patients', patient.id, 'homecare', section.id, ...path]));
    scope?.end();
    scope = leaveScope();
    context.onLeave(scope.end);
    void section.render(fresh, patient, { ...context, onLeave: scope.onLeave, path, open });
  };
  buttons.forEach((button, i) => button.addEventListener('click', () => open((SECTIONS[i] as Section).id)));
  replace(panel, h('div', { class: 'tab-list homecare-sections', role: 'tablist', 'aria-label': t('homecare.sections') }, buttons), body);
  open(context.path[0] ?? 'schedule', context.path.slice(1));
}
