// SPDX-License-Identifier: Apache-2.0
// Registration finds the patient first (名寄せ, issue 13 item 3): the likely matches of what was
// typed, each to link the organisation's local id to, or registering anew with a stated reason.
import { api } from '../../../api';
import { attempt, badge, errorBox } from '../../../common';
import { field, h } from '../../../dom';
import { t } from '../../../i18n';
import type { Patient, PatientMatch } from '../types';
import { birthDate, localIdList, sexLabel } from './patientFormat';

/** What registration sends, kept to link or to register anew. */
export interface Registration {
  name: string;
  name_kana: string;
  sex: string;
  birth_date: string;
  address?: string;
  phone?: string;
  local_id: string;
  consent: { method: string; consented_on: string; scope: 'all' };
}

export function findMatches(r: Registration): Promise<PatientMatch[]> {
  return api
    .post<{ items: PatientMatch[] }>('/api/patients/match', {
      name: r.name,
      name_kana: r.name_kana,
      sex: r.sex,
      birth_date: r.birth_date,
    })
    .then((answer) => answer.items);
}

const GRADE_KIND = { certain: 'warn', probable: 'warn', possible: 'info' } as const;

function candidate(match: PatientMatch, r: Registration, done: (p: Patient) => void): HTMLElement {
  const errors = errorBox();
  const link = h('button', { type: 'button', class: 'primary', testid: 'match-link' }, t('match.link'));
  link.addEventListener('click', () => {
    void attempt(link, errors, async () => {
      const patient = await api.post<Patient>('/api/patients/link', {
        offer_id: match.offer_id,
        local_id: r.local_id,
        // the consent of the form is recorded with the link, unless one already names us
        ...(match.consent_covers_org ? {} : { consent: r.consent }),
      });
      done(patient);
    });
  });
  const p = match.patient;
  return h(
    'li',
    { class: 'card match', testid: 'match-candidate', 'data-grade': match.grade },
    h(
      'div',
      { class: 'card-head' },
      badge(t(`match.grade.${match.grade}`), GRADE_KIND[match.grade]),
      h('strong', { testid: 'match-name' }, p.name),
      h('span', null, p.name_kana),
    ),
    h('p', null, `${sexLabel(p)}・${birthDate(p)}`),
    p.local_ids ? h('div', null, localIdList(p.local_ids)) : h('p', { class: 'hint' }, t('match.other_org')),
    h('p', { class: 'hint' }, match.consent_covers_org ? t('match.consent_covers') : t('match.consent_now')),
    errors,
    h('div', { class: 'row end' }, link),
  );
}

/** The panel shown instead of registering at once: the candidates, then 登録 anew with a
 *  reason. done gets the patient linked or registered. */
export function matchPanel(matches: PatientMatch[], r: Registration, done: (p: Patient) => void): HTMLElement {
  const reason = h('textarea', { rows: 2, maxlength: 500, required: true, testid: 'match-new-reason' });
  const errors = errorBox();
  const anew = h('button', { type: 'button', class: 'secondary', testid: 'match-register-anew' }, t('match.register_anew'));
  anew.addEventListener('click', () => {
    if (!reason.value.trim()) {
      reason.reportValidity();
      return;
    }
    void attempt(anew, errors, async () => {
      done(await api.post<Patient>('/api/patients', { ...r, new_patient_reason: reason.value.trim() }));
    });
  });
  return h(
    'section',
    { class: 'stack match-panel', testid: 'match-panel', 'aria-live': 'polite' },
    h('h3', null, t('match.title')),
    h('p', { class: 'alert warn' }, t('match.explain')),
    h('ol', { class: 'cards' }, matches.map((m) => candidate(m, r, done))),
    h(
      'div',
      { class: 'card stack' },
      h('h4', null, t('match.anew_title')),
      field(t('match.reason'), reason, t('match.reason_hint')),
      errors,
      h('div', { class: 'row end' }, anew),
    ),
  );
}
