// SPDX-License-Identifier: Apache-2.0
// The 画像 tab of the patient page: the patient's studies one may see (thumbnail, date, modalities,
// description, sending organisation, numbers of series and images, a link to the viewer), and the upload of a CD on
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

/** The viewer's address (the contract other features link to as well). */
export function viewerHref(studyUid: string): string {
  return `#/imaging/view/${encodeURIComponent(studyUid)}`;
}

function thumbnailCell(study: Study): HTMLTableCellElement {
  return h(
    'td',
    { class: 'study-thumb' },
    h(
      'a',
      { href: viewerHref(study.study_uid), testid: 'imaging-study-open', 'aria-label': t('viewer.open') },
      h('img', { src: `/dicom-web/studies/${encodeURIComponent(study.study_uid)}/thumbnail`, alt: t('viewer.thumbnail'), width: '64', height: '64', loading: 'lazy' }),
    ),
  );
}

function studyRow(study: Study): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'imaging-study', 'data-study-uid': study.study_uid },
    thumbnailCell(study),
    td(formatDate(study.study_date)),
    td(study.modalities.join(', ')),
    tdWrap(study.description),
    tdWrap(study.org.name ?? ''),
    h('td', { class: 'num' }, study.number_of_series),
    h('td', { class: 'num' }, study.number_of_instances),
    td(h('a', { href: viewerHref(study.study_uid), class: 'button secondary', testid: 'imaging-study-view' }, t('viewer.open'))),
  );
}

function studyTable(studies: Study[]): HTMLElement {
  if (studies.length === 0) return empty(t('imaging.no_studies'), 'imaging-studies-empty');
  return table(
    'imaging-studies',
    ['', t('imaging.study_date'), t('imaging.modality'), t('imaging.description'), t('imaging.sender'), t('imaging.series'), t('imaging.images'), ''],
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
