// SPDX-License-Identifier: Apache-2.0
// The organisation's 未照合の検査 page `#/imaging/unmatched`: import a CD whose patient is not known
// yet, and resolve the studies that matched no patient: assign one to a patient found with the
// patient search (its PatientID then becomes the organisation's local id of that patient), or
// reject it with a reason. Names come from the DICOM files and are shown as text.
import { api } from '../../../api';
import { attempt, empty, errorBox, loadInto, notice, openDialog, pageTitle } from '../../../common';
import { field, h, replace, table, td, tdWrap } from '../../../dom';
import { formatDate, formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import type { PatientSummary } from '../../patients/types';
import { birthDate, localIdList } from '../../patients/views/patientFormat';
import { assignStudy, loadQueue, rejectStudy } from '../api';
import type { QueuedStudy } from '../types';
import { uploadPanel } from './upload';

const SEARCH_LIMIT = 20;

function sexText(code: string): string {
  return code === 'M' ? t('imaging.sex_m') : code === 'F' ? t('imaging.sex_f') : code === 'O' ? t('imaging.sex_o') : '';
}

/** The dialog that assigns a study to a patient found by name, reading or local id. */
function openAssign(study: QueuedStudy, done: () => void): void {
  const query = h('input', { type: 'search', required: true, value: (study.dicom_patient.name_ideographic || study.dicom_patient.name_alphabetic).replaceAll('^', ' ').trim(), testid: 'assign-query', name: 'q' });
  const errors = errorBox();
  const hits = h('div', { testid: 'assign-hits' });
  const search = h('button', { type: 'submit', testid: 'assign-search' }, t('imaging.search'));
  const pick = (patient: PatientSummary, button: HTMLButtonElement): void =>
    void attempt(button, errors, async () => {
      await assignStudy(study.study_uid, patient.id);
      dialog.close();
      done();
    });
  const hitRow = (patient: PatientSummary): HTMLTableRowElement => {
    const choose: HTMLButtonElement = h('button', { type: 'button', class: 'primary', testid: 'assign-pick', onclick: () => pick(patient, choose) }, t('imaging.assign_here'));
    return h('tr', { testid: 'assign-hit' }, td(patient.name, h('div', { class: 'small muted' }, patient.name_kana)), td(birthDate(patient)), tdWrap(localIdList(patient.local_ids)), td(choose));
  };
  const form = h(
    'form',
    { class: 'stack', testid: 'assign-form' },
    h('p', { class: 'hint' }, t('imaging.assign_hint')),
    h('dl', { class: 'dl' }, h('dt', null, t('imaging.dicom_patient')), h('dd', { testid: 'assign-dicom-patient' }, `${study.dicom_patient.name} (${study.dicom_patient.patient_id})`)),
    errors,
    h('div', { class: 'row' }, field(t('imaging.patient_search'), query), search),
    hits,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(search, errors, async () => {
      const page = await api.get<{ items: PatientSummary[] }>('/api/patients', { q: query.value.trim(), limit: SEARCH_LIMIT });
      replace(
        hits,
        page.items.length
          ? table('assign-hits-table', [t('imaging.patient'), t('imaging.birth_date'), t('imaging.local_ids'), ''], page.items.map(hitRow))
          : empty(t('imaging.no_patients'), 'assign-no-hits'),
      );
    });
  });
  const dialog = openDialog(t('imaging.assign_title'), form, 'assign-dialog');
}

function openReject(study: QueuedStudy, done: () => void): void {
  const reason = h('textarea', { required: true, maxlength: 1000, rows: 3, name: 'reason', testid: 'reject-reason' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'danger', testid: 'reject-submit' }, t('imaging.reject'));
  const form = h(
    'form',
    { class: 'stack', testid: 'reject-form' },
    h('p', { class: 'hint' }, t('imaging.reject_hint', { name: study.dicom_patient.name })),
    errors,
    field(t('imaging.reject_reason'), reason),
    h('div', { class: 'row end' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await rejectStudy(study.study_uid, reason.value.trim());
      dialog.close();
      done();
    });
  });
  const dialog = openDialog(t('imaging.reject_title'), form, 'reject-dialog');
}

function queueRow(study: QueuedStudy, changed: (message: string) => void): HTMLTableRowElement {
  const who = study.dicom_patient;
  const patient = [formatDate(who.birth_date), sexText(who.sex)].filter(Boolean).join(' ');
  return h(
    'tr',
    { testid: 'queue-study', 'data-study-uid': study.study_uid },
    tdWrap(h('span', { testid: 'queue-patient-name' }, who.name), patient ? h('div', { class: 'small muted' }, patient) : null),
    td(h('code', null, who.patient_id), who.issuer ? h('div', { class: 'small muted' }, who.issuer) : null),
    td(formatDate(study.study_date)),
    td(study.modalities.join(', ')),
    tdWrap(study.description),
    h('td', { class: 'num' }, study.number_of_instances),
    td(formatDateTime(study.received_at)),
    td(
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'primary', testid: 'queue-assign', onclick: () => openAssign(study, () => changed(t('imaging.assigned'))) }, t('imaging.assign')),
        h('button', { type: 'button', class: 'secondary', testid: 'queue-reject', onclick: () => openReject(study, () => changed(t('imaging.rejected'))) }, t('imaging.reject')),
      ),
    ),
  );
}

export async function renderUnmatched(main: HTMLElement): Promise<void> {
  const status = h('div');
  const list = h('div', { testid: 'queue-list' });
  const refresh = async (message?: string): Promise<void> => {
    replace(status, message ? notice(message) : null);
    const studies = await loadInto(list, () => loadQueue());
    if (!studies) return;
    const headers = [t('imaging.dicom_patient'), t('imaging.dicom_patient_id'), t('imaging.study_date'), t('imaging.modality'), t('imaging.description'), t('imaging.images'), t('imaging.received_at'), ''];
    replace(list, studies.length ? table('imaging-queue', headers, studies.map((s) => queueRow(s, (m) => void refresh(m)))) : empty(t('imaging.queue_empty'), 'queue-empty'));
  };
  replace(
    main,
    pageTitle(t('imaging.unmatched_title')),
    h('p', { class: 'hint' }, t('imaging.unmatched_hint')),
    status,
    h('section', { class: 'stack' }, h('h2', null, t('imaging.queue_title')), list),
    uploadPanel({ done: () => void refresh() }),
  );
  await refresh();
}
