// SPDX-License-Identifier: Apache-2.0
// The 画像 tab of the patient page: the patient's studies one may see (date, modalities,
// description, sending organisation, numbers of series and images), and the upload of a CD on
// this patient's page (not under emergency access).
import { empty, loadInto } from '../../../common';
import { h, replace, table, td, tdWrap } from '../../../dom';
import { formatDate } from '../../../format';
import { t } from '../../../i18n';
import { currentMembership } from '../../../session';
import type { TabContext } from '../../patients/extensions';
import type { Patient } from '../../patients/types';
import { loadStudies } from '../api';
import type { Study } from '../types';
import { uploadPanel } from './upload';

function studyRow(study: Study): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'imaging-study', 'data-study-uid': study.study_uid },
    td(formatDate(study.study_date)),
    td(study.modalities.join(', ')),
    tdWrap(study.description),
    tdWrap(study.org.name ?? ''),
    h('td', { class: 'num' }, study.number_of_series),
    h('td', { class: 'num' }, study.number_of_instances),
  );
}

function studyTable(studies: Study[]): HTMLElement {
  if (studies.length === 0) return empty(t('imaging.no_studies'), 'imaging-studies-empty');
  return table(
    'imaging-studies',
    [t('imaging.study_date'), t('imaging.modality'), t('imaging.description'), t('imaging.sender'), t('imaging.series'), t('imaging.images')],
    studies.map(studyRow),
  );
}

export async function renderPatientImages(panel: HTMLElement, patient: Patient, context: TabContext): Promise<void> {
  const list = h('div', { testid: 'imaging-study-list' });
  const refresh = async (): Promise<void> => {
    const studies = await loadInto(list, () => loadStudies(patient.id));
    if (studies) replace(list, studyTable(studies));
  };
  // Importing writes to her record: her care team with consent in force (the server decides
  // again); not under emergency access, nor through a record share.
  const mayUpload = !context.emergency && currentMembership() !== null && patient.care_team === true;
  replace(
    panel,
    h('section', { class: 'stack' }, h('h2', null, t('imaging.studies_title')), list),
    mayUpload ? uploadPanel({ patientId: patient.id, done: () => void refresh() }) : null,
  );
  await refresh();
}
