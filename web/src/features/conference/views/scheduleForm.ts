// SPDX-License-Identifier: Apache-2.0
// カンファレンスを予定する: a dialog for a conference about a patient (participants offered from
// the patient's care team with consent, each organisation with one of its people if wanted) or
// without one (症例検討会 for teaching: any organisation of the region). The organiser's
// organisation and the person scheduling take part always; the server checks that every
// participant may see the patient and says which one may not.
import { api, getAll, seg } from '../../../api';
import { attempt, errorBox, openDialog } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { todayTokyo, tokyoLocalToIso } from '../../../format';
import { labelOf, t } from '../../../i18n';
import { loadOrgs } from '../../../orgsCache';
import { currentMembership } from '../../../session';
import type { TeamMember } from '../../patients/types';
import { loadKinds } from '../api';
import type { Conference, IdName } from '../types';

interface Candidate {
  org: IdName;
  people: IdName[];
}

/** The care team's organisations with consent in force, each with its named people. */
async function teamCandidates(patientId: string): Promise<Candidate[]> {
  const team = await getAll<TeamMember>(`/api/patients/${seg(patientId)}/team`);
  const byOrg = new Map<string, Candidate>();
  for (const m of team.filter((x) => x.consent_in_force)) {
    const c = byOrg.get(m.org_id) ?? { org: { id: m.org_id, name: m.org_name }, people: [] };
    if (m.user_id && m.user_name && !c.people.some((p) => p.id === m.user_id)) c.people.push({ id: m.user_id, name: m.user_name });
    byOrg.set(m.org_id, c);
  }
  return [...byOrg.values()];
}

async function regionCandidates(): Promise<Candidate[]> {
  return (await loadOrgs()).map((o) => ({ org: { id: o.id, name: o.name }, people: [] }));
}

function participantRow(c: Candidate, own: boolean): HTMLElement {
  const box = h('input', { type: 'checkbox', value: c.org.id, checked: own, disabled: own, testid: 'participant-org', 'data-org-id': c.org.id });
  const person = c.people.length
    ? h('select', { class: 'small', testid: 'participant-person', 'data-org-id': c.org.id, 'aria-label': t('conference.form_person_of', { org: c.org.name }) }, option('', t('conference.form_no_person')), c.people.map((p) => option(p.id, p.name)))
    : null;
  return h('li', { class: 'conference-participant' }, h('label', { class: 'check' }, box, c.org.name, own ? h('span', { class: 'small muted' }, ` ${t('conference.form_organiser')}`) : null), person);
}

function readParticipants(list: HTMLElement): { org_id: string; user_id?: string }[] {
  return Array.from(list.querySelectorAll<HTMLInputElement>('input[data-testid="participant-org"]'))
    .filter((b) => b.checked)
    .map((b) => {
      const person = list.querySelector<HTMLSelectElement>(`select[data-org-id="${b.value}"]`);
      return { org_id: b.value, user_id: person?.value || undefined };
    });
}

/** Opens the form; saved receives the conference scheduled. */
export async function openScheduleForm(patient: IdName | null, saved: (c: Conference) => void): Promise<void> {
  const ownOrg = currentMembership()?.org_id ?? '';
  const kinds = await loadKinds();
  const kind = h('select', { name: 'kind', testid: 'conference-kind' }, kinds.map((k) => option(k.code, labelOf(k), k.code === (patient ? 'service' : 'case_study'))));
  const title = h('input', { type: 'text', name: 'title', maxlength: 200, required: true, testid: 'conference-title' });
  const day = new Date(Date.parse(`${todayTokyo()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const startsAt = h('input', { type: 'datetime-local', name: 'starts_at', required: true, value: `${day}T14:00`, testid: 'conference-start' });
  const endsAt = h('input', { type: 'datetime-local', name: 'ends_at', required: true, value: `${day}T15:00`, testid: 'conference-end' });
  const place = h('input', { type: 'text', name: 'place', maxlength: 500, testid: 'conference-place' });
  const agenda = h('textarea', { name: 'agenda', rows: 4, testid: 'conference-agenda' });
  const list = h('ul', { class: 'plain-list conference-participants', testid: 'conference-participants' }, h('li', { class: 'muted' }, t('common.loading')));
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'conference-submit' }, t('conference.form_submit'));
  const cancel = h('button', { type: 'button', class: 'secondary', testid: 'conference-close' }, t('common.cancel'));
  const form = h(
    'form',
    { class: 'stack conference-form', testid: 'conference-form', novalidate: true },
    errors,
    patient ? h('p', null, t('conference.form_about', { patient: patient.name })) : h('p', { class: 'small muted' }, t('conference.form_teaching')),
    h('div', { class: 'grid2' }, field(t('conference.form_kind'), kind), field(t('conference.form_title'), title), field(t('conference.form_start'), startsAt), field(t('conference.form_end'), endsAt)),
    field(t('conference.form_place'), place, t('conference.form_place_hint')),
    field(t('conference.form_agenda'), agenda),
    h('fieldset', { name: 'participants' }, h('legend', null, t('conference.form_participants')), patient ? h('p', { class: 'small muted' }, t('conference.form_participants_hint')) : null, list),
    h('div', { class: 'row end' }, cancel, submit),
  );
  const dialog = openDialog(t(patient ? 'conference.schedule_patient' : 'conference.schedule_teaching'), form, 'conference-dialog');
  cancel.addEventListener('click', () => dialog.close());
  const candidates = await (patient ? teamCandidates(patient.id) : regionCandidates());
  const own = candidates.find((c) => c.org.id === ownOrg);
  replace(list, [own, ...candidates.filter((c) => c.org.id !== ownOrg)].filter((c): c is Candidate => c !== undefined).map((c) => participantRow(c, c.org.id === ownOrg)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      const body = {
        kind: kind.value,
        title: title.value.trim(),
        starts_at: tokyoLocalToIso(startsAt.value),
        ends_at: tokyoLocalToIso(endsAt.value),
        place: place.value.trim() || undefined,
        agenda: agenda.value.trim() || undefined,
        participants: readParticipants(list),
      };
      const path = patient ? `/api/patients/${seg(patient.id)}/conferences` : '/api/conferences';
      const made = await api.post<Conference>(path, body);
      dialog.close();
      saved(made);
    });
  });
}
