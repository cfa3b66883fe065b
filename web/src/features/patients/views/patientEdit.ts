// SPDX-License-Identifier: Apache-2.0
// Correcting a patient's basic facts (PATCH) and adding this organisation's local id.
import { api, seg } from '../../../api';
import { attempt, errorBox, openDialog } from '../../../common';
import { field, h, option } from '../../../dom';
import { todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import type { Sex } from '../../../types';
import type { Patient } from '../types';

const SEXES: Sex[] = ['female', 'male', 'other', 'unknown'];

export function openEditPatient(patient: Patient, saved: () => void): void {
  const name = h('input', { required: true, value: patient.name, testid: 'edit-name' });
  const kana = h('input', { required: true, value: patient.name_kana, testid: 'edit-kana' });
  const sex = h(
    'select',
    { required: true, testid: 'edit-sex' },
    SEXES.map((s) => option(s, t(`sex.${s}`), s === patient.sex)),
  );
  const birth = h('input', { type: 'date', required: true, value: patient.birth_date, max: todayTokyo(), name: 'birth_date', testid: 'edit-birth-date' });
  const address = h('input', { value: patient.address ?? '', testid: 'edit-address' });
  const phone = h('input', { type: 'tel', value: patient.phone ?? '', name: 'phone', testid: 'edit-phone' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'edit-submit' }, t('common.save'));
  const form = h(
    'form',
    { class: 'stack', testid: 'edit-patient-form' },
    errors,
    h(
      'div',
      { class: 'grid2' },
      field(t('patient.name'), name),
      field(t('patient.kana'), kana),
      field(t('patient.sex'), sex),
      field(t('patient.birth_date'), birth),
      field(t('patient.address'), address),
      field(t('patient.phone'), phone),
    ),
    h('div', { class: 'row end' }, submit),
  );
  const dialog = openDialog(t('patient.edit'), form, 'edit-patient-dialog');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: Record<string, string> = {
      name: name.value.trim(),
      name_kana: kana.value.trim(),
      sex: sex.value,
      birth_date: birth.value,
      address: address.value.trim(),
      phone: phone.value.trim(),
    };
    const before = patient as unknown as Record<string, string | null>;
    const changed = Object.fromEntries(
      Object.entries(values).filter(([key, value]) => (before[key] ?? '') !== value),
    );
    void attempt(submit, errors, async () => {
      if (Object.keys(changed).length > 0) await api.patch(`/api/patients/${seg(patient.id)}`, changed);
      dialog.close();
      saved();
    });
  });
}

export function openAddLocalId(patient: Patient, orgName: string, saved: () => void): void {
  const localId = h('input', { required: true, autocomplete: 'off', testid: 'local-id-input' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'local-id-submit' }, t('common.save'));
  const form = h(
    'form',
    { class: 'stack' },
    errors,
    field(t('patients.local_id_at', { org: orgName }), localId),
    h('div', { class: 'row end' }, submit),
  );
  const dialog = openDialog(t('patient.add_local_id'), form, 'local-id-dialog');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post(`/api/patients/${seg(patient.id)}/local-ids`, { local_id: localId.value.trim() });
      dialog.close();
      saved();
    });
  });
}
