// SPDX-License-Identifier: Apache-2.0
// The network office's possible duplicates (`#/admin/duplicates`, issue 13 item 3): pairs that
// may be one person registered twice, to merge (keeping one) or to record as different people.
// Names, readings, birth dates and local ids only; every pair shown is audited by the server.
import { api } from '../../../api';
import { attempt, badge, empty, errorBox, loadInto, notice, pageTitle } from '../../../common';
import { field, h, replace } from '../../../dom';
import { t } from '../../../i18n';
import type { List } from '../../../types';
import type { DuplicatePair } from '../types';
import { birthDate, localIdList, sexLabel } from './patientFormat';

export async function renderDuplicates(main: HTMLElement): Promise<void> {
  const list = h('section', { testid: 'duplicates' });
  replace(main, pageTitle(t('dup.title')), h('p', { class: 'hint' }, t('dup.explain')), list);
  await loadList(list);
}

async function loadList(list: HTMLElement, message?: string): Promise<void> {
  const pairs = await loadInto(list, () => api.get<List<DuplicatePair>>('/api/patient-duplicates').then((l) => l.items));
  if (!pairs) return;
  const reload = (text: string): void => void loadList(list, text);
  replace(
    list,
    message ? notice(message, 'duplicates-notice') : null,
    pairs.length === 0
      ? empty(t('dup.none'), 'duplicates-empty')
      : h('ol', { class: 'cards' }, pairs.map((pair) => pairCard(pair, reload))),
  );
}

function side(patient: DuplicatePair['patients'][number], keep: HTMLButtonElement): HTMLElement {
  return h(
    'div',
    { class: 'dup-side stack', testid: 'duplicate-patient', 'data-patient-id': patient.id },
    h('strong', null, patient.name),
    h('span', null, patient.name_kana),
    h('span', null, `${sexLabel(patient)}・${birthDate(patient)}`),
    localIdList(patient.local_ids),
    patient.new_patient_reason
      ? h(
          'p',
          { class: 'hint', testid: 'duplicate-reason' },
          t('dup.registered_anew', { org: patient.new_patient_reason.org_name, reason: patient.new_patient_reason.reason }),
        )
      : null,
    keep,
  );
}

function pairCard(pair: DuplicatePair, reload: (message: string) => void): HTMLElement {
  const [a, b] = pair.patients;
  if (!a || !b) return h('li');
  const reason = h('textarea', { rows: 2, maxlength: 500, required: true, testid: 'duplicate-reason-input' });
  const errors = errorBox();
  const keepButton = (survivor: typeof a, merged: typeof a): HTMLButtonElement => {
    const button = h('button', { type: 'button', class: 'primary', testid: 'duplicate-keep' }, t('dup.keep'));
    button.addEventListener('click', () => {
      if (!reason.reportValidity()) return;
      void attempt(button, errors, async () => {
        await api.post('/api/patient-duplicates/merge', {
          survivor_id: survivor.id,
          merged_id: merged.id,
          reason: reason.value.trim(),
        });
        reload(t('dup.merged'));
      });
    });
    return button;
  };
  const distinct = h('button', { type: 'button', class: 'secondary', testid: 'duplicate-distinct' }, t('dup.distinct'));
  distinct.addEventListener('click', () => {
    if (!reason.reportValidity()) return;
    void attempt(distinct, errors, async () => {
      await api.post('/api/patient-duplicates/distinct', { patient_ids: [a.id, b.id], reason: reason.value.trim() });
      reload(t('dup.marked_distinct'));
    });
  });
  return h(
    'li',
    { class: 'card duplicate', testid: 'duplicate-pair' },
    h('div', { class: 'card-head' }, badge(t(`match.grade.${pair.grade}`), 'warn'), h('span', null, t('dup.score', { score: pair.score.toFixed(2) }))),
    h('div', { class: 'dup-sides' }, side(a, keepButton(a, b)), side(b, keepButton(b, a))),
    field(t('dup.reason'), reason),
    errors,
    h('div', { class: 'row end' }, distinct),
  );
}
