// SPDX-License-Identifier: Apache-2.0
// A conference (`#/conferences/<id>`): kind, title, time, place, organiser and participants for
// every participant; for whom the access rule lets see the patient also the patient, the agenda,
// the materials, the minutes and the action items (patient_visible; otherwise the page says
// that those parts are not shown). The organiser's side changes or cancels it; whoever sees the
// patient downloads the anonymised case study (症例検討用).
import { api, seg } from '../../../api';
import { loadInto } from '../../../common';
import { dlRow, field, h, replace } from '../../../dom';
import { formatDateTime, tokyoLocalToIso } from '../../../format';
import { t } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import { kindLabel, loadConference, loadKinds, organises } from '../api';
import type { Conference } from '../types';
import { actionsSection } from './actions';
import { formDialog } from './forms';
import { statusBadge } from './list';
import { materialsSection } from './materials';
import { minutesSection } from './minutes';

function localValue(instant: string): string {
  return new Date(Date.parse(instant) + 9 * 3_600_000).toISOString().slice(0, 16);
}

function openChangeForm(c: Conference, reload: () => void): void {
  const title = h('input', { type: 'text', name: 'title', value: c.title, maxlength: 200, testid: 'change-title' });
  const startsAt = h('input', { type: 'datetime-local', name: 'starts_at', value: localValue(c.starts_at), testid: 'change-start' });
  const endsAt = h('input', { type: 'datetime-local', name: 'ends_at', value: localValue(c.ends_at), testid: 'change-end' });
  const place = h('input', { type: 'text', name: 'place', value: c.place, maxlength: 500, testid: 'change-place' });
  const agenda = h('textarea', { name: 'agenda', rows: 4, testid: 'change-agenda' });
  agenda.value = c.agenda ?? '';
  const controls = [h('div', { class: 'grid2' }, field(t('conference.form_title'), title), field(t('conference.form_place'), place), field(t('conference.form_start'), startsAt), field(t('conference.form_end'), endsAt)), c.patient_visible ? field(t('conference.form_agenda'), agenda) : null];
  formDialog('conference.change', 'change', controls, async () => {
    await api.patch(`/api/conferences/${seg(c.id)}`, {
      title: title.value.trim(),
      starts_at: tokyoLocalToIso(startsAt.value),
      ends_at: tokyoLocalToIso(endsAt.value),
      place: place.value.trim(),
      agenda: c.patient_visible ? agenda.value : undefined,
    });
    reload();
  });
}

function openCancelForm(c: Conference, reload: () => void): void {
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 500, testid: 'cancel-reason' });
  formDialog('conference.cancel', 'cancel', [h('p', null, t('conference.cancel_explain')), field(t('conference.cancel_reason'), reason)], async () => {
    await api.post(`/api/conferences/${seg(c.id)}/cancel`, { reason: reason.value.trim() });
    reload();
  }, 'conference.cancel');
}

function headActions(c: Conference, reload: () => void): HTMLElement {
  const mine = organises(c) && c.status !== 'cancelled';
  return h(
    'div',
    { class: 'row' },
    mine ? h('button', { type: 'button', class: 'secondary', testid: 'conference-change', onclick: () => openChangeForm(c, reload) }, t('conference.change')) : null,
    mine ? h('button', { type: 'button', class: 'secondary danger', testid: 'conference-cancel', onclick: () => openCancelForm(c, reload) }, t('conference.cancel')) : null,
    c.patient_visible
      ? h('a', { class: 'button secondary', href: `/api/conferences/${seg(c.id)}/export`, download: `case-study-${c.id}.json`, testid: 'conference-export', title: t('conference.export_hint') }, t('conference.export'))
      : null,
  );
}

function participantsList(c: Conference): HTMLElement {
  return h(
    'ul',
    { class: 'plain-list', testid: 'participants' },
    c.participants.map((o) =>
      h('li', { testid: 'participant', 'data-org-id': o.id }, h('strong', null, o.name), o.id === c.organiser.id ? ` ${t('conference.form_organiser')}` : '', o.people.length ? `: ${o.people.map((p) => p.name).join('、')}` : ''),
    ),
  );
}

function patientPart(c: Conference): HTMLElement | string {
  if (!c.has_patient) return t('conference.no_patient');
  if (!c.patient_visible || !c.patient) return h('span', { class: 'muted', testid: 'patient-hidden' }, t('conference.patient_hidden'));
  return h('a', { href: hashOf(['patients', c.patient.id]), testid: 'conference-patient' }, c.patient.name);
}

export async function renderConference(main: HTMLElement, route: Route): Promise<void> {
  const id = route.path[1] ?? '';
  const reload = (): void => go(hashOf(['conferences', id]));
  const data = await loadInto(main, () => Promise.all([loadConference(id), loadKinds()]));
  if (!data) return;
  const [c, kinds] = data;
  replace(
    main,
    h(
      'div',
      { class: 'stack', testid: 'conference-page', 'data-conference-id': c.id, 'data-status': c.status, 'data-patient-visible': String(c.patient_visible) },
      h('p', null, h('a', { href: '#/conferences' }, t('conference.back'))),
      h('div', { class: 'page-head' }, h('h1', { testid: 'conference-heading' }, c.title), headActions(c, reload)),
      h(
        'dl',
        { class: 'dl card' },
        dlRow(t('conference.col_kind'), kindLabel(kinds, c.kind)),
        dlRow(t('conference.col_status'), statusBadge(c), c.cancel_reason ? ` ${t('conference.cancel_reason_shown', { reason: c.cancel_reason })}` : ''),
        dlRow(t('conference.col_when'), `${formatDateTime(c.starts_at)} – ${formatDateTime(c.ends_at)}`),
        dlRow(t('conference.form_place'), c.place || '—'),
        dlRow(t('conference.col_organiser'), c.organiser.name),
        dlRow(t('conference.col_patient'), patientPart(c)),
        dlRow(t('conference.form_participants'), participantsList(c)),
      ),
      c.patient_visible
        ? [
            h('section', { class: 'card stack', testid: 'agenda' }, h('h2', { class: 'card-title' }, t('conference.form_agenda')), h('p', { class: 'pre' }, c.agenda || t('conference.agenda_none'))),
            materialsSection(c, reload),
            minutesSection(c, reload),
            actionsSection(c, reload),
          ]
        : h('p', { class: 'alert warn', testid: 'conference-limited' }, t('conference.limited')),
    ),
  );
}
