// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section 訪問予定: the patient's week across every organisation of the team
// (`#/patients/<id>/homecare/schedule/<any day of the week>`), with the overlap, gap and
// in-hospital flags; previous, next and this week; kept current by the homecare.schedule event
// stream (an event names no patient: the week is read again through the API). The user's own
// organisation gets the forms to add a visit or a weekly plan and to change or cancel its visits,
// offered only for the kinds its type provides; the server decides again on every write.
import { errorMessage } from '../../../api';
import { errorBox, loadInto, showError } from '../../../common';
import { h, replace } from '../../../dom';
import { formatDate, todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import { hashOf } from '../../../router';
import { currentMe } from '../../../session';
import type { Patient } from '../../patients/types';
import { homecareStream } from '../api';
import type { SectionContext } from './room';
import { addDays, isDate, mondayOf, ownKinds, ownStaff, visitKinds, weekOf, type VisitKind, type Week } from './scheduleData';
import { openCancelForm, openChangeForm, openPlanChangeForm, openPlanForm, openVisitForm, type FormContext } from './scheduleForms';
import { icalPanel } from './scheduleIcal';
import { weekGrid, type VisitActions } from './scheduleWeek';

interface WeekState {
  monday: string;
  generation: number;
}

function navButton(testid: string, label: string, go: () => void): HTMLButtonElement {
  return h('button', { type: 'button', class: 'secondary', testid, onclick: go }, label);
}

export async function renderSchedule(panel: HTMLElement, patient: Patient, context: SectionContext): Promise<void> {
  const today = todayTokyo();
  const state: WeekState = { monday: mondayOf(isDate(context.path[0]) ? context.path[0] : today), generation: 0 };
  const title = h('h2', { testid: 'schedule-title' });
  const body = h('div', { class: 'stack', testid: 'schedule-body' });
  // data-state (open or error) set by the stream shows one of the two texts (homecare.css)
  const live = h(
    'p',
    { class: 'small muted schedule-live', testid: 'schedule-live', role: 'status' },
    h('span', { class: 'live-ok' }, t('homecare.schedule_live')),
    h('span', { class: 'live-lost' }, t('homecare.stream_lost')),
  );
  const errors = errorBox();
  let refresh: () => Promise<void> = async () => undefined;
  // Listen before the first read, so that a change made meanwhile is not lost.
  homecareStream(['homecare.schedule'], () => void refresh(), context.onLeave, live);

  replace(panel, h('div', { class: 'stack schedule' }, h('div', { class: 'card-title' }, title, live), errors, body));
  const kinds = await loadInto(body, () => visitKinds());
  if (!kinds) return;
  const mine = ownKinds(kinds);
  const staff = mine.length > 0 ? await ownStaff(patient.id) : [];
  const forms = (): FormContext => ({
    patientId: patient.id,
    kinds: mine,
    staff,
    date: state.monday <= today && today <= addDays(state.monday, 6) ? today : state.monday,
    saved: () => void refresh(),
  });
  const orgId = currentMe()?.org_id ?? null;
  const actions: VisitActions = {
    mine: (visit) => visit.org.id === orgId,
    change: (visit) => openChangeForm(forms(), visit),
    cancel: (visit) => openCancelForm(forms(), visit),
    plan: (visit) => openPlanChangeForm(forms(), visit),
  };
  const grid = h('div', { testid: 'schedule-grid-holder', 'aria-live': 'polite' });

  const show = (week: Week, all: VisitKind[]): void => {
    title.textContent = t('homecare.schedule_week_title', { from: formatDate(week.week_start), to: formatDate(week.week_end) });
    replace(grid, weekGrid(week, today, all, actions));
  };
  refresh = async () => {
    const mineGen = ++state.generation;
    try {
      const week = await weekOf(patient.id, state.monday);
      if (mineGen === state.generation) {
        errors.hidden = true;
        show(week, kinds);
      }
    } catch (error) {
      if (mineGen === state.generation) showError(errors, errorMessage(error));
    }
  };
  const goWeek = (monday: string): void => {
    state.monday = monday;
    history.replaceState(null, '', hashOf(['patients', patient.id, 'homecare', 'schedule', monday]));
    void refresh();
  };
  const toolbar = h(
    'div',
    { class: 'row schedule-toolbar' },
    navButton('schedule-prev', t('homecare.schedule_prev'), () => goWeek(addDays(state.monday, -7))),
    navButton('schedule-this-week', t('homecare.schedule_this_week'), () => goWeek(mondayOf(today))),
    navButton('schedule-next', t('homecare.schedule_next'), () => goWeek(addDays(state.monday, 7))),
    mine.length > 0
      ? [
          h('button', { type: 'button', class: 'primary', testid: 'schedule-add-visit', onclick: () => openVisitForm(forms()) }, t('homecare.schedule_add_visit')),
          h('button', { type: 'button', class: 'secondary', testid: 'schedule-add-plan', onclick: () => openPlanForm(forms()) }, t('homecare.schedule_add_plan')),
        ]
      : null,
  );
  replace(body, toolbar, grid, icalPanel(patient.id));
  await refresh();
}
