// SPDX-License-Identifier: Apache-2.0
// How a patient's basic facts are shown, in the list and on the patient page.
import { h } from '../../../dom';
import { ageOn, formatDate } from '../../../format';
import { t, tCode } from '../../../i18n';
import type { LocalId, PatientSummary } from '../types';

/** Age from the birth date, in Tokyo; the server's figure if the date cannot be read. */
export function patientAge(patient: PatientSummary): string {
  const age = ageOn(patient.birth_date) ?? patient.age;
  return age === null || age === undefined ? '' : t('patient.age_value', { age });
}

export function sexLabel(patient: Pick<PatientSummary, 'sex'>): string {
  return tCode('sex', patient.sex);
}

export function birthDate(patient: Pick<PatientSummary, 'birth_date'>): string {
  return formatDate(patient.birth_date);
}

export function localIdList(ids: LocalId[], testid?: string): HTMLElement {
  return h(
    'ul',
    { class: 'local-ids', testid },
    ids.map((id) =>
      h(
        'li',
        null,
        h('span', { class: 'local-id-org' }, id.org_name),
        ' ',
        h('code', { class: 'local-id' }, id.local_id),
      ),
    ),
  );
}
