// SPDX-License-Identifier: Apache-2.0
// The patient page's カンファレンス tab: the conferences about the patient that the current
// organisation takes part in, and, for the care team, scheduling one (退院前カンファレンス,
// サービス担当者会議, 症例検討会) with participants of the team.
import { loadInto } from '../../../common';
import { h, replace } from '../../../dom';
import { todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import { go, hashOf } from '../../../router';
import type { TabContext } from '../../patients/extensions';
import type { Patient } from '../../patients/types';
import { loadConferences, loadKinds } from '../api';
import { conferenceTable, shiftDate } from './list';
import { openScheduleForm } from './scheduleForm';

export async function renderPatientConferences(panel: HTMLElement, patient: Patient, _context: TabContext): Promise<void> {
  const today = todayTokyo();
  const data = await loadInto(panel, () => Promise.all([loadConferences(shiftDate(today, -730), shiftDate(today, 730)), loadKinds()]));
  if (!data) return;
  const [items, kinds] = data;
  const mine = items.filter((c) => c.patient?.id === patient.id);
  const schedule =
    patient.care_team === true
      ? h('button', { type: 'button', class: 'primary', testid: 'conference-schedule', onclick: () => void openScheduleForm({ id: patient.id, name: patient.name }, (c) => go(hashOf(['conferences', c.id]))) }, t('conference.schedule_patient'))
      : null;
  replace(panel, h('section', { class: 'stack', testid: 'patient-conferences' }, h('div', { class: 'row' }, h('h2', null, t('conference.patient_title')), schedule), conferenceTable(mine, kinds, false)));
}
